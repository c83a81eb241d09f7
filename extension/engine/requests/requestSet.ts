/**
 * RequestSet: the only writer of one file's requests, and their columnar storage behind the read-only
 * RequestView. Trackers create requests and add stages, lines, links and facts while the file streams;
 * `seal()` then groups the append-only tables per request and builds the line index, after which only
 * the outcome columns (EOF, i_size) may still be set.
 *
 * Storage (no object per request, stage or line):
 *  - per request: typed-array columns (layer, op, pid, comm, dev, ino, offset, length, sector, sectors,
 *    result, parent, flags, fact row) in 64 Ki-row chunks (growth never copies);
 *  - stages: an append-only table (name, ts, line) in 64 Ki-row chunks, threaded per request while
 *    streaming and regrouped contiguously per request by `seal()`;
 *  - lines: an append-only (request, line) table, regrouped per request (sorted, unique) by `seal()`, and
 *    indexed by line (sorted pairs, binary search) on the first `atLine` (built after the analysis, when
 *    its transients are gone; queries need it, the analysis mostly not);
 *  - children: an append-only edge list, regrouped per parent by `seal()`;
 *  - facts: one FactTable per layer (requestFacts.ts), ordered extents as their OrderedExtent state.
 *
 * Strings (comms, ops, stage names) are interned: comms in the model's StringTable, ops and stage names in
 * small local tables.
 */
