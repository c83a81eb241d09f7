/**
 * The typed protocol between the extension host and the engine worker (worker_threads).
 * Every request carries an id; the worker answers with exactly one reply carrying `inReplyTo`.
 */
import type { AnalysisReport } from '../engine/contracts/report';

/** Analyse a file on disk (streamed by the worker). */
export interface AnalyzeFileRequest {
  readonly type: 'analyzeFile';
  readonly id: number;
  readonly path: string;
  /** Files analysed together with it (a kernel log with the traces of the same window, and vice versa). */
  readonly companions?: readonly string[];
}

/** Analyse text that is only in the editor (unsaved or untitled); `bytes` is UTF-8. */
export interface AnalyzeBytesRequest {
  readonly type: 'analyzeBytes';
  readonly id: number;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Stop the request with this id. */
export interface CancelRequest {
  readonly type: 'cancel';
  readonly id: number;
}

export type ToWorkerMessage = AnalyzeFileRequest | AnalyzeBytesRequest | CancelRequest;

/** Progress of a long request. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly inReplyTo: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
}

/** The analysis of a request. */
export interface ReportMessage {
  readonly type: 'report';
  readonly inReplyTo: number;
  readonly report: AnalysisReport;
}

/** A request failed; `message` is one line for the user. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly inReplyTo: number;
  readonly message: string;
}

export type FromWorkerMessage = ProgressMessage | ReportMessage | ErrorMessage;
