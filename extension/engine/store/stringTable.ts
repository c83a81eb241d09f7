/**
 * StringTable: interns strings (comms, event names, rwbs, device names, pointers) as small integer ids.
 *
 * The hot path interns byte ranges straight from the file buffer (`internBytes`) without creating a JS
 * string unless the bytes are new: an open-addressing hash table keyed by FNV-1a of the bytes, verified
 * byte by byte, so there are no false matches. Ids are dense, start at 0 and never change.
 * Bytes are decoded as UTF-8 with replacement characters (invalid input never throws).
 *
 * Memory is bounded per string: bytes longer than MAX_STRING_BYTES are cut at a character boundary
 * and the string ends in `…` (kernel strings are short: a comm is 16 bytes, a trace_marker write at most
 * a page). A cut string is keyed by its kept bytes plus a mark, so it never equals a string that is
 * exactly those bytes, and two long strings with the same head share one id.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The longest string interned whole, in bytes (see the header). */
export const MAX_STRING_BYTES = 4096;
/** What a cut string ends in. */
export const CUT_MARK = '…';
/** UTF-8 bytes of CUT_MARK: a JS string that long beyond the limit is taken as already cut. */
const CUT_MARK_BYTES = 3;

/** FNV-1a of buf[start, end); a cut string's hash is mixed once more so it differs from its head's. */
function hashBytes(buf: Uint8Array, start: number, end: number, cut: boolean): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= buf[i]!;
    h = Math.imul(h, 0x01000193);
  }
  if (cut) h = Math.imul(h ^ 0xff, 0x01000193);
  return h >>> 0;
}

/** Where to cut buf[start, end) to at most MAX_STRING_BYTES without splitting a UTF-8 character. */
function cutEnd(buf: Uint8Array, start: number): number {
  let e = start + MAX_STRING_BYTES;
  // buf[e] is the first byte left out: while it continues a character, leave that character out too.
  for (let k = 0; k < 3 && e > start && (buf[e]! & 0xc0) === 0x80; k++) e--;
  return e;
}

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

  /** Interns a JS string (cut like bytes when it is longer than MAX_STRING_BYTES, plus room for a cut mark). */
  intern(s: string): number {
    const known = this.byString.get(s);
    if (known !== undefined) return known;
    const b = Buffer.from(s, 'utf8');
    if (b.length > MAX_STRING_BYTES + CUT_MARK_BYTES) return this.internBytes(b, 0, b.length);
    return this.internBytes(b, 0, b.length, s);
  }

  /** Looks a string up without interning it. */
  find(s: string): number | undefined {
    return this.byString.get(s);
  }

  /**
   * Interns the bytes buf[start, end), cut to MAX_STRING_BYTES (see the header). `asString`: the string
   * the bytes are the UTF-8 of, given by `intern` (then the bytes are not cut). The hot path (a known
   * string) is kept small so that V8 inlines it into the payload matcher; new and cut strings go out of line.
   */
  internBytes(buf: Uint8Array, start: number, end: number, asString?: string): number {
    const len = end - start;
    if (len > MAX_STRING_BYTES && asString === undefined) return this.internCut(buf, start);
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      h ^= buf[i]!;
      h = Math.imul(h, 0x01000193);
    }
    let slot = (h >>> 0) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.lengths[id] === len && this.sameBytes(this.offsets[id]!, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
    return this.add(slot, buf, start, len, len, asString);
  }

  /**
   * The id of the bytes buf[start, end) (cut as `internBytes` cuts them) when they are interned, -1 when
   * not: a lookup that stores nothing (the payload matcher looks its fields up while it may still fail).
   */
  findBytes(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > MAX_STRING_BYTES) return this.findCut(buf, start);
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      h ^= buf[i]!;
      h = Math.imul(h, 0x01000193);
    }
    let slot = (h >>> 0) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) return -1;
      if (this.lengths[id] === len && this.sameBytes(this.offsets[id]!, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private findCut(buf: Uint8Array, start: number): number {
    const end = cutEnd(buf, start);
    const len = end - start;
    let slot = hashBytes(buf, start, end, true) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) return -1;
      if (this.lengths[id] === -len - 1 && this.sameBytes(this.offsets[id]!, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Interns the head of a string longer than MAX_STRING_BYTES, marked as cut. */
  private internCut(buf: Uint8Array, start: number): number {
    const end = cutEnd(buf, start);
    const len = end - start;
    // A cut string's stored length is negative (-(kept bytes) - 1): it never equals an uncut one's.
    const key = -len - 1;
    let slot = hashBytes(buf, start, end, true) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.lengths[id] === key && this.sameBytes(this.offsets[id]!, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
    return this.add(slot, buf, start, len, key, undefined);
  }

  /** Adds new bytes found missing at hash `slot`; `key` is their stored length (negative when cut). */
  private add(slot: number, buf: Uint8Array, start: number, len: number, key: number, asString: string | undefined): number {
    let s = asString;
    if (s === undefined) {
      s = utf8.decode(buf.subarray(start, start + len));
      if (key < 0) s += CUT_MARK;
    }
    const existing = this.byString.get(s);
    if (existing !== undefined && asString === undefined) {
      // Different bytes decoding to the same string (invalid UTF-8 replaced). Rare: no slot is kept for
      // these bytes, they are decoded again if they come back.
      return existing;
    }
    const id = this.strings.length;
    this.strings.push(s);
    this.byString.set(s, id);
    this.storeBytes(id, buf, start, len, key);
    this.slots[slot] = id;
    if (this.strings.length * 2 > this.mask) this.rehash();
    return id;
  }

  private sameBytes(off: number, buf: Uint8Array, start: number, len: number): boolean {
    const bytes = this.bytes;
    for (let i = 0; i < len; i++) if (bytes[off + i] !== buf[start + i]) return false;
    return true;
  }

  private storeBytes(id: number, buf: Uint8Array, start: number, len: number, key: number): void {
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
    this.lengths[id] = key;
    this.bytesUsed += len;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.strings.length; id++) {
      const off = this.offsets[id]!;
      const key = this.lengths[id]!;
      const len = key < 0 ? -key - 1 : key;
      let slot = hashBytes(this.bytes, off, off + len, key < 0) & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}
