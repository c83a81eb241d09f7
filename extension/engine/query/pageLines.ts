/**
 * pageLines: the bytes of a page's lines (a few hundred ascending line numbers, often close together), read
 * in runs: the LineReader finds the byte offset of a run's first line (from the nearest checkpoint), then
 * the run's span is read from the ByteSource in one piece and walked forward with memchr, so the lines in
 * between cost a newline search each instead of a checkpoint seek each. A line farther than RUN_GAP lines
 * from the previous one starts a new run. Lines longer than MAX_LINE_BYTES are given cut (`cut` true).
 */
import type { ByteSource } from '../input/byteSource';
import type { LineReader } from './lineReader';

/** Lines farther apart than this are reached by a seek (from a checkpoint at most 64 lines before) rather than by reading what lies between. */
const RUN_GAP = 64;
/** Bytes of a line given at most (the LineReader's limit). */
const MAX_LINE_BYTES = 1024 * 1024;
const MIN_READ = 16 * 1024;
/** First read of a run at most (more is read as the walk needs it). */
const MAX_FIRST_READ = 1024 * 1024;

/** Calls `visit(i, bytes, cut)` for each of `lines` (1-based, ascending) in order, with the line's bytes without `\r\n` (empty past the end). */
export function visitLines(reader: LineReader, source: ByteSource, lines: Uint32Array, visit: (i: number, bytes: Uint8Array, cut: boolean) => void): void {
  const avgLine = source.bytesPerLine ?? (reader.totalLines > 0 ? source.size / reader.totalLines : 128);
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    const start = reader.line(first);
    if (start === undefined) {
      for (; i < lines.length; i++) visit(i, new Uint8Array(0), false);
      return;
    }
    // The run: the lines that follow closely.
    let j = i;
    while (j + 1 < lines.length && lines[j + 1]! - lines[j]! <= RUN_GAP) j++;
    const want = Math.min(MAX_FIRST_READ, Math.max(MIN_READ, Math.ceil((lines[j]! - first + 2) * avgLine * 1.25)));
    const cur = new Cursor(source, start.offset, want);
    let line = first;
    for (; i <= j; i++) {
      const target = lines[i]!;
      while (line < target && cur.skipLine()) line++;
      if (line < target) {
        visit(i, new Uint8Array(0), false);
        continue;
      }
      const { bytes, cut } = cur.readLine();
      line++;
      visit(i, bytes, cut);
    }
  }
}

/** A forward reader over the source from a line start, refilled as it goes. */
class Cursor {
  private buf: Buffer;
  /** Absolute offset of buf[0]. */
  private base: number;
  private pos = 0;

  constructor(
    private readonly source: ByteSource,
    offset: number,
    private readSize: number,
  ) {
    this.base = offset;
    this.buf = asBuffer(source.readSync(offset, readSize));
  }

  /** Skips the current line; false at the end of the input. */
  skipLine(): boolean {
    for (;;) {
      const nl = this.indexOfNewline();
      if (nl >= 0) {
        this.pos = nl + 1;
        return true;
      }
      // No newline in what is buffered: drop it and read on.
      this.pos = this.buf.length;
      if (!this.refill(this.pos)) return false;
    }
  }

  /** The current line (without `\r\n`, cut at MAX_LINE_BYTES) and moves past it. */
  readLine(): { bytes: Uint8Array; cut: boolean } {
    for (;;) {
      const nl = this.indexOfNewline();
      if (nl >= 0) {
        let end = nl;
        if (end > this.pos && this.buf[end - 1] === 13) end--;
        const cut = end - this.pos > MAX_LINE_BYTES;
        const bytes = this.buf.subarray(this.pos, cut ? this.pos + MAX_LINE_BYTES : end);
        this.pos = nl + 1;
        return { bytes, cut };
      }
      const have = this.buf.length - this.pos;
      const atEnd = this.base + this.buf.length >= this.source.size;
      if (atEnd || have > MAX_LINE_BYTES) {
        // The last line without a newline, or a line longer than the limit: its start, then skip the rest.
        const bytes = this.buf.slice(this.pos, this.pos + Math.min(have, MAX_LINE_BYTES));
        const cut = have > MAX_LINE_BYTES;
        if (atEnd) this.pos = this.buf.length;
        else this.skipLine();
        return { bytes, cut };
      }
      // Keep the line's start and read more after it.
      this.refill(this.pos);
    }
  }

  private indexOfNewline(): number {
    return this.buf.indexOf(10, this.pos);
  }

  /** Reads on from buf[keepFrom] (kept); false when nothing more could be read. */
  private refill(keepFrom: number): boolean {
    const keep = this.buf.subarray(keepFrom);
    const at = this.base + this.buf.length;
    if (at >= this.source.size) return false;
    this.readSize = Math.min(this.readSize * 2, 4 * MAX_LINE_BYTES);
    const more = this.source.readSync(at, this.readSize);
    if (more.length === 0) return false;
    const next = new Uint8Array(keep.length + more.length);
    next.set(keep);
    next.set(more, keep.length);
    this.base += keepFrom;
    this.pos -= keepFrom;
    this.buf = asBuffer(next);
    return true;
  }
}

/** A Buffer view of bytes (its indexOf is a native memchr), without a copy. */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
