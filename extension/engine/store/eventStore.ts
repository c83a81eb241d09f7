/**
 * EventStore: the compact columnar store of one trace file's events.
 *
 * One row per event, in file order: timestamp (integer ns relative to the first event of the file,
 * exact; negative when a later line has an earlier time), CPU, pid, comm id, event-type id, line
 * number. About 24 bytes per event, so a gigabyte of text (8 M events) holds in ~200 MB. Strings (comms,
 * event names) are interned in the store's StringTable. Payload fields are not kept: they are decoded
 * while ingesting (for the analyses) and again on demand from the file, found through a sparse index of
 * line byte offsets (a checkpoint about every 64 lines).
 *
 * Invariant: rows are appended in line order, so `line` is strictly increasing and binary-searchable.
 */
import { ChunkedColumn } from './chunkedColumn';
import { LineIndex } from './lineIndex';
import { StringTable } from './stringTable';

export { LINE_INDEX_STRIDE } from './lineIndex';

/** No device / inode. */
export const NO_KEY = 0xffffffff;
const BIG_INO = 0xfffffffe;


export class EventStore {
  readonly strings = new StringTable();
  /** ns relative to `baseHi`/`baseLo`. */
  readonly ts = new ChunkedColumn(Float64Array);
  readonly cpu = new ChunkedColumn(Uint16Array);
  readonly pid = new ChunkedColumn(Int32Array);
  readonly comm = new ChunkedColumn(Int32Array);
  readonly type = new ChunkedColumn(Uint16Array);
  readonly line = new ChunkedColumn(Uint32Array);
  /** The device (dev_t) the payload names (NO_KEY when none), and the inode (NO_KEY when none; BIG_INO: see `inoOverflow`). */
  readonly dev = new ChunkedColumn(Uint32Array);
  readonly ino = new ChunkedColumn(Uint32Array);
  /** Inodes of 2^32-2 and above, by row. */
  readonly inoOverflow = new Map<number, number>();
  /** Line numbers to byte offsets in the file (sparse checkpoints). */
  readonly lineIndex = new LineIndex();

  /** Event type id -> string id of its tracefs name. */
  private readonly typeNames: number[] = [];
  private readonly typeByName = new Map<number, number>();
  private readonly typeCounts: number[] = [];

  /** Absolute time of the first event (`tsHi` units of 1e9 ns + `tsLo` ns); -1 before any event. */
  baseHi = -1;
  baseLo = 0;
  /** Largest relative timestamp seen. */
  maxTs = 0;
  /** Smallest relative timestamp seen (negative when time went backwards before the first event). */
  minTs = 0;

  get count(): number {
    return this.ts.size;
  }

  /** The type id for an event name (string id), created on first use. */
  typeId(nameId: number): number {
    let t = this.typeByName.get(nameId);
    if (t === undefined) {
      t = this.typeNames.length;
      if (t > 0xffff) throw new RangeError('more than 65536 distinct event names');
      this.typeNames.push(nameId);
      this.typeCounts.push(0);
      this.typeByName.set(nameId, t);
    }
    return t;
  }

  typeName(type: number): string {
    return this.strings.get(this.typeNames[type]!);
  }

  get typeCount(): number {
    return this.typeNames.length;
  }

  /**
   * Appends n events given as columns (`ts` already relative to the base, see `relative`). `types` must
   * hold type ids of this store.
   */
  appendColumns(ts: Float64Array, cpu: Uint16Array, pid: Int32Array, comm: Int32Array, types: Uint16Array, line: Uint32Array, n: number, dev?: Uint32Array, ino?: Uint32Array, inoBig: readonly number[] = []): void {
    if (n === 0) return;
    const first = this.count;
    let max = this.maxTs;
    let min = this.minTs;
    const counts = this.typeCounts;
    for (let i = 0; i < n; i++) {
      const t = ts[i]!;
      if (t > max) max = t;
      if (t < min) min = t;
      counts[types[i]!]!++;
    }
    this.maxTs = max;
    this.minTs = min;
    this.ts.pushArray(ts, n);
    this.cpu.pushArray(cpu, n);
    this.pid.pushArray(pid, n);
    this.comm.pushArray(comm, n);
    this.type.pushArray(types, n);
    this.line.pushArray(line, n);
    const none = dev === undefined || ino === undefined ? new Uint32Array(n).fill(NO_KEY) : undefined;
    this.dev.pushArray(dev ?? none!, n);
    this.ino.pushArray(ino ?? none!, n);
    for (let k = 0; k < inoBig.length; k += 2) this.inoOverflow.set(first + inoBig[k]!, inoBig[k + 1]!);
  }

  /** The device (dev_t) an event's payload names, -1 for none. */
  devAt(row: number): number {
    const d = this.dev.get(row);
    return d === NO_KEY ? -1 : d;
  }

  /** The inode an event's payload names, -1 for none. */
  inoAt(row: number): number {
    const x = this.ino.get(row);
    return x === NO_KEY ? -1 : x === BIG_INO ? (this.inoOverflow.get(row) ?? -1) : x;
  }

  /** The relative time of an absolute one; the first call fixes the base. */
  relative(tsHi: number, tsLo: number): number {
    if (this.baseHi < 0) {
      this.baseHi = tsHi;
      this.baseLo = tsLo;
    }
    return (tsHi - this.baseHi) * 1e9 + (tsLo - this.baseLo);
  }

  /** Records the byte offset of a line (checkpoints come in increasing line order). */
  addCheckpoint(lineNo: number, offset: number): void {
    this.lineIndex.add(lineNo, offset);
  }

  /** The nearest checkpoint at or before `lineNo`: [line number, byte offset]. */
  seekLine(lineNo: number): [number, number] {
    return this.lineIndex.seek(lineNo);
  }

  /** Row of the event on `lineNo`, or -1. */
  rowOfLine(lineNo: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = this.line.get(mid);
      if (l === lineNo) return mid;
      if (l < lineNo) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Event counts by tracefs name. */
  eventCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (let t = 0; t < this.typeNames.length; t++) {
      const n = this.typeCounts[t]!;
      if (n > 0) m.set(this.typeName(t), (m.get(this.typeName(t)) ?? 0) + n);
    }
    return m;
  }

  /** Absolute ns of a relative timestamp (exact while it is below 2^53, i.e. ~104 days of uptime). */
  absoluteNs(rel: number): number {
    return this.baseHi * 1e9 + this.baseLo + rel;
  }

  /** Bytes held by the columns (not counting strings). */
  get byteLength(): number {
    return (
      this.ts.byteLength +
      this.cpu.byteLength +
      this.pid.byteLength +
      this.comm.byteLength +
      this.type.byteLength +
      this.line.byteLength +
      this.dev.byteLength +
      this.ino.byteLength +
      this.lineIndex.byteLength
    );
  }
}
