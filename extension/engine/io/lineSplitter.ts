/**
 * LineSplitter: frames a byte stream into lines without ever holding the whole input.
 *
 * Bytes arrive in slices of any size (`push`); complete lines are handed to the sink as byte ranges
 * of a reusable buffer, with their 1-based line number and their byte offset in the file. A partial
 * line is carried to the next slice. `\r\n` and a final line without `\n` are handled. A line longer
 * than `maxLineBytes` is not buffered: it is reported once (`onOverlongLine`) and skipped up to its
 * newline, so a multi-gigabyte line costs no memory. Invariant: every input line is reported exactly
 * once, either to `onLine` or to `onOverlongLine`.
 */
export interface LineSink {
  /**
   * A line: buf[start, end) without its line terminator. `unterminated` is true for a last line that has
   * no newline (possibly cut short: a truncated file).
   */
  onLine(buf: Uint8Array, start: number, end: number, lineNo: number, fileOffset: number, unterminated: boolean): void;
  /** A line longer than the limit; its bytes were skipped. */
  onOverlongLine(lineNo: number, fileOffset: number, length: number): void;
}

export class LineSplitter {
  private carry: Uint8Array;
  private carryLen = 0;
  private carryOffset = 0;
  private lineNo = 1;
  private offset = 0;
  private skipping = false;
  private skipStartOffset = 0;
  private skipLen = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = 8 * 1024 * 1024,
  ) {
    this.carry = new Uint8Array(64 * 1024);
  }

  /** Lines completed so far (the number of the next line minus one). */
  get linesDone(): number {
    return this.lineNo - 1;
  }

  /** Feeds the next slice of the file. The slice may be reused by the caller after the call. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      const nl = chunk.indexOf(10, pos);
      if (this.skipping) {
        if (nl < 0) {
          this.skipLen += end - pos;
          this.offset += end - pos;
          return;
        }
        this.skipLen += nl - pos;
        this.sink.onOverlongLine(this.lineNo++, this.skipStartOffset, this.skipLen);
        this.offset += nl - pos + 1;
        this.skipping = false;
        pos = nl + 1;
        continue;
      }
      if (nl < 0) {
        this.appendCarry(chunk, pos, end);
        return;
      }
      if (this.carryLen > 0) {
        this.appendCarry(chunk, pos, nl);
        if (!this.skipping) {
          this.emit(this.carry, 0, this.carryLen, this.carryOffset);
          this.carryLen = 0;
        } else {
          this.sink.onOverlongLine(this.lineNo++, this.skipStartOffset, this.skipLen);
          this.skipping = false;
        }
        this.offset += 1; // appendCarry already counted the line's bytes
      } else {
        this.emit(chunk, pos, nl, this.offset);
        this.offset += nl - pos + 1;
      }
      pos = nl + 1;
    }
  }

  /** Flushes a final line that has no terminating newline. */
  end(): void {
    if (this.skipping) {
      this.sink.onOverlongLine(this.lineNo++, this.skipStartOffset, this.skipLen);
      this.skipping = false;
    } else if (this.carryLen > 0) {
      this.emit(this.carry, 0, this.carryLen, this.carryOffset, true);
    }
    this.carryLen = 0;
  }

  private emit(buf: Uint8Array, start: number, end: number, fileOffset: number, unterminated = false): void {
    let e = end;
    if (e > start && buf[e - 1] === 13) e--;
    if (e - start > this.maxLineBytes) {
      this.sink.onOverlongLine(this.lineNo++, fileOffset, end - start);
      return;
    }
    this.sink.onLine(buf, start, e, this.lineNo++, fileOffset, unterminated);
  }

  private appendCarry(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.carryLen === 0) this.carryOffset = this.offset;
    if (this.carryLen + n > this.maxLineBytes) {
      // Too long to keep: switch to skipping until the next newline.
      this.skipping = true;
      this.skipStartOffset = this.carryOffset;
      this.skipLen = this.carryLen + n;
      this.carryLen = 0;
      if (this.carry.length > 1 << 20) this.carry = new Uint8Array(64 * 1024);
      this.offset += n;
      return;
    }
    if (this.carryLen + n > this.carry.length) {
      let size = this.carry.length * 2;
      while (size < this.carryLen + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen);
    this.carryLen += n;
    this.offset += n;
  }
}
