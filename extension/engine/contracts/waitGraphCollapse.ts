/**
 * waitGraphCollapse (collapseWaitGraph): the wait-for graph as drawn. A graph of more than COLLAPSE_ABOVE nodes is made
 * readable by merging blocked tasks that share a culprit (the function their stack waits in) and wait on
 * the same nodes into one group node ("6 tasks in folio_wait_bit"); if it still has more than MAX_DRAWN
 * nodes, tasks are merged by culprit alone. Nothing is cut: every task is drawn or counted in a group, and
 * a group the user expands (`expanded`) is drawn as its tasks. Tasks on a wait cycle (a deadlock) are
 * never merged. Edges follow their ends into groups; parallel edges of one kind merge, with a count.
 *
 * A pure function of contract data (it imports only contracts) so that the panel and the HTML report
 * draw the same graph; unit-tested with the reports of real kernel logs.
 */
import type { EvidenceRef } from './finding';
import type { WaitEdge, WaitGraph, WaitNode } from './report';

/** Graphs up to this many nodes are drawn as they are. */
export const COLLAPSE_ABOVE = 60;
/** Past this many nodes after merging by culprit and targets, tasks merge by culprit alone. */
export const MAX_DRAWN = 300;

export interface ShownNode extends WaitNode {
  /** For a group node: the ids of its tasks. */
  readonly members?: readonly string[];
}

export interface ShownEdge extends WaitEdge {
  /** Edges of the full graph this edge stands for. */
  readonly count: number;
}

export interface ShownGraph {
  readonly nodes: readonly ShownNode[];
  readonly edges: readonly ShownEdge[];
  readonly cycles: readonly (readonly string[])[];
  /** Nodes of the full graph. */
  readonly totalNodes: number;
  /** Group nodes drawn (collapsed groups). */
  readonly groups: number;
}

/** Group ids say what they merge, so an expanded group stays expanded when the report is shown again. */
function groupId(culprit: string, targets: string): string {
  return `group:${culprit}${targets ? `|${targets}` : ''}`;
}

/**
 * The graph to draw. `culpritOf` gives a task node's culprit (undefined: never merged); `expanded` holds
 * group ids the user opened.
 */
export function collapseWaitGraph(graph: WaitGraph, culpritOf: (node: WaitNode) => string | undefined, expanded: ReadonlySet<string> = new Set(), limits = { collapseAbove: COLLAPSE_ABOVE, maxDrawn: MAX_DRAWN }): ShownGraph {
  const plain: ShownGraph = { nodes: graph.nodes, edges: graph.edges.map((e) => ({ ...e, count: 1 })), cycles: graph.cycles, totalNodes: graph.nodes.length, groups: 0 };
  if (graph.nodes.length <= limits.collapseAbove) return plain;
  const onCycle = new Set(graph.cycles.flat());
  const targets = new Map<string, string[]>();
  for (const e of graph.edges) {
    const t = targets.get(e.from);
    if (t) t.push(e.to);
    else targets.set(e.from, [e.to]);
  }
  const mergeable = (n: WaitNode): string | undefined => (n.kind === 'task' && !onCycle.has(n.id) ? culpritOf(n) : undefined);

  const byTargets = (n: WaitNode, c: string): string => groupId(c, [...new Set(targets.get(n.id) ?? [])].sort().join(','));
  let shown = merge(graph, mergeable, byTargets, expanded);
  if (shown.nodes.length > limits.maxDrawn) {
    // By culprit alone, but a group the user opened stays open (its tasks are not merged again).
    const stillMergeable = (n: WaitNode): string | undefined => {
      const c = mergeable(n);
      return c !== undefined && !expanded.has(byTargets(n, c)) ? c : undefined;
    };
    shown = merge(graph, stillMergeable, (_n, c) => groupId(c, ''), expanded);
  }
  return shown;
}

function merge(graph: WaitGraph, culpritOf: (n: WaitNode) => string | undefined, keyOf: (n: WaitNode, culprit: string) => string, expanded: ReadonlySet<string>): ShownGraph {
  // Members of each would-be group, in report order.
  const members = new Map<string, WaitNode[]>();
  for (const n of graph.nodes) {
    const c = culpritOf(n);
    if (c === undefined) continue;
    const key = keyOf(n, c);
    const m = members.get(key);
    if (m) m.push(n);
    else members.set(key, [n]);
  }
  const into = new Map<string, string>();
  const nodes: ShownNode[] = [];
  const placed = new Set<string>();
  let groups = 0;
  for (const n of graph.nodes) {
    const c = culpritOf(n);
    const key = c === undefined ? undefined : keyOf(n, c);
    const group = key === undefined ? undefined : members.get(key);
    if (key === undefined || group === undefined || group.length < 2 || expanded.has(key)) {
      nodes.push(n);
      continue;
    }
    into.set(n.id, key);
    if (placed.has(key)) continue;
    placed.add(key);
    groups++;
    const first = group[0]!;
    nodes.push({
      id: key,
      kind: 'task',
      label: `${group.length} tasks in ${c}`,
      stuck: group.some((m) => m.stuck),
      ...(first.file !== undefined ? { file: first.file } : {}),
      ...(first.line !== undefined ? { line: first.line } : {}),
      detail: `${group.length} tasks`,
      members: group.map((m) => m.id),
    });
  }
  const edges = new Map<string, { e: WaitEdge; count: number; evidence: EvidenceRef[] }>();
  for (const e of graph.edges) {
    const from = into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    const key = `${from}\u0000${to}\u0000${e.kind}`;
    const had = edges.get(key);
    if (had) {
      had.count++;
      if (had.evidence.length < 20) had.evidence.push(...e.evidence.slice(0, 20 - had.evidence.length));
    } else edges.set(key, { e: { ...e, from, to }, count: 1, evidence: [...e.evidence] });
  }
  const shownEdges = [...edges.values()].map(({ e, count, evidence }): ShownEdge => ({ ...e, evidence, count, label: count > 1 ? `${e.label} (${count} edges)` : e.label }));
  return { nodes, edges: shownEdges, cycles: graph.cycles, totalNodes: graph.nodes.length, groups };
}
