/**
 * NarrowColumn: an append-only column of small non-negative integers (ids into a table: tasks, devices
 * and inodes, CPUs) in 64 Ki-row chunks of the narrowest width that holds every value so far: Uint8,
 * then Uint16, then Uint32. A value that does not fit widens every chunk once (O(rows), rare), so a
 * trace with fewer than 256 CPUs and 65536 tasks pays one and two bytes per event.
 */
import { CHUNK_ROWS } from './chunkedColumn';

const BITS = 16;
const MASK = CHUNK_ROWS - 1;

export type NarrowArray = Uint8Array | Uint16Array | Uint32Array;

export class NarrowColumn {
  private chunks: NarrowArray[] = [];
  private width: 1 | 2 | 4;
  private max: number;
  private length = 0;

  constructor(width: 1 | 2 | 4 = 1) {
    this.width = width;
    this.max = width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
  }

  get size(): number {
    return this.length;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Chunk `k` (rows k * CHUNK_ROWS ..), in the column's current width. */
  chunk(k: number): NarrowArray {
    return this.chunks[k]!;
  }

  get(i: number): number {
    return this.chunks[i >>> BITS]![i & MASK]!;
  }

  /** Appends src[0, n) (values >= 0 and < 2^32). */
  pushArray(src: ArrayLike<number>, n: number): void {
    let top = 0;
    for (let i = 0; i < n; i++) if (src[i]! > top) top = src[i]!;
    if (top > this.max) this.widen(top);
    let done = 0;
    while (done < n) {
      const at = this.length & MASK;
      let chunk = this.chunks[this.length >>> BITS];
      if (chunk === undefined) {
        chunk = this.make(CHUNK_ROWS);
        this.chunks.push(chunk);
      }
      const take = Math.min(CHUNK_ROWS - at, n - done);
      for (let i = 0; i < take; i++) chunk[at + i] = src[done + i]!;
      this.length += take;
      done += take;
    }
  }

  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }

  private make(n: number): NarrowArray {
    return this.width === 1 ? new Uint8Array(n) : this.width === 2 ? new Uint16Array(n) : new Uint32Array(n);
  }

  private widen(top: number): void {
    this.width = top <= 0xffff ? 2 : 4;
    this.max = this.width === 2 ? 0xffff : 0xffffffff;
    this.chunks = this.chunks.map((c) => {
      const w = this.make(c.length);
      w.set(c);
      return w;
    });
  }
}
