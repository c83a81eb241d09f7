/**
 * latencyHistogramSvg: one latency distribution (`LatencyGroup`: log-scale bins and percentiles) as inline
 * SVG for the HTML report: a bar per bin with its count written above it and its range as a tooltip, the
 * lower edges of the bins along the axis, and the p50 / p90 / p99 positions as labelled rules (placed on
 * the log scale inside their bin). The numbers are text in the drawing, so they can be read, searched and
 * copied from the file.
 */
import type { LatencyGroup } from '../contracts/query';
import { formatDuration } from './formatDuration';
import { html, joinHtml } from './htmlMarkup';
import type { Html } from './htmlMarkup';

const BAR_W = 34;
const CHART_H = 90;
const TOP = 48;
const BOTTOM = 18;
const LEFT = 6;
const RIGHT = 44;

/** A short duration for an axis: 3 significant digits, no space (`17.8µs`, `562ns`), or ticks as a number. */
export function axisDuration(ns: number, unitsPerSecond = 1e9): string {
  if (unitsPerSecond !== 1e9) return String(ns);
  const fmt = (x: number): string => String(Number(x.toPrecision(3)));
  if (ns >= 1e9) return `${fmt(ns / 1e9)}s`;
  if (ns >= 1e6) return `${fmt(ns / 1e6)}ms`;
  if (ns >= 1e3) return `${fmt(ns / 1e3)}µs`;
  return `${fmt(ns)}ns`;
}

/** x of a value on the bins' log scale (linear inside a bin starting at 0). */
function xOf(g: LatencyGroup, v: number): number {
  const bins = g.bins;
  for (let i = 0; i < bins.length; i++) {
    const b = bins[i]!;
    if (v < b.hi || i === bins.length - 1) {
      const frac = b.lo > 0 && b.hi > b.lo && v > b.lo ? Math.log(v / b.lo) / Math.log(b.hi / b.lo) : b.lo === 0 && b.hi > 0 ? v / b.hi : 0;
      return LEFT + (i + Math.min(1, Math.max(0, frac))) * BAR_W;
    }
  }
  return LEFT;
}

export function latencyHistogramSvg(g: LatencyGroup, label: string, unitsPerSecond = 1e9): Html {
  const n = g.bins.length;
  if (n === 0) return html``;
  const width = LEFT + n * BAR_W + RIGHT;
  const height = TOP + CHART_H + BOTTOM;
  const most = Math.max(1, ...g.bins.map((b) => b.count));
  const base = TOP + CHART_H;
  const dur = (x: number): string => formatDuration(x, unitsPerSecond);
  const bars = g.bins.map((b, i) => {
    const h = b.count === 0 ? 0 : Math.max(1, Math.round((b.count / most) * CHART_H));
    const x = LEFT + i * BAR_W;
    return html`<g class="bin"><title>${`[${dur(b.lo)}, ${dur(b.hi)}): ${b.count}`}</title><rect class="bar" x="${x + 1}" y="${base - h}" width="${BAR_W - 2}" height="${h}"/>${
      b.count > 0 ? html`<text class="count" x="${x + BAR_W / 2}" y="${base - h - 3}" text-anchor="middle">${b.count}</text>` : ''
    }</g>`;
  });
  // Lower edges under the bars; every other one when the labels would touch.
  const step = Math.max(1, Math.ceil(44 / BAR_W));
  const ticks: Html[] = [];
  for (let i = 0; i <= n; i += step) {
    const v = i < n ? g.bins[i]!.lo : g.bins[n - 1]!.hi;
    ticks.push(html`<text class="tick" x="${LEFT + i * BAR_W}" y="${base + 13}" text-anchor="${i === 0 ? 'start' : 'middle'}">${axisDuration(v, unitsPerSecond)}</text>`);
  }
  const marks = (
    [
      ['p50', g.p50, 10],
      ['p90', g.p90, 21],
      ['p99', g.p99, 32],
    ] as const
  ).map(([name, v, y]) => {
    const x = Math.round(xOf(g, v) * 10) / 10;
    return html`<g class="pct"><line x1="${x}" y1="${y + 2}" x2="${x}" y2="${base}"/><text x="${x + 2}" y="${y}">${`${name} ${axisDuration(v, unitsPerSecond)}`}</text></g>`;
  });
  return html`<svg class="histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${`${label}: ${g.count} requests, p50 ${dur(g.p50)}, p90 ${dur(g.p90)}, p99 ${dur(g.p99)}, max ${dur(g.max)}`}"><line class="axis" x1="${LEFT}" y1="${base}" x2="${LEFT + n * BAR_W}" y2="${base}"/>${joinHtml(bars)}${joinHtml(ticks)}${joinHtml(marks)}</svg>`;
}
