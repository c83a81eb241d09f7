/**
 * renderLatency: the "Latency" section. A table with one row per distribution (layer, op, device, stage:
 * `total` or a btt stage Q2G, G2I, I2D, Q2D, D2C, Q2C) with its count and percentiles, block requests and
 * their btt stages first; selecting a row (click, or Enter / Space on the focused row) draws its histogram:
 * log-scale bins as SVG bars with the p50 / p90 / p99 marks, `role="img"` with a summary in words, and the
 * bins' numbers as a table for screen readers (and for the tests). Selecting a bar (click, Enter) filters
 * the event table to the events of that bin's requests. Values are nanoseconds from the engine.
 */
import type { LatencyBin, LatencyGroup } from '../../extension/engine/contracts/query';
import { el, svgEl } from './el';
import { ns } from './format';


const LAYER_ORDER: Readonly<Record<string, number>> = { block: 0, bio: 1, iomap: 2, fs: 3, 'ordered-extent': 4, io_uring: 5, syscall: 6 };
const STAGE_ORDER: Readonly<Record<string, number>> = { Q2C: 0, Q2D: 1, D2C: 2, Q2G: 3, G2I: 4, I2D: 5, total: 6 };

function order(a: LatencyGroup, b: LatencyGroup): number {
  return (
    (LAYER_ORDER[a.layer] ?? 9) - (LAYER_ORDER[b.layer] ?? 9) ||
    a.op.localeCompare(b.op) ||
    (a.device === 'all' ? -1 : 0) - (b.device === 'all' ? -1 : 0) ||
    a.device.localeCompare(b.device) ||
    (STAGE_ORDER[a.stage] ?? 9) - (STAGE_ORDER[b.stage] ?? 9)
  );
}

/** Fills `container`; returns the number of distributions. */
/** Called with a bin the user selected and its words (`block read 7:0 Q2C 100.0 µs–177.8 µs`). */
export type OnBin = (bin: LatencyBin, label: string) => void;

export function renderLatency(container: HTMLElement, groups: readonly LatencyGroup[], onBin: OnBin = () => undefined): number {
  container.replaceChildren();
  if (groups.length === 0) {
    container.append(el('div', 'No completed requests with latencies in this trace.', 'muted'));
    return 0;
  }
  const sorted = [...groups].sort(order);
  const table = el('table', undefined, 'lat-table');
  const head = el('tr');
  for (const h of ['layer', 'op', 'device', 'stage', 'count', 'p50', 'p90', 'p99', 'max', 'bins']) head.append(el('th', h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  const chart = el('div', undefined, 'lat-chart');
  const rows: HTMLTableRowElement[] = [];
  const select = (i: number): void => {
    for (const [k, r] of rows.entries()) r.setAttribute('aria-selected', String(k === i));
    drawHistogram(chart, sorted[i]!, onBin);
  };
  for (const [i, g] of sorted.entries()) {
    const tr = el('tr', undefined, 'lat-row');
    tr.setAttribute('data-layer', g.layer);
    tr.setAttribute('data-op', g.op);
    tr.setAttribute('data-device', g.device);
    tr.setAttribute('data-stage', g.stage);
    tr.setAttribute('tabindex', '0');
    tr.setAttribute('role', 'button');
    tr.setAttribute('aria-selected', 'false');
    tr.append(el('td', g.layer), el('td', g.op), el('td', g.device), el('td', g.stage), el('td', g.count.toLocaleString(), 'num'));
    for (const v of [g.p50, g.p90, g.p99, g.max]) tr.append(el('td', ns(v), 'num'));
    const bins = el('td', undefined, 'bins');
    const max = Math.max(1, ...g.bins.map((b) => b.count));
    bins.append(el('span', g.bins.map((b) => '▁▂▃▄▅▆▇█'[Math.min(7, Math.floor((b.count / max) * 7.999))]).join('')));
    bins.setAttribute('aria-hidden', 'true');
    tr.append(bins);
    tr.addEventListener('click', () => select(i));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(i);
      }
    });
    rows.push(tr);
    body.append(tr);
  }
  table.append(body);
  container.append(el('div', 'Select a row to draw its histogram (log-scale bins).', 'muted'), table, chart);
  // The block requests' Q2C (or the first distribution) to start with.
  select(Math.max(0, sorted.findIndex((g) => g.layer === 'block' && g.stage === 'Q2C')));
  return groups.length;
}

const W = 640;
const H = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };

