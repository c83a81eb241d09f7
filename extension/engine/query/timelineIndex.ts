/**
 * TimelineIndex: the requests of a trace model as bars on lanes over time, for the panel's timeline.
 *
 * Two lane sets, each built once on first use from the sealed RequestView:
 *  - `device`: one lane per block device (dev_t ascending) with the block requests issued to it, from
 *    their first issue to their completion (`complete` or `error`): the time the device had them. Requests
 *    never issued in the trace (merged into another, still queued, or issued before the trace began and
 *    only completed in it) have no bar.
 *  - `task`: one lane per task (pid ascending, unknown last) with the requests it asked for: the top of
 *    each request chain of the syscall, io_uring and fs layers (a trace without syscall events still has its
 *    tasks' file I/O), from the first stage to the completion stage.
 * A request that never completed ends at the trace's last event (`pending`: it was in flight), except a
 * filesystem request whose caller was not traced (corpus 06's 20,000 buffered reads without syscall
 * events): it would end with its caller's exit, so its bar ends at its last stage (still `pending`).
 * Per lane, bars are sorted by start, with the prefix maximum of their ends, so the first bar that can
 * overlap a window is found by a binary search and a query costs O(lanes · log R + requests in the window)
 * (plus, rarely, the bars after a long one that end before the window).
 *
 * Memory and build: 35 bytes per bar (request id, start, end, prefix-max end, line, op, outcome): 2.45 MB
 * for corpus 06's 70,004 block requests, as much again for its 70,000 task requests, each set built in
 * about 50 ms on first use (`npm run bench`). Not counted in the session's memory budget (like the other
 * lazily built query caches, it goes with the model).
 *
 * Level of detail: in each lane, requests shorter than one pixel column that start in the same column are
 * merged into one density bucket when there are more than MERGE_ABOVE of them (count, most frequent op,
 * worst outcome); requests of a column or longer are always bars of their own, so a slow request is never
 * hidden. The output of a window is at most lanes x columns x (MERGE_ABOVE + 1) short bars and buckets,
 * plus the long bars.
 */
import type { LaneBy, TimelineBars, TimelineLanes, TimelineOutcome } from '../contracts/query';
import { devName } from '../lifecycle/devName';
import type { TraceModel } from '../model/fileModel';
import { LAYER_CODE, type RequestView } from '../requests/requestView';
import { completionStage } from './requestOutcome';

/** Outcome names by code. */
export const TIMELINE_OUTCOMES: readonly TimelineOutcome[] = ['ok', 'short', 'error', 'pending'];
const OK = 0;
const SHORT = 1;
const ERROR = 2;
const PENDING = 3;
/** How bad each outcome code is, for a bucket's worst: error, then short, then pending, then ok. */
const BADNESS = [0, 2, 3, 1];
/** More short requests than this starting in one pixel column of a lane become a bucket. */
const MERGE_ABOVE = 2;
const MAX_WIDTH_PX = 16384;

/** One lane set: bars sorted by (lane, start) in parallel columns; lane k holds [laneStart[k], laneStart[k+1]). */
interface LaneSet {
  readonly key: Float64Array;
  readonly label: readonly string[];
  readonly laneStart: Uint32Array;
  readonly request: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Prefix maximum of `end` within each lane (non-decreasing there). */
  readonly maxEnd: Float64Array;
  readonly line: Uint32Array;
  readonly op: Uint16Array;
  readonly outcome: Uint8Array;
  readonly ops: readonly string[];
  /** Per lane: bars, errors, short, pending. */
  readonly counts: readonly [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
}

export class TimelineIndex {
  private readonly sets = new Map<LaneBy, LaneSet>();

  constructor(private readonly model: TraceModel) {}

  /** The lanes of `by`, with their labels and counts. */
  lanes(by: LaneBy): TimelineLanes {
    const s = this.set(by);
    const store = this.model.events;
    return {
      by,
      key: s.key.slice(),
      label: s.label,
      requests: s.counts[0].slice(),
      errors: s.counts[1].slice(),
      short: s.counts[2].slice(),
      pending: s.counts[3].slice(),
      startNs: store.count > 0 ? store.minTs : 0,
      endNs: store.count > 0 ? store.maxTs : 0,
    };
  }

