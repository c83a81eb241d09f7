/**
 * layoutWaitGraph: positions the report's wait-for graph with elkjs (layered algorithm, left to right),
 * for waitGraphView to draw. Node sizes come from the measured width of their (shortened) labels; graphs
 * above MAX_GRAPH_NODES are cut to their first nodes (cycle members first) and say so.
 *
 * Why elkjs runs here, in the webview, and not in the engine worker (house style 16 prefers off the UI
 * thread): `elk.bundled.js` is plain GWT output that needs neither `eval` nor `new Function` (checked:
 * the file contains neither, nor string `setTimeout`), so it runs under the panel's strict CSP (nonce
 * scripts only, no 'unsafe-eval'). Without a `workerUrl` it uses its in-thread "fake worker", so no
 * `worker-src` / blob: URL has to be allowed either. The webview is its own frame, so a layout blocks
 * the panel, not the editor, and the node cap keeps one layout in the tens of milliseconds; if graphs
 * ever need more, move this module's `layoutWaitGraph` into the engine worker and send the positions.
 */
import type { WaitEdge, WaitGraph, WaitNode } from '../../extension/engine/contracts/report';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api';

/** Graphs with more nodes are cut to this many (a layered layout of thousands of nodes is unreadable). */
export const MAX_GRAPH_NODES = 300;
/** Labels longer than this are shortened in the drawing (the full text is in the tooltip). */
export const MAX_LABEL_CHARS = 40;

const NODE_HEIGHT = 28;
const NODE_PADDING_X = 14;
const EDGE_LABEL_HEIGHT = 14;
const FONT_PX = 12;
const EDGE_FONT_PX = 10;

export interface PlacedNode {
  readonly node: WaitNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The label as drawn (shortened). */
  readonly text: string;
  readonly inCycle: boolean;
}

export interface PlacedEdge {
  readonly edge: WaitEdge;
  /** Start, bend points, end. */
  readonly points: readonly ElkPoint[];
  /** Centre of the short label (the edge kind). */
  readonly labelAt: ElkPoint | undefined;
  readonly inCycle: boolean;
}

export interface WaitGraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  /** Nodes in the report's graph (more than `nodes.length` when the graph was cut). */
  readonly totalNodes: number;
}

let elk: InstanceType<typeof ELK> | undefined;

/** Shortens a label to MAX_LABEL_CHARS with an ellipsis. */
export function shortLabel(label: string): string {
  return label.length <= MAX_LABEL_CHARS ? label : `${label.slice(0, MAX_LABEL_CHARS - 1)}…`;
}

/** The node ids and directed edges (`from\0to`) that lie on a cycle of the graph. */
export function cycleMembers(graph: WaitGraph): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const cycle of graph.cycles) {
    cycle.forEach((id, i) => {
      nodes.add(id);
      edges.add(`${id}\u0000${cycle[(i + 1) % cycle.length] ?? id}`);
    });
  }
  return { nodes, edges };
}

/** Lays out `graph` (cut to MAX_GRAPH_NODES nodes); rejects when elkjs fails. */
export async function layoutWaitGraph(graph: WaitGraph): Promise<WaitGraphLayout> {
  const cycles = cycleMembers(graph);
  const kept = pickNodes(graph.nodes, cycles.nodes);
  const keptIds = new Set(kept.map((n) => n.id));
  const edges = graph.edges.filter((e) => keptIds.has(e.from) && keptIds.has(e.to));
  const measure = textMeasurer();

  const texts = new Map(kept.map((n) => [n.id, shortLabel(n.label)]));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.edgeLabel': '2',
      'elk.spacing.componentComponent': '24',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
    children: kept.map((n) => ({
      id: n.id,
      width: Math.ceil(measure(texts.get(n.id) ?? '', FONT_PX)) + 2 * NODE_PADDING_X + (n.kind === 'resource' ? NODE_HEIGHT / 2 : 0),
      height: NODE_HEIGHT,
    })),
    edges: edges.map(
      (e, i): ElkExtendedEdge => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        labels: [{ text: e.kind, width: Math.ceil(measure(e.kind, EDGE_FONT_PX)) + 4, height: EDGE_LABEL_HEIGHT, layoutOptions: { 'elk.edgeLabels.placement': 'CENTER' } }],
      }),
    ),
  };

  elk ??= new ELK();
  const laid = await elk.layout(root);

  const byId = new Map(kept.map((n) => [n.id, n]));
  const nodes: PlacedNode[] = [];
  for (const c of laid.children ?? []) {
    const node = byId.get(c.id);
    if (!node) continue;
    nodes.push({ node, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0, text: texts.get(c.id) ?? '', inCycle: cycles.nodes.has(c.id) });
  }
  const placedEdges: PlacedEdge[] = [];
  for (const le of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const edge = edges[Number(le.id.slice(1))];
    if (!edge) continue;
    const points: ElkPoint[] = [];
    for (const s of le.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    if (points.length < 2) continue;
    const label = le.labels?.[0];
    const labelAt = label && label.x !== undefined && label.y !== undefined ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 } : undefined;
    placedEdges.push({ edge, points, labelAt, inCycle: cycles.edges.has(`${edge.from}\u0000${edge.to}`) });
  }
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes, edges: placedEdges, totalNodes: graph.nodes.length };
}

/** The first MAX_GRAPH_NODES nodes, cycle members first, otherwise in report order. */
function pickNodes(all: readonly WaitNode[], inCycle: ReadonlySet<string>): WaitNode[] {
  if (all.length <= MAX_GRAPH_NODES) return [...all];
  const first = all.filter((n) => inCycle.has(n.id));
  const rest = all.filter((n) => !inCycle.has(n.id));
  return [...first, ...rest].slice(0, MAX_GRAPH_NODES);
}

/** Text width in the panel's font (canvas measureText), or an estimate when no 2D context exists. */
function textMeasurer(): (text: string, px: number) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  return (text, px) => {
    if (!ctx) return text.length * px * 0.6;
    ctx.font = `${px}px ${family}`;
    return ctx.measureText(text).width;
  };
}
