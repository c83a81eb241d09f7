/**
 * timelineView: requests as bars over time, one lane per block device (issue to completion) or per task
 * (its syscall and io_uring requests), drawn on a canvas (never one DOM node per request), coloured by
 * outcome (error, short, pending) and otherwise by op (reads, writes, others). Above it an overview strip:
 * the trace's event density with the findings' times marked, and the window in view. The engine sends only
 * the bars of the window, short requests merged into density buckets (TimelineBars), so a zoom or a pan is
 * one small request. Mouse: wheel zooms at the pointer, shift+wheel or drag pans, a click on the overview
 * centres the window there, hovering a bar describes it, a click on a bar shows its lifecycle and line.
 * Keyboard (the canvas is focusable): + / - zoom, arrows pan, Home shows everything, ] / [ select the next /
 * previous bar, Enter opens it. The canvas has a text summary (`aria-label`) and a live region for the
 * selected bar.
 */
import type { LaneBy, TimelineBars, TimelineLanes, TimelineOverview } from '../../extension/engine/contracts/query';
import { el } from './el';
import { ns } from './format';
import type { PanelHost } from './panelHost';
import { button, setPressed } from './toolkit';

const LANE_H = 20;
const LABEL_W = 130;
const OVERVIEW_H = 34;
const MAX_LANES_DRAWN = 60;

export interface TimelineHost extends PanelHost {
  /** Shows the lifecycle of the requests of a line in the panel. */
  lifecycle(file: string, line: number): void;
}

