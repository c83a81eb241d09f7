/**
 * sniffInput: the one decision of what an input is, from its first bytes (read once, then reused by the
 * reader the decision picks):
 *
 *  - `empty`: no bytes;
 *  - `trace-dat`: trace-cmd's binary format (magic `\x17\x08Dtracing` and a version string);
 *  - `kernel-log`: text whose first lines are kernel-log lines (dmesg, journal, syslog, kmsg…) rather than
 *    trace events: read by the kernel-log parser alone;
 *  - `binary`: NUL bytes in the head and not a trace.dat (garbage, a core file…): still read as text, line
 *    by line, so that trace lines among the garbage are found and the rest is reported;
 *  - `text`: anything else, read by the trace ingest (which also hands every line that is not an event to
 *    the kernel-log parser, so a file that turns out to hold a log is still read only once).
 */
import { sniffContent } from '../ingest/sniffContent';

export type InputKind =
  | { readonly kind: 'empty' }
  | { readonly kind: 'trace-dat'; readonly version: string }
  | { readonly kind: 'kernel-log' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'text' };

/** How many bytes of the head the sniff looks at. */
export const SNIFF_BYTES = 64 * 1024;

const TRACE_DAT_MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]; // \x17\x08Dtracing

/** True when `head` starts with trace-cmd's trace.dat magic. */
export function isTraceDat(head: Uint8Array): boolean {
  return TRACE_DAT_MAGIC.every((b, i) => head[i] === b);
}

/** The version string after the magic (`6`, `7`), as printable text ('?' when there is none). */
export function traceDatVersion(head: Uint8Array): string {
  let end = 10;
  while (end < Math.min(head.length, 26) && head[end] !== 0) end++;
  const text = Buffer.from(head.subarray(10, end)).toString('latin1');
  return text === '' ? '?' : text;
}

export function sniffInput(head: Uint8Array, totalBytes: number): InputKind {
  if (totalBytes === 0) return { kind: 'empty' };
  if (isTraceDat(head)) return { kind: 'trace-dat', version: traceDatVersion(head) };
  if (head.includes(0)) return { kind: 'binary' };
  if (sniffContent(new TextDecoder().decode(head), 200) === 'kernel-log') return { kind: 'kernel-log' };
  return { kind: 'text' };
}
