/**
 * The report contract: the JSON of `iolens analyze --format json` (files, event counts, findings, requests,
 * tasks of kernel logs, the wait-for graph, log/trace alignments), shared by the CLI, the engine worker,
 * the extension host and the webview. Dependency-free: types only, importing nothing but other contracts.
 * Later analyses add sections; existing fields keep their names and meaning.
 */
import type { EvidenceRef, Finding } from './finding';

/** Input formats. `trace-dat` (binary) is recognised but not read yet. */
export type InputFormat =
  | 'ftrace-kernel'
  | 'trace-cmd-report'
  | 'trace-cmd-report-latency'
  | 'trace-cmd-report-raw'
  | 'kernel-log'
  | 'trace-dat'
  | 'empty'
  | 'unknown';

/** Options of the layout that were seen, for the summary and for later analyses. */
export interface FormatDetails {
  /** `ns` for sec.usec clocks (local, global, boot, mono...), `counter` for raw counter clocks. */
  clock: 'ns' | 'counter';
  /** Digits after the decimal point of the timestamps (6, or 9 with `trace-cmd report -t`). */
  timestampDigits: number;
  recordTgid: boolean;
  irqInfo: boolean;
  tsDiff: boolean;
  /** trace-cmd buffer/file prefixes seen (`inst_fmt`), in order of first appearance. */
  instances: string[];
  /** `version = N` preamble, when printed. */
  traceCmdVersion: number | null;
  /** Kernel `# tracer:` header name, when present. */
  tracer: string | null;
}

/** What is known about one input file: the `files[]` entry of the JSON contract (without its counts). */
export interface FileFacts {
  readonly path: string;
  readonly format: InputFormat;
  readonly formatDetails: FormatDetails;
  readonly bytes: number;
  readonly lines: number;
  readonly events: number;
  readonly skippedLines: number;
  /**
   * The number of CPUs: the header's when it states one (`cpus=N` of trace-cmd, `#P:N` of the kernel's
   * header), otherwise the number of CPUs that have events (`cpusSeen`), never the highest CPU number + 1.
   */
  readonly cpus: number;
  /** Where `cpus` comes from: `header`, `events` (counted from `cpusSeen`), or `none` (no header, no events). */
  readonly cpusFrom: 'header' | 'events' | 'none';
  /** The CPU numbers that have events in the file, ascending. */
  readonly cpusSeen: readonly number[];
  /** Sum of the lost/dropped counts the file states; null when markers exist but none gives a count. */
  readonly lostEvents: number | null;
  /**
   * How the summary figures that are derived rather than read were obtained, in words, by figure name
   * (`cpus`, `lostEvents`, `span`). A figure the file states as it is shown has no entry.
   */
  readonly derived: Readonly<Record<string, string>>;
  /** Absolute time of the earliest/latest event in ns (raw units for counter clocks); null without events. */
  readonly firstTimestamp: number | null;
  readonly lastTimestamp: number | null;
  /**
   * Set when the file is a binary container read as the text it renders to (a trace-cmd trace.dat, whose
   * lines are those `trace-cmd report` prints): its file version, compression, size on disk, records and
   * how many damaged parts of its event data were skipped. `bytes` and `lines` are those of the rendering.
   */
  readonly container?: ContainerFacts;
}

export interface ContainerFacts {
  readonly kind: 'trace.dat';
  readonly version: number;
  readonly compression: string;
  readonly fileBytes: number;
  readonly records: number;
  readonly gaps: number;
}

/** Percentiles of a latency distribution, in ns. */
export interface LatencyStats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LayerSummary {
  readonly total: number;
  readonly complete: number;
  readonly incomplete: number;
  readonly byOp: Record<string, number>;
  /** First stage to completion, for the complete requests. */
  readonly latency: LatencyStats | null;
}

export interface RequestsSummary {
  readonly total: number;
  readonly byLayer: Partial<Record<RequestLayer, LayerSummary>>;
}

/** Block-layer stage latencies of one device (or `all`), in btt's vocabulary. */
export interface DeviceLatency {
  /** `7:0`, or `all`. */
  readonly device: string;
  readonly requests: number;
  readonly stages: Readonly<Record<string, LatencyStats | null>>;
}

/** The `requests` section of the report. */
export interface RequestsReport extends RequestsSummary {
  readonly block: readonly DeviceLatency[];
}

export type RequestLayer = 'syscall' | 'io_uring' | 'fs' | 'block' | 'ordered-extent';

/** Where a task's stack came from. */
export type TaskSource =
  | 'sysrq-w' // sysrq: Show Blocked State
  | 'sysrq-t' // sysrq: Show State
  | 'hung-task' // INFO: task NAME:PID blocked for more than N seconds.
  | 'blocker' // the owner printed after a 6.x blocker hint
  | 'proc-stack' // /proc/PID/stack snapshot
  | 'dump';

/** How the log line was stamped. */
export type TimeSource = 'monotonic' | 'wall-clock' | 'none';

export interface StackFrame {
  /** Function name, e.g. `btrfs_start_ordered_extent`, `foo.isra.0`; `0xffffffffc0a1b2c3` for an unresolved address. */
  readonly func: string;
  readonly offset?: number;
  readonly size?: number;
  readonly module?: string;
  /** False for `? ` frames found by stack scanning: kept, but never used for attribution. */
  readonly reliable: boolean;
  /** Stack the frame was printed on: `TASK` (default), `IRQ`, `SOFTIRQ`, `NMI`, … */
  readonly stack?: string;
  /** 1-based line in the log. */
  readonly line: number;
}