  /** The bars overlapping [fromNs, toNs] at `widthPx` columns, in the given lanes (all when omitted). */
  bars(by: LaneBy, fromNs: number, toNs: number, widthPx: number, lanes?: readonly number[]): TimelineBars {
    const s = this.set(by);
    const width = Math.max(1, Math.min(MAX_WIDTH_PX, Math.round(Number.isFinite(widthPx) ? widthPx : 1)));
    const valid = Number.isFinite(fromNs) && Number.isFinite(toNs) && toNs >= fromNs;
    const nsPerPx = valid ? (toNs - fromNs) / width : 0;
    const out = new BarColumns();
    let total = 0;
    const laneList = lanes === undefined ? undefined : [...new Set(lanes)].filter((l) => Number.isInteger(l) && l >= 0 && l < s.key.length).sort((a, b) => a - b);
    const nLanes = laneList ? laneList.length : s.key.length;
    const { start, end } = s;
    const merger = new ColumnMerger(s, out, fromNs, toNs, nsPerPx);
    if (valid) {
      for (let li = 0; li < nLanes; li++) {
        const lane = laneList ? laneList[li]! : li;
        const a = s.laneStart[lane]!;
        const b = s.laneStart[lane + 1]!;
        // The first bar whose prefix-max end reaches the window: no bar before it can overlap.
        let lo = a;
        let hi = b;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (s.maxEnd[mid]! < fromNs) lo = mid + 1;
          else hi = mid;
        }
        // Bars come in start order, so a pixel column's bars are consecutive: [groupFrom, i).
        let col = -1;
        let groupFrom = lo;
        let i = lo;
        for (; i < b && start[i]! <= toNs; i++) {
          if (end[i]! < fromNs) continue;
          total++;
          const t = start[i]! > fromNs ? start[i]! : fromNs;
          const c = nsPerPx > 0 ? Math.min(width - 1, Math.floor((t - fromNs) / nsPerPx)) : 0;
          if (c !== col) {
            merger.flush(lane, groupFrom, i);
            col = c;
            groupFrom = i;
          }
        }
        merger.flush(lane, groupFrom, i);
      }
    }
    return { by, fromNs, toNs, widthPx: width, nsPerPx, ...out.columns(), ops: s.ops, outcomes: TIMELINE_OUTCOMES, total };
  }

  /** Bytes held by the lane sets built so far. */
  get byteLength(): number {
    let n = 0;
    for (const s of this.sets.values()) {
      for (const a of [s.key, s.laneStart, s.request, s.start, s.end, s.maxEnd, s.line, s.op, s.outcome, ...s.counts]) n += a.byteLength;
      n += s.label.length * 32;
    }
    return n;
  }

  private set(by: LaneBy): LaneSet {
    let s = this.sets.get(by);
    if (s === undefined) this.sets.set(by, (s = buildLanes(this.model, by)));
    return s;
  }
}

/**
 * Emits the bars of one pixel column of a lane (consecutive bars [from, to) of a lane set, skipping those
 * that end before the window): each as a bar, or, when more than MERGE_ABOVE of them are shorter than the
 * column, those short ones as one bucket (placed at the first of them, so the output stays in start order).
 */
class ColumnMerger {
  private readonly opVotes: Uint32Array;

  constructor(
    private readonly s: LaneSet,
    private readonly out: BarColumns,
    private readonly fromNs: number,
    private readonly toNs: number,
    private readonly nsPerPx: number,
  ) {
    this.opVotes = new Uint32Array(s.ops.length);
  }

  flush(lane: number, from: number, to: number): void {
    const s = this.s;
    let shortBars = 0;
    for (let i = from; i < to; i++) if (s.end[i]! >= this.fromNs && !this.isLong(i)) shortBars++;
    let bucketDone = shortBars <= MERGE_ABOVE;
    for (let i = from; i < to; i++) {
      if (s.end[i]! < this.fromNs) continue;
      if (bucketDone === false && !this.isLong(i)) {
        bucketDone = true;
        this.bucket(lane, from, to, i);
      } else if (shortBars <= MERGE_ABOVE || this.isLong(i)) this.out.bar(lane, s, i);
    }
  }

  /** Visible for a column or more: always a bar of its own. */
  private isLong(i: number): boolean {
    const s = this.s;
    return (s.end[i]! < this.toNs ? s.end[i]! : this.toNs) - (s.start[i]! > this.fromNs ? s.start[i]! : this.fromNs) >= this.nsPerPx;
  }

