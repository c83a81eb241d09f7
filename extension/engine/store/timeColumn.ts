/**
 * TimeColumn: event times (integer ns relative to the file's first event) in 64 Ki-row chunks stored as a
 * Float64 base per chunk plus Int32 offsets in units of `tick` (1000 ns for the usual µs-resolution
 * traces, 1 otherwise), so a chunk spans up to ±2^31 ticks (35 min at µs resolution) in 4 bytes per
 * event. A value that does not fit (a larger jump, a finer time in a µs chunk) turns that chunk into plain
 * Float64 (8 bytes per event). Reads are exact either way.
 */
import { CHUNK_ROWS } from './chunkedColumn';

const BITS = 16;
const MASK = CHUNK_ROWS - 1;
const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

interface Chunk {
  base: number;
  tick: number;
  /** Offsets from base in ticks, or plain values when the chunk had to widen. */
  data: Int32Array | Float64Array;
}

export class TimeColumn {
  private readonly chunks: Chunk[] = [];
  private length = 0;

  /** `tick`: the resolution of new chunks (1000 when every time so far is a whole µs). */
  constructor(private tick = 1000) {}

  get size(): number {
    return this.length;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  get(i: number): number {
    const c = this.chunks[i >>> BITS]!;
    const v = c.data[i & MASK]!;
    return c.data instanceof Float64Array ? v : c.base + v * c.tick;
  }

  /** Decodes chunk `k` into `out` (at least CHUNK_ROWS long); returns the rows it holds. */
  decodeChunk(k: number, out: Float64Array): number {
    const c = this.chunks[k]!;
    const n = Math.min(CHUNK_ROWS, this.length - k * CHUNK_ROWS);
    const d = c.data;
    if (d instanceof Float64Array) out.set(d.subarray(0, n));
    else for (let i = 0; i < n; i++) out[i] = c.base + d[i]! * c.tick;
    return n;
  }

  /** Appends src[0, n). */
  pushArray(src: Float64Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const at = this.length & MASK;
      let c = this.chunks[this.length >>> BITS];
      if (c === undefined) {
        const v0 = src[i]!;
        const tick = this.tick !== 1 && v0 % this.tick === 0 ? this.tick : 1;
        c = { base: v0, tick, data: new Int32Array(CHUNK_ROWS) };
        this.chunks.push(c);
      }
      const v = src[i]!;
      const d = c.data;
      if (d instanceof Float64Array) d[at] = v;
      else {
        const off = (v - c.base) / c.tick;
        if (off >= I32_MIN && off <= I32_MAX && off === Math.trunc(off)) d[at] = off;
        else {
          this.toFloat(c, at);
          c.data[at] = v;
        }
      }
      this.length++;
    }
  }

  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.data.byteLength;
    return n;
  }

  private toFloat(c: Chunk, used: number): void {
    const d = c.data as Int32Array;
    const f = new Float64Array(CHUNK_ROWS);
    for (let i = 0; i < used; i++) f[i] = c.base + d[i]! * c.tick;
    c.data = f;
    // Later chunks of a file with finer times than the tick start at 1.
    if (this.tick !== 1) this.tick = 1;
  }
}
