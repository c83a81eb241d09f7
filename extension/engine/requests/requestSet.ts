/**
 * RequestSet: the only writer of one file's requests, and their columnar storage behind the read-only
 * RequestView. Trackers create requests and add stages, lines, links and facts while the file streams;
 * `seal()` then groups the append-only tables per request and builds the line index, after which only
 * the outcome columns (EOF, i_size) may still be set.
 *
 * Storage (no object per request, stage or line):
 *  - per request: typed-array columns (layer, op, pid, comm, dev, ino, offset, length, sector, sectors,
 *    result, parent, flags, fact row), grown by doubling and trimmed by `seal()`;
 *  - stages: an append-only table (name, ts, line) in 64 Ki-row chunks, threaded per request while
 *    streaming and regrouped contiguously per request by `seal()`;
 *  - lines: an append-only (request, line) table, regrouped per request (sorted, unique) and indexed by
 *    line (sorted pairs, binary search) by `seal()`;
 *  - children: an append-only edge list, regrouped per parent by `seal()`;
 *  - facts: one FactTable per layer (requestFacts.ts), ordered extents as their OrderedExtent state.
 *
 * Strings (comms, ops, stage names) are interned: comms in the model's StringTable, ops and stage names in
 * small local tables.
 */
import type { RequestLayer } from '../contracts/report';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import { StringTable } from '../store/stringTable';
import { FactTable, type FactSchema, type FactValue } from './factTable';
import { BLOCK_FACTS, FS_FACTS, SYSCALL_FACTS, URING_FACTS, type BlockFacts, type FsFacts, type SyscallFacts, type UringFacts } from './requestFacts';
import { LAYER_CODE, LAYERS, type EofState, type LayerFactReader, type RequestStage, type RequestView } from './requestView';

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** An append-only column in 64 Ki-row chunks: growth never copies, so no reallocation doubles the peak. */
class Chunks<T extends Float64Array | Int32Array | Uint32Array | Uint16Array> {
  readonly chunks: T[] = [];
  constructor(private readonly make: (n: number) => T) {}
  set(i: number, v: number): void {
    let c = this.chunks[i >>> CHUNK_BITS];
    if (c === undefined) {
      c = this.make(CHUNK);
      this.chunks.push(c);
    }
    c[i & MASK] = v;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  get byteLength(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}

const COMPLETE = 1;
const ISIZE_OTHER = 2;
const FILE_FROM_FD = 4;
const EOF_TRUE = 8;
const EOF_UNKNOWN = 16;

/** Writes and reads the facts of one layer by request id. */
export class LayerFacts<S extends FactSchema> implements LayerFactReader<S> {
  constructor(
    private readonly set: RequestSet,
    private readonly code: number,
    readonly table: FactTable<S>,
  ) {}

  get<K extends keyof S & string>(id: number, key: K): FactValue<S[K]> | undefined {
    const row = this.set.factRowOf(id, this.code);
    return row < 0 ? undefined : this.table.get(row, key);
  }

  put<K extends keyof S & string>(id: number, key: K, value: FactValue<S[K]>): void {
    const row = this.set.factRowOf(id, this.code);
    if (row >= 0) this.table.set(row, key, value);
  }

  /** Sets a `str` fact from an interned id of the model's StringTable. */
  putStringId(id: number, key: keyof S & string, stringId: number): void {
    const row = this.set.factRowOf(id, this.code);
    if (row >= 0) this.table.setStringId(row, key, stringId);
  }

  /** Adds to a numeric fact (unset counts as 0); returns the new value. */
  increment(id: number, key: keyof S & string, by = 1): number {
    const row = this.set.factRowOf(id, this.code);
    return row < 0 ? NaN : this.table.increment(row, key, by);
  }
}

export class RequestSet implements RequestView {
  private n = 0;
  private cap = 0;
  private layerCol = new Uint8Array(0);
  private opCol = new Uint16Array(0);
  private pidCol = new Int32Array(0);
  private commCol = new Int32Array(0);
  private devCol = new Float64Array(0);
  private inoCol = new Float64Array(0);
  private offsetCol = new Float64Array(0);
  private lengthCol = new Float64Array(0);
  private sectorCol = new Float64Array(0);
  private sectorsCol = new Float64Array(0);
  private resultCol = new Float64Array(0);
  private iSizeCol = new Float64Array(0);
  private parentCol = new Int32Array(0);
  private flagCol = new Uint8Array(0);
  private factRow = new Int32Array(0);
  // Stages: append-only table, threaded per request (first/last/count/next) until sealed.
  private stageFirst = new Int32Array(0);
  private stageLast = new Int32Array(0);
  private stageNum = new Int32Array(0);
  private stageTotal = 0;
  private stName = new Chunks((n) => new Uint16Array(n));
  private stTs = new Chunks((n) => new Float64Array(n));
  private stLine = new Chunks((n) => new Uint32Array(n));
  private stNext: Chunks<Int32Array> | undefined = new Chunks((n) => new Int32Array(n));
  // Lines: append-only (line, next) table threaded per request until sealed.
  private lineFirst = new Int32Array(0);
  private lineLast = new Int32Array(0);
  private lineTotal = 0;
  private lnLine: Chunks<Uint32Array> | undefined = new Chunks((n) => new Uint32Array(n));
  private lnNext: Chunks<Int32Array> | undefined = new Chunks((n) => new Int32Array(n));
  // Children: append-only edge list threaded per parent until sealed.
  private childFirst = new Int32Array(0);
  private childLast = new Int32Array(0);
  private edgeTotal = 0;
  private edChild: Chunks<Int32Array> | undefined = new Chunks((n) => new Int32Array(n));
  private edNext: Chunks<Int32Array> | undefined = new Chunks((n) => new Int32Array(n));
  // After seal: per-request groups (stages contiguous per request in plain arrays).
  private sealed = false;
  private sName = new Uint16Array(0);
  private sTs = new Float64Array(0);
  private sLine = new Uint32Array(0);
  private stageStart: Int32Array | undefined;
  private lineStart: Int32Array | undefined;
  private lineValues: Uint32Array | undefined;
  private childStart: Int32Array | undefined;
  private childValues: Int32Array | undefined;
  private indexLines: Uint32Array | undefined;
  private indexReqs: Int32Array | undefined;

  private readonly ops = new StringTable();
  private readonly stageNames = new StringTable();
  private readonly extents: (OrderedExtent | undefined)[] = [];

  readonly syscall: LayerFacts<SyscallFacts>;
  readonly uring: LayerFacts<UringFacts>;
  readonly fs: LayerFacts<FsFacts>;
  readonly block: LayerFacts<BlockFacts>;

  /** `strings`: the model's table, where comms and string facts are interned. */
  constructor(readonly strings: StringTable = new StringTable()) {
    this.syscall = new LayerFacts(this, LAYER_CODE.syscall, new FactTable(SYSCALL_FACTS, strings));
    this.uring = new LayerFacts(this, LAYER_CODE.io_uring, new FactTable(URING_FACTS, strings));
    this.fs = new LayerFacts(this, LAYER_CODE.fs, new FactTable(FS_FACTS, strings));
    this.block = new LayerFacts(this, LAYER_CODE.block, new FactTable(BLOCK_FACTS, strings));
    this.grow(256);
  }

  get count(): number {
    return this.n;
  }

  get isSealed(): boolean {
    return this.sealed;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** A new request of `layer` doing `op`, opened by its first stage. Returns its id. */
  create(layer: RequestLayer, op: string, stageName: string, ts: number, line: number): number {
    this.assertOpen();
    if (this.n === this.cap) this.grow(this.cap * 2);
    const id = this.n++;
    const code = LAYER_CODE[layer];
    this.layerCol[id] = code;
    this.opCol[id] = this.ops.intern(op);
    this.pidCol[id] = -1;
    this.commCol[id] = -1;
    this.devCol[id] = -1;
    this.inoCol[id] = -1;
    this.offsetCol[id] = -1;
    this.lengthCol[id] = -1;
    this.sectorCol[id] = -1;
    this.sectorsCol[id] = -1;
    this.resultCol[id] = NaN;
    this.iSizeCol[id] = -1;
    this.parentCol[id] = -1;
    this.flagCol[id] = 0;
    this.stageFirst[id] = -1;
    this.stageLast[id] = -1;
    this.stageNum[id] = 0;
    this.lineFirst[id] = -1;
    this.lineLast[id] = -1;
    this.childFirst[id] = -1;
    this.childLast[id] = -1;
    this.factRow[id] = this.newFactRow(code);
    this.addStage(id, stageName, ts, line);
    return id;
  }

  addStage(id: number, name: string, ts: number, line: number): void {
    this.assertOpen();
    const s = this.stageTotal++;
    this.stName.set(s, this.stageNames.intern(name));
    this.stTs.set(s, ts);
    this.stLine.set(s, line);
    this.stNext!.set(s, -1);
    const last = this.stageLast[id]!;
    if (last < 0) this.stageFirst[id] = s;
    else this.stNext!.set(last, s);
    this.stageLast[id] = s;
    this.stageNum[id]!++;
    this.addLine(id, line);
  }

  /** Renames the request's last stage (a completion that turned out to be partial). */
  renameLastStage(id: number, name: string): void {
    const s = this.stageLast[id]!;
    if (s >= 0) this.stName.set(s, this.stageNames.intern(name));
  }

  /** Adds a line to the request (a repeat of its last line is ignored). */
  addLine(id: number, line: number): void {
    this.assertOpen();
    const last = this.lineLast[id]!;
    if (last >= 0 && this.lnLine!.get(last) === line) return;
    const k = this.lineTotal++;
    this.lnLine!.set(k, line);
    this.lnNext!.set(k, -1);
    if (last < 0) this.lineFirst[id] = k;
    else this.lnNext!.set(last, k);
    this.lineLast[id] = k;
  }

  /** Makes `child` a lower-layer part of `parent`. */
  link(parent: number, child: number): void {
    this.assertOpen();
    if (this.parentCol[child] === parent) return;
    this.parentCol[child] = parent;
    const e = this.edgeTotal++;
    this.edChild!.set(e, child);
    this.edNext!.set(e, -1);
    const last = this.childLast[parent]!;
    if (last < 0) this.childFirst[parent] = e;
    else this.edNext!.set(last, e);
    this.childLast[parent] = e;
  }

  setOp(id: number, op: string): void {
    this.opCol[id] = this.ops.intern(op);
  }

  /** The submitting task: pid and the comm's id in the model's StringTable. */
  setTask(id: number, pid: number, commId: number): void {
    this.pidCol[id] = pid;
    this.commCol[id] = commId;
  }

  setDev(id: number, dev: number): void {
    this.devCol[id] = Number.isNaN(dev) ? -1 : dev;
  }

  setIno(id: number, ino: number): void {
    this.inoCol[id] = Number.isNaN(ino) ? -1 : ino;
  }

  setOffset(id: number, offset: number): void {
    this.offsetCol[id] = offset;
  }

  setLength(id: number, length: number): void {
    this.lengthCol[id] = length;
  }

  setSectors(id: number, sector: number, sectors: number): void {
    this.sectorCol[id] = sector;
    this.sectorsCol[id] = sectors;
  }

  /** The result (bytes or negative errno); undefined clears it. */
  setResult(id: number, result: number | undefined): void {
    this.resultCol[id] = result === undefined ? NaN : result;
  }

  complete(id: number): void {
    this.flagCol[id]! |= COMPLETE;
  }

  /** i_size at the request's time; `fromOther`: learnt from other events of the file, not its own. */
  setISize(id: number, size: number, fromOther = false): void {
    this.iSizeCol[id] = size;
    if (fromOther) this.flagCol[id]! |= ISIZE_OTHER;
  }

  /** The file came from the task's fd binding. */
  setFileFromFd(id: number, dev: number, ino: number): void {
    this.setDev(id, dev);
    this.setIno(id, ino);
    this.flagCol[id]! |= FILE_FROM_FD;
  }

  setEof(id: number, eof: EofState): void {
    this.flagCol[id]! |= eof === true ? EOF_TRUE : EOF_UNKNOWN;
  }

  /** Attaches the typed state of an ordered-extent request. */
  setOrderedExtent(id: number, oe: OrderedExtent): void {
    this.extents[this.factRow[id]!] = oe;
  }

  /** Row of a request in its layer's fact table, -1 when it is of another layer. */
  factRowOf(id: number, code: number): number {
    return this.layerCol[id] === code ? this.factRow[id]! : -1;
  }

  // ---- reading ---------------------------------------------------------------------------------

  layer(id: number): RequestLayer {
    return LAYERS[this.layerCol[id]!]!;
  }

  layerCode(id: number): number {
    return this.layerCol[id]!;
  }

  op(id: number): string {
    return this.ops.get(this.opCol[id]!);
  }

  /** The op's small-table id (equal ids: equal ops), for grouping without strings. */
  opId(id: number): number {
    return this.opCol[id]!;
  }

  /** The op name of an op id. */
  opName(opId: number): string {
    return this.ops.get(opId);
  }

  pid(id: number): number {
    return this.pidCol[id]!;
  }

  comm(id: number): string {
    const c = this.commCol[id]!;
    return c < 0 ? '' : this.strings.get(c);
  }

  commId(id: number): number {
    return this.commCol[id]!;
  }

  dev(id: number): number {
    return this.devCol[id]!;
  }

  ino(id: number): number {
    return this.inoCol[id]!;
  }

  offset(id: number): number {
    return this.offsetCol[id]!;
  }

  length(id: number): number {
    return this.lengthCol[id]!;
  }

  sector(id: number): number {
    return this.sectorCol[id]!;
  }

  sectors(id: number): number {
    return this.sectorsCol[id]!;
  }

  result(id: number): number | undefined {
    const r = this.resultCol[id]!;
    return Number.isNaN(r) ? undefined : r;
  }

  isComplete(id: number): boolean {
    return (this.flagCol[id]! & COMPLETE) !== 0;
  }

  parent(id: number): number {
    return this.parentCol[id]!;
  }

  children(id: number): readonly number[] {
    const out: number[] = [];
    if (this.sealed) {
      const cs = this.childStart!;
      for (let i = cs[id]!; i < cs[id + 1]!; i++) out.push(this.childValues![i]!);
      return out;
    }
    for (let e = this.childFirst[id]!; e >= 0; e = this.edNext!.get(e)) out.push(this.edChild!.get(e));
    return out;
  }

  childCount(id: number): number {
    if (this.sealed) return this.childStart![id + 1]! - this.childStart![id]!;
    let n = 0;
    for (let e = this.childFirst[id]!; e >= 0; e = this.edNext!.get(e)) n++;
    return n;
  }

  root(id: number): number {
    let cur = id;
    for (let guard = 0; this.parentCol[cur]! >= 0 && guard < 64; guard++) cur = this.parentCol[cur]!;
    return cur;
  }

  stageCount(id: number): number {
    return this.stageNum[id]!;
  }

  /** Index of the k-th stage in the stage table. */
  private stageIndex(id: number, k: number): number {
    if (this.sealed) return this.stageStart![id]! + k;
    if (k === this.stageNum[id]! - 1) return this.stageLast[id]!;
    let s = this.stageFirst[id]!;
    for (let i = 0; i < k && s >= 0; i++) s = this.stNext!.get(s);
    return s;
  }

  stageName(id: number, k: number): string {
    if (this.sealed) return this.stageNames.get(this.sName[this.stageStart![id]! + k]!);
    return this.stageNames.get(this.stName.get(this.stageIndex(id, k)));
  }

  stageTs(id: number, k: number): number {
    if (this.sealed) return this.sTs[this.stageStart![id]! + k]!;
    return this.stTs.get(this.stageIndex(id, k));
  }

  stageLine(id: number, k: number): number {
    if (this.sealed) return this.sLine[this.stageStart![id]! + k]!;
    return this.stLine.get(this.stageIndex(id, k));
  }

  stages(id: number): RequestStage[] {
    const out: RequestStage[] = [];
    const n = this.stageNum[id]!;
    if (this.sealed) {
      const s0 = this.stageStart![id]!;
      for (let k = 0; k < n; k++) out.push({ name: this.stageNames.get(this.sName[s0 + k]!), ts: this.sTs[s0 + k]!, line: this.sLine[s0 + k]! });
      return out;
    }
    for (let s = this.stageFirst[id]!; s >= 0; s = this.stNext!.get(s)) out.push(this.stageAt(s));
    return out;
  }

  private stageAt(s: number): RequestStage {
    return { name: this.stageNames.get(this.stName.get(s)), ts: this.stTs.get(s), line: this.stLine.get(s) };
  }

  firstTs(id: number): number {
    return this.sealed ? this.sTs[this.stageStart![id]!]! : this.stTs.get(this.stageFirst[id]!);
  }

  lastTs(id: number): number {
    return this.sealed ? this.sTs[this.stageStart![id]! + this.stageNum[id]! - 1]! : this.stTs.get(this.stageLast[id]!);
  }

  lastLine(id: number): number {
    return this.sealed ? this.sLine[this.stageStart![id]! + this.stageNum[id]! - 1]! : this.stLine.get(this.stageLast[id]!);
  }

  lines(id: number): readonly number[] {
    if (this.sealed) return Array.from(this.lineValues!.subarray(this.lineStart![id]!, this.lineStart![id + 1]!));
    const out: number[] = [];
    for (let k = this.lineFirst[id]!; k >= 0; k = this.lnNext!.get(k)) out.push(this.lnLine!.get(k));
    return out;
  }

  /** The smallest line of the request (its first line once sealed). */
  firstLine(id: number): number {
    if (this.sealed) {
      const s = this.lineStart![id]!;
      return s < this.lineStart![id + 1]! ? this.lineValues![s]! : 0;
    }
    let best = Infinity;
    for (let k = this.lineFirst[id]!; k >= 0; k = this.lnNext!.get(k)) best = Math.min(best, this.lnLine!.get(k));
    return best === Infinity ? 0 : best;
  }

  atLine(line: number): number[] {
    const out: number[] = [];
    if (!this.sealed) {
      for (let id = 0; id < this.n; id++) if (this.lines(id).includes(line)) out.push(id);
      return out;
    }
    const keys = this.indexLines!;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length && keys[i] === line; i++) out.push(this.indexReqs![i]!);
    return out;
  }

  /** Every line that belongs to some request, ascending with repeats (one per request), and its request. */
  lineIndex(): { readonly lines: Uint32Array; readonly requests: Int32Array } {
    this.assertSealed();
    return { lines: this.indexLines!, requests: this.indexReqs! };
  }

  iSize(id: number): number {
    return this.iSizeCol[id]!;
  }

  iSizeFromOtherEvents(id: number): boolean {
    return (this.flagCol[id]! & ISIZE_OTHER) !== 0;
  }

  fileFromFd(id: number): boolean {
    return (this.flagCol[id]! & FILE_FROM_FD) !== 0;
  }

  eof(id: number): EofState | undefined {
    const f = this.flagCol[id]!;
    return (f & EOF_TRUE) !== 0 ? true : (f & EOF_UNKNOWN) !== 0 ? 'unknown' : undefined;
  }

  orderedExtent(id: number): OrderedExtent | undefined {
    const row = this.factRowOf(id, LAYER_CODE['ordered-extent']);
    return row < 0 ? undefined : this.extents[row];
  }

  // ---- sealing ---------------------------------------------------------------------------------

  /**
   * Ends the streaming phase: stages, lines and children are regrouped per request (lines sorted and
   * unique), the line index is built, and the columns are trimmed. Idempotent.
   */
  seal(): void {
    if (this.sealed) return;
    const n = this.n;
    this.trim();
    // Stages: contiguous per request, in stage order.
    const stageStart = new Int32Array(n + 1);
    for (let id = 0; id < n; id++) stageStart[id + 1] = stageStart[id]! + this.stageNum[id]!;
    const total = this.stageTotal;
    const order = new Int32Array(total);
    const next = this.stNext!.chunks;
    for (let id = 0; id < n; id++) {
      let at = stageStart[id]!;
      for (let st = this.stageFirst[id]!; st >= 0; st = next[st >>> CHUNK_BITS]![st & MASK]!) order[at++] = st;
    }
    this.sName = gather(this.stName.chunks, order, new Uint16Array(total));
    this.stName = new Chunks((k) => new Uint16Array(k));
    this.sTs = gather(this.stTs.chunks, order, new Float64Array(total));
    this.stTs = new Chunks((k) => new Float64Array(k));
    this.sLine = gather(this.stLine.chunks, order, new Uint32Array(total));
    this.stLine = new Chunks((k) => new Uint32Array(k));
    this.stNext = undefined;
    this.stageStart = stageStart;
    this.stageFirst = new Int32Array(0);
    this.stageLast = new Int32Array(0);
    // Lines: per request sorted and unique.
    const lineStart = new Int32Array(n + 1);
    const values = new Uint32Array(this.lineTotal);
    const lnNext = this.lnNext!.chunks;
    const lnLine = this.lnLine!.chunks;
    let w = 0;
    for (let id = 0; id < n; id++) {
      const from = w;
      let sorted = true;
      for (let k = this.lineFirst[id]!; k >= 0; k = lnNext[k >>> CHUNK_BITS]![k & MASK]!) {
        const l = lnLine[k >>> CHUNK_BITS]![k & MASK]!;
        if (w > from && l < values[w - 1]!) sorted = false;
        values[w++] = l;
      }
      if (!sorted) values.subarray(from, w).sort();
      let u = from;
      for (let i = from; i < w; i++) if (i === from || values[i] !== values[u - 1]) values[u++] = values[i]!;
      w = u;
      lineStart[id + 1] = w;
    }
    this.lineValues = values.slice(0, w);
    this.lineStart = lineStart;
    this.lnLine = undefined;
    this.lnNext = undefined;
    this.lineFirst = new Int32Array(0);
    this.lineLast = new Int32Array(0);
    this.buildLineIndex();
    // Children: contiguous per parent, in link order.
    const childStart = new Int32Array(n + 1);
    const counts = new Int32Array(n);
    for (let id = 0; id < n; id++) for (let e = this.childFirst[id]!; e >= 0; e = this.edNext!.get(e)) counts[id]!++;
    for (let id = 0; id < n; id++) childStart[id + 1] = childStart[id]! + counts[id]!;
    const childValues = new Int32Array(childStart[n]!);
    for (let id = 0; id < n; id++) {
      let at = childStart[id]!;
      for (let e = this.childFirst[id]!; e >= 0; e = this.edNext!.get(e)) childValues[at++] = this.edChild!.get(e);
    }
    this.childStart = childStart;
    this.childValues = childValues;
    this.edChild = undefined;
    this.edNext = undefined;
    this.childFirst = new Int32Array(0);
    this.childLast = new Int32Array(0);
    for (const t of [this.syscall, this.uring, this.fs, this.block]) t.table.seal();
    this.sealed = true;
  }

  /** (line, request) pairs sorted by line, then request id: a counting sort over lines. */
  private buildLineIndex(): void {
    const values = this.lineValues!;
    const starts = this.lineStart!;
    let maxLine = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! > maxLine) maxLine = values[i]!;
    const count = new Uint32Array(maxLine + 2);
    for (let i = 0; i < values.length; i++) count[values[i]! + 1]!++;
    for (let l = 1; l < count.length; l++) count[l]! += count[l - 1]!;
    const lines = new Uint32Array(values.length);
    const reqs = new Int32Array(values.length);
    for (let id = 0; id < this.n; id++) {
      for (let i = starts[id]!; i < starts[id + 1]!; i++) {
        const l = values[i]!;
        const at = count[l]!++;
        lines[at] = l;
        reqs[at] = id;
      }
    }
    this.indexLines = lines;
    this.indexReqs = reqs;
  }

  /** Bytes held by the request tables (for the memory budget). */
  get byteLength(): number {
    let b = 0;
    for (const a of [this.layerCol, this.opCol, this.pidCol, this.commCol, this.devCol, this.inoCol, this.offsetCol, this.lengthCol, this.sectorCol, this.sectorsCol, this.resultCol, this.iSizeCol, this.parentCol, this.flagCol, this.factRow, this.stageNum]) b += a.byteLength;
    b += this.stName.byteLength + this.stTs.byteLength + this.stLine.byteLength + (this.stNext?.byteLength ?? 0) + this.sName.byteLength + this.sTs.byteLength + this.sLine.byteLength;
    b += (this.stageStart?.byteLength ?? 0) + (this.lineStart?.byteLength ?? 0) + (this.lineValues?.byteLength ?? 0) + (this.indexLines?.byteLength ?? 0) + (this.indexReqs?.byteLength ?? 0);
    b += (this.lnLine?.byteLength ?? 0) + (this.lnNext?.byteLength ?? 0) + (this.childStart?.byteLength ?? 0) + (this.childValues?.byteLength ?? 0);
    for (const t of [this.syscall, this.uring, this.fs, this.block]) b += t.table.byteLength;
    return b;
  }

  private newFactRow(code: number): number {
    switch (code) {
      case LAYER_CODE.syscall:
        return this.syscall.table.addRow();
      case LAYER_CODE.io_uring:
        return this.uring.table.addRow();
      case LAYER_CODE.fs:
        return this.fs.table.addRow();
      case LAYER_CODE.block:
        return this.block.table.addRow();
      default:
        this.extents.push(undefined);
        return this.extents.length - 1;
    }
  }

  private assertOpen(): void {
    if (this.sealed) throw new Error('RequestSet is sealed: requests cannot change after the file was analysed');
  }

  private assertSealed(): void {
    if (!this.sealed) throw new Error('RequestSet is not sealed yet');
  }

  private grow(cap: number): void {
    const g = <T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(a: T, make: (k: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.n) as never);
      return b;
    };
    this.layerCol = g(this.layerCol, (k) => new Uint8Array(k));
    this.opCol = g(this.opCol, (k) => new Uint16Array(k));
    this.pidCol = g(this.pidCol, (k) => new Int32Array(k));
    this.commCol = g(this.commCol, (k) => new Int32Array(k));
    this.devCol = g(this.devCol, (k) => new Float64Array(k));
    this.inoCol = g(this.inoCol, (k) => new Float64Array(k));
    this.offsetCol = g(this.offsetCol, (k) => new Float64Array(k));
    this.lengthCol = g(this.lengthCol, (k) => new Float64Array(k));
    this.sectorCol = g(this.sectorCol, (k) => new Float64Array(k));
    this.sectorsCol = g(this.sectorsCol, (k) => new Float64Array(k));
    this.resultCol = g(this.resultCol, (k) => new Float64Array(k));
    this.iSizeCol = g(this.iSizeCol, (k) => new Float64Array(k));
    this.parentCol = g(this.parentCol, (k) => new Int32Array(k));
    this.flagCol = g(this.flagCol, (k) => new Uint8Array(k));
    this.factRow = g(this.factRow, (k) => new Int32Array(k));
    this.stageFirst = g(this.stageFirst, (k) => new Int32Array(k));
    this.stageLast = g(this.stageLast, (k) => new Int32Array(k));
    this.stageNum = g(this.stageNum, (k) => new Int32Array(k));
    this.lineFirst = g(this.lineFirst, (k) => new Int32Array(k));
    this.lineLast = g(this.lineLast, (k) => new Int32Array(k));
    this.childFirst = g(this.childFirst, (k) => new Int32Array(k));
    this.childLast = g(this.childLast, (k) => new Int32Array(k));
    this.cap = cap;
  }

