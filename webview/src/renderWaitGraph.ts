/**
 * renderWaitGraph: the "Wait-for graph" section, an SVG drawing of the report's `waitGraph` laid out by
 * layoutWaitGraph (elkjs). Shape and colour tell the node kind (task, resource, ordered extent, bio);
 * stuck nodes get a red border; nodes and edges on a cycle (a deadlock) are drawn in orange. Edges carry
 * their kind as a short label and the engine's full explanation as an SVG <title> tooltip. A node with a
 * file and line reveals that line when clicked (or activated with Enter / Space).
 *
 * Every string from the report reaches the DOM through `textContent` or `setAttribute` on SVG elements,
 * never as markup; handlers are attached with addEventListener (the CSP allows no inline handlers).
 */
import type { WaitGraph, WaitNode, WaitNodeKind } from '../../extension/engine/contracts/report';
import { el, svgEl } from './el';
import type { RevealLine } from '../../extension/protocol/webviewProtocol';
import { layoutWaitGraph, MAX_GRAPH_NODES, type PlacedEdge, type PlacedNode, type WaitGraphLayout } from './layoutWaitGraph';

/** Incremented per render, so a layout that finishes after a newer report arrived is dropped. */
let generation = 0;

/**
 * Lays out and draws `graph` into `container` (replacing its content). Resolves when drawn; a layout
 * failure is shown in the container, not thrown.
 */
export async function renderWaitGraph(container: HTMLElement, graph: WaitGraph, reveal: RevealLine): Promise<void> {
  const mine = ++generation;
  container.replaceChildren(el('div', `Laying out ${graph.nodes.length.toLocaleString()} nodes…`, 'muted'));
  let layout: WaitGraphLayout;
  try {
    layout = await layoutWaitGraph(graph);
  } catch (err) {
    if (mine !== generation) return;
    container.replaceChildren(el('div', `The wait-for graph could not be laid out: ${err instanceof Error ? err.message : String(err)}`, 'sev-error'));
    return;
  }
  if (mine !== generation) return;
  const parts: Node[] = [];
  const cycles = graph.cycles.length;
  const header = el('div', undefined, 'muted wg-summary');
  header.textContent =
    `${graph.nodes.length.toLocaleString()} nodes, ${graph.edges.length.toLocaleString()} edges` +
    (cycles > 0 ? `, ${cycles} wait cycle${cycles === 1 ? '' : 's'} (deadlock, in orange)` : ', no wait cycles') +
    '. Click a node to show its line.';
  parts.push(header);
  if (layout.totalNodes > layout.nodes.length) {
    parts.push(
      el(
        'div',
        `The graph has ${layout.totalNodes.toLocaleString()} nodes; only the first ${layout.nodes.length.toLocaleString()} are drawn ` +
          `(cycle members first; at most ${MAX_GRAPH_NODES}). Edges to nodes left out are not drawn.`,
        'wg-capped sev-warning',
      ),
    );
  }
  const scroller = el('div', undefined, 'wg-scroll');
  scroller.append(drawSvg(layout, reveal));
  parts.push(scroller);
  container.replaceChildren(...parts);
}

