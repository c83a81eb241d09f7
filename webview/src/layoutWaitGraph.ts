/**
 * layoutWaitGraph: positions the wait-for graph as drawn (collapseWaitGraph's output) with elkjs (layered,
 * left to right) in the layout worker (elkClient), for renderWaitGraph. Node sizes come from the measured
 * width of their (shortened) labels.
 */
import type { WaitGraph } from '../../extension/engine/contracts/report';
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api';
import type { ShownEdge, ShownGraph, ShownNode } from '../../extension/engine/contracts/waitGraphCollapse';
import { layoutInWorker } from './elkClient';
import { textMeasurer } from './format';
import { GRAPH_LAYOUT_OPTIONS } from '../../extension/engine/contracts/graphLayout';
/** Labels longer than this are shortened in the drawing (the full text is in the tooltip). */
export const MAX_LABEL_CHARS = 40;

const NODE_HEIGHT = 28;
const NODE_PADDING_X = 14;
const EDGE_LABEL_HEIGHT = 14;
const FONT_PX = 12;
const EDGE_FONT_PX = 10;

export interface PlacedNode {
  readonly node: ShownNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The label as drawn (shortened). */
  readonly text: string;
  readonly inCycle: boolean;
}

export interface PlacedEdge {
  readonly edge: ShownEdge;
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
  /** Milliseconds the layout took in the worker. */
  readonly layoutMs: number;
}

/** Shortens a label to MAX_LABEL_CHARS with an ellipsis. */
export function shortLabel(label: string): string {
  return label.length <= MAX_LABEL_CHARS ? label : `${label.slice(0, MAX_LABEL_CHARS - 1)}…`;
}

/** The node ids and directed edges (`from\0to`) that lie on a cycle of the graph. */
export function cycleMembers(graph: Pick<WaitGraph, 'cycles'> | ShownGraph): { nodes: Set<string>; edges: Set<string> } {
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

/** Lays out `graph` in the layout worker; rejects when elkjs fails. */
export async function layoutWaitGraph(graph: ShownGraph): Promise<WaitGraphLayout> {
  const cycles = cycleMembers(graph);
  const kept = graph.nodes;
  const edges = graph.edges;
  const measure = textMeasurer();

  const texts = new Map(kept.map((n) => [n.id, shortLabel(n.label)]));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: { ...GRAPH_LAYOUT_OPTIONS },
    children: kept.map((n) => ({
      id: n.id,
      width: Math.ceil(measure(texts.get(n.id) ?? '', FONT_PX)) + 2 * NODE_PADDING_X + (n.kind === 'resource' ? NODE_HEIGHT / 2 : 0) + (n.members ? 8 : 0),
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

  const { laid, ms } = await layoutInWorker(root);

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
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes, edges: placedEdges, layoutMs: ms };
}
