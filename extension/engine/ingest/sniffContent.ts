/**
 * sniffContent: decides from the first lines of a text whether it is ftrace text, a kernel log, or
 * neither. Used by the editor to switch `.txt` / `.log` files to the right language on open.
 */
import { LineHeader } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { isKernelLogLine } from './kernelLogSniffer';

export type SniffedLanguage = 'ftrace' | 'kernel-log' | undefined;

/** Looks at up to `maxLines` non-blank lines of `text`. */
export function sniffContent(text: string, maxLines = 50): SniffedLanguage {
  const h = new LineHeader();
  let trace = 0;
  let log = 0;
  let seen = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (++seen > maxLines) break;
    if (seen === 1 && /^(cpus=\d+|version = \d+|# tracer: )/.test(line)) return 'ftrace';
    const bytes = Buffer.from(line, 'utf8');
    if (scanEventLine(bytes, 0, bytes.length, h)) trace++;
    else if (isKernelLogLine(line)) log++;
  }
  if (trace === 0 && log === 0) return undefined;
  if (trace >= log && trace >= Math.min(3, seen)) return 'ftrace';
  if (log > trace && log >= Math.min(3, seen)) return 'kernel-log';
  return undefined;
}
