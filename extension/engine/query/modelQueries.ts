/**
 * ModelQueries: the query API over one retained FileModel, with the caches that make repeated questions
 * cheap (the line reader's blocks, the event decoder's scratch strings, the matching rows of recent
 * filters, the outline). Every answer comes from the model's columns and a few lines read again from the
 * source; nothing re-reads the whole file. Kernel-log models answer the text, outline and folding queries.
 * Questions that also need the session's findings (lineInfo.ts, lensIndex.ts) are composed by the engine
 * service from these answers and the session's FindingIndex.
 */
import type { Finding } from '../contracts/finding';
import type {
  EventDetail,
  EventFilter,
  FieldView,
  EventPage,
  FoldRange,
  InlayInfo,
  LaneBy,
  LatencyGroup,
  LatencyQuery,
  LifecycleGraph,
  LineWindow,
  OutlineItem,
  RelatedLine,
  RequestChain,
  RowIndex,
  TimelineBars,
  TimelineLanes,
  TimelineOverview,
} from '../contracts/query';
import type { RequestLayer } from '../contracts/report';
import { clockScale, lineCountOf, lineIndexOf, type FileModel, type TraceModel } from '../model/fileModel';
import { CHUNK_ROWS } from '../store/chunkedColumn';
import type { TimeColumn } from '../store/timeColumn';
import { EventDecoder } from './eventDecoder';
import { EventDensity } from './eventDensity';
import { EventsQuery } from './eventsPage';
import { inlayHints } from './inlayHints';
import { collectLatencies, groupsOf } from './latencyGroups';
import { lifecycleGraph } from './lifecycleGraph';
import { LineReader } from './lineReader';
import { logFolding, logOutline } from './logOutline';
import { relatedLines, requestChainsAt } from './requestChains';
import { TimelineIndex } from './timelineIndex';
import { traceFolding, traceOutline } from './traceOutline';

/** Lines `lines` and `linesAt` return at most (the largest window of a view). */
const MAX_LINES = 1_000_000;

/** Stages that close a block request's I/O (their definition is the issue that started it). */
const COMPLETION_STAGES = new Set(['complete', 'error', 'partial-complete', 'io-done', 'end', 'bio-complete']);

export class ModelQueries {
  private reader: LineReader | undefined;
  private decoder: EventDecoder | undefined;
  private events: EventsQuery | undefined;
  private cells: ReturnType<typeof collectLatencies> | undefined;
  private timeSorted: boolean | undefined;
  private timelineIndex: TimelineIndex | undefined;
  private density: EventDensity | undefined;

  constructor(readonly model: FileModel) {}

  get path(): string {
    return this.model.path;
  }

  /** Lines of text [from, from + count) of the model's source. */
  lines(from: number, count: number): LineWindow {
    this.assertCurrent();
    return { file: this.model.path, from, lines: this.lineReader().text(from, Math.min(count, MAX_LINES)), totalLines: lineCountOf(this.model) };
  }

  /** The text of the given lines (1-based, increasing; at most MAX_LINES), '' for a line past the end. */
  linesAt(lines: readonly number[]): string[] {
    this.assertCurrent();
    return this.lineReader().textAt(lines.length > MAX_LINES ? lines.slice(0, MAX_LINES) : lines);
  }

  /** Inlay hints of the lines [from, to]: request latencies on the lines where requests complete (traces). */
  inlayHints(from: number, to: number): InlayInfo[] {
    const m = this.trace();
    return m ? inlayHints(m, from, to) : [];
  }

  /** The decoded event on a line (traces). */
  eventAt(line: number): EventDetail | undefined {
    const m = this.trace();
    if (m === undefined) return undefined;
    this.assertCurrent();
    return this.eventDecoder(m).eventAt(line);
  }

  /** The request chains a line belongs to. */
  requestChainsAt(line: number, maxNodes?: number): RequestChain[] {
    const m = this.trace();
    return m ? requestChainsAt(m.path, m.requests, m.events, line, maxNodes, clockScale(m)) : [];
  }

  /** Every line of those chains, with its role. */
  relatedLines(line: number): RelatedLine[] {
    const m = this.trace();
    return m ? relatedLines(m.requests, line, undefined, m.events) : [];
  }

