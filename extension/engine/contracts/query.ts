/**
 * The query contract: what the retained model of a trace or kernel log answers (the event at a line, the
 * requests it belongs to, related lines, findings around a line, pages of events under a filter, latency
 * distributions, lifecycle graphs, outlines, lines of text). Shared by the engine, the worker protocol,
 * the extension host and the webview; dependency-free (types only). Times are ns unless a name says
 * otherwise; absolute times are the trace's own clock (seconds since boot for the usual clocks); lines are
 * 1-based.
 */
import type { Finding, Severity } from './finding';
import type { RequestLayer, TaskReport } from './report';

/** One decoded payload field of an event, ready to show: its value, its unit and what it means. */
export interface FieldView {
  /** The kernel's field name (`sector`, `nr_sector`, `rwbs`, `ret`, `flags`…). */
  readonly name: string;
  /** The value as the trace printed it (normalised: numbers in decimal unless printed in hex). */
  readonly text: string;
  /** The decoded value: a number, or a string for textual fields. */
  readonly value: number | string;
  /** Unit of a numeric value: `sectors`, `bytes`, `pages`, `ns`, `us`, `blocks`… */
  readonly unit?: string;
  /** What the value means, in words: `196608 bytes (192 KiB)`, `READ, readahead`, `-5 EIO`, `dev 7:0`. */
  readonly meaning?: string;
}

/** The event on one line, decoded. */
export interface EventDetail {
  readonly file: string;
  readonly line: number;
  /** Row in the model's event store. */
  readonly row: number;
  /** tracefs event name (`block_rq_issue`, `sys_enter_pread64`, `print`…) and its system (`block`, `syscalls`…). */
  readonly event: string;
  readonly system: string;
  /** Absolute time in seconds as the trace printed it (`1109.253297`), and its exact text. */
  readonly ts: number;
  readonly tsText: string;
  /** ns since the first event of the file. */
  readonly sinceStartNs: number;
  /** ns since the previous event of the same task (pid), and that event's line; null when none is near. */
  readonly sincePrevTaskNs: number | null;
  readonly prevTaskLine: number | null;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
  /** trace-cmd instance / buffer prefix, when the line had one. */
  readonly instance?: string;
  /** The decoded fields in the format's order; empty when the payload matched no known format. */
  readonly fields: readonly FieldView[];
  /** True when the payload was decoded by a known format of the event. */
  readonly decoded: boolean;
  /** The payload text after `event_name:`, as printed (bounded to 4 KiB). */
  readonly payload: string;
}

/** One stage of a request, as a query returns it. */
export interface StageView {
  readonly name: string;
  readonly line: number;
  /** Absolute time, seconds. */
  readonly ts: number;
  /** ns since the request's first stage. */
  readonly offsetNs: number;
  /** ns since the previous stage of the request (0 for the first). */
  readonly sincePrevNs: number;
}

/** One request of a chain, with its stages, latencies and place in the chain. */
export interface RequestNode {
  readonly id: number;
  readonly layer: RequestLayer;
  readonly op: string;
  readonly pid: number;
  readonly comm: string;
  /** `7:0`, or null. */
  readonly dev: string | null;
  readonly ino: number | null;
  readonly offset: number | null;
  readonly length: number | null;
  readonly sector: number | null;
  readonly sectors: number | null;
  /** Bytes done or a negative errno; null when incomplete or unknown. */
  readonly result: number | null;
  /** `-5 EIO` for negative results, else absent. */
  readonly errno?: string;
  readonly complete: boolean;
  /** First to last stage, ns; null when incomplete. */
  readonly latencyNs: number | null;
  /** btt stage latencies of a block request (Q2G, G2I, I2D, Q2D, D2C, Q2C), ns. */
  readonly btt?: { readonly [stage: string]: number };
  readonly stages: readonly StageView[];
  /** Every line of the request (sorted). */
  readonly lines: readonly number[];
  readonly parent: number;
  readonly children: readonly number[];
  /** Depth below the root of its chain (0 = root). */
  readonly depth: number;
  /** Layer-specific facts (the `details` of `iolens request`). */
  readonly details: { readonly [key: string]: unknown };
}

