/**
 * foldWaitGraph: the wait-for graph of blocked tasks as the HTML report draws it, at most `maxNodes` nodes.
 * The folding is the panel's (contracts/waitGraphCollapse.ts, so both show the same groups): above
 * `maxNodes` nodes, blocked tasks that share a culprit frame and wait on the same nodes become one group
 * node ("5 tasks in read_extent_buffer_pages"), then tasks that share a culprit. A page cannot expand a
 * group, so if the graph still has more than `maxNodes` nodes the first ones are kept (cycle members first)
 * and the rest are counted in the note. Nodes carry their text lines (label, then the culprit or the
 * detail), their line, and whether they are stuck, on a cycle or a group.
 */
import type { ShownEdge } from '../contracts/waitGraphCollapse';
import { collapseWaitGraph } from '../contracts/waitGraphCollapse';
import type { TaskReport, WaitGraph, WaitNodeKind } from '../contracts/report';

export interface WaitGraphDrawNode {
  readonly id: string;
  readonly kind: WaitNodeKind;
  /** Label, then the culprit (tasks and groups) or the detail. */
  readonly lines: readonly string[];
  readonly classes: readonly string[];
  readonly file?: string;
  readonly line?: number;
  /** The full text for a tooltip (a group lists its tasks). */
  readonly title: string;
}

export interface FoldedWaitGraph {
  readonly nodes: readonly WaitGraphDrawNode[];
  readonly edges: readonly ShownEdge[];
  /** What was folded or left out, in words; empty when the graph is drawn whole. */
  readonly note: string;
}

/** The graph with at most `maxNodes` nodes (see the header). */
export function foldWaitGraph(graph: WaitGraph, tasks: readonly TaskReport[], maxNodes: number): FoldedWaitGraph {
  const culprit = new Map<string, string>();
  for (const t of tasks) if (t.blocked && t.culprit !== undefined && !culprit.has(t.node)) culprit.set(t.node, t.culprit);
  const shown = collapseWaitGraph(graph, (n) => culprit.get(n.id), new Set(), { collapseAbove: maxNodes, maxDrawn: maxNodes });
  const onCycle = new Set(shown.cycles.flat());
  const labelOf = new Map(graph.nodes.map((n) => [n.id, n.label]));
  const notes: string[] = [];
  if (shown.groups > 0) {
    const folded = shown.nodes.reduce((n, x) => n + (x.members?.length ?? 0), 0);
    notes.push(`${folded} blocked tasks are drawn as ${shown.groups} group${shown.groups === 1 ? '' : 's'} of tasks with the same culprit frame (the panel can expand them)`);
  }
  let nodes = [...shown.nodes];
  if (nodes.length > maxNodes) {
    nodes = [...nodes.filter((n) => onCycle.has(n.id)), ...nodes.filter((n) => !onCycle.has(n.id))].slice(0, Math.max(0, maxNodes));
    notes.push(`${shown.nodes.length - nodes.length} of ${shown.nodes.length} nodes are not drawn (at most ${maxNodes}; cycle members first), nor their edges`);
  }
  const kept = new Set(nodes.map((n) => n.id));
  const where = (file: string | undefined, line: number | undefined): string => (line !== undefined ? ` (${file !== undefined ? `${file.split('/').pop()}:` : ''}${line})` : '');
  return {
    nodes: nodes.map((n) => {
      const c = n.members ? culprit.get(n.members[0] ?? '') : culprit.get(n.id);
      const lines = n.members ? [`${n.members.length} tasks`, `in ${c ?? '?'}`] : [n.label, ...(c !== undefined ? [`in ${c}`] : n.detail !== undefined && n.kind !== 'task' ? [n.detail] : [])];
      return {
        id: n.id,
        kind: n.kind,
        lines,
        classes: [...(n.stuck ? ['stuck'] : []), ...(onCycle.has(n.id) ? ['cycle'] : []), ...(n.members ? ['group'] : [])],
        ...(n.file !== undefined ? { file: n.file } : {}),
        ...(n.line !== undefined ? { line: n.line } : {}),
        title: n.members
          ? `${n.label}: ${n.members.map((m) => labelOf.get(m) ?? m).join(', ')}${where(n.file, n.line)}`
          : `${lines.join(' ')}${n.stuck ? ', stuck' : ''}${where(n.file, n.line)}`,
      };
    }),
    edges: shown.edges.filter((e) => kept.has(e.from) && kept.has(e.to)),
    note: notes.length > 0 ? `${notes.join('; ')}.` : '',
  };
}
