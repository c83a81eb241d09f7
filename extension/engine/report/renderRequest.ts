/**
 * renderRequest: the full lifecycle of the request an event line belongs to, from the top of its chain
 * (syscall or io_uring submission) down through the filesystem to the block requests, each with its
 * stages, times and lines. Used by `iolens request FILE LINE` (and later by the editor's hover).
 */
import type { JsonValue } from '../contracts/finding';
import { devName } from '../lifecycle/devName';
import type { IoRequest, RequestSet } from '../lifecycle/ioRequest';

/** A request and its lower layers, as JSON. */
export interface RequestTree {
  readonly id: number;
  readonly layer: string;
  readonly op: string;
  readonly pid: number;
  readonly comm: string;
  readonly dev: string | null;
  readonly ino: number | null;
  readonly offset: number | null;
  readonly length: number | null;
  readonly sector: number | null;
  readonly sectors: number | null;
  readonly result: number | null;
  readonly complete: boolean;
  /** Submission to completion in ns, when complete. */
  readonly latencyNs: number | null;
  readonly stages: { name: string; ts: number; line: number }[];
  readonly lines: number[];
  readonly details: { [key: string]: JsonValue };
  readonly children: RequestTree[];
}

function devText(dev: number): string | null {
  return dev < 0 ? null : devName(dev);
}

function orNull(v: number): number | null {
  return v < 0 ? null : v;
}

export function requestTree(set: RequestSet, r: IoRequest, depth = 0): RequestTree {
  const first = r.stages[0];
  const last = r.stages[r.stages.length - 1];
  return {
    id: r.id,
    layer: r.layer,
    op: r.op,
    pid: r.pid,
    comm: r.comm,
    dev: devText(r.dev),
    ino: orNull(r.ino),
    offset: orNull(r.offset),
    length: orNull(r.length),
    sector: orNull(r.sector),
    sectors: orNull(r.sectors),
    result: r.result ?? null,
    complete: r.complete,
    latencyNs: r.complete && first && last ? last.ts - first.ts : null,
    stages: r.stages.map((s) => ({ ...s })),
    lines: [...r.lines],
    details: r.details,
    children: depth > 8 ? [] : r.children.map((c) => requestTree(set, set.requests[c]!, depth + 1)),
  };
}

/** The trees of every request chain the line belongs to (one per distinct root). */
export function requestsAtLine(set: RequestSet, line: number): RequestTree[] {
  const roots = new Map<number, IoRequest>();
  for (const r of set.atLine(line)) {
    const root = set.root(r);
    roots.set(root.id, root);
  }
  return [...roots.values()].map((r) => requestTree(set, r));
}

function fmtNs(ns: number): string {
  if (Math.abs(ns) >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e3).toFixed(1)} µs`;
}

/** Text form: an indented tree, stages with their time offset from the request's first stage. */
export function renderRequestText(trees: readonly RequestTree[], file: string, line: number): string {
  if (trees.length === 0) return `${file}:${line}: no I/O request uses this line.\n`;
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
  return out.join('\n') + '\n';
}
