/**
 * ingestFile / ingestBytes: stream a trace from disk (or from memory) through the SliceCutter, the
 * SliceParsers and the BatchMerger.
 *
 * The file is read in slices into two alternating buffers (the next read runs while the current one is
 * cut and parsed); nothing ever holds the whole file. Large files are parsed by worker threads, one slice
 * each, and merged in file order; small inputs are parsed inline. Long reads report progress, yield to the
 * event loop, and stop when the AbortSignal fires. A binary trace.dat or an unreadable path raises an
 * IngestError with a one-line message; any other content is read, however broken.
 */
import type { Finding } from '../contracts/finding';
import type { FileFacts } from '../contracts/report';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { SliceCutter } from '../io/sliceCutter';
import type { EventStore } from '../store/eventStore';
import { BatchMerger } from './batchMerger';
import type { EventConsumer } from './eventConsumer';
import { SliceParser } from './sliceParser';
import { SlicePool } from './workerPool';

/** A file that cannot be read as text input; `message` is one line for the user. */
export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}

export interface IngestOptions {
  readonly consumers?: readonly EventConsumer[];
  readonly signal?: AbortSignal;
  /** Called after each slice with bytes read so far and the total size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  readonly sliceBytes?: number;
  readonly maxLineBytes?: number;
  /** Worker threads for parsing; default: one per core (at most 4) for files of 32 MB and more, else inline. */
  readonly workers?: number;
}

const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

function defaultWorkers(size: number): number {
  if (size < PARALLEL_MIN_BYTES) return 0;
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** The summary of one file plus its event counts, findings and store. */
export interface IngestResult extends FileFacts {
  readonly eventCounts: ReadonlyMap<string, number>;
  readonly findings: readonly Finding[];
  readonly store: EventStore;
}

const TRACE_DAT_MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]; // \x17\x08Dtracing

function isTraceDat(head: Uint8Array): boolean {
  return TRACE_DAT_MAGIC.every((b, i) => head[i] === b);
}

/** Streams the file at `path`. */
export async function ingestFile(path: string, options: IngestOptions = {}): Promise<IngestResult> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new IngestError(`cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new IngestError(`${path} is a directory, not a trace file`);
    const size = st.size;
    // Two read buffers: the next read runs while the current chunk is cut and parsed.
    const readBytes = 4 * 1024 * 1024;
    const slices = [Buffer.allocUnsafe(readBytes), Buffer.allocUnsafe(readBytes)];
    const handle = fh;
    const readInto = async (buf: Buffer, at: number): Promise<number> => {
      try {
        return (await handle.read(buf, 0, buf.length, at)).bytesRead;
      } catch (err) {
        throw new IngestError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    };
    const maxLineBytes = options.maxLineBytes ?? 8 * 1024 * 1024;
    const merger = new BatchMerger(path, options.consumers ?? []);
    const cutter = new SliceCutter(options.sliceBytes ?? 4 * 1024 * 1024, maxLineBytes);
    const pool = new SlicePool(merger, options.workers ?? defaultWorkers(size), maxLineBytes);
    let position = 0;
    let which = 0;
    let lastYield = Date.now();
    let pending = readInto(slices[0]!, 0);
    let first = true;
    try {
      for (;;) {
        const n = await pending;
        if (n === 0) break;
        if (options.signal?.aborted) throw new IngestError(`reading ${path} was cancelled`);
        const chunk = slices[which]!.subarray(0, n);
        position += n;
        which ^= 1;
        pending = readInto(slices[which]!, position);
        if (first) {
          first = false;
          if (isTraceDat(chunk)) {
            await pending.catch(() => 0);
            throw new IngestError(traceDatMessage(path, chunk));
          }
        }
        for (const item of cutter.push(chunk)) await pool.submit(item);
        options.onProgress?.(position, size);
        if (Date.now() - lastYield > 50) {
          lastYield = Date.now();
          await new Promise<void>((r) => setImmediate(r));
        }
      }
      for (const item of cutter.end()) await pool.submit(item);
      await pool.flush();
    } finally {
      await pool.close();
    }
    merger.finish();
    return summarize(path, position, merger);

  } finally {
    await fh.close();
  }
}

/** Ingests text already in memory (an editor buffer), in the same way as a file, on this thread. */
export function ingestBytes(path: string, bytes: Uint8Array, options: IngestOptions = {}): IngestResult {
  if (isTraceDat(bytes)) throw new IngestError(traceDatMessage(path, bytes));
  const maxLineBytes = options.maxLineBytes ?? 8 * 1024 * 1024;
  const merger = new BatchMerger(path, options.consumers ?? []);
  const cutter = new SliceCutter(options.sliceBytes ?? 4 * 1024 * 1024, maxLineBytes);
  const parser = new SliceParser(maxLineBytes);
  let seq = 0;
  const feed = (items: ReturnType<SliceCutter['push']>): void => {
    for (const item of items) {
      if (item.kind === 'overlong') merger.overlongLine(item.fileOffset, item.length);
      else merger.merge(parser.parse(seq++, item.bytes, 0, item.bytes.length, item.unterminatedLast), 0, item.fileOffset);
    }
  };
  const step = 4 * 1024 * 1024;
  for (let p = 0; p < bytes.length; p += step) feed(cutter.push(bytes.subarray(p, Math.min(bytes.length, p + step))));
  feed(cutter.end());
  merger.finish();
  return summarize(path, bytes.length, merger);
}

function traceDatMessage(path: string, head: Uint8Array): string {
  const version = Buffer.from(head.subarray(10, 14)).toString('latin1').replace(/\0.*$/s, '');
  return `${path} is a binary trace-cmd trace.dat (file version ${version || '?'}); iolens reads its text form for now: run \`trace-cmd report -i ${path} > ${path}.txt\``;
}

function summarize(path: string, bytes: number, ing: BatchMerger): IngestResult {
  const store = ing.store;
  const events = store.count;
  const format = ing.votes.decide(events, ing.lines);
  if (format === 'kernel-log') ing.issues.forgetLineErrors();
  const issues = ing.issues;
  return {
    path,
    format,
    formatDetails: ing.votes.details,
    bytes,
    lines: ing.lines,
    events,
    skippedLines: issues.skippedLines,
    cpus: Math.max(ing.headerCpus, ing.maxCpu + 1),
    lostEvents: issues.lostMarkers === 0 ? 0 : issues.lostMarkers === issues.lostUnknown ? null : issues.lostEvents,
    firstTimestamp: events > 0 ? store.absoluteNs(store.minTs) : null,
    lastTimestamp: events > 0 ? store.absoluteNs(store.maxTs) : null,
    eventCounts: store.eventCounts(),
    findings: issues.findings(),
    store,
  };
}
