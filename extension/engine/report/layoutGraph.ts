/**
 * layoutGraph: lays out a graph with elkjs in Node (`elk.bundled.js`, its in-thread "fake worker": the CLI
 * has no UI thread to keep free) with the options of contracts/graphLayout.ts, and returns the positions as
 * a `PlacedGraph`. Node sizes come from a text-length estimate (no canvas here): the longest line of a
 * node times an average character width, plus padding. elkjs (1.5 MB of GWT output) is loaded on the first
 * layout only, so commands that draw no graph never pay for it.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { EDGE_LABEL_OPTIONS, GRAPH_LAYOUT_OPTIONS, GRAPH_METRICS, type GraphPoint, type PlacedEdge, type PlacedGraph, type PlacedNode } from '../contracts/graphLayout';

/** A node to lay out: its text lines (shortened here), kind, classes and line. */
export interface GraphNodeInput {
  readonly id: string;
  readonly lines: readonly string[];
  readonly kind: string;
  readonly classes: readonly string[];
  readonly line?: number;
}

export interface GraphEdgeInput {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly classes: readonly string[];
}

interface Elk {
  layout(graph: ElkNode): Promise<ElkNode>;
}

let elk: Promise<Elk> | undefined;

function elkOnce(): Promise<Elk> {
  return (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));
}

/** A line shortened to GRAPH_METRICS.maxLineChars characters (code points) with an ellipsis. */
export function shortLine(text: string): string {
  const chars = Array.from(text);
  return chars.length <= GRAPH_METRICS.maxLineChars ? text : `${chars.slice(0, GRAPH_METRICS.maxLineChars - 1).join('')}…`;
}

/** Estimated width (px) of a text at a font size: wide (CJK, emoji) characters count a full em. */
export function textWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const ch of text) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : GRAPH_METRICS.charWidthEm;
  return Math.ceil(em * fontPx);
}

/** The box of a node with these (already shortened) lines. */
export function nodeSize(lines: readonly string[]): { w: number; h: number } {
  const m = GRAPH_METRICS;
  const widest = Math.max(0, ...lines.map((l) => textWidth(l, m.nodeFontPx)));
  return { w: widest + 2 * m.nodePaddingX, h: Math.max(1, lines.length) * m.lineHeightPx + 2 * m.nodePaddingY };
}

/** Lays out the nodes and the edges between them (edges to unknown nodes are dropped); rejects when elkjs fails. */
export async function layoutGraph(nodes: readonly GraphNodeInput[], edges: readonly GraphEdgeInput[]): Promise<PlacedGraph> {
  const m = GRAPH_METRICS;
  const lines = new Map(nodes.map((n) => [n.id, n.lines.map(shortLine)]));
  const kept = edges.filter((e) => lines.has(e.from) && lines.has(e.to));
  const edgeLabels = kept.map((e) => shortLine(e.label));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: { ...GRAPH_LAYOUT_OPTIONS },
    children: nodes.map((n) => ({ id: n.id, ...sizeOf(lines.get(n.id) ?? []) })),
    edges: kept.map(
      (e, i): ElkExtendedEdge => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        ...(edgeLabels[i] ? { labels: [{ text: edgeLabels[i], width: textWidth(edgeLabels[i], m.edgeFontPx) + 4, height: m.edgeLabelHeightPx, layoutOptions: { ...EDGE_LABEL_OPTIONS } }] } : {}),
      }),
    ),
  };
  const laid = await (await elkOnce()).layout(root);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedNode[] = [];
  for (const c of laid.children ?? []) {
    const n = byId.get(c.id);
    if (n === undefined) continue;
    placed.push({
      id: n.id,
      x: c.x ?? 0,
      y: c.y ?? 0,
      w: c.width ?? 0,
      h: c.height ?? 0,
      lines: lines.get(n.id) ?? [],
      kind: n.kind,
      classes: n.classes,
      ...(n.line !== undefined ? { line: n.line } : {}),
    });
  }
  const placedEdges: PlacedEdge[] = [];
  for (const le of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const i = Number(le.id.slice(1));
    const e = kept[i];
    if (e === undefined) continue;
    const points: GraphPoint[] = [];
    for (const s of le.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    if (points.length < 2) continue;
    const label = le.labels?.[0];
    const labelAt = label && label.x !== undefined && label.y !== undefined ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 } : undefined;
    placedEdges.push({ from: e.from, to: e.to, points: points.map((p) => ({ x: p.x, y: p.y })), label: edgeLabels[i] ?? '', ...(labelAt ? { labelAt } : {}), classes: e.classes });
  }
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes: placed, edges: placedEdges };
}

function sizeOf(lines: readonly string[]): { width: number; height: number } {
  const s = nodeSize(lines);
  return { width: s.w, height: s.h };
}
