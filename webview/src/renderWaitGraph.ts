/**
 * renderWaitGraph: the "Wait-for graph" section, an SVG drawing of the report's `waitGraph` laid out by
 * layoutWaitGraph (elkjs). Shape and colour tell the node kind (task, resource, ordered extent, bio);
 * stuck nodes get a red border; nodes and edges on a cycle (a deadlock) are drawn in orange. Edges carry
 * their kind as a short label and the engine's full explanation as an SVG <title> tooltip. A node with a
 * file and line reveals that line when clicked (or activated with Enter / Space). A large graph is drawn
 * collapsed (collapseWaitGraph: tasks sharing a culprit merge into a group node, drawn with a double
 * border and its count); activating a group draws its tasks. The drawing fits the panel's width (a toggle
 * shows it at full size); the layout runs in the worker (elkClient) and its time is on the container
 * (`data-layout-ms`).
 *
 * Every string from the report reaches the DOM through `textContent` or `setAttribute` on SVG elements,
 * never as markup; handlers are attached with addEventListener (the CSP allows no inline handlers).
 */
import type { AnalysisReport, WaitNode, WaitNodeKind } from '../../extension/engine/contracts/report';
import { el, svgEl } from './el';
import { button } from './toolkit';
import type { RevealLine } from '../../extension/protocol/webviewProtocol';
import { collapseWaitGraph, type ShownGraph, type ShownNode } from '../../extension/engine/contracts/waitGraphCollapse';
import { layoutWaitGraph, type PlacedEdge, type PlacedNode, type WaitGraphLayout } from './layoutWaitGraph';

/** Incremented per render, so a layout that finishes after a newer report arrived is dropped. */
let generation = 0;

/** Groups the user expanded, kept across re-renders of the same report. */
const expanded = new Set<string>();
/** Whether the drawing is shown at full size rather than fitted to the panel's width. */
let fullSize = false;

/**
 * Lays out and draws the report's wait-for graph into `container` (replacing its content). Resolves when
 * drawn; a layout failure is shown in the container, not thrown.
 */
export async function renderWaitGraph(container: HTMLElement, report: AnalysisReport, reveal: RevealLine): Promise<void> {
  const mine = ++generation;
  const graph = report.waitGraph;
  const culprits = new Map<string, string>();
  for (const t of report.tasks) if (t.blocked && t.culprit !== undefined && !culprits.has(t.node)) culprits.set(t.node, t.culprit);
  const shown = collapseWaitGraph(graph, (n) => culprits.get(n.id), expanded);
  // The drawing in place stays until the new one is laid out (a group opened redraws the whole graph).
  if (container.querySelector('svg.wg') === null) container.replaceChildren(el('div', `Laying out ${shown.nodes.length.toLocaleString()} nodes…`, 'muted'));
  container.setAttribute('aria-busy', 'true');
  let layout: WaitGraphLayout;
  try {
    layout = await layoutWaitGraph(shown);
  } catch (err) {
    if (mine !== generation) return;
    container.setAttribute('aria-busy', 'false');
    container.replaceChildren(el('div', `The wait-for graph could not be laid out: ${err instanceof Error ? err.message : String(err)}`, 'sev-error'));
    return;
  }
  if (mine !== generation) return;
  container.setAttribute('aria-busy', 'false');
  container.setAttribute('data-layout-ms', String(Math.round(layout.layoutMs)));
  container.setAttribute('data-nodes', String(shown.nodes.length));
  const parts: Node[] = [];
  const cycles = graph.cycles.length;
  const header = el('div', undefined, 'muted wg-summary');
  header.textContent =
    `${graph.nodes.length.toLocaleString()} nodes, ${graph.edges.length.toLocaleString()} edges` +
    (cycles > 0 ? `, ${cycles} wait cycle${cycles === 1 ? '' : 's'} (deadlock, in orange)` : ', no wait cycles') +
    '. Click a node to show its line.';
  parts.push(header);
  if (shown.groups > 0) {
    parts.push(
      el(
        'div',
        `${shown.groups.toLocaleString()} groups of tasks that wait in the same function are drawn as one node each (double border, with their count); ` +
          'click a group to draw its tasks.',
        'wg-collapsed muted',
      ),
    );
  }
  const scroller = el('div', undefined, `wg-scroll${fullSize ? ' wg-full' : ''}`);
  const toggle = button(fullSize ? 'Fit to width' : 'Full size', () => {
    fullSize = !fullSize;
    scroller.classList.toggle('wg-full', fullSize);
    toggle.textContent = fullSize ? 'Fit to width' : 'Full size';
  }, { className: 'wg-size' });
  parts.push(toggle);
  scroller.append(drawSvg(layout, shown, reveal, () => void renderWaitGraph(container, report, reveal)));
  parts.push(scroller);
  container.replaceChildren(...parts);
}

function drawSvg(layout: WaitGraphLayout, shown: ShownGraph, reveal: RevealLine, redraw: () => void): SVGSVGElement {
  const svg = svgEl('svg', { class: 'wg', width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img' });
  svg.setAttribute('aria-label', `Wait-for graph: ${shown.nodes.length} nodes drawn of ${shown.totalNodes}, ${shown.cycles.length} wait cycles`);
  const defs = svgEl('defs');
  defs.append(arrowMarker('wg-arrow', 'wg-arrowhead'), arrowMarker('wg-arrow-cycle', 'wg-arrowhead wg-arrowhead-cycle'));
  svg.append(defs);
  const edges = svgEl('g', { class: 'wg-edges' });
  for (const e of layout.edges) edges.append(drawEdge(e));
  const nodes = svgEl('g', { class: 'wg-nodes' });
  for (const n of layout.nodes) nodes.append(drawNode(n, reveal, redraw));
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

function drawNode(p: PlacedNode, reveal: RevealLine, redraw: () => void): SVGGElement {
  const n = p.node;
  const classes = ['wg-node', `wg-${n.kind}`];
  if (n.stuck) classes.push('wg-stuck');
  if (p.inCycle) classes.push('wg-cycle');
  if (n.members) return drawGroup(p, n, classes, redraw);
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

/** A group of tasks: a double-bordered rectangle with the count; activating it draws its tasks. */
function drawGroup(p: PlacedNode, n: ShownNode, classes: string[], redraw: () => void): SVGGElement {
  const g = svgEl('g', { class: [...classes, 'wg-group', 'wg-link'].join(' '), transform: `translate(${p.x} ${p.y})` });
  g.setAttribute('data-kind', 'group');
  g.setAttribute('data-id', n.id);
  g.setAttribute('data-count', String(n.members?.length ?? 0));
  const title = svgEl('title');
  title.textContent = `${n.label}\n${(n.members ?? []).slice(0, 20).join(', ')}${(n.members?.length ?? 0) > 20 ? ', …' : ''}\nclick to draw these tasks`;
  g.append(title);
  g.append(svgEl('rect', { class: 'wg-shape', x: -3, y: -3, width: p.width + 6, height: p.height + 6, rx: 4 }));
  g.append(svgEl('rect', { class: 'wg-shape', width: p.width, height: p.height, rx: 3 }));
  const text = svgEl('text', { x: p.width / 2, y: p.height / 2, class: 'wg-node-label', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
  text.textContent = p.text;
  g.append(text);
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', `${n.label}: draw these tasks`);
  const open = (): void => {
    expanded.add(n.id);
    redraw();
  };
  g.addEventListener('click', open);
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    }
  });
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
