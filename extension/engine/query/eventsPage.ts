/**
 * eventsPage: the events of a trace model under a filter (event names, tasks, CPUs, devices, inodes,
 * requests, a time or line range, finding evidence, text of the line), as pages of columns plus the total
 * that matches, and where a source line falls among the matches (`rowIndexOfLine`, for the table to follow
 * the editor). The column conditions run over the event store's typed-array columns chunk by chunk; the
 * text condition then reads the lines the others left (textFilter.ts), in slices when asked
 * asynchronously (`rowsAsync`: the engine worker yields between slices and stops when cancelled). The
 * matching rows of the last few filters are cached, so scrolling pages through a filter costs a slice, not
 * a scan, and a text that extends a cached one (typing) only reads the lines that matched before.
 */
import type { Finding } from '../contracts/finding';
import type { EventFilter, EventPage, FieldView, RowIndex } from '../contracts/query';
import { clockScale, type TraceModel } from '../model/fileModel';
import type { RequestView } from '../requests/requestView';
import { requestsInBin } from './latencyGroups';
import { LineHeader } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { CHUNK_ROWS } from '../store/chunkedColumn';
import type { EventStore } from '../store/eventStore';
import type { EventDecoder } from './eventDecoder';
import type { LineReader } from './lineReader';
import { visitLines } from './pageLines';
import { matchText } from './textFilter';

const CACHED_FILTERS = 4;
/** Pages of at most this many rows carry the payload text (a table's page; not a filtered view's window). */
const PAYLOAD_PAGE_ROWS = 1000;
/** Payload characters kept per row. */
const PAYLOAD_CHARS = 160;
/** Work between two yields to the event loop of an asynchronous scan, ms. */
const SLICE_MS = 8;
const utf8 = new TextDecoder('utf-8');

/** The matching rows of a filter, with the filter (a later text filter may start from them). */
interface CachedRows {
  readonly filter: EventFilter;
  readonly rows: Uint32Array;
}

/** A text scan in flight, shared by the requests that wait for the same filter; stopped when all of them gave up. */
interface ScanJob {
  readonly result: Promise<Uint32Array>;
  readonly abort: AbortController;
  waiters: number;
}

/** A compiled filter over the store's ids: null conditions are absent. */
interface Compiled {
  /** Per type id / task id / key id: 1 when it passes. */
  readonly types: Uint8Array | null;
  readonly tasks: Uint8Array | null;
  readonly keys: Uint8Array | null;
  readonly cpus: ReadonlySet<number> | null;
  readonly rows: ReadonlySet<number> | null;
  readonly fromTs: number;
  readonly toTs: number;
  readonly fromLine: number;
  readonly toLine: number;
  /** A condition can never hold (an unknown event name or task): no row matches. */
  readonly empty: boolean;
}

function parseDev(text: string): number {
  const m = /^(\d+)[:,](\d+)$/.exec(text.trim());
  return m ? Number(m[1]) * 1048576 + Number(m[2]) : -1;
}

export class EventsQuery {
  private readonly cache = new Map<string, CachedRows>();
  private readonly jobs = new Map<string, ScanJob>();
  private readonly tsScratch = new Float64Array(CHUNK_ROWS);
  private readonly lineScratch = new Uint32Array(CHUNK_ROWS);
  private readonly header = new LineHeader();

  /** `assertCurrent` throws when the source changed since the model was built (called before reading it again). */
  constructor(
    private readonly model: TraceModel,
    private readonly decoder: EventDecoder,
    private readonly reader: LineReader,
    private readonly assertCurrent: () => void = () => undefined,
  ) {}

  /** Rows matching `filter` (cached); undefined for the empty filter (every row). A text condition is scanned at once. */
  rows(filter: EventFilter, findings: readonly Finding[] = []): Uint32Array | undefined {
    if (isEmptyFilter(filter)) return undefined;
    const key = JSON.stringify(filter);
    const hit = this.cached(key);
    if (hit) return hit;
    const scan = this.compute(filter, findings);
    let step = scan.next();
    while (!step.done) step = scan.next();
    return this.remember(key, filter, step.value);
  }