  private trim(): void {
    const n = this.n;
    this.layerCol = this.layerCol.slice(0, n);
    this.opCol = this.opCol.slice(0, n);
    this.pidCol = this.pidCol.slice(0, n);
    this.commCol = this.commCol.slice(0, n);
    this.devCol = this.devCol.slice(0, n);
    this.inoCol = this.inoCol.slice(0, n);
    this.offsetCol = this.offsetCol.slice(0, n);
    this.lengthCol = this.lengthCol.slice(0, n);
    this.sectorCol = this.sectorCol.slice(0, n);
    this.sectorsCol = this.sectorsCol.slice(0, n);
    this.resultCol = this.resultCol.slice(0, n);
    this.iSizeCol = this.iSizeCol.slice(0, n);
    this.parentCol = this.parentCol.slice(0, n);
    this.flagCol = this.flagCol.slice(0, n);
    this.factRow = this.factRow.slice(0, n);
    this.stageNum = this.stageNum.slice(0, n);
    this.cap = n;
  }
}

/** The values of chunks at `order` (new index -> old index), into `out`. */
function gather<T extends Float64Array | Uint32Array | Uint16Array>(chunks: readonly T[], order: Int32Array, out: T): T {
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    out[i] = chunks[o >>> CHUNK_BITS]![o & MASK]!;
  }
  return out;
}
