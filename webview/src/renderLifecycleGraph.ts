/**
 * renderLifecycleGraph: one request's life across layers as a graph (syscall / io_uring -> fs -> iomap ->
 * bio -> block request; ordered extents and the bios that wrote them), laid out by elkjs in the layout
 * worker (layered, left to right: a child starts after its parent), each node with its op, range, result
 * and latency, each edge with the wait from the parent's first stage to the child's, failed nodes in red
 * and short ones in orange. A layer with many requests comes folded into one node ("130 block requests");
 * activating it asks the host for the graph with that layer expanded. Activating a request node reveals its
 * first line. Strings go in through `textContent` / `setAttribute` only.
 */
import type { LifecycleGraph, LifecycleNode } from '../../extension/engine/contracts/query';
import type { RequestLayer } from '../../extension/engine/contracts/report';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { el, svgEl } from './el';
import { layoutInWorker } from './elkClient';
import { textMeasurer } from './format';

const NODE_H = 40;
const PAD_X = 10;
const MAX_CHARS = 48;

export interface LifecycleGraphActions {
  readonly reveal: (file: string, line: number) => void;
  readonly expand: (layer: RequestLayer) => void;
}

function short(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, MAX_CHARS - 1)}…`;
}

/** Lays out and draws `graph` into a new element (resolves when drawn; a layout failure is shown, not thrown). */
export async function renderLifecycleGraph(graph: LifecycleGraph, actions: LifecycleGraphActions): Promise<HTMLElement> {
  const box = el('div', undefined, 'lc-graph');
  box.setAttribute('data-root', String(graph.root));
  box.setAttribute('data-nodes', String(graph.nodes.length));
  const measure = textMeasurer();
  const width = (n: LifecycleNode): number => Math.ceil(Math.max(measure(short(n.label), 12), measure(short(n.detail), 11))) + 2 * PAD_X;
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: width(n), height: NODE_H })),
    edges: graph.edges.map((e, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [e.from], targets: [e.to], labels: [{ text: e.label, width: Math.ceil(measure(e.label, 10)) + 4, height: 12 }] })),
  };
  let laid: ElkNode;
  try {
    const r = await layoutInWorker(root);
    laid = r.laid;
    box.setAttribute('data-layout-ms', String(Math.round(r.ms)));
  } catch (err) {
    box.append(el('div', `The lifecycle graph could not be laid out: ${err instanceof Error ? err.message : String(err)}`, 'sev-error'));
    return box;
  }
  const w = Math.ceil(laid.width ?? 0);
  const h = Math.ceil(laid.height ?? 0);
  const svg = svgEl('svg', { class: 'lc-svg', width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: 'img' });
  const failed = graph.nodes.filter((n) => n.failed).length;
  svg.setAttribute('aria-label', `Lifecycle of request ${graph.root}: ${graph.nodes.length} nodes across ${new Set(graph.nodes.map((n) => n.layer)).size} layers${failed ? `, ${failed} failed` : ''}`);
  const defs = svgEl('defs');
  const marker = svgEl('marker', { id: 'lc-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'wg-arrowhead' }));
  defs.append(marker);
  svg.append(defs);
  for (const le of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const pts = (le.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    if (pts.length < 2) continue;
    const g = svgEl('g', { class: 'lc-edge' });
    g.append(svgEl('path', { d: pts.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' '), class: 'wg-edge-line', 'marker-end': 'url(#lc-arrow)' }));
    const label = le.labels?.[0];
    if (label && label.x !== undefined && label.y !== undefined) {
      const t = svgEl('text', { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2, class: 'wg-edge-label', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
      t.textContent = label.text ?? '';
      g.append(t);
    }
    svg.append(g);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const c of laid.children ?? []) {
    const n = byId.get(c.id);
    if (n) svg.append(drawNode(n, c.x ?? 0, c.y ?? 0, c.width ?? 0, graph.file, actions));
  }
  box.append(svg);
  return box;
}

function drawNode(n: LifecycleNode, x: number, y: number, w: number, file: string, actions: LifecycleGraphActions): SVGGElement {
  const group = n.count > 1;
  const cls = ['lc-gnode', `lc-layer-${n.layer}`];
  if (n.failed) cls.push('lc-gfailed');
  else if (n.short) cls.push('lc-gshort');
  if (group) cls.push('lc-ggroup');
  const g = svgEl('g', { class: cls.join(' '), transform: `translate(${x} ${y})`, tabindex: 0, role: 'button' });
  g.setAttribute('data-id', n.id);
  g.setAttribute('data-layer', n.layer);
  g.setAttribute('data-line', String(n.line));
  g.setAttribute('data-count', String(n.count));
  const title = svgEl('title');
  title.textContent = `${n.layer}: ${n.label}\n${n.detail}${group ? '' : `\nline ${n.line}`}`;
  g.append(title);
  if (group) g.append(svgEl('rect', { class: 'lc-gshape', x: -3, y: -3, width: w + 6, height: NODE_H + 6, rx: 5 }));
  g.append(svgEl('rect', { class: 'lc-gshape', width: w, height: NODE_H, rx: 4 }));
  const t1 = svgEl('text', { x: PAD_X, y: 15, class: 'lc-glabel' });
  t1.textContent = short(n.label);
  const t2 = svgEl('text', { x: PAD_X, y: 31, class: 'lc-gdetail' });
  t2.textContent = short(n.detail);
  g.append(t1, t2);
  g.setAttribute('aria-label', group ? `${n.label}: expand` : `${n.layer} ${n.label} ${n.detail}: show line ${n.line}`);
  const act = (): void => (group ? actions.expand(n.layer) : actions.reveal(file, n.line));
  g.addEventListener('click', act);
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      act();
    }
  });
  return g;
}