  /** One bucket of the short bars of [from, to): count, span, most frequent op, worst outcome. */
  private bucket(lane: number, from: number, to: number, first: number): void {
    const s = this.s;
    const votes = this.opVotes;
    let end = Number.NEGATIVE_INFINITY;
    let count = 0;
    let worst = OK;
    let op = s.op[first]!;
    for (let i = first; i < to; i++) {
      if (s.end[i]! < this.fromNs || this.isLong(i)) continue;
      count++;
      if (s.end[i]! > end) end = s.end[i]!;
      const o = s.outcome[i]!;
      if (BADNESS[o]! > BADNESS[worst]!) worst = o;
      const v = ++votes[s.op[i]!]!;
      if (v > votes[op]! || (v === votes[op] && s.op[i]! < op)) op = s.op[i]!;
    }
    for (let i = from; i < to; i++) votes[s.op[i]!] = 0;
    this.out.push(lane, s.start[first]!, end, -1, count, op, worst, 0);
  }
}

/** The columns of a query's answer, grown as bars come and cut to their length at the end. */
class BarColumns {
  private n = 0;
  private lane = new Uint32Array(256);
  private start = new Float64Array(256);
  private end = new Float64Array(256);
  private request = new Int32Array(256);
  private count = new Uint32Array(256);
  private op = new Uint16Array(256);
  private outcome = new Uint8Array(256);
  private line = new Uint32Array(256);

  bar(lane: number, s: LaneSet, i: number): void {
    this.push(lane, s.start[i]!, s.end[i]!, s.request[i]!, 1, s.op[i]!, s.outcome[i]!, s.line[i]!);
  }

  push(lane: number, start: number, end: number, request: number, count: number, op: number, outcome: number, line: number): void {
    if (this.n === this.lane.length) this.grow();
    const k = this.n++;
    this.lane[k] = lane;
    this.start[k] = start;
    this.end[k] = end;
    this.request[k] = request;
    this.count[k] = count;
    this.op[k] = op;
    this.outcome[k] = outcome;
    this.line[k] = line;
  }

  /** Fresh arrays of exactly the bars' length (never views of larger buffers: they travel whole). */
  columns(): Pick<TimelineBars, 'lane' | 'startNs' | 'endNs' | 'request' | 'count' | 'op' | 'outcome' | 'line'> {
    const n = this.n;
    return {
      lane: this.lane.slice(0, n),
      startNs: this.start.slice(0, n),
      endNs: this.end.slice(0, n),
      request: this.request.slice(0, n),
      count: this.count.slice(0, n),
      op: this.op.slice(0, n),
      outcome: this.outcome.slice(0, n),
      line: this.line.slice(0, n),
    };
  }

  private grow(): void {
    const size = this.lane.length * 2;
    const more = <T extends Uint32Array | Float64Array | Int32Array | Uint16Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.lane = more(this.lane, new Uint32Array(size));
    this.start = more(this.start, new Float64Array(size));
    this.end = more(this.end, new Float64Array(size));
    this.request = more(this.request, new Int32Array(size));
    this.count = more(this.count, new Uint32Array(size));
    this.op = more(this.op, new Uint16Array(size));
    this.outcome = more(this.outcome, new Uint8Array(size));
    this.line = more(this.line, new Uint32Array(size));
  }
}

/** How a request ended, as an outcome code: error (negative result), short (fewer bytes than asked), pending, ok. */
function outcomeOf(v: RequestView, r: number, completed: boolean): number {
  if (!completed) return PENDING;
  const result = v.result(r);
  if (result !== undefined && result < 0) return ERROR;
  const code = v.layerCode(r);
  if (result !== undefined && code !== LAYER_CODE.block && code !== LAYER_CODE['ordered-extent'] && v.length(r) > 0 && result < v.length(r)) return SHORT;
  return OK;
}

/** The first stage of request `r` named `name`, or -1. */
function stageNamed(v: RequestView, r: number, name: string): number {
  for (let k = 0; k < v.stageCount(r); k++) if (v.stageName(r, k) === name) return k;
  return -1;
}