export function createTimeline(file: string, host: TimelineHost): HTMLElement {
  const root = el('div', undefined, 'tl');
  const bar = el('div', undefined, 'tl-bar');
  // Their handlers are attached at the end (they use the view's state).
  const byDevice = button('by device', undefined, { className: 'tl-by' });
  const byTask = button('by task', undefined, { className: 'tl-by' });
  const zoomIn = button('+', undefined, { className: 'tl-zoom', ariaLabel: 'zoom in' });
  const zoomOut = button('−', undefined, { className: 'tl-zoom', ariaLabel: 'zoom out' });
  const reset = button('all', undefined, { className: 'tl-zoom', ariaLabel: 'show the whole trace' });
  const status = el('span', 'Loading…', 'tl-status muted');
  bar.append(byDevice, byTask, zoomIn, zoomOut, reset, status);
  const overview = el('canvas', undefined, 'tl-overview');
  const lanesBox = el('div', undefined, 'tl-lanes-box');
  const canvas = el('canvas', undefined, 'tl-canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  lanesBox.append(canvas);
  const tip = el('div', undefined, 'tl-tip');
  tip.hidden = true;
  const live = el('div', undefined, 'visually-hidden');
  live.setAttribute('aria-live', 'polite');
  root.append(bar, overview, lanesBox, tip, live);

  let by: LaneBy = 'device';
  let lanes: TimelineLanes | undefined;
  let ov: TimelineOverview | undefined;
  let bars: TimelineBars | undefined;
  let from = 0;
  let to = 1;
  let generation = 0;
  let selected = -1;
  let pending = false;

  const width = (): number => Math.max(200, root.clientWidth || 600);
  const plotW = (): number => width() - LABEL_W;
  const span = (): { start: number; end: number } => ({ start: lanes?.startNs ?? 0, end: Math.max((lanes?.endNs ?? 1), (lanes?.startNs ?? 0) + 1) });
  const css = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

  async function loadLanes(): Promise<void> {
    const mine = ++generation;
    const [l, o] = await Promise.all([host.request('timelineLanes', { by }), ov ? Promise.resolve(ov) : host.request('overview', { bins: Math.min(4096, plotW()) })]);
    if (mine !== generation) return;
    lanes = l ?? undefined;
    ov = o ?? undefined;
    setPressed(byDevice, by === 'device');
    setPressed(byTask, by === 'task');
    if (!lanes || lanes.label.length === 0) {
      status.textContent = by === 'device' ? 'No block requests issued to a device in this trace.' : 'No requests of tasks in this trace.';
      bars = undefined;
      draw();
      return;
    }
    ({ start: from, end: to } = span());
    root.setAttribute('data-lanes', String(lanes.label.length));
    await fetchBars();
  }

  async function fetchBars(): Promise<void> {
    if (!lanes) return;
    if (pending) return;
    pending = true;
    await new Promise((r) => requestAnimationFrame(r));
    pending = false;
    const mine = generation;
    const t0 = performance.now();
    const b = await host.request('timeline', { by, fromNs: from, toNs: Math.max(to, from + 1), widthPx: Math.min(8192, plotW()) });
    if (mine !== generation || !b) return;
    bars = b;
    selected = -1;
    root.setAttribute('data-total', String(b.total));
    root.setAttribute('data-bars', String(b.lane.length));
    draw();
    root.setAttribute('data-draw-ms', String(Math.round(performance.now() - t0)));
  }

  function color(i: number): string {
    if (!bars) return '';
    const outcome = bars.outcomes[bars.outcome[i]!];
    if (outcome === 'error') return css('--vscode-charts-red', '#e51400');
    if (outcome === 'short') return css('--vscode-charts-orange', '#d18616');
    if (outcome === 'pending') return css('--vscode-disabledForeground', '#888');
    const op = (bars.ops[bars.op[i]!] ?? '').toLowerCase();
    if (/read/.test(op)) return css('--vscode-charts-blue', '#3794ff');
    if (/write|flush|discard|sync/.test(op)) return css('--vscode-charts-green', '#388a34');
    return css('--vscode-charts-purple', '#b180d7');
  }

  function setupCanvas(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    const ctx = c.getContext('2d');
    ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  function draw(): void {
    const t0 = performance.now();
    paint();
    root.setAttribute('data-paint-ms', String(Math.round((performance.now() - t0) * 10) / 10));
  }

  function paint(): void {
    const w = width();
    const fg = css('--vscode-foreground', '#ccc');
    const muted = css('--vscode-descriptionForeground', '#999');
    const font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    // Overview: density, findings, the window.
    const o = setupCanvas(overview, w, OVERVIEW_H);
    if (o && ov && lanes) {
      const { start, end } = span();
      const max = Math.max(1, ...ov.density);
      const bw = (w - LABEL_W) / Math.max(1, ov.density.length);
      o.fillStyle = muted;
      for (let k = 0; k < ov.density.length; k++) {
        const h = (ov.density[k]! / max) * (OVERVIEW_H - 8);
        o.fillRect(LABEL_W + k * bw, OVERVIEW_H - h, Math.max(1, bw), h);
      }
      for (let k = 0; k < ov.findingNs.length; k++) {
        const sev = ov.severities[ov.findingSeverity[k]!];
        o.fillStyle = sev === 'error' ? css('--vscode-charts-red', '#e51400') : sev === 'warning' ? css('--vscode-charts-orange', '#d18616') : css('--vscode-charts-blue', '#3794ff');
        o.fillRect(LABEL_W + ((ov.findingNs[k]! - start) / (end - start)) * (w - LABEL_W) - 1, 0, 2, 8);
      }
      o.strokeStyle = css('--vscode-focusBorder', '#007fd4');
      o.strokeRect(LABEL_W + ((from - start) / (end - start)) * (w - LABEL_W), 0.5, Math.max(2, ((to - from) / (end - start)) * (w - LABEL_W)), OVERVIEW_H - 1);
      o.fillStyle = fg;
      o.font = font;
      o.fillText('events, findings', 4, 20);
    }
    const nLanes = Math.min(MAX_LANES_DRAWN, lanes?.label.length ?? 0);
    const h = Math.max(LANE_H, nLanes * LANE_H + 16);
    const ctx = setupCanvas(canvas, w, h);
    if (!ctx || !lanes) return;
    ctx.font = font;
    for (let l = 0; l < nLanes; l++) {
      ctx.fillStyle = l % 2 === 0 ? 'rgba(128,128,128,0.06)' : 'rgba(0,0,0,0)';
      ctx.fillRect(0, l * LANE_H, w, LANE_H);
      ctx.fillStyle = fg;
      ctx.fillText(clip(lanes.label[l] ?? '', 18), 4, l * LANE_H + 14);
    }
    if (bars) {
      const k = (to - from) / plotW();
      for (let i = 0; i < bars.lane.length; i++) {
        const lane = bars.lane[i]!;
        if (lane >= nLanes) continue;
        const x = LABEL_W + (bars.startNs[i]! - from) / k;
        const bw = Math.max(1, (bars.endNs[i]! - bars.startNs[i]!) / k);
        ctx.globalAlpha = bars.request[i]! < 0 ? Math.min(1, 0.35 + bars.count[i]! / 20) : 1;
        ctx.fillStyle = color(i);
        ctx.fillRect(Math.max(LABEL_W, x), lane * LANE_H + 3, Math.min(bw, w - Math.max(LABEL_W, x)), LANE_H - 6);
      }
      ctx.globalAlpha = 1;
      if (selected >= 0) {
        const x = LABEL_W + (bars.startNs[selected]! - from) / k;
        ctx.strokeStyle = css('--vscode-focusBorder', '#007fd4');
        ctx.lineWidth = 2;
        ctx.strokeRect(Math.max(LABEL_W, x) - 2, bars.lane[selected]! * LANE_H + 1, Math.max(1, (bars.endNs[selected]! - bars.startNs[selected]!) / k) + 4, LANE_H - 2);
      }
      // Time axis.
      ctx.fillStyle = muted;
      ctx.fillText(`${(from / 1e9).toFixed(6)} s`, LABEL_W, h - 3);
      const right = `${(to / 1e9).toFixed(6)} s`;
      ctx.fillText(right, w - ctx.measureText(right).width - 2, h - 3);
    }
    const more = (lanes.label.length > nLanes ? `, the first ${nLanes} of ${lanes.label.length} lanes drawn` : '');
    status.textContent = bars ? `${bars.total.toLocaleString()} requests in view, ${ns(to - from)} shown${more}` : '';
    canvas.setAttribute('aria-label', `Timeline by ${by}: ${lanes.label.length} lanes; ${status.textContent}. Use + and - to zoom, arrows to pan, ] and [ to select requests, Enter to open one.`);
  }

  function zoom(factor: number, atX?: number): void {
    const { start, end } = span();
    const c = atX === undefined ? (from + to) / 2 : from + ((atX - LABEL_W) / plotW()) * (to - from);
    const half = Math.max(1000, ((to - from) * factor) / 2);
    const ratio = atX === undefined ? 0.5 : (c - from) / Math.max(1, to - from);
    from = Math.max(start, c - half * 2 * ratio);
    to = Math.min(end, from + half * 2);
    void fetchBars();
  }

  function pan(fraction: number): void {
    const { start, end } = span();
    const d = (to - from) * fraction;
    const len = to - from;
    from = Math.min(Math.max(start, from + d), end - len);
    to = from + len;
    void fetchBars();
  }

  function describe(i: number): string {
    if (!bars) return '';
    const n = bars.count[i]!;
    const what = n > 1 ? `${n} requests (${bars.ops[bars.op[i]!] ?? ''}, worst ${bars.outcomes[bars.outcome[i]!]})` : `${bars.ops[bars.op[i]!] ?? ''} ${bars.outcomes[bars.outcome[i]!]}`;
    return `${lanes?.label[bars.lane[i]!] ?? ''}: ${what}, at ${(bars.startNs[i]! / 1e9).toFixed(6)} s for ${ns(bars.endNs[i]! - bars.startNs[i]!)}${bars.line[i] ? `, line ${bars.line[i]}` : ''}`;
  }

  function hit(x: number, y: number): number {
    if (!bars) return -1;
    const lane = Math.floor(y / LANE_H);
    const k = (to - from) / plotW();
    const t = from + (x - LABEL_W) * k;
    const slack = 3 * k;
    for (let i = 0; i < bars.lane.length; i++) if (bars.lane[i] === lane && bars.startNs[i]! - slack <= t && t <= bars.endNs[i]! + slack) return i;
    return -1;
  }

  function open(i: number): void {
    if (!bars || bars.request[i]! < 0 || !bars.line[i]) {
      zoom(0.1, LABEL_W + ((bars?.startNs[i] ?? from) - from) / ((to - from) / plotW()));
      return;
    }
    host.lifecycle(file, bars.line[i]!);
    host.reveal(file, bars.line[i]!);
  }

  function select(i: number): void {
    if (!bars || bars.lane.length === 0) return;
    selected = Math.max(0, Math.min(bars.lane.length - 1, i));
    root.setAttribute('data-selected-line', String(bars.line[selected] ?? 0));
    live.textContent = describe(selected);
    draw();
  }

  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    if (e.shiftKey) pan(e.deltaY > 0 ? 0.1 : -0.1);
    else zoom(e.deltaY > 0 ? 1.25 : 0.8, e.offsetX);
  }, { passive: false });
  let drag: { x: number; from: number; to: number } | undefined;
  canvas.addEventListener('mousedown', (e) => (drag = { x: e.offsetX, from, to }));
  window.addEventListener('mouseup', () => (drag = undefined));
  canvas.addEventListener('mousemove', (e) => {
    if (drag && Math.abs(e.offsetX - drag.x) > 3) {
      const d = ((drag.x - e.offsetX) / plotW()) * (drag.to - drag.from);
      const { start, end } = span();
      from = Math.min(Math.max(start, drag.from + d), end - (drag.to - drag.from));
      to = from + (drag.to - drag.from);
      void fetchBars();
      return;
    }
    const i = hit(e.offsetX, e.offsetY);
    tip.hidden = i < 0;
    if (i >= 0) {
      tip.textContent = describe(i);
      tip.style.left = `${e.offsetX + 12}px`;
      tip.style.top = `${lanesBox.offsetTop + e.offsetY + 12}px`;
    }
  });
  canvas.addEventListener('mouseleave', () => (tip.hidden = true));
  canvas.addEventListener('click', (e) => {
    if (drag && Math.abs(e.offsetX - drag.x) > 3) return;
    const i = hit(e.offsetX, e.offsetY);
    if (i >= 0) {
      select(i);
      open(i);
    }
  });
  overview.addEventListener('click', (e) => {
    const { start, end } = span();
    const c = start + ((e.offsetX - LABEL_W) / plotW()) * (end - start);
    const len = to - from;
    from = Math.min(Math.max(start, c - len / 2), end - len);
    to = from + len;
    void fetchBars();
  });
  canvas.addEventListener('keydown', (e) => {
    const keys: Record<string, () => void> = {
      '+': () => zoom(0.5),
      '=': () => zoom(0.5),
      '-': () => zoom(2),
      ArrowLeft: () => pan(-0.2),
      ArrowRight: () => pan(0.2),
      Home: () => {
        ({ start: from, end: to } = span());
        void fetchBars();
      },
      ']': () => select(selected + 1),
      '[': () => select(selected - 1),
      Enter: () => {
        if (selected >= 0) open(selected);
      },
    };
    const f = keys[e.key];
    if (!f) return;
    e.preventDefault();
    f();
  });
  zoomIn.addEventListener('click', () => zoom(0.5));
  zoomOut.addEventListener('click', () => zoom(2));
  reset.addEventListener('click', () => {
    ({ start: from, end: to } = span());
    void fetchBars();
  });
  byDevice.addEventListener('click', () => {
    by = 'device';
    void loadLanes();
  });
  byTask.addEventListener('click', () => {
    by = 'task';
    void loadLanes();
  });
  new ResizeObserver(() => draw()).observe(root);
  // A theme change (light, dark, high contrast) changes the --vscode-* colours the canvas is painted with.
  new MutationObserver(() => draw()).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  void loadLanes();
  return root;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
