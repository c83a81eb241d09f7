/**
 * graphLayout: how iolens lays out its graphs (request lifecycles, the wait-for graph of blocked tasks) and
 * what a laid-out graph is. Data only, shared by the `--html` report (elkjs in Node) and the panel (elkjs in
 * a Web Worker), so both draw the same shapes: the ELK layered options (left to right, in time or in
 * waiting), the metrics node sizes are estimated from, and `PlacedGraph`, the positions in pixels.
 */

/** Options of the ELK root node: layered, left to right, orthogonal edges, room for edge labels. */
export const GRAPH_LAYOUT_OPTIONS: Readonly<Record<string, string>> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '18',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.spacing.edgeLabel': '2',
  'elk.spacing.componentComponent': '24',
  'elk.padding': '[top=8,left=8,bottom=8,right=8]',
};

/** Options of each edge label (on the edge, half way). */
export const EDGE_LABEL_OPTIONS: Readonly<Record<string, string>> = { 'elk.edgeLabels.placement': 'CENTER' };

/** Sizes node and label boxes are estimated from (px): a line of text, its padding, the fonts. */
export const GRAPH_METRICS = {
  nodeFontPx: 12,
  edgeFontPx: 10,
  /** Height of one text line of a node. */
  lineHeightPx: 16,
  nodePaddingX: 10,
  nodePaddingY: 6,
  edgeLabelHeightPx: 14,
  /** Width of an average character as a fraction of the font size (a text-length estimate without a canvas). */
  charWidthEm: 0.6,
  /** Longer label lines are shortened with an ellipsis (the full text is kept elsewhere: a title, a table). */
  maxLineChars: 48,
} as const;

export interface GraphPoint {
  readonly x: number;
  readonly y: number;
}

/** A node where the layout put it. */
export interface PlacedNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** The text of the node, one entry per line, as drawn (shortened). */
  readonly lines: readonly string[];
  /** What the node is: a request layer (`syscall`, `block`…), or a wait-for node kind (`task`, `resource`…). */
  readonly kind: string;
  /** How it is drawn: `failed`, `short`, `stuck`, `cycle`, `group`… */
  readonly classes: readonly string[];
  /** The line of the input the node stands for (1-based), when it has one. */
  readonly line?: number;
}

/** An edge where the layout routed it. */
export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  /** Start, bend points, end. */
  readonly points: readonly GraphPoint[];
  readonly label: string;
  /** Centre of the label, when the layout placed one. */
  readonly labelAt?: GraphPoint;
  readonly classes: readonly string[];
}

export interface PlacedGraph {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}
