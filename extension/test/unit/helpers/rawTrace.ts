// The raw side of tests over real recordings: an independent reading of a trace's event lines (kernel text
// and trace-cmd report spellings, with or without an instance prefix), with no iolens code involved. Tests
// compute their expected values from these lines and compare iolens's answers with them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface RawEvent {
  readonly line: number;
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
  /** The timestamp as printed, and as integer ns. */
  readonly tsText: string;
  readonly ns: number;
  /** The tracefs event name (kernel text's `sys_x(` / `sys_x ->` are sys_enter_x / sys_exit_x; its `tracing_mark_write:` is `print`). */
  readonly name: string;
  readonly payload: string;
}

export interface RawFile {
  readonly path: string;
  /** The file's lines (split on '\n', without the empty string after the final newline). */
  readonly lines: readonly string[];
  readonly events: readonly RawEvent[];
  readonly byLine: ReadonlyMap<number, RawEvent>;
}

// [instance: ]comm-pid [(tgid)] [cpu] [flags] sec.frac: name(: | ( | -> )payload
export const HEADER = /^(?:\w+:\s+)?\s*(.*)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d{3})\]\s+(?:[\w.]{4,6}\s+)?(\d+)\.(\d+):\s+(\w+)(:|\(| -> )(.*)$/;

/** Every event line of a trace file (kernel or trace-cmd spelling), read with one regex. */
export function parseRaw(file: string): RawFile {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const events: RawEvent[] = [];
  const byLine = new Map<number, RawEvent>();
  lines.forEach((l, i) => {
    const m = HEADER.exec(l.replace(/\r$/, ''));
    if (!m) return;
    let name = m[6]!;
    if (m[7] === '(') name = `sys_enter_${name.replace(/^sys_/, '')}`;
    else if (m[7] === ' -> ') name = `sys_exit_${name.replace(/^sys_/, '')}`;
    else if (name === 'tracing_mark_write') name = 'print';
    const payload = m[7] === '(' ? `${m[8]!}`.replace(/\)$/, '') : m[8]!;
    const e: RawEvent = { line: i + 1, comm: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), tsText: `${m[4]}.${m[5]}`, ns: Number(m[4]) * 1e9 + Number(m[5]!.padEnd(9, '0')), name, payload: payload.trim() };
    events.push(e);
    byLine.set(e.line, e);
  });
  return { path: file, lines, events, byLine };
}

const rawCache = new Map<string, RawFile>();
/** parseRaw, once per file. */
export function raw(file: string): RawFile {
  let r = rawCache.get(file);
  if (r === undefined) rawCache.set(file, (r = parseRaw(file)));
  return r;
}

/** The one raw event that satisfies `pred` (asserts there is exactly one). */
export function only(r: RawFile, pred: (e: RawEvent) => boolean, what: string): RawEvent {
  const found = r.events.filter(pred);
  assert.equal(found.length, 1, `${path.basename(r.path)}: exactly one ${what} (found ${found.length})`);
  return found[0]!;
}

/** `dev,minor ... sector + n` of a block event payload (kernel and trace-cmd spellings). */
export function blockAddr(e: RawEvent): { dev: string; rwbs: string; sector: number; n: number } | undefined {
  const m = /^(\d+),(\d+) (\S+) (?:\d+ )?\(.*?\) (\d+) \+ (\d+)/.exec(e.payload) ?? /^(\d+),(\d+) (\S+) (\d+) \+ (\d+)/.exec(e.payload);
  return m ? { dev: `${m[1]}:${m[2]}`, rwbs: m[3]!, sector: Number(m[4]), n: Number(m[5]) } : undefined;
}

/** The device an event's payload names: `7,0 ...` of block events, `dev 7:0` of fs / iomap events. */
export function devOf(e: RawEvent): string | undefined {
  const b = /^(\d+),(\d+) /.exec(e.payload);
  if (b && e.name.startsWith('block_')) return `${b[1]}:${b[2]}`;
  const d = /\bdev (\d+):(\d+)/.exec(e.payload);
  return d ? `${d[1]}:${d[2]}` : undefined;
}

/** A syscall's return value: the exit payload's hex as a signed 64-bit number. */
export function retOf(e: RawEvent): number {
  return Number(BigInt.asIntN(64, BigInt(e.payload.trim())));
}
