/**
 * fileSniff: what a file on disk is (a trace, a kernel log, trace-cmd's binary trace.dat, or neither) from
 * its first bytes, for files the editor has not loaded: a tab of a large file or of a binary trace.dat, a
 * file whose tab just opened. The decisions are the engine's own pure sniffs (`sniffContent`, and
 * `isTraceDat` of the input layer), so the editor and the engine never disagree on what a file is.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { sniffContent } from '../engine/ingest/sniffContent';
import { isTraceDat } from '../engine/input/sniffInput';

const SNIFF_BYTES = 64 * 1024;
/** The trace.dat magic is `\x17\x08Dtracing`: ten bytes. */
const DAT_MAGIC_BYTES = 10;

/** Up to `max` bytes of the head of `file` (undefined when it cannot be read). */
function readHead(file: string, max: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `ftrace` or `kernel-log` from the first lines of the file, undefined for anything else (or unreadable). */
export function sniffFile(file: string): 'ftrace' | 'kernel-log' | undefined {
  const head = readHead(file, SNIFF_BYTES);
  if (head === undefined) return undefined;
  // A trace.dat is a trace, shown as the text `trace-cmd report` prints for it.
  if (isTraceDat(head)) return 'ftrace';
  const text = head.toString('utf8');
  // The last line of the head may be cut: leave it out.
  const cut = text.lastIndexOf('\n');
  return sniffContent(cut > 0 ? text.slice(0, cut) : text);
}

/** True when `file` starts with trace-cmd's trace.dat magic, whatever its name (false when unreadable). */
export function isTraceDatFile(file: string): boolean {
  const head = readHead(file, DAT_MAGIC_BYTES);
  return head !== undefined && isTraceDat(head);
}

/** True when a head read from a file is a trace.dat's. */
export function isTraceDatHead(head: Uint8Array): boolean {
  return isTraceDat(head);
}

/** The language of a file from its first bytes (`ftrace` when it does not say). */
export function languageOf(file: string): 'ftrace' | 'kernel-log' {
  return sniffFile(file) ?? 'ftrace';
}
