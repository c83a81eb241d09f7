/**
 * renderRequestText: the full lifecycle of the request an event line belongs to, from the top of its
 * chain (syscall or io_uring submission) down through the filesystem to the block requests, each with its
 * stages, times and lines, as `iolens request FILE LINE` prints it. The trees come from requestJson.ts.
 * Every line is escaped as a whole (the path and task names come from the input; see textEscape.ts).
 */
import type { RequestTree } from '../requests/requestJson';
import { textLines } from './textEscape';

function fmtNs(ns: number): string {
  if (Math.abs(ns) >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e3).toFixed(1)} µs`;
}

/** Text form: an indented tree, stages with their time offset from the request's first stage. */
export function renderRequestText(trees: readonly RequestTree[], file: string, line: number): string {
  if (trees.length === 0) return textLines([`${file}:${line}: no I/O request uses this line.`]);
  const out: string[] = [];
  const walk = (t: RequestTree, indent: string): void => {
    const where = [
      t.dev ? `dev ${t.dev}` : '',
      t.ino !== null ? `ino ${t.ino}` : '',
      t.offset !== null ? `offset ${t.offset}` : '',
      t.length !== null ? `length ${t.length}` : '',
      t.sector !== null ? `sector ${t.sector} + ${t.sectors ?? 0}` : '',
    ]
      .filter((x) => x !== '')
      .join(', ');
    const result = t.result !== null ? ` -> ${t.result}` : t.complete ? '' : ' (incomplete)';
    out.push(`${indent}${t.layer} ${t.op} by ${t.comm || '?'}-${t.pid}${where ? ` (${where})` : ''}${result}${t.latencyNs !== null ? `, ${fmtNs(t.latencyNs)}` : ''}`);
    const t0 = t.stages[0]?.ts ?? 0;
    for (const s of t.stages) out.push(`${indent}  +${fmtNs(s.ts - t0).padStart(12)}  ${s.name.padEnd(16)} line ${s.line}`);
    const details = Object.entries(t.details);
    if (details.length > 0) out.push(`${indent}  ${details.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
    for (const c of t.children) walk(c, indent + '    ');
  };
  for (const t of trees) walk(t, '');
  return textLines(out);
}
