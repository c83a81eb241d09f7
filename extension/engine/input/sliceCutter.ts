/**
 * SliceCutter: cuts a byte stream into slices of complete lines for the SliceParsers, without ever
 * holding the whole input.
 *
 * Bytes arrive in chunks of any size (`push`); each returned slice owns a fresh buffer (so it can be
 * transferred to a worker) that ends just after a newline, except the final slice of an input that does
 * not end with one (`unterminatedLast`). A line longer than `maxLineBytes` is not buffered: it is returned
 * as an `overlong` item (its offset and length) and its bytes are skipped up to its newline, so a
 * multi-gigabyte line costs no memory. Invariant: the items, in order, cover every byte of the input
 * exactly once.
 */
export type SliceItem =
  | { readonly kind: 'slice'; readonly bytes: Uint8Array; readonly fileOffset: number; readonly unterminatedLast: boolean }
  | { readonly kind: 'overlong'; readonly fileOffset: number; readonly length: number };

/**
 * A Buffer with an ArrayBuffer of its own (transferable to a worker; not from Node's shared pool).
 * Buffers, not plain Uint8Arrays: Buffer.indexOf is a native memchr, the typed-array one is not.
 */
function newBuffer(size: number): Buffer {
  return Buffer.allocUnsafeSlow(size);
}

/** Slice buffers handed back after parsing, reused for the next slices (fewer large allocations and frees). */
const MAX_SPARE = 8;

export class SliceCutter {
  private pending: Buffer;
  private pendingLen = 0;
  private pendingOffset = 0;
  private offset = 0;
  private skipping = false;
  private skipStart = 0;
  private skipLen = 0;
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private readonly sliceBytes = 4 * 1024 * 1024,
    private readonly maxLineBytes = 8 * 1024 * 1024,
  ) {
    this.pending = newBuffer(sliceBytes + 64 * 1024);
  }

  /** Feeds the next chunk; returns the items it completes. The chunk may be reused after the call. */
  push(chunk: Uint8Array): SliceItem[] {
    const out: SliceItem[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skipping) {
        const nl = chunk.indexOf(10, pos);
        const upto = nl < 0 ? chunk.length : nl;
        this.skipLen += upto - pos;
        this.offset += upto - pos;
        pos = upto;
        if (nl < 0) break;
        out.push({ kind: 'overlong', fileOffset: this.skipStart, length: this.skipLen });
        this.skipping = false;
        pos++;
        this.offset++;
        this.pendingOffset = this.offset;
        continue;
      }
      const room = this.pending.length - this.pendingLen;
      const take = Math.min(room, chunk.length - pos);
      this.pending.set(chunk.subarray(pos, pos + take), this.pendingLen);
      this.pendingLen += take;
      this.offset += take;
      pos += take;
      if (this.pendingLen >= this.sliceBytes) this.cut(out);
    }
    return out;
  }

  /** Gives back the buffer of a slice that was parsed, for reuse. */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.sliceBytes + 64 * 1024 && this.spare.length < MAX_SPARE) this.spare.push(buffer);
  }

  private buffer(size: number): Buffer {
    if (size === this.sliceBytes + 64 * 1024) {
      const b = this.spare.pop();
      if (b !== undefined) return Buffer.from(b);
    }
    return newBuffer(size);
  }

  /** Ends the input: returns the last items. */
  end(): SliceItem[] {
    const out: SliceItem[] = [];
    if (this.skipping) {
      out.push({ kind: 'overlong', fileOffset: this.skipStart, length: this.skipLen });
      this.skipping = false;
    } else if (this.pendingLen > 0) {
      const last = this.pending[this.pendingLen - 1];
      out.push({ kind: 'slice', bytes: this.pending.subarray(0, this.pendingLen), fileOffset: this.pendingOffset, unterminatedLast: last !== 10 });
      this.pendingLen = 0;
    }
    return out;
  }

  /** Emits the complete lines of the pending buffer, keeps the partial last line. */
  private cut(out: SliceItem[]): void {
    const nl = this.pending.lastIndexOf(10, this.pendingLen - 1);
    if (nl >= 0) {
      const full = this.pending;
      const restLen = this.pendingLen - (nl + 1);
      const next = this.buffer(Math.max(this.sliceBytes + 64 * 1024, restLen * 2));
      next.set(full.subarray(nl + 1, this.pendingLen));
      out.push({ kind: 'slice', bytes: full.subarray(0, nl + 1), fileOffset: this.pendingOffset, unterminatedLast: false });
      this.pending = next;
      this.pendingOffset += nl + 1;
      this.pendingLen = restLen;
      return;
    }
    // No newline in the whole buffer: one line is this long so far.
    if (this.pendingLen >= this.maxLineBytes) {
      this.skipping = true;
      this.skipStart = this.pendingOffset;
      this.skipLen = this.pendingLen;
      this.pendingLen = 0;
      if (this.pending.length > this.sliceBytes * 2) this.pending = newBuffer(this.sliceBytes + 64 * 1024);
      return;
    }
    const grown = newBuffer(Math.min(this.pending.length * 2, this.maxLineBytes + 64 * 1024));
    grown.set(this.pending.subarray(0, this.pendingLen));
    this.pending = grown;
  }
}