  /**
   * Rows matching `filter`, like `rows`, but a text condition is read in slices of a few ms with the event
   * loop free between them; rejects with `cancelled` when `signal` fires. Requests for the same filter
   * share one scan, which stops when every one of them was cancelled.
   */
  rowsAsync(filter: EventFilter, findings: readonly Finding[] = [], signal?: AbortSignal): Promise<Uint32Array | undefined> {
    if (!hasText(filter)) return Promise.resolve(this.rows(filter, findings));
    const key = JSON.stringify(filter);
    const hit = this.cached(key);
    if (hit) return Promise.resolve(hit);
    let job = this.jobs.get(key);
    if (job === undefined) {
      const abort = new AbortController();
      const result = this.drive(this.compute(filter, findings), abort.signal).then((rows) => this.remember(key, filter, rows));
      job = { result, abort, waiters: 0 };
      this.jobs.set(key, job);
      const done = (): void => {
        if (this.jobs.get(key) === job) this.jobs.delete(key);
      };
      result.then(done, done);
    }
    return this.wait(key, job, signal);
  }

  /** Matching events in [offset, offset + limit), with the total. */
  page(filter: EventFilter, offset: number, limit: number, withFields = false, findings: readonly Finding[] = []): EventPage {
    return this.pageOf(this.rows(filter, findings), offset, limit, withFields);
  }

  /** `page`, with a text condition scanned asynchronously (see `rowsAsync`). */
  async pageAsync(filter: EventFilter, offset: number, limit: number, withFields = false, findings: readonly Finding[] = [], signal?: AbortSignal): Promise<EventPage> {
    return this.pageOf(await this.rowsAsync(filter, findings, signal), offset, limit, withFields);
  }

  /**
   * Where `line` falls among the matches: the position of the matching event at `line` or the last one
   * before it. O(log N) once the filter's rows are known (a binary search of the line map for the row at
   * or before the line, then of the matching rows).
   */
  async rowIndexOfLine(filter: EventFilter, line: number, findings: readonly Finding[] = [], signal?: AbortSignal): Promise<RowIndex> {
    const rows = await this.rowsAsync(filter, findings, signal);
    const store = this.model.events;
    const total = rows ? rows.length : store.count;
    const row = rowAtOrBefore(store, line);
    const index = row < 0 ? -1 : rows ? upperBound(rows, row) - 1 : row;
    if (index < 0) return { index: -1, exact: false, line: 0, total };
    const at = store.lineOf(rows ? rows[index]! : index);
    return { index, exact: at === line, line: at, total };
  }

  private pageOf(rows: Uint32Array | undefined, offset: number, limit: number, withFields: boolean): EventPage {
    const store = this.model.events;
    const total = rows ? rows.length : store.count;
    const from = Math.max(0, Math.min(offset, total));
    const n = Math.max(0, Math.min(limit, total - from));
    const rowCol = new Uint32Array(n);
    const line = new Uint32Array(n);
    const tsNs = new Float64Array(n);
    const sinceStartNs = new Float64Array(n);
    const deltaNs = new Float64Array(n);
    const cpu = new Uint16Array(n);
    const pid = new Int32Array(n);
    const comm = new Uint32Array(n);
    const event = new Uint32Array(n);
    const dev = new Uint32Array(n);
    const ino = new Float64Array(n);
    const strings: string[] = [];
    const local = new Map<string, number>();
    const idOf = (s: string): number => {
      let id = local.get(s);
      if (id === undefined) {
        id = strings.length;
        strings.push(s);
        local.set(s, id);
      }
      return id;
    };
    const fields: FieldView[][] = [];
    // The match before the page, for the first row's delta.
    let prevTs = from > 0 ? store.tsAt(rows ? rows[from - 1]! : from - 1) : Number.NaN;
    for (let i = 0; i < n; i++) {
      const row = rows ? rows[from + i]! : from + i;
      const ts = store.tsAt(row);
      rowCol[i] = row;
      line[i] = store.lineOf(row);
      tsNs[i] = store.absoluteNs(ts);
      sinceStartNs[i] = ts;
      deltaNs[i] = ts - prevTs;
      prevTs = ts;
      cpu[i] = store.cpuAt(row);
      pid[i] = store.pidAt(row);
      comm[i] = idOf(store.strings.get(store.commAt(row)));
      event[i] = idOf(store.typeName(store.typeAt(row)));
      const d = store.devAt(row);
      dev[i] = d < 0 ? 0xffffffff : d;
      const k = store.inoAt(row);
      ino[i] = k < 0 ? Number.NaN : k;
      if (withFields) fields.push(this.decoder.fieldViewsOf(row));
    }
    const request = requestsOfLines(this.model.requests, line);
    return {
      file: this.model.path,
      total,
      offset: from,
      row: rowCol,
      line,
      tsNs,
      cpu,
      pid,
      comm,
      event,
      strings,
      sinceStartNs,
      deltaNs,
      request,
      dev,
      ino,
      ...(n <= PAYLOAD_PAGE_ROWS ? { payload: n > 0 ? this.payloads(line) : [] } : {}),
      ...(withFields ? { fields } : {}),
    };
  }

