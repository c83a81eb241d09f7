/**
 * renderLatency: the "Latency" section: one row per distribution (layer, op, device, stage) with its
 * count and percentiles, and a compact bar of its log-scale bins whose numbers are in the row's text.
 */
import type { LatencyGroup } from '../../extension/engine/contracts/query';
import { el } from './el';

function ns(v: number): string {
  if (v < 1e3) return `${Math.round(v)} ns`;
  if (v < 1e6) return `${(v / 1e3).toFixed(1)} µs`;
  if (v < 1e9) return `${(v / 1e6).toFixed(2)} ms`;
  return `${(v / 1e9).toFixed(2)} s`;
}

export function renderLatency(container: HTMLElement, groups: readonly LatencyGroup[]): number {
  container.replaceChildren();
  if (groups.length === 0) {
    container.append(el('div', 'No completed requests with latencies in this trace.', 'muted'));
    return 0;
  }
  const table = el('table');
  const head = el('tr');
  for (const h of ['layer', 'op', 'device', 'stage', 'count', 'p50', 'p90', 'p99', 'max', 'bins']) head.append(el('th', h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const g of groups) {
    const tr = el('tr');
    tr.setAttribute('data-stage', g.stage);
    tr.append(el('td', g.layer), el('td', g.op), el('td', g.device), el('td', g.stage), el('td', g.count.toLocaleString(), 'num'));
    for (const v of [g.p50, g.p90, g.p99, g.max]) tr.append(el('td', ns(v), 'num'));
    const bins = el('td', undefined, 'bins');
    const max = Math.max(1, ...g.bins.map((b) => b.count));
    const bars = g.bins.map((b) => '▁▂▃▄▅▆▇█'[Math.min(7, Math.floor((b.count / max) * 7.999))]).join('');
    bins.append(el('span', bars));
    bins.title = g.bins.map((b) => `${ns(b.lo)}–${ns(b.hi)}: ${b.count}`).join('\n');
    tr.append(bins);
    body.append(tr);
  }
  table.append(body);
  container.append(table);
  return groups.length;
}
