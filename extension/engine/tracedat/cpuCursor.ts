/**
 * CpuCursor: walks one CPU's ring-buffer pages record by record (libtraceevent's kbuffer-parse.c): the
 * page header (u64 time stamp, a kernel long `commit` whose low 27 bits are the data size, bit 31 "events
 * were lost before this page", bit 30 "the lost count is stored after the data"), then 32-bit event
 * headers (type_len in the low 5 bits and time_delta in the high 27 of little-endian files, the reverse in
 * big-endian ones): padding (29), time extend (30), absolute time stamp (31), data with its length in the
 * next word (0), data of type_len*4 bytes (1-28).
 *
 * The current record is exposed as fields (no object per record): `ts`, `data` + `start` + `length` (the
 * payload, beginning with common_type), `missed` (events lost right before it: a count, -1 when unknown,
 * 0 none). Its position (chunk, offset) can be saved and restored, so any record can be decoded again.
 * Damage (a commit past the page, a length past the commit) ends the page and is counted as a gap.
 */
import type { CpuChunks } from './cpuChunks';
import type { ReadAt } from './datMeta';

const COMMIT_MASK = (1 << 27) - 1;
const TS_SHIFT = 2 ** 27;
const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const TYPE_TIME_STAMP = 31;
const MISSING_EVENTS = 2 ** 31;
const MISSING_STORED = 2 ** 30;
/** Bits of the previous time stamp an absolute one keeps (kbuffer TS_MSB: 0xf8 << 56). */
const TS_MSB = 0xf8n << 56n;

/** A cursor position: enough to decode the same records again. */
export interface CursorMark {
  chunk: number;
  page: number;
  pos: number;
  end: number;
  ts: number;
  missed: number;
}

export class CpuCursor {
  /** The current record (valid after next() returned true). */
  ts = 0;
  data: Uint8Array = new Uint8Array(0);
  start = 0;
  length = 0;
  missed = 0;
  /** Chunk and offset of the current record's header, its stable position. */
  recChunk = -1;
  recOffset = 0;
  /** Damage seen: descriptions, a few at most. */
  readonly gaps: string[] = [];
  gapCount = 0;

  private chunk = -1;
  private page = 0; // offset of the current page in the chunk
  private pos = 0; // offset of the next event header
  private end = 0; // end of the current page's data
  private pendingMissed = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private readonly hdr: number;

  constructor(
    readonly cpu: number,
    private readonly chunks: CpuChunks,
    private readonly read: ReadAt,
    private readonly pageSize: number,
    private readonly littleEndian: boolean,
    private readonly longSize: 4 | 8,
    /** Decompressed chunks shared by the cursors of a file (a small LRU). */
    private readonly cache: ChunkCache,
  ) {
    this.hdr = 8 + longSize;
  }

  /** The uncompressed size of this CPU's pages. */
  dataBytes(): number {
    let n = 0;
    for (let i = 0; i < this.chunks.count; i++) n += this.chunks.size[i]!;
    return n;
  }

  mark(): CursorMark {
    return { chunk: this.chunk, page: this.page, pos: this.pos, end: this.end, ts: this.ts, missed: this.pendingMissed };
  }

  restore(m: CursorMark): void {
    this.chunk = m.chunk;
    this.page = m.page;
    this.pos = m.pos;
    this.end = m.end;
    this.ts = m.ts;
    this.pendingMissed = m.missed;
    if (m.chunk >= 0 && m.chunk < this.chunks.count) this.attach(m.chunk);
  }

  /** Restores the current record (after restore()): its time, place and payload. */
  restoreRecord(ts: number, chunk: number, offset: number, start: number, length: number, missed: number): void {
    this.recChunk = chunk;
    this.recOffset = offset;
    this.start = start;
    this.length = length;
    this.missed = missed;
    this.ts = ts;
  }

  private attach(i: number): boolean {
    const d = this.cache.get(this.chunks, i, this.read, (msg) => this.gap(msg));
    if (!d) return false;
    this.data = d;
    this.view = new DataView(d.buffer, d.byteOffset, d.byteLength);
    return true;
  }

  private gap(msg: string): void {
    this.gapCount++;
    if (this.gaps.length < 20) this.gaps.push(`CPU ${this.cpu}: ${msg}`);
  }