  /**
   * Where the request on `line` starts, for Go to Definition: a completion goes to the issue of its block
   * request, any other later stage to the request's first stage (issue -> queue, exit -> enter, ordered
   * extent finish -> add), and a request's first stage to the start of the request that caused it (a bio
   * -> its fs request or syscall). Undefined when the line belongs to no request or nothing is above it.
   */
  definition(line: number): number | undefined {
    const m = this.trace();
    if (!m) return undefined;
    const v = m.requests;
    const ids = v.atLine(line);
    // The lowest layer first: the block request of a completion line, not the syscall above it.
    ids.sort((a, b) => v.layerCode(b) - v.layerCode(a));
    for (const r of ids) {
      let k = -1;
      for (let i = 0; i < v.stageCount(r); i++) if (v.stageLine(r, i) === line) k = i;
      // `parent-complete` is not an event of the request: the parent's exit line ended it.
      if (k < 0 || v.stageName(r, k) === 'parent-complete') continue;
      if (k > 0) {
        if (v.layer(r) === 'block' && COMPLETION_STAGES.has(v.stageName(r, k))) {
          for (let i = k - 1; i >= 0; i--) if (v.stageName(r, i) === 'issue') return v.stageLine(r, i);
        }
        return v.stageLine(r, 0);
      }
      const p = v.parent(r);
      if (p >= 0) return v.stageLine(p, 0);
    }
    return undefined;
  }

  /** A page of events under a filter, with the total matching. */
  eventsPage(filter: EventFilter, offset: number, limit: number, withFields = false, findings: readonly Finding[] = []): EventPage | undefined {
    const m = this.trace();
    if (!m) return undefined;
    if (withFields) this.assertCurrent();
    return this.eventsQuery(m).page(filter, offset, limit, withFields, findings);
  }

  /**
   * `eventsPage` for the engine worker: a text condition is read in slices with the event loop free
   * between them, and stops (rejects with `cancelled`) when `signal` fires.
   */
  async eventsPageAsync(filter: EventFilter, offset: number, limit: number, withFields = false, findings: readonly Finding[] = [], signal?: AbortSignal): Promise<EventPage | undefined> {
    const m = this.trace();
    if (!m) return undefined;
    if (withFields) this.assertCurrent();
    return this.eventsQuery(m).pageAsync(filter, offset, limit, withFields, findings, signal);
  }

  /** Where a source line falls among the events matching a filter (the matching event at or before it), for the table to follow the editor. */
  async rowIndexOfLine(filter: EventFilter, line: number, findings: readonly Finding[] = [], signal?: AbortSignal): Promise<RowIndex | undefined> {
    const m = this.trace();
    if (!m) return undefined;
    return this.eventsQuery(m).rowIndexOfLine(filter, line, findings, signal);
  }

  /** The lanes of the request timeline (the lane index is built on first use). */
  timelineLanes(by: LaneBy): TimelineLanes | undefined {
    const m = this.trace();
    return m ? this.timelineOf(m).lanes(by) : undefined;
  }

  /** The bars of the request timeline in [fromNs, toNs] (ns since the first event) at `widthPx` columns, for the given lanes (all when omitted). */
  timeline(by: LaneBy, fromNs: number, toNs: number, widthPx: number, lanes?: readonly number[]): TimelineBars | undefined {
    const m = this.trace();
    return m ? this.timelineOf(m).bars(by, fromNs, toNs, widthPx, lanes) : undefined;
  }

  /** Event density over the whole trace in `bins` bins, and the times of the file's findings. */
  overview(bins: number, findings: readonly Finding[] = []): TimelineOverview | undefined {
    const m = this.trace();
    return m ? (this.density ??= new EventDensity(m)).overview(bins, findings) : undefined;
  }

  /** Bytes held by the query caches built on first use (the timeline index, density histograms). */
  get cacheBytes(): number {
    return (this.timelineIndex?.byteLength ?? 0) + (this.density?.byteLength ?? 0);
  }

  /** Latency groups; the model's latencies are collected once, then each query only groups and bins. */
  latency(q: LatencyQuery = {}): LatencyGroup[] {
    const m = this.trace();
    if (!m) return [];
    this.cells ??= collectLatencies([m.requests]);
    return groupsOf(this.cells, q);
  }