function drawSvg(layout: WaitGraphLayout, reveal: RevealLine): SVGSVGElement {
  const svg = svgEl('svg', { class: 'wg', width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img' });
  svg.setAttribute('aria-label', 'Wait-for graph');
  const defs = svgEl('defs');
  defs.append(arrowMarker('wg-arrow', 'wg-arrowhead'), arrowMarker('wg-arrow-cycle', 'wg-arrowhead wg-arrowhead-cycle'));
  svg.append(defs);
  const edges = svgEl('g', { class: 'wg-edges' });
  for (const e of layout.edges) edges.append(drawEdge(e));
  const nodes = svgEl('g', { class: 'wg-nodes' });
  for (const n of layout.nodes) nodes.append(drawNode(n, reveal));
  svg.append(edges, nodes);
  return svg;
}

function arrowMarker(id: string, cls: string): SVGMarkerElement {
  const m = svgEl('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  m.append(svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }));
  return m;
}

function drawEdge(p: PlacedEdge): SVGGElement {
  const g = svgEl('g', { class: `wg-edge wg-edge-${p.edge.kind}${p.inCycle ? ' wg-cycle' : ''}` });
  g.setAttribute('data-kind', p.edge.kind);
  const title = svgEl('title');
  const evidence = p.edge.evidence.map((r) => `${baseName(r.file)}:${r.line}`).join(', ');
  title.textContent = `${p.edge.kind}: ${p.edge.label}${evidence ? `\nevidence: ${evidence}` : ''}`;
  g.append(title);
  const d = p.points.map((pt, i) => `${i === 0 ? 'M' : 'L'} ${pt.x} ${pt.y}`).join(' ');
  g.append(svgEl('path', { d, class: 'wg-edge-line', 'marker-end': `url(#${p.inCycle ? 'wg-arrow-cycle' : 'wg-arrow'})` }));
  if (p.labelAt) {
    const t = svgEl('text', { x: p.labelAt.x, y: p.labelAt.y, class: 'wg-edge-label', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
    t.textContent = p.edge.kind;
    g.append(t);
  }
  return g;
}

function drawNode(p: PlacedNode, reveal: RevealLine): SVGGElement {
  const n = p.node;
  const classes = ['wg-node', `wg-${n.kind}`];
  if (n.stuck) classes.push('wg-stuck');
  if (p.inCycle) classes.push('wg-cycle');
  const target = n.file !== undefined && n.line !== undefined ? { file: n.file, line: n.line } : undefined;
  if (target) classes.push('wg-link');
  const g = svgEl('g', { class: classes.join(' '), transform: `translate(${p.x} ${p.y})` });
  g.setAttribute('data-kind', n.kind);
  g.setAttribute('data-id', n.id);
  const title = svgEl('title');
  title.textContent = nodeTooltip(n);
  g.append(title);
  if (p.inCycle) g.append(svgEl('rect', { class: 'wg-halo', x: -4, y: -4, width: p.width + 8, height: p.height + 8, rx: 6 }));
  g.append(shape(n.kind, p.width, p.height));
  const text = svgEl('text', { x: p.width / 2, y: p.height / 2, class: 'wg-node-label', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
  text.textContent = p.text;
  g.append(text);
  if (target) {
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `${n.label}: show line ${target.line}`);
    g.addEventListener('click', () => reveal(target.file, target.line));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        reveal(target.file, target.line);
      }
    });
  }
  return g;
}

/** Task: rectangle; resource: pill; ordered extent: hexagon; bio: parallelogram. */
function shape(kind: WaitNodeKind, w: number, h: number): SVGElement {
  switch (kind) {
    case 'task':
      return svgEl('rect', { class: 'wg-shape', width: w, height: h, rx: 3 });
    case 'resource':
      return svgEl('rect', { class: 'wg-shape', width: w, height: h, rx: h / 2 });
    case 'ordered-extent': {
      const c = h / 2;
      return svgEl('polygon', { class: 'wg-shape', points: `${c},0 ${w - c},0 ${w},${c} ${w - c},${h} ${c},${h} 0,${c}` });
    }
    case 'bio': {
      const s = 8;
      return svgEl('polygon', { class: 'wg-shape', points: `${s},0 ${w},0 ${w - s},${h} 0,${h}` });
    }
  }
}

function nodeTooltip(n: WaitNode): string {
  const lines = [n.label, `${n.kind}${n.detail !== undefined ? ` (${n.detail})` : ''}${n.stuck ? ', stuck' : ''}`];
  if (n.file !== undefined && n.line !== undefined) lines.push(`${baseName(n.file)}:${n.line}`);
  return lines.join('\n');
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
