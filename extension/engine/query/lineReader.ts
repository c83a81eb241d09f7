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
/** A line this close after the previous one is reached by scanning on rather than from a checkpoint. */
const LINE_SKIP_MAX = 64;
/** Bytes read at once by a window of consecutive lines. */
const WINDOW_PIECE = 4 * 1024 * 1024;

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

  /**
   * The text of lines [from, from + count), decoded as UTF-8 (cut lines end with `…`): one seek to the
   * checkpoint before `from`, then one forward scan (a window of 200,000 lines reads its bytes once).
   */
  text(from: number, count: number): string[] {
    const first = Math.max(1, from);
    const last = Math.min(this.totalLines, from + count - 1);
    if (first > last) return [];
    const offset = this.offsetOf(first);
    if (offset < 0) return [];
    return this.windowText(offset, last - first + 1) ?? this.linesFrom(offset, last - first + 1);
  }

  /** `count` lines from `offset`, one by one (exact for lines longer than the limit). */
  private linesFrom(offset: number, count: number): string[] {
    const out: string[] = [];
    const dec = new TextDecoder('utf-8');
    // A file that ends with a newline has no line after it.
    for (let n = 0; n < count && offset >= 0 && offset < this.source.size; n++) {
      const l = this.lineFrom(offset);
      out.push(dec.decode(l.bytes) + (l.cut ? '…' : ''));
      offset = l.next;
    }
    return out;
  }

  /**
   * `count` lines from `offset` read in large pieces, decoded at once and split: undefined when one of them
   * is longer than the limit (the caller then reads them one by one and cuts that one).
   */
  private windowText(offset: number, count: number): string[] | undefined {
    const dec = new TextDecoder('utf-8');
    const parts: string[] = [];
    let found = 0;
    let lineStart = offset;
    let at = offset;
    while (found < count && at < this.source.size) {
      const read = this.source.readSync(at, WINDOW_PIECE);
      if (read.length === 0) break;
      const piece = Buffer.isBuffer(read) ? read : Buffer.from(read.buffer, read.byteOffset, read.byteLength);
      let i = 0;
      let take = piece.length;
      while (found < count) {
        const nl = piece.indexOf(10, i);
        if (nl < 0) break;
        if (at + nl - lineStart > this.maxLineBytes + 1) return undefined;
        lineStart = at + nl + 1;
        found++;
        i = nl + 1;
        if (found === count) take = i;
      }
      if (found < count && at + piece.length - lineStart > this.maxLineBytes + 1) return undefined;
      parts.push(dec.decode(piece.subarray(0, take), { stream: true }));
      at += take;
    }
    parts.push(dec.decode());
    const lines = parts.join('').split('\n');
    // The last line read ended with its newline: no line after it.
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k]!;
      if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[k] = l.slice(0, -1);
    }
    return lines;
  }

  /**
   * The text of the given lines (1-based, increasing), '' for a line past the end: a forward scan from line
   * to line when they are near each other (the matches of a filter), a seek to a checkpoint otherwise.
   */
  textAt(lines: readonly number[] | Uint32Array): string[] {
    const out: string[] = [];
    const dec = new TextDecoder('utf-8');
    let atLine = 0;
    let atOffset = -1;
    for (const n of lines) {
      if (n < 1 || n > this.totalLines) {
        out.push('');
        continue;
      }
      if (atOffset < 0 || n < atLine || n - atLine > LINE_SKIP_MAX) {
        atOffset = this.offsetOf(n);
        atLine = n;
      }
      while (atLine < n && atOffset >= 0) {
        atOffset = this.lineFrom(atOffset).next;
        atLine++;
      }
      if (atOffset < 0) {
        out.push('');
        continue;
      }
      const l = this.lineFrom(atOffset);
      out.push(dec.decode(l.bytes) + (l.cut ? '…' : ''));
      atOffset = l.next;
      atLine = n + 1;
    }
    return out;
  }

  /** Byte offset of line `n` (1-based): the nearest checkpoint, then the lines between. -1 past the end. */
  private offsetOf(n: number): number {
    const [cpLine, cpOffset] = this.index.seek(n);
    let offset = cpOffset;
    for (let l = cpLine; l < n; l++) {
      const nl = this.findNewline(offset, Number.POSITIVE_INFINITY);
      if (nl < 0) return -1;
      offset = nl + 1;
    }
    return offset;
  }

  /** The line starting at `offset`: its bytes (without `\r\n`), whether it was cut, and the next line's offset (-1 at the end). */
  private lineFrom(offset: number): { bytes: Uint8Array; cut: boolean; next: number } {
    const nl = this.findNewline(offset, offset + this.maxLineBytes + 2);
    if (nl >= 0 && nl - offset <= this.maxLineBytes + 1) {
      let bytes = this.bytes(offset, nl - offset);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
      if (bytes.length > this.maxLineBytes) return { bytes: bytes.subarray(0, this.maxLineBytes), cut: true, next: nl + 1 };
      return { bytes, cut: false, next: nl + 1 };
    }
    if (nl < 0 && this.source.size - offset <= this.maxLineBytes) {
      // The last line, without a newline.
      return { bytes: this.bytes(offset, this.source.size - offset), cut: false, next: -1 };
    }
    // Longer than the limit: its start, and the line after it (found by scanning on).
    const end = this.findNewline(offset + this.maxLineBytes, Number.POSITIVE_INFINITY);
    return { bytes: this.bytes(offset, this.maxLineBytes), cut: true, next: end < 0 ? -1 : end + 1 };
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
      const i = block.indexOf(10, rel);
      if (i >= 0 && i < upto) return blockStart + i;
      if (block.length < BLOCK) return -1;
      at = blockStart + BLOCK;
    }
    return -1;
  }

  private bytes(offset: number, length: number): Uint8Array {
    // Within one block (most lines): a view of the cached block (blocks are never written).
    const start = offset - (offset % BLOCK);
    if (offset + length <= start + BLOCK) {
      const block = this.block(start);
      return block.subarray(offset - start, Math.min(block.length, offset - start + length));
    }
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
    const read = this.source.readSync(start, BLOCK);
    // A Buffer view: its indexOf is a native memchr.
    const b = Buffer.isBuffer(read) ? read : Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    this.cache.set(start, b);
    if (this.cache.size > CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    return b;
  }
}