/** A request chain: a root (a syscall or io_uring request, or the top known layer) and every request below it. */
export interface RequestChain {
  readonly file: string;
  readonly root: number;
  /** The root first, then its descendants depth-first in link order. */
  readonly nodes: readonly RequestNode[];
  /** True when the chain was cut at `maxNodes`. */
  readonly truncated: boolean;
}

/** A line related to another through a request, with what it is. */
export interface RelatedLine {
  readonly line: number;
  /** `block request issue`, `syscall exit: 65536 of 262144`… */
  readonly role: string;
  readonly request: number;
  readonly layer: RequestLayer;
}

/** Filters of an events query; every given condition must hold. */
export interface EventFilter {
  /** tracefs event names. */
  readonly events?: readonly string[];
  readonly pids?: readonly number[];
  readonly comms?: readonly string[];
  readonly cpus?: readonly number[];
  /** `MAJ:MIN`: events whose payload names the device. */
  readonly devices?: readonly string[];
  /** Inode numbers named by the payload. */
  readonly inodes?: readonly number[];
  /** Request ids: the events of those requests (every layer of each). */
  readonly requests?: readonly number[];
  /** Absolute time range, seconds (inclusive). */
  readonly from?: number;
  readonly to?: number;
  /** Line range (inclusive). */
  readonly fromLine?: number;
  readonly toLine?: number;
  /** Only evidence lines of these findings (indexes into the session's findings). */
  readonly findings?: readonly number[];
  /**
   * Events whose line contains this text (a literal substring of the raw line as the file holds it, like
   * `grep -F`; '' is no condition). Read again from the file: O(bytes of the lines the other conditions
   * leave), under half a second for corpus 06's 1.62 M unfiltered events (204 MB); the engine worker runs
   * it in slices of a few ms and stops it when the request is cancelled. Cached like the other conditions.
   */
  readonly text?: string;
  /** Match `text` ignoring case (Unicode lower case of both). */
  readonly textIgnoreCase?: boolean;
  /** The events of the requests of one latency histogram bin (and their child requests). */
  readonly latency?: LatencyBin;
}

/** One bin of a latency distribution (LatencyGroup): its keys and its range [loNs, hiNs). */
export interface LatencyBin {
  readonly layer: RequestLayer;
  readonly op: string;
  /** `7:0`, `unknown`, or `all`. */
  readonly device: string;
  /** `total` or a btt stage. */
  readonly stage: string;
  readonly loNs: number;
  readonly hiNs: number;
}

/** A page of events as columns (typed arrays travel without per-row objects). */
export interface EventPage {
  readonly file: string;
  /** Events matching the filter (all pages). */
  readonly total: number;
  readonly offset: number;
  /** Row of each event in the model's store (for follow-up queries). */
  readonly row: Uint32Array;
  readonly line: Uint32Array;
  /** Absolute time, ns (exact below 2^53). */
  readonly tsNs: Float64Array;
  readonly cpu: Uint16Array;
  readonly pid: Int32Array;
  /** Indexes into `strings`. */
  readonly comm: Uint32Array;
  readonly event: Uint32Array;
  readonly strings: readonly string[];
  /** ns since the first event of the file (the store's exact relative time; ticks for a counter clock). */
  readonly sinceStartNs: Float64Array;
  /** ns since the previous matching event (the row before in the filter, even on an earlier page); NaN for the first match. */
  readonly deltaNs: Float64Array;
  /** The request whose event the line is (the lowest layer when several share the line), -1 for none. */
  readonly request: Int32Array;
  /** Device (dev_t, major << 20 | minor) the payload names, 0xffffffff for none. */
  readonly dev: Uint32Array;
  /** Inode the payload names, NaN for none. */
  readonly ino: Float64Array;
  /**
   * The payload text after `event_name:` as printed (the key fields for display), cut to 160 characters
   * (`…` added). Only on pages of at most 1000 rows (a table's page): larger pages (a filtered view's
   * window, the CLI) leave it out, since it reads every line of the page again.
   */
  readonly payload?: readonly string[];
  /** Decoded fields per row, when asked (`withFields`). */
  readonly fields?: readonly (readonly FieldView[])[];
}

