/**
 * sniffInput: the one decision of what an input is, from its first bytes (read once, then reused by the
 * reader the decision picks):
 *
 *  - `empty`: no bytes;
 *  - `trace-dat`: trace-cmd's binary format (magic `\x17\x08Dtracing` and a version string);
 *  - `kernel-log`: text whose head holds kernel-log lines (dmesg, journal, syslog, kmsg…, or a task dump
 *    pasted among prose, quoted or indented) and no trace event: read by the kernel-log parser alone (it
 *    reports lines further down that look like trace events, which that reader does not analyse);
 *  - `binary`: NUL bytes in the head and not a trace.dat (garbage, a core file…): still read as text, line
 *    by line, so that trace lines among the garbage are found and the rest is reported;
 *  - `text`: anything else, read by the trace ingest (which also hands every line that is not an event to
 *    the kernel-log parser, so a file that turns out to hold a log, or a trace and a log, is still read
 *    only once, as both).
 */
import { sniffCounts } from '../ingest/sniffContent';

export type InputKind =
  | { readonly kind: 'empty' }
  | { readonly kind: 'trace-dat'; readonly version: string }
  | { readonly kind: 'kernel-log' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'text' };

/** How many bytes of the head the sniff looks at. */
export const SNIFF_BYTES = 64 * 1024;
/** Non-blank lines of the head the sniff looks at (a long mail before its log still fits). */
const SNIFF_LINES = 2000;

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
  if (isKernelLogHead(new TextDecoder().decode(head))) return { kind: 'kernel-log' };
  return { kind: 'text' };
}

/**
 * A head is a kernel log when it holds kernel-log lines and not one trace event: a head with both goes to
 * the trace ingest, which reads the log lines too. Its last line may be cut by the head's end: it is left out.
 */
function isKernelLogHead(text: string): boolean {
  const cut = text.lastIndexOf('\n');
  const { traceHeader, trace, log, seen } = sniffCounts(cut > 0 && cut < text.length - 1 ? text.slice(0, cut) : text, SNIFF_LINES);
  return !traceHeader && trace === 0 && log >= Math.min(3, seen);
}