  lifecycleGraph(request: number, expand: readonly RequestLayer[] = []): LifecycleGraph | undefined {
    const m = this.trace();
    if (!m || !(request >= 0 && request < m.requests.count)) return undefined;
    return lifecycleGraph(m.path, m.requests, request, expand);
  }

  outline(findings: readonly Finding[]): OutlineItem[] {
    return this.model.kind === 'trace' ? traceOutline(this.model, findings) : logOutline(this.model, findings);
  }

  folding(): FoldRange[] {
    return this.model.kind === 'trace' ? traceFolding(this.model) : logFolding(this.model);
  }

  /**
   * The line of the first event (in file order) at or after `time` (absolute, in the trace's printed
   * units: seconds, or counts of a counter clock); the last event's line when none is that late.
   */
  lineAtTime(time: number): number | undefined {
    const m = this.trace();
    if (!m || m.events.count === 0) return undefined;
    const store = m.events;
    const rel = Math.round(time * clockScale(m)) - store.absoluteNs(0);
    if (this.timeSorted === undefined) this.timeSorted = isSorted(store.ts);
    if (this.timeSorted) {
      let lo = 0;
      let hi = store.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (store.tsAt(mid) < rel) lo = mid + 1;
        else hi = mid;
      }
      return store.lineOf(Math.min(lo, store.count - 1));
    }
    // Time goes backwards somewhere: the first event in file order that is late enough.
    const ts = new Float64Array(CHUNK_ROWS);
    for (let ch = 0; ch < store.ts.chunkCount; ch++) {
      const n = store.ts.decodeChunk(ch, ts);
      for (let i = 0; i < n; i++) if (ts[i]! >= rel) return store.lineOf(ch * CHUNK_ROWS + i);
    }
    return store.lineOf(store.count - 1);
  }

  /** The rows (event indexes) matching a filter; undefined for every row. */
  matchingRows(filter: EventFilter, findings: readonly Finding[] = []): Uint32Array | undefined {
    const m = this.trace();
    return m ? this.eventsQuery(m).rows(filter, findings) : new Uint32Array(0);
  }

  /** Decoded fields of an event row by name (for `iolens events`). */
  fieldsOfRow(row: number): Record<string, number | string> | undefined {
    const m = this.trace();
    return m ? this.eventDecoder(m).fieldsOf(row) : undefined;
  }

  /** Explained fields of an event row (units, meanings, values as printed). */
  fieldViewsOfRow(row: number): FieldView[] {
    const m = this.trace();
    return m ? this.eventDecoder(m).fieldViewsOf(row) : [];
  }

  private trace(): TraceModel | undefined {
    return this.model.kind === 'trace' ? this.model : undefined;
  }

  private assertCurrent(): void {
    if (this.model.source.changed()) throw new Error(`${this.model.path} changed on disk since it was analysed; analyse it again`);
  }

  private lineReader(): LineReader {
    return (this.reader ??= new LineReader(this.model.source, lineIndexOf(this.model), lineCountOf(this.model)));
  }

  private eventDecoder(m: TraceModel): EventDecoder {
    return (this.decoder ??= new EventDecoder(m, this.lineReader(), () => (m.btrfsEra ? { btrfsEra: m.btrfsEra } : {})));
  }

  private eventsQuery(m: TraceModel): EventsQuery {
    return (this.events ??= new EventsQuery(m, this.eventDecoder(m), this.lineReader(), () => this.assertCurrent()));
  }

  private timelineOf(m: TraceModel): TimelineIndex {
    return (this.timelineIndex ??= new TimelineIndex(m));
  }
}

/** True when the times never decrease. */
function isSorted(col: TimeColumn): boolean {
  let prev = Number.NEGATIVE_INFINITY;
  const c = new Float64Array(CHUNK_ROWS);
  for (let ch = 0; ch < col.chunkCount; ch++) {
    const n = col.decodeChunk(ch, c);
    for (let i = 0; i < n; i++) {
      if (c[i]! < prev) return false;
      prev = c[i]!;
    }
  }
  return true;
}