/** The histogram of one distribution: bars per bin (equal widths: the bins are log-scale), percentile marks. */
function drawHistogram(container: HTMLElement, g: LatencyGroup, onBin: OnBin): void {
  container.replaceChildren();
  const title = `${g.layer} ${g.op} ${g.device} ${g.stage}`;
  container.append(el('h4', `${title}: ${g.count.toLocaleString()} requests, p50 ${ns(g.p50)}, p90 ${ns(g.p90)}, p99 ${ns(g.p99)}, max ${ns(g.max)}`, 'lat-title'));
  const bins = g.bins;
  if (bins.length === 0) return;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / bins.length;
  const svg = svgEl('svg', { class: 'lat-hist', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
  svg.setAttribute('aria-label', `Histogram of ${title}: ${bins.length} log-scale bins from ${ns(bins[0]!.lo)} to ${ns(bins[bins.length - 1]!.hi)}, the fullest holds ${max} requests`);
  svg.append(svgEl('line', { x1: PAD.left, y1: PAD.top + plotH, x2: PAD.left + plotW, y2: PAD.top + plotH, class: 'lat-axis' }));
  const yTop = svgEl('text', { x: PAD.left - 4, y: PAD.top + 4, class: 'lat-tick', 'text-anchor': 'end' });
  yTop.textContent = String(max);
  svg.append(yTop);
  for (const [i, b] of bins.entries()) {
    const h = (b.count / max) * plotH;
    const bar = svgEl('rect', { x: PAD.left + i * bw + 1, y: PAD.top + plotH - h, width: Math.max(1, bw - 2), height: h, class: 'lat-bar' });
    bar.setAttribute('data-count', String(b.count));
    bar.setAttribute('data-lo', String(b.lo));
    bar.setAttribute('data-hi', String(b.hi));
    const t = svgEl('title');
    t.textContent = `${ns(b.lo)} – ${ns(b.hi)}: ${b.count} request${b.count === 1 ? '' : 's'} (select to list their events)`;
    bar.append(t);
    if (b.count > 0) {
      bar.setAttribute('tabindex', '0');
      bar.setAttribute('role', 'button');
      bar.setAttribute('aria-label', `${ns(b.lo)} to ${ns(b.hi)}: ${b.count} requests; show their events`);
      const pick = (): void => onBin({ layer: g.layer, op: g.op, device: g.device, stage: g.stage, loNs: b.lo, hiNs: b.hi }, `${title} ${ns(b.lo)}–${ns(b.hi)}`);
      bar.addEventListener('click', pick);
      bar.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick();
        }
      });
    }
    svg.append(bar);
    if (i % Math.max(1, Math.ceil(bins.length / 8)) === 0) {
      const tick = svgEl('text', { x: PAD.left + i * bw, y: PAD.top + plotH + 14, class: 'lat-tick', 'text-anchor': 'start' });
      tick.textContent = ns(b.lo);
      svg.append(tick);
    }
  }
  // Percentile marks at their place on the log axis (interpolated within the bins' bounds).
  const lo = Math.log10(Math.max(1, bins[0]!.lo));
  const hi = Math.log10(Math.max(2, bins[bins.length - 1]!.hi));
  const xOf = (v: number): number => PAD.left + ((Math.log10(Math.max(1, v)) - lo) / Math.max(1e-9, hi - lo)) * plotW;
  for (const [name, v] of [['p50', g.p50], ['p90', g.p90], ['p99', g.p99]] as const) {
    const x = Math.min(PAD.left + plotW, Math.max(PAD.left, xOf(v)));
    svg.append(svgEl('line', { x1: x, y1: PAD.top, x2: x, y2: PAD.top + plotH, class: `lat-mark lat-${name}` }));
    const label = svgEl('text', { x: x + 2, y: PAD.top + plotH + 28, class: 'lat-tick' });
    label.textContent = name;
    svg.append(label);
  }
  container.append(svg);
  // The numbers, as text.
  const table = el('table', undefined, 'lat-bins');
  table.append(el('caption', `Bins of ${title}`, 'visually-hidden'));
  const hr = el('tr');
  hr.append(el('th', 'from'), el('th', 'to'), el('th', 'requests'));
  table.append(hr);
  for (const b of bins) {
    const tr = el('tr');
    tr.append(el('td', ns(b.lo)), el('td', ns(b.hi)), el('td', String(b.count), 'num'));
    table.append(tr);
  }
  const details = el('details', undefined, 'lat-bins-details');
  details.append(el('summary', 'bins as numbers'), table);
  container.append(details);
}
