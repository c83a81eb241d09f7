/**
 * readKernelLog: feeds a kernel log to the KernelLogParser from disk (streamed in slices, never one
 * string) or from bytes already in memory (an editor buffer).
 */
import { open } from 'node:fs/promises';
import { SliceCutter, type SliceItem } from '../io/sliceCutter';
import { KernelLogParser, type KernelLogResult } from './kernelLogParser';

const MAX_LINE = 1024 * 1024;

class LineFeeder {
  private line = 0;
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly parser: KernelLogParser) {}

  feed(items: readonly SliceItem[]): void {
    for (const item of items) {
      if (item.kind === 'overlong') {
        this.parser.pushOverlong(++this.line, item.length);
        continue;
      }
      const text = this.decoder.decode(item.bytes);
      let start = 0;
      while (start < text.length) {
        let nl = text.indexOf('\n', start);
        if (nl < 0) nl = text.length;
        this.parser.pushLine(text.slice(start, nl), ++this.line);
        start = nl + 1;
      }
    }
  }
}

export async function parseKernelLogFile(path: string, signal?: AbortSignal): Promise<KernelLogResult> {
  const parser = new KernelLogParser();
  const feeder = new LineFeeder(parser);
  const cutter = new SliceCutter(1024 * 1024, MAX_LINE);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      feeder.feed(cutter.push(buf.subarray(0, bytesRead)));
    }
    feeder.feed(cutter.end());
  } finally {
    await fh.close();
  }
  return parser.finish();
}

export function parseKernelLogBytes(bytes: Uint8Array): KernelLogResult {
  const parser = new KernelLogParser();
  const feeder = new LineFeeder(parser);
  const cutter = new SliceCutter(1024 * 1024, MAX_LINE);
  const step = 1024 * 1024;
  for (let p = 0; p < bytes.length; p += step) feeder.feed(cutter.push(bytes.subarray(p, Math.min(bytes.length, p + step))));
  feeder.feed(cutter.end());
  return parser.finish();
}

export function parseKernelLogText(text: string): KernelLogResult {
  return parseKernelLogBytes(new TextEncoder().encode(text));
}