/** Where a source line falls among the events matching a filter (editor -> table selection). */
export interface RowIndex {
  /** Position among the matches of the matching event at `line`, or of the last one before it; -1 when none is at or before it. */
  readonly index: number;
  /** True when the event on `line` itself matches. */
  readonly exact: boolean;
  /** The line of the match at `index` (0 when `index` is -1). */
  readonly line: number;
  /** Events matching the filter. */
  readonly total: number;
}

/** Timeline lanes: block devices, or tasks. */
export type LaneBy = 'device' | 'task';

/** How a timeline bar's request ended: a negative result is an `error`, fewer bytes than asked (syscall, io_uring, fs) `short`, no completion by the end of the trace `pending`. */
export type TimelineOutcome = 'ok' | 'short' | 'error' | 'pending';

/**
 * The lanes of a timeline, in lane-index order. Device lanes hold the block requests issued to each device
 * (issue to completion: the time the device had them); task lanes hold the requests each task asked for:
 * its syscall and io_uring requests, and the filesystem requests of a trace without syscall events (the
 * top of each request chain of those layers). Times are ns since the first event.
 */
export interface TimelineLanes {
  readonly by: LaneBy;
  /** dev_t of a device lane, pid of a task lane (-1: unknown task). */
  readonly key: Float64Array;
  /** `7:0`; `comm:pid` (the comm of the task's first request). */
  readonly label: readonly string[];
  /** Requests (bars) per lane, and how many of them failed, were short, or never completed. */
  readonly requests: Uint32Array;
  readonly errors: Uint32Array;
  readonly short: Uint32Array;
  readonly pending: Uint32Array;
  /** Time span of the trace: first and last event. */
  readonly startNs: number;
  readonly endNs: number;
}

/**
 * The bars of a timeline window, as columns of one length, sorted by lane then start. A bar is one request
 * overlapping [fromNs, toNs], or, where more than two requests shorter than a pixel column start in the
 * same column of a lane, a density bucket of them (`request` -1, `count` > 1). Requests of a pixel column
 * or more are always bars of their own, so a slow request is never hidden in a bucket. Every request that
 * overlaps the window is counted exactly once: the sum of `count` is `total`.
 */
export interface TimelineBars {
  readonly by: LaneBy;
  readonly fromNs: number;
  readonly toNs: number;
  readonly widthPx: number;
  /** ns per pixel column: (toNs - fromNs) / widthPx. */
  readonly nsPerPx: number;
  /** Lane index (into `TimelineLanes`). */
  readonly lane: Uint32Array;
  /**
   * Start and end, ns since the first event; a bucket spans its members. A pending request ends at the
   * trace's last event, or, for a filesystem request whose caller was not traced, at its last stage.
   */
  readonly startNs: Float64Array;
  readonly endNs: Float64Array;
  /** Request id; -1 for a bucket. */
  readonly request: Int32Array;
  /** Requests in the bar: 1, or a bucket's members. */
  readonly count: Uint32Array;
  /** Op code (index into `ops`); a bucket's most frequent op. */
  readonly op: Uint16Array;
  readonly ops: readonly string[];
  /** Outcome code (index into `outcomes`: 0 ok, 1 short, 2 error, 3 pending); a bucket's worst (error, short, pending, ok). */
  readonly outcome: Uint8Array;
  readonly outcomes: readonly TimelineOutcome[];
  /** The line of the bar's start (a block request's issue, a syscall's enter); 0 for a bucket. */
  readonly line: Uint32Array;
  /** Requests overlapping the window in the lanes asked for. */
  readonly total: number;
}

/** The whole trace at a glance: event density and where the findings are. */
export interface TimelineOverview {
  /** The span binned: first to last event, ns since the first event. */
  readonly startNs: number;
  readonly endNs: number;
  /** Width of a bin, ns (bin k covers [startNs + k·binNs, startNs + (k+1)·binNs)). */
  readonly binNs: number;
  /** Events per bin. */
  readonly density: Uint32Array;
  /** Findings of this file with their time (of the event on their decisive line, or the last event before it), sorted by time. */
  readonly findingNs: Float64Array;
  /** Severity code (index into `severities`: 0 error, 1 warning, 2 info). */
  readonly findingSeverity: Uint8Array;
  readonly severities: readonly Severity[];
  /** Index of each finding in the session's findings. */
  readonly finding: Uint32Array;
}

