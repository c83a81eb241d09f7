/**
 * Chunked columns: append-only typed-array columns in 64 Ki-row chunks, created on first write, so growth
 * never copies and no reallocation doubles the memory peak (the request tables of a 1 GB trace hold
 * millions of rows). Unwritten slots read as the chunk's fill value.
 *
 * One class per element type, written out rather than generic: a shared get/set over several typed-array
 * kinds would make V8's element access megamorphic (several times slower on the hot path).
 */
export const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;
export const MASK = CHUNK - 1;

/** What every chunked column offers. */
export interface ChunkColumn {
  set(i: number, v: number): void;
  get(i: number): number;
  /** Makes sure rows [0, n) exist. */
  ensure(n: number): void;
  /** Drops every chunk (a streaming-only column after sealing). */
  clear(): void;
  readonly byteLength: number;
}

export class F64Chunks implements ChunkColumn {
  chunks: Float64Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Float64Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Float64Array.BYTES_PER_ELEMENT;
  }
}

export class I32Chunks implements ChunkColumn {
  chunks: Int32Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Int32Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Int32Array.BYTES_PER_ELEMENT;
  }
}

export class U32Chunks implements ChunkColumn {
  chunks: Uint32Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Uint32Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Uint32Array.BYTES_PER_ELEMENT;
  }
}

export class U16Chunks implements ChunkColumn {
  chunks: Uint16Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Uint16Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Uint16Array.BYTES_PER_ELEMENT;
  }
}

export class U8Chunks implements ChunkColumn {
  chunks: Uint8Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Uint8Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Uint8Array.BYTES_PER_ELEMENT;
  }
}

export class I8Chunks implements ChunkColumn {
  chunks: Int8Array[] = [];
  constructor(private readonly fill = 0) {}
  set(i: number, v: number): void {
    const c = this.chunks[i >>> CHUNK_BITS];
    if (c !== undefined) c[i & MASK] = v;
    else {
      this.ensure(i + 1);
      this.chunks[i >>> CHUNK_BITS]![i & MASK] = v;
    }
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  ensure(n: number): void {
    while (this.chunks.length * CHUNK < n) this.chunks.push(new Int8Array(CHUNK).fill(this.fill));
  }
  clear(): void {
    this.chunks = [];
  }
  get byteLength(): number {
    return this.chunks.length * CHUNK * Int8Array.BYTES_PER_ELEMENT;
  }
}