import type { RequestLayer } from '../contracts/report';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import { StringTable } from '../store/stringTable';
import { CHUNK_BITS, F64Chunks, I32Chunks, MASK, U16Chunks, U32Chunks, U8Chunks } from './chunks';
import { FactTable, type FactSchema, type FactValue } from './factTable';
import { BLOCK_FACTS, FS_FACTS, SYSCALL_FACTS, URING_FACTS, type BlockFacts, type FsFacts, type SyscallFacts, type UringFacts } from './requestFacts';
import { LAYER_CODE, LAYERS, type EofState, type LayerFactReader, type RequestStage, type RequestView } from './requestView';

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
  private readonly layerCol = new U8Chunks();
  private readonly opCol = new U16Chunks();
  private readonly pidCol = new I32Chunks();
  private readonly commCol = new I32Chunks();
  private readonly devCol = new F64Chunks();
  private readonly inoCol = new F64Chunks();
  private readonly offsetCol = new F64Chunks();
  private readonly lengthCol = new F64Chunks();
  private readonly sectorCol = new F64Chunks();
  private readonly sectorsCol = new F64Chunks();
  private readonly resultCol = new F64Chunks();
  private readonly iSizeCol = new F64Chunks();
  private readonly parentCol = new I32Chunks();
  private readonly flagCol = new U8Chunks();
  private readonly factRow = new I32Chunks();
  // Stages: append-only table, threaded per request (first/last/count/next) until sealed.
  private readonly stageFirst = new I32Chunks();
  private readonly stageLast = new I32Chunks();
  private readonly stageNum = new I32Chunks();
  private stageTotal = 0;
  private stName = new U16Chunks();
  private stTs = new F64Chunks();
  private stLine = new U32Chunks();
  private stNext: I32Chunks | undefined = new I32Chunks();
  // Lines: append-only (line, next) table threaded per request until sealed.
  private readonly lineFirst = new I32Chunks();
  private readonly lineLast = new I32Chunks();
  private lineTotal = 0;
  private lnLine: U32Chunks | undefined = new U32Chunks();
  private lnNext: I32Chunks | undefined = new I32Chunks();
  // Children: append-only edge list threaded per parent until sealed.
  private readonly childFirst = new I32Chunks();
  private readonly childLast = new I32Chunks();
  private edgeTotal = 0;
  private edChild: I32Chunks | undefined = new I32Chunks();
  private edNext: I32Chunks | undefined = new I32Chunks();
  // After seal: per-request groups (stages contiguous per request in plain arrays).
  private sealed = false;
  private sName: Uint16Array = new Uint16Array(0);
  private sTs: Float64Array = new Float64Array(0);
  private sLine: Uint32Array = new Uint32Array(0);
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
    const id = this.n++;
    const code = LAYER_CODE[layer];
    this.layerCol.set(id, code);
    this.opCol.set(id, this.ops.intern(op));
    this.pidCol.set(id, -1);
    this.commCol.set(id, -1);
    this.devCol.set(id, -1);
    this.inoCol.set(id, -1);
    this.offsetCol.set(id, -1);
    this.lengthCol.set(id, -1);
    this.sectorCol.set(id, -1);
    this.sectorsCol.set(id, -1);
    this.resultCol.set(id, NaN);
    this.iSizeCol.set(id, -1);
    this.parentCol.set(id, -1);
    this.flagCol.set(id, 0);
    this.stageFirst.set(id, -1);
    this.stageLast.set(id, -1);
    this.stageNum.set(id, 0);
    this.lineFirst.set(id, -1);
    this.lineLast.set(id, -1);
    this.childFirst.set(id, -1);
    this.childLast.set(id, -1);
    this.factRow.set(id, this.newFactRow(code));
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
    const last = this.stageLast.get(id);
    if (last < 0) this.stageFirst.set(id, s);
    else this.stNext!.set(last, s);
    this.stageLast.set(id, s);
    this.stageNum.set(id, this.stageNum.get(id) + 1);
    this.addLine(id, line);
  }

  /** Renames the request's last stage (a completion that turned out to be partial). */
  renameLastStage(id: number, name: string): void {
    const s = this.stageLast.get(id);
    if (s >= 0) this.stName.set(s, this.stageNames.intern(name));
  }

  /** Adds a line to the request (a repeat of its last line is ignored). */
  addLine(id: number, line: number): void {
    this.assertOpen();
    const last = this.lineLast.get(id);
    if (last >= 0 && this.lnLine!.get(last) === line) return;
    const k = this.lineTotal++;
    this.lnLine!.set(k, line);
    this.lnNext!.set(k, -1);
    if (last < 0) this.lineFirst.set(id, k);
    else this.lnNext!.set(last, k);
    this.lineLast.set(id, k);
  }

  /** Makes `child` a lower-layer part of `parent`. */
  link(parent: number, child: number): void {
    this.assertOpen();
    if (this.parentCol.get(child) === parent) return;
    this.parentCol.set(child, parent);
    const e = this.edgeTotal++;
    this.edChild!.set(e, child);
    this.edNext!.set(e, -1);
    const last = this.childLast.get(parent);
    if (last < 0) this.childFirst.set(parent, e);
    else this.edNext!.set(last, e);
    this.childLast.set(parent, e);
  }

  setOp(id: number, op: string): void {
    this.opCol.set(id, this.ops.intern(op));
  }

  /** The submitting task: pid and the comm's id in the model's StringTable. */
  setTask(id: number, pid: number, commId: number): void {
    this.pidCol.set(id, pid);
    this.commCol.set(id, commId);
  }

  setDev(id: number, dev: number): void {
    this.devCol.set(id, Number.isNaN(dev) ? -1 : dev);
  }

  setIno(id: number, ino: number): void {
    this.inoCol.set(id, Number.isNaN(ino) ? -1 : ino);
  }

  setOffset(id: number, offset: number): void {
    this.offsetCol.set(id, offset);
  }

  setLength(id: number, length: number): void {
    this.lengthCol.set(id, length);
  }

  setSectors(id: number, sector: number, sectors: number): void {
    this.sectorCol.set(id, sector);
    this.sectorsCol.set(id, sectors);
  }

  /** The result (bytes or negative errno); undefined clears it. */
  setResult(id: number, result: number | undefined): void {
    this.resultCol.set(id, result === undefined ? NaN : result);
  }

  complete(id: number): void {
    this.flagCol.set(id, this.flagCol.get(id) | COMPLETE);
  }

  /** Makes a completed request open again: the same call went on (a direct I/O retried with done_before). */
  reopen(id: number): void {
    this.assertOpen();
    this.flagCol.set(id, this.flagCol.get(id) & ~COMPLETE);
  }

  /** i_size at the request's time; `fromOther`: learnt from other events of the file, not its own. */
  setISize(id: number, size: number, fromOther = false): void {
    this.iSizeCol.set(id, size);
    if (fromOther) this.flagCol.set(id, this.flagCol.get(id) | ISIZE_OTHER);
  }

  /** The file came from the task's fd binding. */
  setFileFromFd(id: number, dev: number, ino: number): void {
    this.setDev(id, dev);
    this.setIno(id, ino);
    this.flagCol.set(id, this.flagCol.get(id) | FILE_FROM_FD);
  }

  setEof(id: number, eof: EofState): void {
    this.flagCol.set(id, this.flagCol.get(id) | (eof === true ? EOF_TRUE : EOF_UNKNOWN));
  }

  /** Attaches the typed state of an ordered-extent request. */
  setOrderedExtent(id: number, oe: OrderedExtent): void {
    this.extents[this.factRow.get(id)] = oe;
  }

  /** Row of a request in its layer's fact table, -1 when it is of another layer. */
  factRowOf(id: number, code: number): number {
    return this.layerCol.get(id) === code ? this.factRow.get(id) : -1;
  }

  // ---- reading ---------------------------------------------------------------------------------

  layer(id: number): RequestLayer {
    return LAYERS[this.layerCol.get(id)]!;
  }

  layerCode(id: number): number {
    return this.layerCol.get(id);
  }

  op(id: number): string {
    return this.ops.get(this.opCol.get(id));
  }

  /** The op's small-table id (equal ids: equal ops), for grouping without strings. */
  opId(id: number): number {
    return this.opCol.get(id);
  }

  /** The op name of an op id. */
  opName(opId: number): string {
    return this.ops.get(opId);
  }

  pid(id: number): number {
    return this.pidCol.get(id);
  }

  comm(id: number): string {
    const c = this.commCol.get(id);
    return c < 0 ? '' : this.strings.get(c);
  }

  commId(id: number): number {
    return this.commCol.get(id);
  }

  dev(id: number): number {
    return this.devCol.get(id);
  }

  ino(id: number): number {
    return this.inoCol.get(id);
  }

  offset(id: number): number {
    return this.offsetCol.get(id);
  }

  length(id: number): number {
    return this.lengthCol.get(id);
  }

  sector(id: number): number {
    return this.sectorCol.get(id);
  }

  sectors(id: number): number {
    return this.sectorsCol.get(id);
  }

  result(id: number): number | undefined {
    const r = this.resultCol.get(id);
    return Number.isNaN(r) ? undefined : r;
  }

  isComplete(id: number): boolean {
    return (this.flagCol.get(id) & COMPLETE) !== 0;
  }

  parent(id: number): number {
    return this.parentCol.get(id);
  }

  children(id: number): readonly number[] {
    const out: number[] = [];
    if (this.sealed) {
      const cs = this.childStart!;
      for (let i = cs[id]!; i < cs[id + 1]!; i++) out.push(this.childValues![i]!);
      return out;
    }
    for (let e = this.childFirst.get(id); e >= 0; e = this.edNext!.get(e)) out.push(this.edChild!.get(e));
    return out;
  }

  childCount(id: number): number {
    if (this.sealed) return this.childStart![id + 1]! - this.childStart![id]!;
    let n = 0;
    for (let e = this.childFirst.get(id); e >= 0; e = this.edNext!.get(e)) n++;
    return n;
  }

  root(id: number): number {
    let cur = id;
    for (let guard = 0; this.parentCol.get(cur) >= 0 && guard < 64; guard++) cur = this.parentCol.get(cur);
    return cur;
  }

  stageCount(id: number): number {
    return this.stageNum.get(id);
  }

  /** Index of the k-th stage in the stage table. */
  private stageIndex(id: number, k: number): number {
    if (this.sealed) return this.stageStart![id]! + k;
    if (k === this.stageNum.get(id) - 1) return this.stageLast.get(id);
    let s = this.stageFirst.get(id);
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
    const n = this.stageNum.get(id);
    if (this.sealed) {
      const s0 = this.stageStart![id]!;
      for (let k = 0; k < n; k++) out.push({ name: this.stageNames.get(this.sName[s0 + k]!), ts: this.sTs[s0 + k]!, line: this.sLine[s0 + k]! });
      return out;
    }
    for (let s = this.stageFirst.get(id); s >= 0; s = this.stNext!.get(s)) out.push(this.stageAt(s));
    return out;
  }

  private stageAt(s: number): RequestStage {
    return { name: this.stageNames.get(this.stName.get(s)), ts: this.stTs.get(s), line: this.stLine.get(s) };
  }

  firstTs(id: number): number {
    return this.sealed ? this.sTs[this.stageStart![id]!]! : this.stTs.get(this.stageFirst.get(id));
  }

  lastTs(id: number): number {
    return this.sealed ? this.sTs[this.stageStart![id]! + this.stageNum.get(id) - 1]! : this.stTs.get(this.stageLast.get(id));
  }

  lastLine(id: number): number {
    return this.sealed ? this.sLine[this.stageStart![id]! + this.stageNum.get(id) - 1]! : this.stLine.get(this.stageLast.get(id));
  }

  lines(id: number): readonly number[] {
    if (this.sealed) return Array.from(this.lineValues!.subarray(this.lineStart![id]!, this.lineStart![id + 1]!));
    const out: number[] = [];
    for (let k = this.lineFirst.get(id); k >= 0; k = this.lnNext!.get(k)) out.push(this.lnLine!.get(k));
    return out;
  }

  /** The smallest line of the request (its first line once sealed). */
  firstLine(id: number): number {
    if (this.sealed) {
      const s = this.lineStart![id]!;
      return s < this.lineStart![id + 1]! ? this.lineValues![s]! : 0;
    }
    let best = Infinity;
    for (let k = this.lineFirst.get(id); k >= 0; k = this.lnNext!.get(k)) best = Math.min(best, this.lnLine!.get(k));
    return best === Infinity ? 0 : best;
  }

  atLine(line: number): number[] {
    const out: number[] = [];
    if (!this.sealed) {
      for (let id = 0; id < this.n; id++) if (this.lines(id).includes(line)) out.push(id);
      return out;
    }
    if (this.indexLines === undefined) this.buildLineIndex();
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
    if (this.indexLines === undefined) this.buildLineIndex();
    return { lines: this.indexLines!, requests: this.indexReqs! };
  }

  iSize(id: number): number {
    return this.iSizeCol.get(id);
  }

  iSizeFromOtherEvents(id: number): boolean {
    return (this.flagCol.get(id) & ISIZE_OTHER) !== 0;
  }

  fileFromFd(id: number): boolean {
    return (this.flagCol.get(id) & FILE_FROM_FD) !== 0;
  }

  eof(id: number): EofState | undefined {
    const f = this.flagCol.get(id);
    return (f & EOF_TRUE) !== 0 ? true : (f & EOF_UNKNOWN) !== 0 ? 'unknown' : undefined;
  }

  orderedExtent(id: number): OrderedExtent | undefined {
    const row = this.factRowOf(id, LAYER_CODE['ordered-extent']);
    return row < 0 ? undefined : this.extents[row];
  }

  // ---- sealing ---------------------------------------------------------------------------------

  /**
   * Ends the streaming phase: stages, lines and children are regrouped per request (lines sorted and
   * unique) and the line index is built. Idempotent.
   */
  seal(): void {
    if (this.sealed) return;
    const n = this.n;
    // Stages: contiguous per request, in stage order.
    const stageStart = new Int32Array(n + 1);
    for (let id = 0; id < n; id++) stageStart[id + 1] = stageStart[id]! + this.stageNum.get(id);
    const total = this.stageTotal;
    const order = new Int32Array(total);
    const next = this.stNext!.chunks;
    for (let id = 0; id < n; id++) {
      let at = stageStart[id]!;
      for (let st = this.stageFirst.get(id); st >= 0; st = next[st >>> CHUNK_BITS]![st & MASK]!) order[at++] = st;
    }
    this.sName = gather(this.stName.chunks, order, new Uint16Array(total));
    this.stName = new U16Chunks();
    this.sTs = gather(this.stTs.chunks, order, new Float64Array(total));
    this.stTs = new F64Chunks();
    this.sLine = gather(this.stLine.chunks, order, new Uint32Array(total));
    this.stLine = new U32Chunks();
    this.stNext = undefined;
    this.stageStart = stageStart;
    this.stageFirst.clear();
    this.stageLast.clear();
    // Lines: per request sorted and unique.
    const lineStart = new Int32Array(n + 1);
    const values = new Uint32Array(this.lineTotal);
    const lnNext = this.lnNext!.chunks;
    const lnLine = this.lnLine!.chunks;
    let w = 0;
    for (let id = 0; id < n; id++) {
      const from = w;
      let sorted = true;
      for (let k = this.lineFirst.get(id); k >= 0; k = lnNext[k >>> CHUNK_BITS]![k & MASK]!) {
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
    this.lineFirst.clear();
    this.lineLast.clear();
    // Children: contiguous per parent, in link order.
    const childStart = new Int32Array(n + 1);
    const counts = new Int32Array(n);
    for (let id = 0; id < n; id++) for (let e = this.childFirst.get(id); e >= 0; e = this.edNext!.get(e)) counts[id]!++;
    for (let id = 0; id < n; id++) childStart[id + 1] = childStart[id]! + counts[id]!;
    const childValues = new Int32Array(childStart[n]!);
    for (let id = 0; id < n; id++) {
      let at = childStart[id]!;
      for (let e = this.childFirst.get(id); e >= 0; e = this.edNext!.get(e)) childValues[at++] = this.edChild!.get(e);
    }
    this.childStart = childStart;
    this.childValues = childValues;
    this.edChild = undefined;
    this.edNext = undefined;
    this.childFirst.clear();
    this.childLast.clear();
    for (const t of [this.syscall, this.uring, this.fs, this.block]) t.table.seal();
    this.sealed = true;
  }

  /**
   * (line, request) pairs sorted by line, then request id: an LSD radix sort on the line in two 16-bit
   * passes (stable, so pairs of one line keep request order), with no array as long as the file.
   */
  private buildLineIndex(): void {
    const values = this.lineValues!;
    const starts = this.lineStart!;
    const total = values.length;
    let lines = new Uint32Array(total);
    let reqs = new Int32Array(total);
    for (let id = 0, k = 0; id < this.n; id++) {
      for (let i = starts[id]!; i < starts[id + 1]!; i++, k++) {
        lines[k] = values[i]!;
        reqs[k] = id;
      }
    }
    let outLines = new Uint32Array(total);
    let outReqs = new Int32Array(total);
    const count = new Uint32Array(65537);
    for (const shift of [0, 16]) {
      count.fill(0);
      for (let i = 0; i < total; i++) count[((lines[i]! >>> shift) & 0xffff) + 1]!++;
      for (let d = 1; d < count.length; d++) count[d]! += count[d - 1]!;
      for (let i = 0; i < total; i++) {
        const at = count[(lines[i]! >>> shift) & 0xffff]!++;
        outLines[at] = lines[i]!;
        outReqs[at] = reqs[i]!;
      }
      [lines, outLines] = [outLines, lines];
      [reqs, outReqs] = [outReqs, reqs];
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


}

/** The values of chunks at `order` (new index -> old index), into `out`. */
function gather<T extends Float64Array | Uint32Array | Uint16Array>(chunks: readonly T[], order: Int32Array, out: T): T {
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    out[i] = chunks[o >>> CHUNK_BITS]![o & MASK]!;
  }
  return out;
}
