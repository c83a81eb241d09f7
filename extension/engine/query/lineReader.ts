/**
 * LineReader: reads any line of a model's source again, by seeking to the nearest checkpoint of its line
 * index and counting newlines from there (at most LINE_INDEX_STRIDE lines away). Blocks read from the
 * source are cached (a few, LRU), so neighbouring lines (a page of events, a window of a large file) cost
 * one read. Lines are returned without their `\r\n`; lines longer than `maxLineBytes` are cut (the caller
 * is told). Reads are synchronous: the worker answers one query at a time, and a read of a few KiB from
 * the page cache takes microseconds.
 */
import type { ByteSource } from '../input/byteSource';
import type { LineIndex } from '../store/lineIndex';

const BLOCK = 64 * 1024;
const CACHED_BLOCKS = 16;

export interface LineBytes {
  readonly bytes: Uint8Array;
  /** Byte offset of the line in the source. */
  readonly offset: number;
  /** True when the line was longer than the limit and `bytes` holds only its start. */
  readonly cut: boolean;
}

export class LineReader {
  private readonly cache = new Map<number, Uint8Array>();

  constructor(
    private readonly source: ByteSource,
    private readonly index: LineIndex,
    readonly totalLines: number,
    private readonly maxLineBytes = 1024 * 1024,
  ) {}

  /** The bytes of line `n` (1-based), or undefined past the end. */
  line(n: number): LineBytes | undefined {
    if (n < 1 || n > this.totalLines) return undefined;
    const [cpLine, cpOffset] = this.index.seek(n);
    let offset = cpOffset;
    // Skip lines up to n.
    for (let l = cpLine; l < n; l++) {
      const nl = this.findNewline(offset, Number.POSITIVE_INFINITY);
      if (nl < 0) return undefined;
      offset = nl + 1;
    }
    // The newline may sit right after the longest line read whole (and a `\r` before it).
    const nl = this.findNewline(offset, offset + this.maxLineBytes + 2);
    const whole = nl >= 0 && nl - offset <= this.maxLineBytes + (nl > offset && this.byteAt(nl - 1) === 13 ? 1 : 0);
    const end = whole ? nl : Math.min(this.source.size, offset + this.maxLineBytes);
    const cut = !whole && end < this.source.size && (nl < 0 || nl > end);
    let bytes = this.bytes(offset, end - offset);
    if (!cut && bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    return { bytes, offset, cut };
  }

  /** The text of lines [from, from + count), decoded as UTF-8 (cut lines end with `…`). */
  text(from: number, count: number): string[] {
    const out: string[] = [];
    const dec = new TextDecoder('utf-8');
    for (let n = Math.max(1, from); n < from + count && n <= this.totalLines; n++) {
      const l = this.line(n);
      if (l === undefined) break;
      out.push(dec.decode(l.bytes) + (l.cut ? '…' : ''));
    }
    return out;
  }

  private byteAt(at: number): number {
    const blockStart = at - (at % BLOCK);
    return this.block(blockStart)[at - blockStart] ?? -1;
  }

  /** Index of the first newline at or after `from` and before `limit`, or -1. */
  private findNewline(from: number, limit: number): number {
    let at = from;
    while (at < this.source.size && at < limit) {
      const blockStart = at - (at % BLOCK);
      const block = this.block(blockStart);
      const rel = at - blockStart;
      const upto = Math.min(block.length, limit - blockStart);
      for (let i = rel; i < upto; i++) if (block[i] === 10) return blockStart + i;
      if (block.length < BLOCK) return -1;
      at = blockStart + BLOCK;
    }
    return -1;
  }

  private bytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const blockStart = at - (at % BLOCK);
      const block = this.block(blockStart);
      const rel = at - blockStart;
      const take = Math.min(block.length - rel, length - done);
      if (take <= 0) break;
      out.set(block.subarray(rel, rel + take), done);
      done += take;
    }
    return out.subarray(0, done);
  }

  private block(start: number): Uint8Array {
    const hit = this.cache.get(start);
    if (hit !== undefined) {
      this.cache.delete(start);
      this.cache.set(start, hit);
      return hit;
    }
    const b = this.source.readSync(start, BLOCK);
    this.cache.set(start, b);
    if (this.cache.size > CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    return b;
  }
}
