/**
 * EventStore: the compact columnar store of one trace file's events.
 *
 * One row per event, in file order, in columns sized to their content:
 *  - time: integer ns relative to the first event of the file (exact; negative when a later line has an
 *    earlier time), as a base per 64 Ki rows plus 4-byte offsets (TimeColumn);
 *  - CPU (1 byte below 256 CPUs), task (an id of a (pid, comm) pair: 2 bytes below 65536 tasks), event
 *    type (2 bytes), key (an id of the (device, inode) pair the payload names, 0 for none: 1-2 bytes);
 *  - line: derived from the few rows where lines jump (LineMap).
 * About 11 bytes per event, so a gigabyte of text (8 M events) holds in ~90 MB. Strings (comms, event
 * names) are interned in the store's StringTable. Payload fields are not kept: they are decoded while
 * ingesting (for the analyses) and again on demand from the file, found through the sparse line index.
 *
 * Invariant: rows are appended in line order, so lines strictly increase and are binary-searchable.
 */
import { ChunkedColumn } from './chunkedColumn';
import { LineIndex } from './lineIndex';
import { LineMap } from './lineMap';
import { NarrowColumn } from './narrowColumn';
import { StringTable } from './stringTable';
import { TimeColumn } from './timeColumn';

export { LINE_INDEX_STRIDE } from './lineIndex';

/**
 * Type ids are 16 bits. A real trace has a few hundred event names; a damaged or generated file can have
 * any number, so the last id stands for every name beyond the first 65535 (its events keep their rows and
 * are counted under OTHER_EVENT_NAMES; the merger reports it).
 */
export const OVERFLOW_TYPE = 0xffff;
export const OTHER_EVENT_NAMES = '(other event names)';

/** Pids above this cannot be real (PID_MAX_LIMIT) and get tasks of their own through a slower map. */
const PID_LIMIT = 4194304;

export class EventStore {
  readonly strings = new StringTable();
  /** ns relative to `baseHi`/`baseLo`. */
  readonly ts = new TimeColumn();
  readonly cpu = new NarrowColumn(1);
  /** Task ids (see `taskPid`, `taskComm`). */
  readonly task = new NarrowColumn(2);
  readonly type = new ChunkedColumn(Uint16Array);
  /** (device, inode) ids, 0: the payload names neither (see `keyDev`, `keyIno`). */
  readonly key = new NarrowColumn(1);
  readonly lines = new LineMap();
  /** Line numbers to byte offsets in the file (sparse checkpoints). */
  readonly lineIndex = new LineIndex();

  private readonly taskPids: number[] = [];
  private readonly taskComms: number[] = [];
  private readonly taskIds = new Map<number, number>();
  private readonly oddTasks = new Map<string, number>();
  private readonly keyDevs: number[] = [-1];
  private readonly keyInos: number[] = [-1];
  private readonly keyIds = new Map<number, Map<number, number>>();

  /** Event type id -> string id of its tracefs name. */
  private readonly typeNames: number[] = [];
  /** Distinct event names counted under OVERFLOW_TYPE. */
  overflowNames = 0;
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

  /** The type id for an event name (string id), created on first use; OVERFLOW_TYPE beyond 65535 names. */
  typeId(nameId: number): number {
    let t = this.typeByName.get(nameId);
    if (t === undefined) {
      t = this.typeNames.length;
      if (t >= OVERFLOW_TYPE) {
        if (t === OVERFLOW_TYPE) {
          this.typeNames.push(this.strings.intern(OTHER_EVENT_NAMES));
          this.typeCounts.push(0);
        }
        this.overflowNames++;
        this.typeByName.set(nameId, OVERFLOW_TYPE);
        return OVERFLOW_TYPE;
      }
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

  /** The task id of (pid, comm string id), created on first use. */
  internTask(pid: number, comm: number): number {
    if (pid >= 0 && pid < PID_LIMIT) {
      const k = comm * PID_LIMIT + pid;
      let t = this.taskIds.get(k);
      if (t === undefined) {
        t = this.newTask(pid, comm);
        this.taskIds.set(k, t);
      }
      return t;
    }
    const k = `${pid}:${comm}`;
    let t = this.oddTasks.get(k);
    if (t === undefined) {
      t = this.newTask(pid, comm);
      this.oddTasks.set(k, t);
    }
    return t;
  }

  private newTask(pid: number, comm: number): number {
    this.taskPids.push(pid);
    this.taskComms.push(comm);
    return this.taskPids.length - 1;
  }

  get taskCount(): number {
    return this.taskPids.length;
  }

  taskPid(task: number): number {
    return this.taskPids[task]!;
  }

  /** The comm (string id) of a task. */
  taskComm(task: number): number {
    return this.taskComms[task]!;
  }

  /** The key id of a (device, inode) pair (-1 for none of either); 0 when both are absent. */
  internKey(dev: number, ino: number): number {
    if (dev < 0 && ino < 0) return 0;
    let byIno = this.keyIds.get(dev);
    if (byIno === undefined) this.keyIds.set(dev, (byIno = new Map()));
    let k = byIno.get(ino);
    if (k === undefined) {
      k = this.keyDevs.length;
      this.keyDevs.push(dev);
      this.keyInos.push(ino);
      byIno.set(ino, k);
    }
    return k;
  }

  get keyCount(): number {
    return this.keyDevs.length;
  }

  /** The device (dev_t) of a key, -1 for none. */
  keyDev(key: number): number {
    return this.keyDevs[key]!;
  }

  /** The inode of a key, -1 for none. */
  keyIno(key: number): number {
    return this.keyInos[key]!;
  }

  /**
   * Appends n events given as columns (`ts` already relative to the base, see `relative`; `task`, `key`
   * and `types` ids of this store).
   */
  appendColumns(ts: Float64Array, cpu: Uint16Array, task: Uint32Array, types: Uint16Array, line: Uint32Array, key: Uint32Array, n: number): void {
    if (n === 0) return;
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
    this.task.pushArray(task, n);
    this.type.pushArray(types, n);
    this.lines.pushArray(line, n);
    this.key.pushArray(key, n);
  }

  tsAt(row: number): number {
    return this.ts.get(row);
  }

  cpuAt(row: number): number {
    return this.cpu.get(row);
  }

  pidAt(row: number): number {
    return this.taskPids[this.task.get(row)]!;
  }

  /** The comm (string id) of a row's task. */
  commAt(row: number): number {
    return this.taskComms[this.task.get(row)]!;
  }

  typeAt(row: number): number {
    return this.type.get(row);
  }

  lineOf(row: number): number {
    return this.lines.get(row);
  }

  /** The device (dev_t) an event's payload names, -1 for none. */
  devAt(row: number): number {
    return this.keyDevs[this.key.get(row)]!;
  }

  /** The inode an event's payload names, -1 for none. */
  inoAt(row: number): number {
    return this.keyInos[this.key.get(row)]!;
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
    return this.lines.rowOf(lineNo);
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

  /** Bytes held by the columns and tables (not counting strings). */
  get byteLength(): number {
    return (
      this.ts.byteLength +
      this.cpu.byteLength +
      this.task.byteLength +
      this.type.byteLength +
      this.key.byteLength +
      this.lines.byteLength +
      this.lineIndex.byteLength +
      this.taskPids.length * 16 +
      this.keyDevs.length * 16
    );
  }
}