/** One latency distribution. */
export interface LatencyGroup {
  readonly layer: RequestLayer;
  readonly op: string;
  /** `7:0`, or `all`. */
  readonly device: string;
  /** `total` (first to last stage) or a btt stage (Q2G, G2I, I2D, Q2D, D2C, Q2C). */
  readonly stage: string;
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
  readonly mean: number;
  /** Log-scale bins (ns): [lo, hi). */
  readonly bins: readonly { readonly lo: number; readonly hi: number; readonly count: number }[];
}

export interface LatencyQuery {
  readonly layer?: RequestLayer;
  readonly op?: string;
  readonly device?: string;
  readonly stage?: string;
  /** Bins per decade (default 4). */
  readonly binsPerDecade?: number;
}

/** A node of a request lifecycle graph (ready for elkjs: sizes are the layout's business). */
export interface LifecycleNode {
  readonly id: string;
  readonly request: number;
  readonly layer: RequestLayer;
  /** `read 7:0 320+384`, `preadv2 fd 3 @0 262144`… */
  readonly label: string;
  /** `-> 65536, 86.0 µs`, `failed -5 EIO`… */
  readonly detail: string;
  readonly line: number;
  readonly failed: boolean;
  readonly short: boolean;
  /** Nodes folded into this one (a collapsed layer group), 1 for a plain node. */
  readonly count: number;
}

export interface LifecycleEdge {
  readonly from: string;
  readonly to: string;
  /** The wait from the parent's first stage to the child's first stage. */
  readonly label: string;
}

export interface LifecycleGraph {
  readonly file: string;
  readonly root: number;
  readonly nodes: readonly LifecycleNode[];
  readonly edges: readonly LifecycleEdge[];
  /** Layers folded into one node each (too many requests of that layer). */
  readonly collapsed: readonly RequestLayer[];
}

/** An outline entry (document symbol): a group or an item with its line range. */
export interface OutlineItem {
  readonly name: string;
  readonly detail: string;
  /** `finding`, `findings`, `device`, `devices`, `task`, `tasks`, `cpu`, `cpus`, `report`, `region`, `preamble`. */
  readonly kind: string;
  readonly line: number;
  readonly endLine: number;
  readonly children: readonly OutlineItem[];
}

/** A foldable range of lines. */
export interface FoldRange {
  readonly start: number;
  readonly end: number;
  /** `region` (a report, a dump, a lockdep section, a preamble) or `comment` (headers). */
  readonly kind: 'region' | 'comment';
}

/** Findings located at or near a line. */
export interface FindingRef {
  /** Index in the session's findings. */
  readonly index: number;
  readonly finding: Finding;
}

/** Lines of text of a model (its file or its rendering), for paged and filtered views. */
export interface LineWindow {
  readonly file: string;
  readonly from: number;
  readonly lines: readonly string[];
  /** Lines in the whole file. */
  readonly totalLines: number;
}

/** Everything a hover shows about one line, in one round trip. */
export interface LineInfo {
  /** The event on the line (traces), or null. */
  readonly event: EventDetail | null;
  /** The request chains the line belongs to (traces). */
  readonly chains: readonly RequestChain[];
  /** Findings at the line (decisive first, then those citing it as evidence). */
  readonly findings: readonly FindingRef[];
  /** Kernel logs: the task report the line lies in (its first report when a pid was reported several times), or null. */
  readonly task: TaskReport | null;
}

/** An inline annotation above a line (a CodeLens): a finding's decisive line, or the first line of a request a finding names. */
export interface LensInfo {
  readonly line: number;
  readonly kind: 'finding' | 'request';
  /** Short: `short read: 4 KiB of 16 KiB before EOF`, `read 7:0 16 KiB: 1.24 ms, -5 EIO`. */
  readonly title: string;
  readonly tooltip: string;
  /** Index in the session's findings (for `request`: the finding that names the request). */
  readonly finding: number;
  /** Request id (kind `request`). */
  readonly request?: number;
}

/** An inline hint at the end of a line: the latency of a request that completes there. */
export interface InlayInfo {
  readonly line: number;
  /** `Q2C 86.2 µs`, `1.24 ms`, `-5 EIO after 3.1 ms`. */
  readonly text: string;
  readonly tooltip: string;
  /** The request it describes. */
  readonly request: number;
}
