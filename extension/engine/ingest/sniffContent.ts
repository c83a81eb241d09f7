/**
 * sniffContent: decides from the first lines of a text whether it is ftrace text, a kernel log, or
 * neither. Used by the editor to switch `.txt` / `.log` files to the right language on open, and by the
 * input layer (input/sniffInput) to pick the reader of a file.
 *
 * Kernel-log lines are found anywhere in the head, not only at its top: after prose (a mail, a bug
 * report), behind `> ` quoting or a code block's indentation, with or without reader prefixes
 * (klog/logSniff). Prose lines count for neither side.
 */
import { LineHeader } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { isKernelLogLine } from './kernelLogSniffer';

export type SniffedLanguage = 'ftrace' | 'kernel-log' | undefined;

/** What the head of a text holds: trace event lines, kernel-log lines, and non-blank lines looked at. */
export interface SniffCounts {
  /** The first line is a trace header (`# tracer:`, trace-cmd's `cpus=`/`version =`). */
  readonly traceHeader: boolean;
  readonly trace: number;
  readonly log: number;
  readonly seen: number;
}

/** Counts trace and kernel-log lines among up to `maxLines` non-blank lines of `text`. */
export function sniffCounts(text: string, maxLines = 50): SniffCounts {
  const h = new LineHeader();
  let trace = 0;
  let log = 0;
  let seen = 0;
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const raw = text.slice(start, nl);
    start = nl + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (++seen > maxLines) {
      seen--;
      break;
    }
    if (seen === 1 && /^(cpus=\d+|version = \d+|# tracer: )/.test(line)) return { traceHeader: true, trace: 0, log: 0, seen };
    const bytes = Buffer.from(line, 'utf8');
    if (scanEventLine(bytes, 0, bytes.length, h)) trace++;
    else if (isKernelLogLine(line)) log++;
  }
  return { traceHeader: false, trace, log, seen };
}

/** Looks at up to `maxLines` non-blank lines of `text`. */
export function sniffContent(text: string, maxLines = 50): SniffedLanguage {
  const { traceHeader, trace, log, seen } = sniffCounts(text, maxLines);
  if (traceHeader) return 'ftrace';
  if (trace === 0 && log === 0) return undefined;
  if (trace >= log && trace >= Math.min(3, seen)) return 'ftrace';
  if (log > trace && log >= Math.min(3, seen)) return 'kernel-log';
  return undefined;
}