  /** The payload text of each line (after `event_name:`), cut to PAYLOAD_CHARS. */
  private payloads(lines: Uint32Array): string[] {
    this.assertCurrent();
    const out = new Array<string>(lines.length).fill('');
    const h = this.header;
    visitLines(this.reader, this.model.source, lines, (i, bytes, cut) => {
      if (!scanEventLine(bytes, 0, bytes.length, h)) return;
      // Four bytes per character at most: enough bytes for PAYLOAD_CHARS characters.
      const end = Math.min(h.payloadEnd, h.payloadStart + PAYLOAD_CHARS * 4 + 4);
      const text = utf8.decode(bytes.subarray(h.payloadStart, end)).trim();
      out[i] = text.length > PAYLOAD_CHARS || end < h.payloadEnd || cut ? `${text.slice(0, PAYLOAD_CHARS)}…` : text;
    });
    return out;
  }

  private cached(key: string): Uint32Array | undefined {
    const hit = this.cache.get(key);
    if (hit === undefined) return undefined;
    this.cache.delete(key);
    this.cache.set(key, hit);
    return hit.rows;
  }

  private remember(key: string, filter: EventFilter, rows: Uint32Array): Uint32Array {
    this.cache.delete(key);
    this.cache.set(key, { filter, rows });
    if (this.cache.size > CACHED_FILTERS) this.cache.delete(this.cache.keys().next().value!);
    return rows;
  }

  /**
   * The scan of a filter: the column conditions at once, then the text condition step by step (a
   * generator: `rows` runs it to the end, `rowsAsync` in slices). The text is matched only on the rows of
   * the column conditions, or, when a cached filter with the same other conditions matched a part of the
   * text, on its rows.
   */
  private *compute(filter: EventFilter, findings: readonly Finding[]): Generator<void, Uint32Array, void> {
    const { text, textIgnoreCase, ...columns } = filter;
    const cond = hasText(filter) ? { text: text!, ignoreCase: textIgnoreCase === true } : undefined;
    if (cond === undefined) return this.scan(this.compile(columns, findings));
    this.assertCurrent();
    const narrower = this.narrowerTextRows(columns, cond.text, cond.ignoreCase);
    const candidates = narrower ?? (isEmptyFilter(columns) ? undefined : this.rows(columns, findings));
    return yield* matchText(this.model.events, this.reader, this.model.source, candidates, cond);
  }

  /** Cached rows of a filter with the same column conditions whose text is part of `text` (so every match of `text` is among them). */
  private narrowerTextRows(columns: EventFilter, text: string, ignoreCase: boolean): Uint32Array | undefined {
    const want = JSON.stringify(columns);
    let best: Uint32Array | undefined;
    for (const { filter, rows } of this.cache.values()) {
      if (!hasText(filter) || (filter.textIgnoreCase === true) !== ignoreCase) continue;
      const { text: t, textIgnoreCase: _c, ...rest } = filter;
      const part = ignoreCase ? t!.toLowerCase() : t!;
      if (!(ignoreCase ? text.toLowerCase() : text).includes(part) || JSON.stringify(rest) !== want) continue;
      if (best === undefined || rows.length < best.length) best = rows;
    }
    return best;
  }

