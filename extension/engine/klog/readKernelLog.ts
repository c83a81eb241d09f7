/**
 * readKernelLog: feeds a kernel log to the KernelLogParser from a ByteSource (a file streamed in slices,
 * never one string, or bytes in memory), or from text.
 */
import type { ByteSource } from '../input/byteSource';
import { MemorySource } from '../input/byteSource';
import { SliceCutter, type SliceItem } from '../input/sliceCutter';
import { LineIndex, LINE_INDEX_STRIDE } from '../store/lineIndex';
import { KernelLogParser, type KernelLogResult } from './kernelLogParser';

/** Lines longer than this are reported as too long (see also LOG_LINE_MAX_BYTES of the trace ingest). */
const MAX_LINE = 1024 * 1024;
const SLICE = 1024 * 1024;

class LineFeeder {
  private line = 0;
  private readonly decoder = new TextDecoder('utf-8');
  /** Byte offsets of every LINE_INDEX_STRIDE-th line, so the model can read any line again. */
  readonly index = new LineIndex();
  constructor(private readonly parser: KernelLogParser) {}

  feed(items: readonly SliceItem[]): void {
    for (const item of items) {
      if (item.kind === 'overlong') {
        this.index.add(this.line + 1, item.fileOffset);
        this.parser.pushOverlong(++this.line, item.length);
        continue;
      }
      this.checkpoints(item.bytes, item.fileOffset);
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

  /** Checkpoints for the lines of a slice that starts at `fileOffset` (line numbers follow `this.line`). */
  private checkpoints(bytes: Uint8Array, fileOffset: number): void {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let line = this.line + 1;
    let at = 0;
    this.index.add(line, fileOffset);
    while (at < buf.length) {
      const nl = buf.indexOf(10, at);
      if (nl < 0) break;
      at = nl + 1;
      line++;
      if (line % LINE_INDEX_STRIDE === 0 && at < buf.length) this.index.add(line, fileOffset + at);
    }
  }
}

/** A log read from a source, with the line index of the source. */
export interface ReadLog {
  readonly log: KernelLogResult;
  readonly lines: LineIndex;
}

/** Reads a whole source as a kernel log. */
export async function parseKernelLogSource(source: ByteSource, signal?: AbortSignal): Promise<ReadLog> {
  const parser = new KernelLogParser({ standalone: true });
  const feeder = new LineFeeder(parser);
  const cutter = new SliceCutter(SLICE, MAX_LINE);
  for await (const chunk of source.slices(SLICE, signal)) feeder.feed(cutter.push(chunk));
  feeder.feed(cutter.end());
  return { log: parser.finish(), lines: feeder.index };
}

/** Reads bytes in memory as a kernel log, with their line index. */
export function readKernelLogBytes(bytes: Uint8Array): ReadLog {
  const parser = new KernelLogParser({ standalone: true });
  const feeder = new LineFeeder(parser);
  const cutter = new SliceCutter(SLICE, MAX_LINE);
  for (const chunk of new MemorySource('', bytes).slicesSync(SLICE)) feeder.feed(cutter.push(chunk));
  feeder.feed(cutter.end());
  return { log: parser.finish(), lines: feeder.index };
}

export function parseKernelLogBytes(bytes: Uint8Array): KernelLogResult {
  return readKernelLogBytes(bytes).log;
}

export function parseKernelLogText(text: string): KernelLogResult {
  return parseKernelLogBytes(new TextEncoder().encode(text));
}
