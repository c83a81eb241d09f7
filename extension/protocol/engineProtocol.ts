/**
 * The typed protocol between the extension host and the engine worker, on the shared envelope
 * (envelope.ts). The worker keeps a session per document: `open` analyses a document (and the files
 * analysed with it: a kernel log with the traces of the same window) into retained models and answers
 * with the report; every query names the document (`doc`) and is answered from its models; `close`
 * releases them. Requests may be cancelled (`cancel` notification); long ones report `progress`.
 */
import type { Finding } from '../engine/contracts/finding';
import type {
  EventDetail,
  EventFilter,
  EventPage,
  FindingRef,
  FoldRange,
  InlayInfo,
  LaneBy,
  LatencyGroup,
  LensInfo,
  LineInfo,
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
} from '../engine/contracts/query';
import type { AnalysisReport, RequestLayer, WaitGraph } from '../engine/contracts/report';
import type { NotifyOf, RequestOf } from './envelope';

/** A document: its key (URI string), its version, and where its bytes are (a file, or the editor's text). */
export interface DocRef {
  readonly key: string;
  readonly version: number;
  /** The name findings use: a path on disk, or the URI for unsaved text. */
  readonly name: string;
  /** Read from this file on disk... */
  readonly path?: string;
  /** ...or from this text (UTF-8), when the document is unsaved. */
  readonly bytes?: Uint8Array;
}

/** What `open` answers. */
export interface OpenResult {
  readonly report: AnalysisReport;
  /** `trace` or `kernel-log` for the document itself. */
  readonly kind: 'trace' | 'kernel-log';
  readonly lines: number;
  /** Bytes the worker's models hold now, and its budget. */
  readonly modelBytes: number;
}

/** Where a query looks: a document opened before (by key) and a line of it. */
export interface DocLine {
  readonly doc: string;
  readonly line: number;
}

export interface EngineMethods {
  /** Analyse a document (and its companions) into retained models; replaces an older version of it. */
  readonly open: { readonly params: { readonly doc: DocRef; readonly companions: readonly DocRef[]; readonly budgetMB?: number }; readonly result: OpenResult };
  /** Release a document's models (kept a little while for a reopen). */
  readonly close: { readonly params: { readonly doc: string }; readonly result: boolean };
  readonly eventAt: { readonly params: DocLine; readonly result: EventDetail | null };
  /** Everything a hover shows about a line, in one round trip. */
  readonly lineInfo: { readonly params: DocLine & { readonly maxNodes?: number }; readonly result: LineInfo };
  /** CodeLenses of the lines [from, to] (1-based, inclusive). */
  readonly lenses: { readonly params: { readonly doc: string; readonly from: number; readonly to: number }; readonly result: LensInfo[] };
  /** Inlay hints (request latencies on completion lines) of the lines [from, to]. */
  readonly inlayHints: { readonly params: { readonly doc: string; readonly from: number; readonly to: number }; readonly result: InlayInfo[] };
  readonly requestChains: { readonly params: DocLine & { readonly maxNodes?: number }; readonly result: RequestChain[] };
  readonly relatedLines: { readonly params: DocLine; readonly result: RelatedLine[] };
  readonly definition: { readonly params: DocLine; readonly result: number | null };
  /** Findings of the document's session at a line (decisive or evidence). */
  readonly findingsAt: { readonly params: DocLine; readonly result: FindingRef[] };
  readonly findingsInRange: { readonly params: { readonly doc: string; readonly from: number; readonly to: number }; readonly result: FindingRef[] };
  readonly nextFinding: { readonly params: DocLine & { readonly dir: 1 | -1; readonly kind?: string }; readonly result: FindingRef | null };
  readonly eventsPage: { readonly params: { readonly doc: string; readonly filter: EventFilter; readonly offset: number; readonly limit: number; readonly withFields?: boolean }; readonly result: EventPage | null };
  /** Where a source line falls among the events matching a filter: the matching event at or before it (editor -> table). */
  readonly rowIndexOfLine: { readonly params: { readonly doc: string; readonly filter: EventFilter; readonly line: number }; readonly result: RowIndex | null };
  /** The request timeline's lanes (block devices or tasks) with their counts. */
  readonly timelineLanes: { readonly params: { readonly doc: string; readonly by: LaneBy }; readonly result: TimelineLanes | null };
  /** The timeline's bars in [fromNs, toNs] (ns since the first event) at `widthPx` columns, short requests merged into density buckets; all lanes when `lanes` is omitted. */
  readonly timeline: { readonly params: { readonly doc: string; readonly by: LaneBy; readonly fromNs: number; readonly toNs: number; readonly widthPx: number; readonly lanes?: readonly number[] }; readonly result: TimelineBars | null };
  /** Event density of the whole trace in `bins` bins, and the times of its findings. */
  readonly overview: { readonly params: { readonly doc: string; readonly bins: number }; readonly result: TimelineOverview | null };
  readonly latency: { readonly params: { readonly doc: string; readonly query: LatencyQuery }; readonly result: LatencyGroup[] };
  readonly lifecycleGraph: { readonly params: { readonly doc: string; readonly request: number; readonly expand?: readonly RequestLayer[] }; readonly result: LifecycleGraph | null };
  readonly waitGraph: { readonly params: { readonly doc: string }; readonly result: WaitGraph };
  readonly outline: { readonly params: { readonly doc: string }; readonly result: OutlineItem[] };
  readonly folding: { readonly params: { readonly doc: string }; readonly result: FoldRange[] };
  readonly lines: { readonly params: { readonly doc: string; readonly from: number; readonly count: number }; readonly result: LineWindow };
  /** Lines 1 to `count` of a file on disk, read without a model (a large file's first window during its analysis). */
  readonly fileHead: { readonly params: { readonly path: string; readonly count: number }; readonly result: string[] };
  /** The text of the given lines (1-based, increasing), e.g. the matches of a filter. */
  readonly linesAt: { readonly params: { readonly doc: string; readonly lines: readonly number[] }; readonly result: string[] };
  readonly lineAtTime: { readonly params: { readonly doc: string; readonly seconds: number }; readonly result: number | null };
  /** The session's report rendered for a file: `json` (the `iolens analyze --format json` contract) or `sarif`. */
  readonly exportFindings: { readonly params: { readonly doc: string; readonly format: 'json' | 'sarif' }; readonly result: string };
  /** The findings of the document's session (the report's findings), for exports. */
  readonly findings: { readonly params: { readonly doc: string }; readonly result: Finding[] };
  /** What the worker keeps (for the status bar and tests). */
  readonly stats: { readonly params: Record<string, never>; readonly result: { readonly models: { key: string; version: number; refs: number; bytes: number; ready: boolean }[]; readonly bytes: number } };
}

/** Host -> worker notifications. */
export interface ToWorkerNotifications {
  /** Stop the request with this id (its reply is an error). */
  readonly cancel: { readonly id: number };
}

/** Worker -> host notifications. */
export interface FromWorkerNotifications {
  readonly progress: { readonly id: number; readonly bytesRead: number; readonly totalBytes: number };
}

export type ToWorkerMessage = RequestOf<EngineMethods> | NotifyOf<ToWorkerNotifications>;
export type FromWorkerMessage = import('./envelope').ReplyMessage | NotifyOf<FromWorkerNotifications>;