/** Builds the lanes of `by`: picks the requests, places each in its lane, sorts each lane by start. */
function buildLanes(m: TraceModel, by: LaneBy): LaneSet {
  const v = m.requests;
  const traceEnd = m.events.count > 0 ? m.events.maxTs : 0;
  const n = v.count;
  const laneKey = new Float64Array(n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const line = new Uint32Array(n);
  const outcome = new Uint8Array(n);
  const op = new Uint16Array(n);
  const ids = new Int32Array(n);
  const opCodes = new Map<number, number>();
  const ops: string[] = [];
  let k = 0;
  for (let r = 0; r < n; r++) {
    const code = v.layerCode(r);
    let first: number;
    if (by === 'device') {
      if (code !== LAYER_CODE.block) continue;
      first = stageNamed(v, r, 'issue');
      if (first < 0) continue;
      laneKey[k] = v.dev(r) < 0 ? -1 : v.dev(r);
    } else {
      if ((code !== LAYER_CODE.syscall && code !== LAYER_CODE.io_uring && code !== LAYER_CODE.fs) || v.parent(r) >= 0 || v.stageCount(r) === 0) continue;
      first = 0;
      laneKey[k] = v.pid(r) < 0 ? -1 : v.pid(r);
    }
    const done = completionStage(v, r);
    const completed = done >= 0 || v.isComplete(r);
    const s = v.stageTs(r, first);
    // Not completed: in flight at the end of the trace, except a filesystem request whose caller was not
    // traced (it ends with its caller's exit): what the trace shows of it ends at its last stage.
    const e = done >= 0 ? v.stageTs(r, done) : completed || code === LAYER_CODE.fs ? v.lastTs(r) : traceEnd;
    ids[k] = r;
    start[k] = s;
    end[k] = Math.max(s, e);
    line[k] = v.stageLine(r, first);
    outcome[k] = outcomeOf(v, r, completed);
    const opId = v.opId(r);
    let oc = opCodes.get(opId);
    if (oc === undefined) {
      oc = ops.length;
      opCodes.set(opId, oc);
      ops.push(v.opName(opId));
    }
    op[k] = oc;
    k++;
  }
  // Lanes by key, ascending, the unknown one (-1) last.
  const keys = [...new Set(laneKey.subarray(0, k))].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  const laneOf = new Map<number, number>();
  keys.forEach((key, i) => laneOf.set(key, i));
  const lanes = keys.length;
  const laneStart = new Uint32Array(lanes + 1);
  for (let i = 0; i < k; i++) laneStart[laneOf.get(laneKey[i]!)! + 1]!++;
  for (let l = 0; l < lanes; l++) laneStart[l + 1]! += laneStart[l]!;
  // Counting sort by lane, then each lane by start (then request id).
  const order = new Uint32Array(k);
  const fill = laneStart.slice(0, lanes);
  for (let i = 0; i < k; i++) order[fill[laneOf.get(laneKey[i]!)!]!++] = i;
  for (let l = 0; l < lanes; l++) order.subarray(laneStart[l]!, laneStart[l + 1]!).sort((a, b) => start[a]! - start[b]! || ids[a]! - ids[b]!);
  const set: LaneSet = {
    key: Float64Array.from(keys),
    label: keys.map((key) => label(v, by, key, ids, order, laneStart, laneOf)),
    laneStart,
    request: new Int32Array(k),
    start: new Float64Array(k),
    end: new Float64Array(k),
    maxEnd: new Float64Array(k),
    line: new Uint32Array(k),
    op: new Uint16Array(k),
    outcome: new Uint8Array(k),
    ops,
    counts: [new Uint32Array(lanes), new Uint32Array(lanes), new Uint32Array(lanes), new Uint32Array(lanes)],
  };
  for (let l = 0; l < lanes; l++) {
    let maxEnd = Number.NEGATIVE_INFINITY;
    for (let j = laneStart[l]!; j < laneStart[l + 1]!; j++) {
      const i = order[j]!;
      set.request[j] = ids[i]!;
      set.start[j] = start[i]!;
      set.end[j] = end[i]!;
      maxEnd = Math.max(maxEnd, end[i]!);
      set.maxEnd[j] = maxEnd;
      set.line[j] = line[i]!;
      set.op[j] = op[i]!;
      const o = outcome[i]!;
      set.outcome[j] = o;
      set.counts[0][l]!++;
      if (o === ERROR) set.counts[1][l]!++;
      else if (o === SHORT) set.counts[2][l]!++;
      else if (o === PENDING) set.counts[3][l]!++;
    }
  }
  return set;
}

/** `7:0` for a device; `comm:pid` for a task (the comm of its first request); `unknown` for key -1. */
function label(v: RequestView, by: LaneBy, key: number, ids: Int32Array, order: Uint32Array, laneStart: Uint32Array, laneOf: ReadonlyMap<number, number>): string {
  if (key < 0) return 'unknown';
  if (by === 'device') return devName(key);
  const first = ids[order[laneStart[laneOf.get(key)!]!]!]!;
  const comm = v.comm(first);
  return comm ? `${comm}:${key}` : String(key);
}
