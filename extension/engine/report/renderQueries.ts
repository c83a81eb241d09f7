/**
 * renderQueries: the text forms of the query answers the CLI prints (`iolens events`, `iolens latency`).
 * Every line is escaped as a whole (paths, task and event names, field strings come from the input; see
 * textEscape.ts).
 */
import type { LatencyGroup } from '../contracts/query';
import { textLines } from './textEscape';

export interface EventRow {
  readonly line: number;
  readonly ts: number;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, number | string>>;
}

/** One line per event: `line  ts  [cpu]  comm-pid  event: field=value ...`. */
export function renderEventsText(rows: readonly EventRow[], digits: number): string {
  return textLines(
    rows.map((r) => {
      const fields = Object.entries(r.fields)
        .map(([k, v]) => `${k}=${typeof v === 'number' ? v : /^[^\s"]+$/.test(v) ? v : JSON.stringify(v)}`)
        .join(' ');
      return `${String(r.line).padStart(8)}  ${r.ts.toFixed(Math.min(9, Math.max(0, digits)))}  [${String(r.cpu).padStart(3, '0')}]  ${`${r.comm}-${r.pid}`.padEnd(22)} ${r.event}: ${fields}`;
    }),
  );
}

function nsText(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)} s`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} ms`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} µs`;
  return `${x} ns`;
}

/** A table of the groups, each followed by its histogram as bars (`unit` counter: a raw counter clock's ticks). */
export function renderLatencyText(file: string, groups: readonly LatencyGroup[], unit: 'ns' | 'counter' = 'ns'): string {
  if (groups.length === 0) return textLines([`${file}: no completed requests match.`]);
  const ns = unit === 'counter' ? (x: number): string => `${x} ticks` : nsText;
  const out: string[] = [`${file}: latency by layer, op, device and stage (nearest-rank percentiles${unit === 'counter' ? '; counter-clock ticks, not ns' : ''})`, ''];
  out.push(`  ${'layer'.padEnd(15)}${'op'.padEnd(16)}${'device'.padEnd(8)}${'stage'.padEnd(7)}${'count'.padStart(8)}${'p50'.padStart(11)}${'p90'.padStart(11)}${'p99'.padStart(11)}${'max'.padStart(11)}`);
  for (const g of groups) {
    out.push(`  ${g.layer.padEnd(15)}${g.op.padEnd(16)}${g.device.padEnd(8)}${g.stage.padEnd(7)}${String(g.count).padStart(8)}${ns(g.p50).padStart(11)}${ns(g.p90).padStart(11)}${ns(g.p99).padStart(11)}${ns(g.max).padStart(11)}`);
  }
  for (const g of groups) {
    if (g.bins.length === 0) continue;
    out.push('', `  ${g.layer} ${g.op} ${g.device} ${g.stage}:`);
    const most = Math.max(...g.bins.map((b) => b.count));
    for (const b of g.bins) out.push(`    ${ns(b.lo).padStart(10)} - ${ns(b.hi).padEnd(10)} ${String(b.count).padStart(8)} ${'#'.repeat(most > 0 ? Math.round((b.count / most) * 40) : 0)}`);
  }
  return textLines(out);
}
