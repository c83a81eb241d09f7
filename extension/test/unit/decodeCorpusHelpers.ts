/**
 * decodeCorpusHelpers: a crude line framer for the decoder tests (the real framer lives in ingest).
 *
 * Finds `<timestamp>: ` and splits the rest into event name and payload, applying the normalisations
 * the ingest framer promises the decoder: kernel `sys_read(args)` -> `sys_enter_read` with the
 * arguments, `sys_read -> 0x340` -> `sys_exit_read`, kernel `tracing_mark_write: msg` -> `print`.
 */
import { readFileSync } from 'node:fs';

/** One framed event line. */
export interface FramedLine {
  readonly lineNo: number;
  readonly ts: string;
  readonly event: string;
  readonly payload: string;
}

const HEAD = /^(.*?\s)(\d+\.\d+): (.*)$/;

/** Frames one line, or undefined for headers and non-event lines. */
export function frameLine(line: string, lineNo = 0): FramedLine | undefined {
  if (line.startsWith('#') || line.startsWith('cpus=')) return undefined;
  const m = HEAD.exec(line.replace(/\r$/, ''));
  if (m === null) return undefined;
  const ts = m[2]!;
  const rest = m[3]!;
  let e = /^sys_(\w+)\((.*)\)\s*$/.exec(rest);
  if (e !== null) return { lineNo, ts, event: `sys_enter_${e[1]!}`, payload: e[2]! };
  e = /^sys_(\w+) -> (.*)$/.exec(rest);
  if (e !== null) return { lineNo, ts, event: `sys_exit_${e[1]!}`, payload: e[2]! };
  if (rest.startsWith('tracing_mark_write: ')) return { lineNo, ts, event: 'print', payload: rest };
  e = /^([\w.]+):(.*)$/s.exec(rest);
  if (e === null) return undefined;
  return { lineNo, ts, event: e[1]!, payload: e[2]! };
}

/** Frames every event line of a file. */
export function frameFile(path: string): FramedLine[] {
  const out: FramedLine[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = frameLine(lines[i]!, i + 1);
    if (f !== undefined) out.push(f);
  }
  return out;
}
