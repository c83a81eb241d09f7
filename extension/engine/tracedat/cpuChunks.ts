/**
 * cpuChunks: where one CPU's ring-buffer pages are in the file, as a table of chunks that can each be
 * read (and decompressed) on its own: version 7 compressed data is trace-cmd's chunk list (u32 count, then
 * {u32 compressed size, u32 uncompressed size, data} per chunk, ten pages each by default); uncompressed
 * data (version 6, or version 7 with compression "none") is cut into chunks of CHUNK_PAGES pages.
 *
 * A chunk whose header runs past the CPU's data or the file ends the table with a reported gap; its pages
 * are lost, the chunks before it are read. The table is three typed arrays, a few bytes per chunk.
 */
import type { ReadAt, DatCpuData } from './datMeta';
import { decompress, type CodecName } from './decompress';

export const CHUNK_PAGES = 16;
/** An uncompressed chunk larger than this is damage (trace-cmd writes 10 pages of at most 64 KiB... ). */
const MAX_CHUNK = 64 * 1024 * 1024;

export class CpuChunks {
  /** File offset of each chunk's data. */
  readonly fileOffset: Float64Array;
  readonly storedSize: Uint32Array;
  readonly size: Uint32Array;
  readonly count: number;
  /** Why the table stops early, when it does. */
  readonly gap: string | undefined;

  private constructor(
    readonly cpu: number,
    readonly codec: CodecName,
    off: number[],
    stored: number[],
    size: number[],
    gap: string | undefined,
  ) {
    this.fileOffset = Float64Array.from(off);
    this.storedSize = Uint32Array.from(stored);
    this.size = Uint32Array.from(size);
    this.count = off.length;
    this.gap = gap;
  }

  /** The chunk table of one CPU's data. */
  static read(read: ReadAt, fileSize: number, data: DatCpuData, codec: CodecName, compressed: boolean, pageSize: number, littleEndian: boolean): CpuChunks {
    const off: number[] = [];
    const stored: number[] = [];
    const size: number[] = [];
    const end = Math.min(fileSize, data.offset + data.size);
    if (!compressed) {
      const step = pageSize * CHUNK_PAGES;
      for (let at = data.offset; at < end; at += step) {
        off.push(at);
        stored.push(Math.min(step, end - at));
        size.push(Math.min(step, end - at));
      }
      const gap = data.offset + data.size > fileSize ? `CPU ${data.cpu}: its data runs past the end of the file (truncated): ${data.offset + data.size - fileSize} bytes missing` : undefined;
      return new CpuChunks(data.cpu, 'none', off, stored, size, gap);
    }
    if (data.size === 0) return new CpuChunks(data.cpu, codec, off, stored, size, undefined);
    let gap: string | undefined;
    const head = read(data.offset, 4);
    if (head.length < 4) return new CpuChunks(data.cpu, codec, off, stored, size, `CPU ${data.cpu}: the chunk count lies past the end of the file`);
    const dv = new DataView(head.buffer, head.byteOffset, 4);
    const n = dv.getUint32(0, littleEndian);
    // Pitfall: some trace-cmd versions wrote a per-CPU size 4 bytes short: the chunk count rules, bounded by the file.
    let at = data.offset + 4;
    for (let i = 0; i < n; i++) {
      const h = read(at, 8);
      if (h.length < 8) {
        gap = `CPU ${data.cpu}: chunk ${i + 1} of ${n} lies past the end of the file (truncated)`;
        break;
      }
      const hv = new DataView(h.buffer, h.byteOffset, 8);
      const cs = hv.getUint32(0, littleEndian);
      const us = hv.getUint32(4, littleEndian);
      if (at + 8 + cs > fileSize) {
        gap = `CPU ${data.cpu}: chunk ${i + 1} of ${n} (${cs} bytes at offset ${at + 8}) runs past the end of the file (truncated)`;
        break;
      }
      if (us === 0 || us > MAX_CHUNK || us % pageSize !== 0) {
        gap = `CPU ${data.cpu}: chunk ${i + 1} of ${n} at offset ${at} claims ${us} uncompressed bytes (not a whole number of ${pageSize}-byte pages)`;
        break;
      }
      off.push(at + 8);
      stored.push(cs);
      size.push(us);
      at += 8 + cs;
    }
    return new CpuChunks(data.cpu, codec, off, stored, size, gap);
  }

  /** The pages of chunk `i`, decompressed (a DatError when the chunk does not decompress). */
  load(read: ReadAt, i: number): Uint8Array {
    const raw = read(this.fileOffset[i]!, this.storedSize[i]!);
    if (this.codec === 'none') return raw;
    // No CPU in the message: the cursor that reports it names its CPU.
    return decompress(this.codec, raw, this.size[i]!, `chunk ${i + 1} at offset ${this.fileOffset[i]! - 8}`);
  }
}
