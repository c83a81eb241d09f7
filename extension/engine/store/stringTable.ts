/**
 * StringTable: interns strings (comms, event names, rwbs, device names, pointers) as small integer ids.
 *
 * The hot path interns byte ranges straight from the file buffer (`internBytes`) without creating a JS
 * string unless the bytes are new: an open-addressing hash table keyed by FNV-1a of the bytes, verified
 * byte by byte, so there are no false matches. Ids are dense, start at 0 and never change.
 * Bytes are decoded as UTF-8 with replacement characters (invalid input never throws).
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });

export class StringTable {
  private readonly strings: string[] = [];
  private readonly byString = new Map<string, number>();
  /** Concatenated bytes of every interned string, for verification of hash hits. */
  private bytes = new Uint8Array(1 << 16);
  private bytesUsed = 0;
  private offsets: Int32Array = new Int32Array(1024);
  private lengths: Int32Array = new Int32Array(1024);
  private slots: Int32Array = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;

  /** Number of distinct strings. */
  get size(): number {
    return this.strings.length;
  }

  /** Approximate bytes held: the interned bytes, their index and the JS strings. */
  get byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.lengths.byteLength + this.slots.byteLength + this.bytesUsed * 2 + this.strings.length * 48;
  }

  /** The string for an id. */
  get(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new RangeError(`no string with id ${id}`);
    return s;
  }

  /** Interns a JS string. */
  intern(s: string): number {
    const known = this.byString.get(s);
    if (known !== undefined) return known;
    const b = Buffer.from(s, 'utf8');
    return this.internBytes(b, 0, b.length, s);
  }

  /** Looks a string up without interning it. */
  find(s: string): number | undefined {
    return this.byString.get(s);
  }

  /** Interns the bytes buf[start, end). */
  internBytes(buf: Uint8Array, start: number, end: number, asString?: string): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      h ^= buf[i]!;
      h = Math.imul(h, 0x01000193);
    }
    const len = end - start;
    let slot = (h >>> 0) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.lengths[id] === len && this.sameBytes(this.offsets[id]!, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
    const s = asString ?? utf8.decode(buf.subarray(start, end));
    const existing = this.byString.get(s);
    if (existing !== undefined && asString === undefined) {
      // Different bytes decoding to the same string (invalid UTF-8 replaced). Rare: no slot is kept for
      // these bytes, they are decoded again if they come back.
      return existing;
    }
    const id = this.strings.length;
    this.strings.push(s);
    this.byString.set(s, id);
    this.storeBytes(id, buf, start, len);
    this.slots[slot] = id;
    if (this.strings.length * 2 > this.mask) this.rehash();
    return id;
  }

  private sameBytes(off: number, buf: Uint8Array, start: number, len: number): boolean {
    const bytes = this.bytes;
    for (let i = 0; i < len; i++) if (bytes[off + i] !== buf[start + i]) return false;
    return true;
  }

  private storeBytes(id: number, buf: Uint8Array, start: number, len: number): void {
    if (id >= this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const l = new Int32Array(this.lengths.length * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    if (this.bytesUsed + len > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.bytes.length * 2, this.bytesUsed + len));
      b.set(this.bytes.subarray(0, this.bytesUsed));
      this.bytes = b;
    }
    this.bytes.set(buf.subarray(start, start + len), this.bytesUsed);
    this.offsets[id] = this.bytesUsed;
    this.lengths[id] = len;
    this.bytesUsed += len;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.strings.length; id++) {
      const off = this.offsets[id]!;
      const len = this.lengths[id]!;
      let h = 0x811c9dc5;
      for (let i = off; i < off + len; i++) {
        h ^= this.bytes[i]!;
        h = Math.imul(h, 0x01000193);
      }
      let slot = (h >>> 0) & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}
