/**
 * Chunked typed-array columns: append-only, grow without copying (a new chunk of 64 Ki rows each time),
 * so memory stays proportional to the rows stored and no reallocation doubles the peak.
 */
const CHUNK_BITS = 16;
/** Rows per chunk. */
export const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedArrayCtor<T extends TypedArray> = new (n: number) => T;

export class ChunkedColumn<T extends TypedArray> {
  private readonly chunks: T[] = [];
  private length = 0;

  constructor(private readonly ctor: TypedArrayCtor<T>) {}

  get size(): number {
    return this.length;
  }

  push(v: number): void {
    const i = this.length++;
    let chunk = this.chunks[i >>> CHUNK_BITS];
    if (chunk === undefined) {
      chunk = new this.ctor(CHUNK);
      this.chunks.push(chunk);
    }
    chunk[i & MASK] = v;
  }

  /** Appends src[0, n) in chunk-sized copies. */
  pushArray(src: { subarray(begin: number, end: number): ArrayLike<number> }, n: number): void {
    let done = 0;
    while (done < n) {
      const i = this.length;
      let chunk = this.chunks[i >>> CHUNK_BITS];
      if (chunk === undefined) {
        chunk = new this.ctor(CHUNK);
        this.chunks.push(chunk);
      }
      const at = i & MASK;
      const take = Math.min(CHUNK - at, n - done);
      chunk.set(src.subarray(done, done + take), at);
      this.length += take;
      done += take;
    }
  }

  get(i: number): number {
    if (i < 0 || i >= this.length) throw new RangeError(`row ${i} out of range (0..${this.length - 1})`);
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }

  set(i: number, v: number): void {
    if (i < 0 || i >= this.length) throw new RangeError(`row ${i} out of range (0..${this.length - 1})`);
    this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
  }

  /** Number of chunks, and chunk `k` (rows k * CHUNK_ROWS ..; the last one may be partly used). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  chunk(k: number): T {
    return this.chunks[k]!;
  }

  /** Bytes held by the chunks. */
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}
