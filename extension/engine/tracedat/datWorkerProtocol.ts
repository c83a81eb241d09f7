/**
 * datWorkerProtocol: the messages between the main thread's `ingestDat` and the trace.dat reader thread
 * (`datWorker`). The reader sends batches (typed arrays transferred) at most DAT_BATCHES_AHEAD ahead of the
 * merge; each ack returns a batch's column buffers for reuse and allows one more.
 */
import type { SliceParserOptions } from '../ingest/sliceParser';
import type { DatBatch, DatReadEnd } from './datBatchReader';
import type { RegisteredComm } from './datEventFormats';

/** Batches the reader may send ahead of the merge. */
export const DAT_BATCHES_AHEAD = 3;

/** Main thread -> reader: start (the file must still have the size and mtime the main thread saw), or an ack. */
export type DatWorkerRequest =
  | { readonly kind: 'start'; readonly path: string; readonly size: number; readonly mtimeMs: number; readonly options: SliceParserOptions }
  | { readonly kind: 'ack'; readonly buffers: ArrayBuffer[] };

/**
 * Reader -> main thread: a batch, the end, or what stopped it: `user` errors are one line for the user (a
 * damaged file, a file that changed); others are faults of the reader, with their stack.
 */
export type DatWorkerReply =
  | { readonly kind: 'batch'; readonly batch: DatBatch }
  | { readonly kind: 'end'; readonly end: DatReadEnd; readonly registered: [number, RegisteredComm][] }
  | { readonly kind: 'error'; readonly message: string; readonly user: boolean; readonly stack?: string };