export interface BlockerHint {
  readonly lock: 'mutex' | 'semaphore' | 'rw-semaphore';
  /** Role of the waiter / owner for rw-semaphores (`reader`, `writer`). */
  readonly role?: string;
  readonly ownerComm?: string;
  readonly ownerPid?: number;
  readonly ownerRole?: string;
  readonly line: number;
}

/** Where a task's state came from when its report printed none. */
export type StateSource = 'proc-stat' | 'proc-status' | 'ps';

export interface DumpedTask {
  /** Index in the file's task list (0-based), stable for one analysis. */
  readonly index: number;
  readonly comm: string;
  /** Undefined only for a /proc stack with no pid anywhere near it. */
  readonly pid?: number;
  readonly tgid?: number;
  readonly ppid?: number;
  /** task_state_to_char: R S D T t X Z P I; `?` when the log does not say. */
  readonly state: string;
  /**
   * Set when the task's own report printed no state and the paste states it elsewhere: a `/proc/PID/stat`
   * line, the `State:` of a `/proc/PID/status`, or a `ps` row, at `line`.
   */
  readonly stateFrom?: { readonly how: StateSource; readonly line: number };
  readonly running: boolean;
  readonly workqueue?: { readonly name: string; readonly func: string; readonly module?: string; readonly desc?: string };
  readonly frames: readonly StackFrame[];
  /** `RIP:`, `Code:`, register dump and other lines kept with the task, not frames. */
  readonly extra: readonly { readonly line: number; readonly text: string }[];
  readonly source: TaskSource;
  /** From `blocked for more than N seconds`. */
  readonly hungSeconds?: number;
  readonly blocker?: BlockerHint;
  /** Kernel release from the taint line of a hung-task report (`6.18.44-fc-v657`). */
  readonly kernel?: string;
  /** 1-based, inclusive. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Log timestamp of the task's first line: seconds since boot, or Unix seconds for wall-clock stamps. */
  readonly ts?: number;
  readonly timeSource: TimeSource;
}

/** One trigger in the log and the tasks it printed. */
export interface TaskDump {
  readonly kind: TaskSource;
  readonly line: number;
  readonly ts?: number;
  readonly taskIndexes: readonly number[];
}

export type WaitNodeKind = 'task' | 'resource' | 'ordered-extent' | 'bio';

export type WaitEdgeKind = 'waits-on' | 'held-by' | 'served-by' | 'completed-by' | 'needs-io';

export interface WaitNode {
  readonly id: string;
  readonly kind: WaitNodeKind;
  readonly label: string;
  /** For tasks: blocked (D state); for I/O: never completed while the tasks waited. */
  readonly stuck: boolean;
  readonly file?: string;
  readonly line?: number;
  /** Resource kind (`ordered-extent`, `folio-writeback`…) or task state. */
  readonly detail?: string;
}

export interface WaitEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: WaitEdgeKind;
  readonly label: string;
  readonly evidence: readonly EvidenceRef[];
}

export interface WaitGraph {
  readonly nodes: WaitNode[];
  readonly edges: WaitEdge[];
  /** Each cycle as node ids, starting at its smallest id. */
  readonly cycles: string[][];
}

/** One task of `tasks[]` in the JSON contract. */
export interface TaskReport extends DumpedTask {
  readonly file: string;
  /** State D (uninterruptible): the only tasks reported as blocked. */
  readonly blocked: boolean;
  readonly title: string;
  readonly culprit?: string;
  readonly waitsOn: { readonly kind: string; readonly label: string };
  readonly orderedExtentWait?: { readonly role: string; readonly words: string; readonly waitIn: string; readonly line: number };
  /** Graph node id. */
  readonly node: string;
  /** Index of the culprit/stack group in `taskGroups`. */
  readonly group: number;
  /** When the same pid appears in several reports: the other reports' first lines. */
  readonly alsoReportedAt?: readonly EvidenceRef[];
  /** With an aligned trace: the report time in the trace clock, and the hang events matched. */
  readonly trace?: { readonly file: string; readonly reportTs: number; readonly hangEvents: readonly number[]; readonly blockedTs?: number; readonly blockedLine?: number };
}

export interface TaskGroup {
  readonly title: string;
  readonly culprit: string;
  readonly waitsOn: string;
  /** Indexes into `tasks` of the representative (first) report of each pid. */
  readonly tasks: number[];
}

export interface AlignmentReport {
  readonly log: string;
  readonly trace: string;
  readonly method: string;
  readonly offset: number;
  readonly certain: boolean;
  readonly note: string;
}

export interface FileSummary extends FileFacts {
  readonly eventCounts: Readonly<Record<string, number>>;
  /** This file's requests (absent when lifecycles were not rebuilt). */
  readonly requests?: RequestsReport;
}

export interface AnalysisReport {
  readonly files: FileSummary[];
  /** Events per tracefs name, summed over all files. */
  readonly eventCounts: Record<string, number>;
  readonly findings: Finding[];
  /** Requests of all files: counts by layer and op, latency percentiles, block stage latencies per device. */
  readonly requests: RequestsReport;
  /** Tasks of the kernel logs' blocked-task dumps (every report of every task), with frames and lines. */
  readonly tasks: TaskReport[];
  /** Blocked tasks grouped by culprit frame and stack (indexes into `tasks`). */
  readonly taskGroups: TaskGroup[];
  /** Tasks, the resources they wait on, who holds them and the I/O they need. */
  readonly waitGraph: WaitGraph;
  /** How each kernel log was aligned with each trace. */
  readonly alignments: AlignmentReport[];
}
