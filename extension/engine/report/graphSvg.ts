/**
 * graphSvg: draws a laid-out graph (`PlacedGraph`) as inline SVG markup for the HTML report: one `<g
 * class="node …">` per node (a box and its text lines; a group node gets a second, offset box; the node's
 * line in `data-line`) and one `<g class="edge …">` per edge (an orthogonal path with an arrowhead and its
 * label). Colours and shapes come from the page's stylesheet through the classes (`k-<kind>`, `failed`,
 * `short`, `stuck`, `cycle`, `group`), so the drawing follows the light or dark scheme. Text goes through
 * `html`, so labels from an input are escaped.
 */
import { GRAPH_METRICS, type PlacedEdge, type PlacedGraph, type PlacedNode } from '../contracts/graphLayout';
import { html, joinHtml, type Html } from './htmlMarkup';

export interface GraphSvgOptions {
  /** Unique in the page: the arrowhead marker is named after it. */
  readonly id: string;
  /** Class of the `<svg>` besides `graph` (`lifecycle`, `wait-graph`). */
  readonly className: string;
  /** What the graph shows, for screen readers. */
  readonly label: string;
  /** Tooltip of a node (its full text; the drawn lines are shortened). */
  readonly nodeTitle: (n: PlacedNode) => string;
  readonly edgeTitle?: (e: PlacedEdge) => string;
}

/** A coordinate with one decimal (keeps the file small). */
function c(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Class names are made of word characters and dashes only (they come from kinds and layers). */
function cls(names: readonly string[]): string {
  return names.map((n) => n.replace(/[^\w-]/g, '_')).join(' ');
}

function drawNode(n: PlacedNode, title: string): Html {
  const m = GRAPH_METRICS;
  const group = n.classes.includes('group');
  const text = n.lines.map((l, i) => html`<tspan x="${c(n.x + m.nodePaddingX)}" y="${c(n.y + m.nodePaddingY + (i + 1) * m.lineHeightPx - 4)}"${i > 0 ? html` class="sub"` : ''}>${l}</tspan>`);
  return html`<g class="${cls(['node', `k-${n.kind}`, ...n.classes])}"${n.line !== undefined ? html` data-line="${n.line}"` : ''}><title>${title}</title>${
    group ? html`<rect class="back" x="${c(n.x + 3)}" y="${c(n.y + 3)}" width="${c(n.w)}" height="${c(n.h)}" rx="4"/>` : ''
  }<rect x="${c(n.x)}" y="${c(n.y)}" width="${c(n.w)}" height="${c(n.h)}" rx="${n.kind === 'resource' ? 12 : 4}"/><text>${text}</text></g>`;
}

function drawEdge(e: PlacedEdge, marker: string, title: string | undefined): Html {
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${c(p.x)} ${c(p.y)}`).join(' ');
  return html`<g class="${cls(['edge', ...e.classes])}">${title ? html`<title>${title}</title>` : ''}<path d="${d}" marker-end="url(#${marker})"/>${
    e.labelAt && e.label ? html`<text class="elabel" x="${c(e.labelAt.x)}" y="${c(e.labelAt.y + 3)}" text-anchor="middle">${e.label}</text>` : ''
  }</g>`;
}

/** Graphs wider than this (px, about the page's width) are shrunk to fit, with an "actual size" toggle. */
const FIT_WIDTH = 1100;

/**
 * The graph as an `<svg>` in a scrolling box. A graph wider than the page is shrunk to its width; a checkbox
 * (CSS `:checked`, no script) shows it at its natural size, scrolled sideways.
 */
export function graphSvg(g: PlacedGraph, o: GraphSvgOptions): Html {
  const svg = graphSvgElement(g, o);
  if (g.width <= FIT_WIDTH) return html`<div class="scroll">${svg}</div>`;
  const toggle = `zoom-${o.id}`;
  return html`<input type="checkbox" class="zoom" id="${toggle}"> <label class="zoom" for="${toggle}">actual size</label><div class="scroll">${svg}</div>`;
}

function graphSvgElement(g: PlacedGraph, o: GraphSvgOptions): Html {
  const marker = `arrow-${o.id}`;
  const w = Math.max(1, Math.ceil(g.width) + 4);
  const h = Math.max(1, Math.ceil(g.height) + 4);
  return html`<svg class="graph ${cls([o.className])}" id="${o.id}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${o.label}"><defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0 0 L10 5 L0 10 z"/></marker></defs><g class="all-edges">${joinHtml(
    g.edges.map((e) => drawEdge(e, marker, o.edgeTitle?.(e))),
  )}</g><g class="all-nodes">${joinHtml(g.nodes.map((n) => drawNode(n, o.nodeTitle(n))))}</g></svg>`;
}
