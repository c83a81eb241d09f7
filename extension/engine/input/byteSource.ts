/**
 * ByteSource: the one way the engine reads an input, a file on disk or bytes in memory (an editor
 * buffer): its size, random access (`read`, `readSync`, for queries that decode a line again on demand)
 * and streaming in slices (`slices`, for ingest, with the next read running while the current slice is
 * parsed). Nothing ever holds a whole file: a slice is at most `sliceBytes`.
 *
 * A file source keeps one descriptor open while a model uses it; `close` releases it. It remembers the
 * file's size and mtime when opened, and `changed()` says whether the file on disk is no longer what was
 * analysed (queries then refuse to read stale bytes).
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { IngestError } from './ingestError';

export interface ByteSource {
  /** The name findings and models use: a path, or a URI for unsaved editor text. */
  readonly name: string;
  readonly size: number;
  /** True for an editor buffer held in memory. */
  readonly inMemory: boolean;
  /** Reads up to `length` bytes at `offset` (fewer at the end of the input). */
  read(offset: number, length: number): Promise<Uint8Array>;
  readSync(offset: number, length: number): Uint8Array;
  /** The input in order, one slice at a time (each slice may be reused after the next one is requested). */
  slices(sliceBytes: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** True when the input changed since it was opened (a file rewritten on disk). */
  changed(): boolean;
  /**
   * Bytes per line, for readers that size their reads by lines, when `size / lines` does not give it (a
   * trace.dat's virtual offsets).
   */
  readonly bytesPerLine?: number;
  close(): Promise<void>;
}

function describe(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

/** A file on disk. Open with `FileSource.open` (it checks the path and takes its size). */
export class FileSource implements ByteSource {
  readonly inMemory = false;
  private fd: number | undefined;
  private handle: FileHandle | undefined;

  private constructor(
    readonly name: string,
    readonly size: number,
    /** The file's mtime when it was opened. */
    readonly mtimeMs: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      throw new IngestError(`cannot open ${quote(path)}: ${describe(err)}`);
    }
    if (st.isDirectory()) throw new IngestError(`${quote(path)} is a directory, not a trace file`);
    const src = new FileSource(path, st.size, st.mtimeMs);
    try {
      src.handle = await open(path, 'r');
    } catch (err) {
      throw new IngestError(`cannot open ${quote(path)}: ${describe(err)}`);
    }
    return src;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const h = this.handle ?? (this.handle = await open(this.name, 'r'));
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await h.read(buf, got, buf.length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  readSync(offset: number, length: number): Uint8Array {
    if (this.fd === undefined) this.fd = openSync(this.name, 'r');
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  async *slices(sliceBytes: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const h = this.handle ?? (this.handle = await open(this.name, 'r'));
    // Two read buffers: the next read runs while the current slice is cut and parsed.
    const bufs = [Buffer.allocUnsafe(sliceBytes), Buffer.allocUnsafe(sliceBytes)];
    const readInto = async (buf: Buffer, at: number): Promise<number> => {
      try {
        return (await h.read(buf, 0, buf.length, at)).bytesRead;
      } catch (err) {
        throw new IngestError(`cannot read ${quote(this.name)}: ${describe(err)}`);
      }
    };
    let position = 0;
    let which = 0;
    let pending = readInto(bufs[0]!, 0);
    try {
      for (;;) {
        const n = await pending;
        if (n === 0) return;
        if (signal?.aborted) throw new IngestError(`reading ${quote(this.name)} was cancelled`);
        const slice = bufs[which]!.subarray(0, n);
        position += n;
        which ^= 1;
        pending = readInto(bufs[which]!, position);
        yield slice;
      }
    } finally {
      await pending.catch(() => 0);
    }
  }

  changed(): boolean {
    try {
      const st = this.fd !== undefined ? fstatSync(this.fd) : statSync(this.name);
      return st.size !== this.size || st.mtimeMs !== this.mtimeMs;
    } catch {
      return true;
    }
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}

/** Bytes in memory (an unsaved editor buffer, a test). */
export class MemorySource implements ByteSource {
  readonly inMemory = true;
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }

  readSync(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, Math.min(this.bytes.length, offset + length));
  }

  async *slices(sliceBytes: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    for (let p = 0; p < this.bytes.length; p += sliceBytes) {
      if (signal?.aborted) throw new IngestError(`reading ${quote(this.name)} was cancelled`);
      yield this.bytes.subarray(p, Math.min(this.bytes.length, p + sliceBytes));
    }
  }

  /** Every slice at once, for the synchronous ingest of small buffers. */
  *slicesSync(sliceBytes: number): Iterable<Uint8Array> {
    for (let p = 0; p < this.bytes.length; p += sliceBytes) yield this.bytes.subarray(p, Math.min(this.bytes.length, p + sliceBytes));
  }

  changed(): boolean {
    return false;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A path or header value quoted for a one-line message: control characters escaped, quotes if needed. */
export function quote(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\\]/g, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return escaped;
}
