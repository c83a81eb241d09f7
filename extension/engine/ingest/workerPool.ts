/**
 * SlicePool: parses slices with SliceParsers, in worker threads or inline, and hands the batches to the
 * BatchMerger strictly in file order. At most `maxInFlight` slices are queued, so memory stays bounded
 * whatever the file size. Slices go round-robin to the workers that are ready, so each worker's string
 * table sees its batches in order (the merger maps its string ids per source). Until the first worker has
 * started (loading its code takes a few hundred ms), slices are parsed on this thread, which would
 * otherwise wait: the inline parser is a source of its own.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SliceItem } from '../input/sliceCutter';
import type { BatchMerger } from './batchMerger';
import { recyclableBuffers, type EventBatch } from './eventBatch';
import { SliceParser, type SliceParserOptions } from './sliceParser';

/** Main thread -> worker: parse this slice. */
export interface SliceRequest {
  readonly seq: number;
  readonly buffer: ArrayBuffer;
  readonly byteOffset: number;
  readonly length: number;
  readonly unterminatedLast: boolean;
}

/** Worker -> main thread: the batch of a slice, or the error that stopped it (seq -1: the worker is ready). */
export interface SliceReply {
  readonly seq: number;
  /** The slice's buffer, handed back for reuse. */
  readonly buffer?: ArrayBuffer;
  readonly batch?: EventBatch;
  readonly error?: string;
}

interface Queued {
  readonly result: Promise<EventBatch | undefined>;
  readonly source: number;
  readonly item: SliceItem;
}

/**
 * How to start a worker: the bundle next to this code (dist/sliceWorker.js), or, when running from the
 * TypeScript sources under tsx (tests, bench), the source through tsx's require hook.
 */
function workerScript(): { code: string; eval: boolean } | undefined {
  if (__filename.endsWith('.ts')) {
    const src = path.join(__dirname, 'sliceWorker.ts');
    return { code: `require('tsx/cjs'); require(${JSON.stringify(src)});`, eval: true };
  }
  const file = path.join(__dirname, 'sliceWorker.js');
  return existsSync(file) ? { code: file, eval: false } : undefined;
}

export class SlicePool {
  private readonly workers: Worker[] = [];
  private readonly waiting: Map<number, { resolve(b: EventBatch): void; reject(e: Error): void }>[] = [];
  private readonly inline: SliceParser | undefined;
  private readonly queue: Queued[] = [];
  private seq = 0;
  private failed: Error | undefined;
  private readonly ready: boolean[] = [];
  private warmup: SliceParser | undefined;
  private next = 0;
  /** Where the time went (filled when given): first batch merged, waiting for batches, merging them. */
  readonly timing: { firstBatchMs: number; waitMs: number; mergeMs: number; inlineSlices: number } = { firstBatchMs: 0, waitMs: 0, mergeMs: 0, inlineSlices: 0 };
  private readonly started = performance.now();

  /** Receives slice buffers back after parsing (the cutter reuses them). */
  recycle: ((buffer: ArrayBuffer) => void) | undefined;

  constructor(
    private readonly merger: BatchMerger,
    workers: number,
    parserOptions: SliceParserOptions,
    private readonly maxInFlight = workers + 1,
  ) {
    const script = workers > 0 ? workerScript() : undefined;
    if (script === undefined) {
      this.inline = new SliceParser(parserOptions);
      return;
    }
    this.warmup = new SliceParser(parserOptions);
    for (let i = 0; i < workers; i++) {
      // A small young generation: batches are short-lived, and RSS must stay well below the input size.
      const w = new Worker(script.code, { eval: script.eval, workerData: parserOptions, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      const waiting = new Map<number, { resolve(b: EventBatch): void; reject(e: Error): void }>();
      this.ready.push(false);
      w.on('message', (reply: SliceReply) => {
        if (reply.seq < 0) {
          this.ready[i] = true;
          return;
        }
        if (reply.buffer) this.recycle?.(reply.buffer);
        const p = waiting.get(reply.seq);
        if (!p) return;
        waiting.delete(reply.seq);
        if (reply.batch) p.resolve(reply.batch);
        else p.reject(new Error(reply.error ?? 'slice worker failed'));
      });
      w.on('error', (err) => this.failAll(waiting, err));
      w.on('exit', (code) => {
        if (waiting.size > 0) this.failAll(waiting, new Error(`slice worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.waiting.push(waiting);
    }
  }

  /** Queues an item; merges finished items in order while the queue is full. */
  async submit(item: SliceItem): Promise<void> {
    if (this.failed) throw this.failed;
    const seq = this.seq++;
    if (item.kind === 'overlong') {
      this.queue.push({ result: Promise.resolve(undefined), source: -1, item });
    } else if (this.inline) {
      // Inline: parse now; the merge happens in order below.
      const batch = this.inline.parse(seq, item.bytes, 0, item.bytes.length, item.unterminatedLast);
      this.recycle?.(item.bytes.buffer as ArrayBuffer);
      this.queue.push({ result: Promise.resolve(batch), source: 0, item });
    } else if (this.warmup !== undefined && !this.ready.some((r) => r)) {
      // No worker has started yet: parse here rather than wait.
      const batch = this.warmup.parse(seq, item.bytes, 0, item.bytes.length, item.unterminatedLast);
      this.recycle?.(item.bytes.buffer as ArrayBuffer);
      this.timing.inlineSlices++;
      this.queue.push({ result: Promise.resolve(batch), source: this.workers.length, item });
    } else {
      let k = this.next % this.workers.length;
      for (let tries = 0; tries < this.workers.length && !this.ready[k]; tries++) k = ++this.next % this.workers.length;
      this.next++;
      const result = new Promise<EventBatch>((resolve, reject) => this.waiting[k]!.set(seq, { resolve, reject }));
      const buf = item.bytes.buffer as ArrayBuffer;
      const req: SliceRequest = { seq, buffer: buf, byteOffset: item.bytes.byteOffset, length: item.bytes.length, unterminatedLast: item.unterminatedLast };
      this.workers[k]!.postMessage(req, [buf]);
      this.queue.push({ result, source: k, item });
    }
    while (this.queue.length > (this.inline ? 0 : this.maxInFlight)) await this.mergeOldest();
  }

  /** Merges everything still queued. */
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.mergeOldest();
  }

  private async mergeOldest(): Promise<void> {
    const q = this.queue.shift()!;
    const t0 = performance.now();
    const batch = await q.result;
    const t1 = performance.now();
    this.timing.waitMs += t1 - t0;
    if (this.timing.firstBatchMs === 0) this.timing.firstBatchMs = t1 - this.started;
    if (q.item.kind === 'overlong') this.merger.overlongLine(q.item.fileOffset, q.item.length);
    else if (batch) {
      this.merger.merge(batch, q.source, q.item.fileOffset);
      this.giveBack(q.source, batch);
    }
    this.timing.mergeMs += performance.now() - t1;
  }

  /** Hands a merged batch's column buffers back to the parser that made it. */
  private giveBack(source: number, batch: EventBatch): void {
    const buffers = recyclableBuffers(batch);
    if (this.inline) this.inline.recycle(buffers);
    else if (source === this.workers.length) this.warmup?.recycle(buffers);
    else if (!this.failed) this.workers[source]?.postMessage({ recycle: buffers }, buffers);
  }

  private failAll(waiting: Map<number, { reject(e: Error): void }>, err: Error): void {
    this.failed = err;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