  /** Runs a scan in slices of SLICE_MS, yielding to the event loop between them; stops when `signal` fires. */
  private async drive(scan: Generator<void, Uint32Array, void>, signal: AbortSignal): Promise<Uint32Array> {
    let t0 = performance.now();
    for (;;) {
      const step = scan.next();
      if (step.done) return step.value;
      if (performance.now() - t0 >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) throw new Error('cancelled');
        t0 = performance.now();
      }
    }
  }

  /** Waits for a shared scan; a waiter that is cancelled leaves it, and the last one to leave stops it. */
  private wait(key: string, job: ScanJob, signal: AbortSignal | undefined): Promise<Uint32Array> {
    if (signal?.aborted) return Promise.reject(new Error('cancelled'));
    job.waiters++;
    return new Promise<Uint32Array>((resolve, reject) => {
      let left = false;
      const leave = (cancelled: boolean): void => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        if (--job.waiters === 0 && cancelled && this.jobs.get(key) === job) {
          this.jobs.delete(key);
          job.abort.abort();
        }
      };
      const onAbort = (): void => {
        leave(true);
        reject(new Error('cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      job.result.then(
        (rows) => {
          leave(false);
          resolve(rows);
        },
        (err: unknown) => {
          leave(false);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private compile(f: EventFilter, findings: readonly Finding[]): Compiled {
    const store = this.model.events;
    let empty = false;
    const mark = (size: number, pass: (id: number) => boolean): Uint8Array => {
      const out = new Uint8Array(size);
      let any = false;
      for (let id = 0; id < size; id++) {
        if (pass(id)) {
          out[id] = 1;
          any = true;
        }
      }
      if (!any) empty = true;
      return out;
    };
    let types: Uint8Array | null = null;
    if (f.events && f.events.length > 0) {
      const wanted = new Set(f.events);
      types = mark(store.typeCount, (t) => wanted.has(store.typeName(t)));
    }
    let tasks: Uint8Array | null = null;
    const pids = f.pids && f.pids.length > 0 ? new Set(f.pids) : null;
    const comms = f.comms && f.comms.length > 0 ? new Set(f.comms) : null;
    if (pids || comms) tasks = mark(store.taskCount, (t) => (pids === null || pids.has(store.taskPid(t))) && (comms === null || comms.has(store.strings.get(store.taskComm(t)))));
    let keys: Uint8Array | null = null;
    const devs = f.devices && f.devices.length > 0 ? new Set(f.devices.map(parseDev)) : null;
    const inos = f.inodes && f.inodes.length > 0 ? new Set(f.inodes) : null;
    if (devs || inos) keys = mark(store.keyCount, (k) => k > 0 && (devs === null || devs.has(store.keyDev(k))) && (inos === null || inos.has(store.keyIno(k))));
    let rows: Set<number> | null = null;
    const addLines = (lines: Iterable<number>): void => {
      for (const l of lines) {
        const r = store.rowOfLine(l);
        if (r >= 0) rows!.add(r);
      }
    };
    if ((f.requests && f.requests.length > 0) || (f.findings && f.findings.length > 0) || f.latency !== undefined) {
      rows = new Set();
      const v = this.model.requests;
      const ids = f.latency !== undefined ? [...(f.requests ?? []), ...requestsInBin(v, f.latency)] : (f.requests ?? []);
      for (const id of ids) {
        if (!(id >= 0 && id < v.count)) continue;
        const visit = (r: number, depth: number): void => {
          addLines(v.lines(r));
          if (depth < 16) for (const c of v.children(r)) visit(c, depth + 1);
        };
        visit(id, 0);
      }
      for (const i of f.findings ?? []) {
        const fd = findings[i];
        if (fd === undefined) continue;
        const lines: number[] = fd.file === this.model.path ? [fd.line] : [];
        for (const e of fd.evidence) if (e.file === this.model.path) lines.push(e.line);
        addLines(lines);
      }
      if (rows.size === 0) empty = true;
    }
    const scale = clockScale(this.model);
    const rel = (t: number): number => Math.round(t * scale) - store.absoluteNs(0);
    return {
      types,
      tasks,
      keys,
      cpus: f.cpus && f.cpus.length > 0 ? new Set(f.cpus) : null,
      rows,
      fromTs: f.from !== undefined ? rel(f.from) - 0.5 : Number.NEGATIVE_INFINITY,
      toTs: f.to !== undefined ? rel(f.to) + 0.5 : Number.POSITIVE_INFINITY,
      fromLine: f.fromLine ?? 0,
      toLine: f.toLine ?? Number.POSITIVE_INFINITY,
      empty,
    };
  }

  /** Every row that matches, in row (file) order: one pass over the columns, a chunk at a time. */
  private scan(c: Compiled): Uint32Array {
    const store = this.model.events;
    const n = store.count;
    if (c.empty) return new Uint32Array(0);
    if (c.rows !== null) {
      const sorted = Uint32Array.from(c.rows).sort();
      return sorted.filter((row) => this.matches(c, row));
    }
    let out = new Uint32Array(1024);
    let k = 0;
    const push = (row: number): void => {
      if (k === out.length) {
        const g = new Uint32Array(out.length * 2);
        g.set(out);
        out = g;
      }
      out[k++] = row;
    };
    const needTs = c.fromTs !== Number.NEGATIVE_INFINITY || c.toTs !== Number.POSITIVE_INFINITY;
    const needLine = c.fromLine > 0 || c.toLine !== Number.POSITIVE_INFINITY;
    const chunks = store.type.chunkCount;
    for (let ch = 0; ch < chunks; ch++) {
      const base = ch * CHUNK_ROWS;
      const end = Math.min(n, base + CHUNK_ROWS);
      const type = store.type.chunk(ch);
      const task = store.task.chunk(ch);
      const cpu = store.cpu.chunk(ch);
      const key = store.key.chunk(ch);
      const ts = this.tsScratch;
      const line = this.lineScratch;
      if (needTs) store.ts.decodeChunk(ch, ts);
      if (needLine) store.lines.decode(base, end - base, line);
      for (let i = 0; i < end - base; i++) {
        if (c.types !== null && c.types[type[i]!] !== 1) continue;
        if (c.tasks !== null && c.tasks[task[i]!] !== 1) continue;
        if (c.keys !== null && c.keys[key[i]!] !== 1) continue;
        if (c.cpus !== null && !c.cpus.has(cpu[i]!)) continue;
        if (needTs && (ts[i]! < c.fromTs || ts[i]! > c.toTs)) continue;
        if (needLine && (line[i]! < c.fromLine || line[i]! > c.toLine)) continue;
        push(base + i);
      }
    }
    return out.slice(0, k);
  }

  private matches(c: Compiled, row: number): boolean {
    const store = this.model.events;
    if (c.types !== null && c.types[store.typeAt(row)] !== 1) return false;
    if (c.tasks !== null && c.tasks[store.task.get(row)] !== 1) return false;
    if (c.keys !== null && c.keys[store.key.get(row)] !== 1) return false;
    if (c.cpus !== null && !c.cpus.has(store.cpuAt(row))) return false;
    const t = store.tsAt(row);
    if (t < c.fromTs || t > c.toTs) return false;
    const l = store.lineOf(row);
    if (l < c.fromLine || l > c.toLine) return false;
    return true;
  }
}

/** True when the filter names no condition. */
export function isEmptyFilter(f: EventFilter): boolean {
  return (
    !(f.events && f.events.length > 0) &&
    !(f.pids && f.pids.length > 0) &&
    !(f.comms && f.comms.length > 0) &&
    !(f.cpus && f.cpus.length > 0) &&
    !(f.devices && f.devices.length > 0) &&
    !(f.inodes && f.inodes.length > 0) &&
    !(f.requests && f.requests.length > 0) &&
    !(f.findings && f.findings.length > 0) &&
    f.latency === undefined &&
    f.from === undefined &&
    f.to === undefined &&
    f.fromLine === undefined &&
    f.toLine === undefined &&
    !hasText(f)
  );
}

/** True when the filter has a text condition. */
function hasText(f: EventFilter): boolean {
  return f.text !== undefined && f.text !== '';
}

/** The last row whose line is at or before `line` (rows are in line order), -1 when none. O(log N). */
export function rowAtOrBefore(store: EventStore, line: number): number {
  let lo = 0;
  let hi = store.count - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (store.lineOf(mid) <= line) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Index of the first value greater than `x` in an ascending array. */
function upperBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Among requests that share a line, the lowest layer's is the line's: block, fs, ordered extent, io_uring, syscall (rank by layer code). */
const LINE_OWNER_RANK = [0, 1, 3, 4, 2];

/**
 * The request whose event each line is (ascending lines), -1 for none: from the view's line index (line,
 * request) sorted by line, searched from where the previous line was found. When several requests hold a
 * line, a request with a stage of its own there comes first (a syscall's exit, not the `parent-complete`
 * of the fs request it ends; a block completion, not the plug line of a request), then the lowest layer (a
 * block completion that also ends an ordered extent). O(n log R).
 */
function requestsOfLines(v: RequestView, lines: Uint32Array): Int32Array {
  const out = new Int32Array(lines.length).fill(-1);
  if (lines.length === 0 || v.count === 0) return out;
  const index = v.lineIndex();
  const keys = index.lines;
  let lo = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    let bestRank = -1;
    for (let k = lo; k < keys.length && keys[k] === line; k++) {
      const r = index.requests[k]!;
      const rank = (ownStage(v, r, line) ? 8 : 0) + LINE_OWNER_RANK[v.layerCode(r)]!;
      if (rank > bestRank) {
        best = r;
        bestRank = rank;
      }
    }
    out[i] = best;
  }
  return out;
}

/** True when request `r` has a stage of its own on `line` (`parent-complete` is its caller's event). */
function ownStage(v: RequestView, r: number, line: number): boolean {
  for (let k = 0; k < v.stageCount(r); k++) if (v.stageLine(r, k) === line && v.stageName(r, k) !== 'parent-complete') return true;
  return false;
}
