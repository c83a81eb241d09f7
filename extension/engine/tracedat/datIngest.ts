/**
 * ingestDat: the ingest of a trace.dat. A DatBatchReader turns the records into EventBatches (decoding the
 * fields of planned events straight from the binary records, rendering and parsing the rest), in a worker
 * thread for files of some size (`datWorker`) while this thread merges the batches in order, or inline.
 * The batches go through the same BatchMerger as the text ingest's slices, so the store, the consumers,
 * the line numbers and the facts are those of the `trace-cmd report` text. The merge states the reader
 * saved become the text source's marks: any line can be rendered again afterwards (virtual offsets).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BatchMerger } from '../ingest/batchMerger';
import { recyclableBuffers } from '../ingest/eventBatch';
import { parserOptions, summarize, type IngestOptions, type IngestResult } from '../ingest/ingestFile';
import type { SliceParserOptions } from '../ingest/sliceParser';
import { IngestError } from '../input/ingestError';
import { DatBatchReader, type DatBatch, type DatReadEnd } from './datBatchReader';
import { MARK_SPAN } from './datMarks';
import type { RegisteredComm } from './datEventFormats';
import type { ReadAt } from './datMeta';
import { DatTextSource } from './datTextSource';
import type { DatWorkerReply, DatWorkerRequest } from './datWorkerProtocol';
import { FileSource } from '../input/byteSource';

/** Files from this size on are read in a worker thread. */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;

export async function ingestDat(dat: DatTextSource, options: IngestOptions = {}): Promise<IngestResult> {
  if (options.signal?.aborted) throw new IngestError(`reading ${dat.name} was cancelled`);
  const merger = new BatchMerger(dat.name, options.consumers ?? [], options.store, options.logLines);
  const popts = parserOptions(options, 8 * 1024 * 1024);
  const marks: Float64Array[] = [];
  const take = (b: DatBatch): void => {
    merger.merge(b.batch, 0, b.firstMark * MARK_SPAN);
    for (let i = 0; i < b.marks.length; i += b.markWidth) marks.push(b.marks.slice(i, i + b.markWidth));
  };
  const file = dat.filePath;
  // A worker when asked for (`workers` > 0), or by default for files of some size; inline for `workers: 0`.
  const wanted = options.workers === undefined ? dat.fileBytes >= WORKER_MIN_BYTES : options.workers > 0;
  const disk = dat.file instanceof FileSource ? dat.file : undefined;
  const useWorker = wanted && file !== undefined && disk !== undefined && workerScript() !== undefined;
  const result = useWorker ? await viaWorker(dat, disk!, popts, take, options) : await inline(dat, popts, take, options);
  dat.adoptMarks(marks, result.end.markEvery, result.end.records, result.end.gaps, result.end.gapCount, result.registered);
  merger.finish();
  dat.readStats = result.end;
  return summarize(dat.name, dat.fileBytes, merger);
}

async function inline(dat: DatTextSource, popts: SliceParserOptions, take: (b: DatBatch) => void, options: IngestOptions): Promise<{ end: DatReadEnd; registered: [number, RegisteredComm][] }> {
  await DatTextSource.prepare();
  const read: ReadAt = (o, n) => dat.file.readSync(o, n);
  const reader = new DatBatchReader(dat.meta, read, dat.fileBytes, popts, dat.recordsPerMark);
  let seq = 0;
  let lastYield = Date.now();
  for (;;) {
    const b = reader.next(seq++);
    if (b === undefined) break;
    take(b);
    reader.recycle(recyclableBuffers(b.batch));
    options.onProgress?.(Math.min(b.bytesRead, b.totalBytes), b.totalBytes);
    if (Date.now() - lastYield > 50) {
      if (options.signal?.aborted) throw new IngestError(`reading ${dat.name} was cancelled`);
      lastYield = Date.now();
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  return { end: reader.end(), registered: [...reader.registered()] };
}

function viaWorker(dat: DatTextSource, file: FileSource, popts: SliceParserOptions, take: (b: DatBatch) => void, options: IngestOptions): Promise<{ end: DatReadEnd; registered: [number, RegisteredComm][] }> {
  const script = workerScript()!;
  const w = new Worker(script.code, { eval: script.eval, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: { end: DatReadEnd; registered: [number, RegisteredComm][] }): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      // The thread is gone (its memory given back) before the analysis builds its results: that is when
      // a large file's memory peaks.
      const stopped = w.terminate().catch(() => 0);
      if (err) reject(err);
      else void stopped.then(() => resolve(value!));
    };
    const onAbort = (): void => finish(new IngestError(`reading ${dat.name} was cancelled`));
    options.signal?.addEventListener('abort', onAbort);
    w.on('message', (msg: DatWorkerReply) => {
      if (settled) return;
      try {
        if (msg.kind === 'batch') {
          take(msg.batch);
          const buffers = recyclableBuffers(msg.batch.batch);
          w.postMessage({ kind: 'ack', buffers } satisfies DatWorkerRequest, buffers);
          options.onProgress?.(Math.min(msg.batch.bytesRead, msg.batch.totalBytes), msg.batch.totalBytes);
        } else if (msg.kind === 'end') finish(undefined, { end: msg.end, registered: msg.registered });
        else if (msg.user) finish(new IngestError(msg.message));
        else {
          const err = new Error(`the trace.dat reader failed: ${msg.message}`);
          if (msg.stack) err.stack = msg.stack;
          finish(err);
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
    w.on('error', (err) => finish(err));
    w.on('exit', (code) => finish(new Error(`the trace.dat reader thread exited with code ${code}`)));
    w.postMessage({ kind: 'start', path: file.name, size: file.size, mtimeMs: file.mtimeMs, options: popts } satisfies DatWorkerRequest);
  });
}

/** The worker's code: dist/datWorker.js beside the bundle, or the TypeScript source under tsx. */
function workerScript(): { code: string; eval: boolean } | undefined {
  if (__filename.endsWith('.ts')) {
    const src = path.join(__dirname, 'datWorker.ts');
    return { code: `require('tsx/cjs'); require(${JSON.stringify(src)});`, eval: true };
  }
  const f = path.join(__dirname, 'datWorker.js');
  return existsSync(f) ? { code: f, eval: false } : undefined;
}

