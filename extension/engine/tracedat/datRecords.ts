/**
 * DatRecords: the records of every buffer (the top one and each instance) and every CPU of a trace.dat,
 * merged in time order as `trace-cmd report` merges them (the smallest time stamp first; on a tie, the
 * earlier buffer, then the lower CPU). Memory is bounded: each CPU holds one decompressed chunk at a time
 * (through a shared LRU), whatever the file's size.
 *
 * `mark()` captures the merge state in a few numbers per CPU and `restore()` returns to it, so a reader can
 * start again at any saved point (the text rendering keeps one mark every few hundred lines).
 */
import { CpuChunks } from './cpuChunks';
import { ChunkCache, CpuCursor } from './cpuCursor';
import type { DatMeta, ReadAt } from './datMeta';

export interface DatStream {
  readonly buffer: number;
  readonly cursor: CpuCursor;
}

/** Numbers per stream in a mark: primed, chunk, page, pos, end, ts, missed, cur ts, cur chunk, cur offset, cur start, cur length, cur missed. */
const MARK_WIDTH = 13;

export class DatRecords {
  readonly streams: DatStream[] = [];
  /** Gaps found while building the chunk tables. */
  readonly tableGaps: string[] = [];
  private readonly primed: Uint8Array;
  private started = false;

  constructor(
    readonly meta: DatMeta,
    private readonly read: ReadAt,
    fileSize: number,
    readonly cache = new ChunkCache(4 * 64),
  ) {
    meta.buffers.forEach((buf, bi) => {
      if (buf.latency) return;
      for (const cd of buf.cpus) {
        if (cd.size === 0) continue;
        const chunks = CpuChunks.read(read, fileSize, cd, meta.codec, buf.compressed, buf.pageSize, meta.littleEndian);
        if (chunks.gap) this.tableGaps.push(buf.name ? `instance ${buf.name}: ${chunks.gap}` : chunks.gap);
        this.streams.push({ buffer: bi, cursor: new CpuCursor(cd.cpu, chunks, read, buf.pageSize, meta.littleEndian, meta.kernelLongSize, this.cache) });
      }
    });
    this.primed = new Uint8Array(this.streams.length);
  }

  /** The stream holding the next record in time order (its cursor's fields describe it), or -1 at the end. */
  next(consumed: number): number {
    const s = this.streams;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < s.length; i++) this.primed[i] = s[i]!.cursor.next() ? 1 : 0;
    } else if (consumed >= 0) {
      this.primed[consumed] = s[consumed]!.cursor.next() ? 1 : 0;
    }
    let best = -1;
    let bestTs = 0;
    for (let i = 0; i < s.length; i++) {
      if (this.primed[i] === 0) continue;
      const ts = s[i]!.cursor.ts;
      if (best < 0 || ts < bestTs) {
        best = i;
        bestTs = ts;
      }
    }
    return best;
  }

  /** The merge state before the record `next` would return after `consumed` is advanced. */
  mark(consumed: number): Float64Array {
    const out = new Float64Array(this.streams.length * MARK_WIDTH + 2);
    out[0] = this.started ? 1 : 0;
    out[1] = consumed;
    this.streams.forEach((st, i) => {
      const c = st.cursor;
      const m = c.mark();
      const o = 2 + i * MARK_WIDTH;
      out.set([this.primed[i]!, m.chunk, m.page, m.pos, m.end, m.ts, m.missed, c.ts, c.recChunk, c.recOffset, c.start, c.length, c.missed], o);
    });
    return out;
  }

  /** Returns to a mark; the next call must be `next(mark consumed)` as saved in the mark (returned). */
  restore(mark: Float64Array): number {
    this.started = mark[0] === 1;
    this.streams.forEach((st, i) => {
      const o = 2 + i * MARK_WIDTH;
      this.primed[i] = mark[o]!;
      const c = st.cursor;
      c.restore({ chunk: mark[o + 1]!, page: mark[o + 2]!, pos: mark[o + 3]!, end: mark[o + 4]!, ts: mark[o + 5]!, missed: mark[o + 6]! });
      c.restoreRecord(mark[o + 7]!, mark[o + 8]!, mark[o + 9]!, mark[o + 10]!, mark[o + 11]!, mark[o + 12]!);
    });
    return mark[1]!;
  }

  /** The uncompressed size of all the pages (for progress). */
  dataBytes(): number {
    let n = 0;
    for (const s of this.streams) n += s.cursor.dataBytes();
    return n;
  }

  gaps(): string[] {
    return [...this.tableGaps, ...this.streams.flatMap((s) => s.cursor.gaps)];
  }

  gapCount(): number {
    return this.tableGaps.length + this.streams.reduce((n, s) => n + s.cursor.gapCount, 0);
  }
}
