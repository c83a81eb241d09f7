/**
 * FileModel: the retained model of one analysed input, kept by a session so that later questions (a hover,
 * a page of events, a request's lifecycle, an outline) are answered from it without reading the file again.
 * A union by kind:
 *
 *  - `trace`: a text trace (or an empty or unreadable text file): the event store (columns, strings, the
 *    line index), the requests rebuilt by the trackers (sealed), the findings of ingest and of the
 *    detectors, the typed state the blocked-task analysis links logs to, and the byte source for
 *    decoding any line again on demand; and, when the file also holds a kernel log (task dumps or I/O
 *    error lines among the events), that log, read in the same pass;
 *  - `kernel-log`: a kernel log: its task dumps (tasks, frames, regions) and the diagnostics of damaged
 *    lines, and its byte source.
 *
 * `facts` is the `files[]` entry of the report contract (without event counts), `findings` what the file
 * alone shows; cross-file findings (logs with traces) come from the session's `assemble`.
 */
import type { Finding } from '../contracts/finding';
import type { BtrfsEra } from '../decode/btrfsOrderedFlags';
import type { RequestsReport } from '../contracts/report';
import type { TaskTraceCollector } from '../hang/taskTraceCollector';
import type { IngestResult } from '../ingest/ingestFile';
import type { ByteSource } from '../input/byteSource';
import type { KernelLogResult } from '../klog/kernelLogParser';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';
import type { LineIndex } from '../store/lineIndex';

export interface TraceModel {
  readonly kind: 'trace';
  readonly path: string;
  readonly source: ByteSource;
  /** What ingest read: the file's facts, its event counts, its ingest findings and the event store. */
  readonly ingest: IngestResult;
  readonly events: EventStore;
  readonly requests: RequestView;
  /** The report's `requests` section for this file. */
  readonly requestsReport: RequestsReport;
  /** Detector findings (ingest findings are in `ingest.findings`). */
  readonly detectorFindings: readonly Finding[];
  readonly orderedExtents: readonly OrderedExtent[];
  readonly taskFacts: TaskTraceCollector;
  /** The btrfs ordered-extent flag layout the file showed (decides what hex flags mean), if any. */
  readonly btrfsEra: BtrfsEra | undefined;
  /** The kernel log among the trace's lines (a file that holds both), when it has tasks or I/O errors. */
  readonly log?: KernelLogResult;
}

export interface KernelLogModel {
  readonly kind: 'kernel-log';
  readonly path: string;
  readonly source: ByteSource;
  /** The file's facts as a kernel log (format `kernel-log`, the log's diagnostics as findings). */
  readonly ingest: IngestResult;
  readonly log: KernelLogResult;
  /** Line -> byte offset checkpoints of the source. */
  readonly lines: LineIndex;
}

export type FileModel = TraceModel | KernelLogModel;

/**
 * Units of the trace's clock per printed unit: 1e9 ns per second for the usual clocks (local, global,
 * mono, boot…), 1 for a raw counter clock (`trace_clock=counter`, x86-tsc), whose values are counts, not ns.
 */
export function clockScale(m: TraceModel): number {
  return m.ingest.formatDetails.clock === 'counter' ? 1 : 1e9;
}

/** The line index of a model's source. */
export function lineIndexOf(m: FileModel): LineIndex {
  return m.kind === 'trace' ? m.events.lineIndex : m.lines;
}

/** Lines in the model's source. */
export function lineCountOf(m: FileModel): number {
  return m.ingest.lines;
}

/** Every finding of the file alone, ingest first. */
export function fileFindings(m: FileModel): Finding[] {
  return m.kind === 'trace' ? [...m.ingest.findings, ...m.detectorFindings] : [...m.ingest.findings];
}

/** Bytes the model holds (columns, requests), for the sessions' memory budget. */
export function modelBytes(m: FileModel): number {
  if (m.kind === 'trace') return m.events.byteLength + m.events.strings.byteLength + m.requests.byteLength + 64 * 1024 + (m.log ? m.log.tasks.length * 4096 + m.log.ioErrors.records.length * 320 : 0);
  // A kernel log keeps its task dumps (about 64 bytes a line) and its I/O error records (at most 20,000, about 320 bytes each).
  return 256 * 1024 + m.log.lines * 64 + m.log.ioErrors.records.length * 320;
}
