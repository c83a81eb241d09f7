/**
 * fileSniff: what a file on disk is (a trace, a kernel log, or neither) from its first 64 KiB, for files the
 * editor has not loaded: a tab of a large file, a file whose tab just opened.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { sniffContent } from '../engine/ingest/sniffContent';

const SNIFF_BYTES = 64 * 1024;

/** `ftrace` or `kernel-log` from the first lines of the file, undefined for anything else (or unreadable). */
export function sniffFile(file: string): 'ftrace' | 'kernel-log' | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    const text = buf.subarray(0, n).toString('utf8');
    // The last line of the head may be cut: leave it out.
    const cut = text.lastIndexOf('\n');
    return sniffContent(cut > 0 ? text.slice(0, cut) : text);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The language of a file from its first bytes (`ftrace` when it does not say). */
export function languageOf(file: string): 'ftrace' | 'kernel-log' {
  return sniffFile(file) ?? 'ftrace';
}