  /** Moves to the next page that has data; false at the end of the CPU's data. */
  private nextPage(): boolean {
    for (;;) {
      if (this.chunk < 0) {
        this.chunk = 0;
        this.page = 0;
        if (this.chunks.count === 0 || !this.attachOrSkip()) return false;
      } else {
        this.page += this.pageSize;
        if (this.page + this.hdr > this.data.length) {
          this.chunk++;
          this.page = 0;
          if (this.chunk >= this.chunks.count || !this.attachOrSkip()) return false;
        }
      }
      if (this.page + this.hdr > this.data.length) continue;
      const v = this.view;
      const pageTs = Number(v.getBigUint64(this.page, this.littleEndian));
      // The low 32 bits of the `commit` long (kbuffer: `(unsigned int)flags`): a flagged commit is sign-extended
      // by the kernel (0xffffffff80000fec), so the 64-bit value is never read as a number.
      const lo = v.getUint32(this.page + 8 + (this.longSize === 8 && !this.littleEndian ? 4 : 0), this.littleEndian);
      const size = lo & COMMIT_MASK;
      if (size === 0) continue;
      if (this.hdr + size > this.pageSize || this.page + this.hdr + size > this.data.length) {
        this.gap(`page at chunk ${this.chunk + 1} offset ${this.page} claims ${size} bytes of data, more than the page holds: page skipped`);
        continue;
      }
      this.ts = pageTs;
      this.pos = this.page + this.hdr;
      this.end = this.pos + size;
      if (lo >= MISSING_EVENTS) {
        let count = -1;
        if ((lo & MISSING_STORED) !== 0 && this.end + this.longSize <= this.page + this.pageSize) {
          count = this.longSize === 8 ? Number(v.getBigUint64(this.end, this.littleEndian)) : v.getUint32(this.end, this.littleEndian);
        }
        this.pendingMissed = count;
      }
      return true;
    }
  }

  private attachOrSkip(): boolean {
    while (this.chunk < this.chunks.count) {
      if (this.attach(this.chunk)) return true;
      this.chunk++;
    }
    return false;
  }

  /** Advances to the next data record; false when the CPU's data is exhausted. */
  next(): boolean {
    for (;;) {
      if (this.chunk < 0 || this.pos + 4 > this.end) {
        if (!this.nextPage()) return false;
        continue;
      }
      const at = this.pos;
      const word = this.view.getUint32(at, this.littleEndian);
      const typeLen = this.littleEndian ? word & 31 : word >>> 27;
      const delta = this.littleEndian ? word >>> 5 : word & COMMIT_MASK;
      let p = at + 4;
      switch (typeLen) {
        case TYPE_PADDING: {
          // Null padding (delta 0) ends the page's data; otherwise a discarded event of `length` bytes.
          if (delta === 0 || p + 4 > this.end) {
            this.pos = this.end;
            continue;
          }
          const len = this.view.getUint32(p, this.littleEndian);
          this.ts += delta;
          this.pos = len < 4 ? this.end : Math.min(this.end, p + len);
          continue;
        }
        case TYPE_TIME_EXTEND: {
          if (p + 4 > this.end) {
            this.pos = this.end;
            continue;
          }
          this.ts += delta + this.view.getUint32(p, this.littleEndian) * TS_SHIFT;
          this.pos = p + 4;
          continue;
        }
        case TYPE_TIME_STAMP: {
          if (p + 4 > this.end) {
            this.pos = this.end;
            continue;
          }
          const abs = BigInt(delta) + BigInt(this.view.getUint32(p, this.littleEndian)) * BigInt(TS_SHIFT);
          this.ts = Number(abs | (BigInt(this.ts) & TS_MSB));
          this.pos = p + 4;
          continue;
        }
        case 0: {
          if (p + 4 > this.end) {
            this.pos = this.end;
            continue;
          }
          const raw = this.view.getUint32(p, this.littleEndian);
          p += 4;
          if (raw <= 4) {
            // A zero-length record: the rest of the page is zeros (seen on Android 4.19+).
            this.pos = this.end;
            continue;
          }
          const len = ((raw - 4 + 3) & ~3) >>> 0;
          if (p + len > this.end) {
            this.gap(`a record at chunk ${this.chunk + 1} offset ${at} claims ${len} bytes past its page's data: the rest of the page is skipped`);
            this.pos = this.end;
            continue;
          }
          return this.emit(at, p, raw - 4, delta);
        }
        default: {
          const len = typeLen * 4;
          if (p + len > this.end) {
            this.gap(`a record at chunk ${this.chunk + 1} offset ${at} runs past its page's data: the rest of the page is skipped`);
            this.pos = this.end;
            continue;
          }
          return this.emit(at, p, len, delta);
        }
      }
    }
  }

  private emit(at: number, p: number, len: number, delta: number): boolean {
    this.ts += delta;
    this.start = p;
    this.length = len;
    this.pos = p + (((len + 3) & ~3) >>> 0);
    this.recChunk = this.chunk;
    this.recOffset = at;
    this.missed = this.pendingMissed;
    this.pendingMissed = 0;
    return true;
  }
}

/** A small LRU of decompressed chunks, shared by a file's cursors and its on-demand decoding. */
export class ChunkCache {
  private readonly map = new Map<string, Uint8Array | null>();
  constructor(private readonly capacity = 64) {}

  get(chunks: CpuChunks, i: number, read: ReadAt, onError: (msg: string) => void): Uint8Array | undefined {
    const key = `${chunks.cpu}:${i}:${chunks.fileOffset[i]}`;
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit ?? undefined;
    }
    let d: Uint8Array | null;
    try {
      d = chunks.load(read, i);
    } catch (err) {
      onError(`${(err as Error).message}: its pages are skipped`);
      d = null;
    }
    this.map.set(key, d);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return d ?? undefined;
  }
}
