/**
 * recogniseBcachefsLine: bcachefs's read errors with the file they hit (`bcachefs (sda1): /path offset N:
 * data read error: critical medium`, 6.x) and its journal write errors (`bcachefs (UUID): IO error on sdd
 * for journal write`). The path may hold blanks; it is everything up to the last ` offset N: ` before
 * the error text.
 */
import { matchAt, type IoErrorLine } from './ioErrorLine';

const PREFIX = /bcachefs \(([^)\s]+)\): /y;
const JOURNAL = /IO error on (\S+) for journal write/y;
const DATA_ERROR = /: data (read|write) error: /g;
const OFFSET = / offset (\d+)$/;

/** A bcachefs I/O error line starting at `at`, or undefined. */
export function recogniseBcachefsLine(msg: string, at: number): IoErrorLine | undefined {
  const p = matchAt(PREFIX, msg, at);
  if (!p) return undefined;
  const fs = p[1]!;
  const rest = PREFIX.lastIndex;
  let m: RegExpExecArray | null;
  if ((m = matchAt(JOURNAL, msg, rest))) {
    return { source: 'bcachefs', kind: 'io', device: m[1]!, op: 'WRITE', opFrom: 'words', status: 'journal write error', words: `bcachefs journal write on ${m[1]!} failed` };
  }
  DATA_ERROR.lastIndex = rest;
  if (!(m = DATA_ERROR.exec(msg))) return undefined;
  const head = msg.slice(rest, m.index);
  const o = OFFSET.exec(head);
  const op = m[1] === 'read' ? 'READ' : 'WRITE';
  const why = msg.slice(DATA_ERROR.lastIndex).trim();
  // The prefix names a device only when it is not the filesystem's UUID.
  const device = /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(fs) ? undefined : fs;
  const path = o ? head.slice(0, o.index) : head;
  return {
    source: 'bcachefs',
    kind: 'io',
    ...(device !== undefined ? { device, fsDevice: device } : {}),
    path,
    ...(o ? { fileOffset: Number(o[1]) } : {}),
    op,
    opFrom: 'words',
    status: why,
    words: `bcachefs ${m[1]!} error in ${path}${o ? ` at offset ${o[1]!}` : ''}: ${why}`,
  };
}
