/**
 * Trace ingest: streams a ByteSource through the SliceCutter, the SliceParsers and the BatchMerger.
 *
 * The source is read in slices (the next read runs while the current one is cut and parsed); nothing ever
 * holds the whole input. Large inputs are parsed by worker threads, one slice each, and merged in file
 * order; small ones inline (`ingestBytes` parses an in-memory buffer synchronously). Long reads report
 * progress, yield to the event loop, and stop when the AbortSignal fires. The input layer (input/) decides
 * beforehand that the input is text; `ingestFile` still refuses a trace.dat for callers that skip it.
 */
import type { Finding } from '../contracts/finding';
import type { FileFacts } from '../contracts/report';
import { FileSource, MemorySource, type ByteSource } from '../input/byteSource';
import { IngestError } from '../input/ingestError';
import { traceDatError } from '../input/openInput';
import { isTraceDat, traceDatVersion } from '../input/sniffInput';
import { SliceCutter, type SliceItem } from '../input/sliceCutter';
import type { EventStore } from '../store/eventStore';
import { availableParallelism } from 'node:os';
import { BatchMerger, type LogLineSink } from './batchMerger';
import { recyclableBuffers } from './eventBatch';
import type { EventConsumer } from './eventConsumer';
import { SliceParser, type SliceParserOptions } from './sliceParser';
import { SlicePool } from './workerPool';

export { IngestError };

export interface IngestOptions {
  readonly consumers?: readonly EventConsumer[];
  readonly signal?: AbortSignal;
  /** Called after each slice with bytes read so far and the total size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  readonly sliceBytes?: number;
  readonly maxLineBytes?: number;
  /** Worker threads for parsing; default: one per core (at most 4) for inputs of 32 MB and more, else inline. */
  readonly workers?: number;
  /** The store to fill (a model's); a new one by default. */
  readonly store?: EventStore;
  /** Receives every line that is not an event, for the kernel-log parser reading the same pass. */
  readonly logLines?: LogLineSink;
  /**
   * Decode every payload in full. By default only the events the consumers read are (the others up to
   * their device and inode, plus a sample of each type per slice to check its format).
   */
  readonly decodeAll?: boolean;
  /** Receives where ingest spent its time (for the benchmark). */
  readonly onTiming?: (timing: IngestTiming) => void;
}

/** Where ingest spent its time, ms: until the first batch was merged, waiting for batches, merging them. */
export interface IngestTiming {
  readonly firstBatchMs: number;
  readonly waitMs: number;
  readonly mergeMs: number;
  /** Slices parsed on the main thread while the workers started. */
  readonly inlineSlices: number;
}

/** The parser options ingest derives from its options. */
export function parserOptions(options: IngestOptions, maxLineBytes: number): SliceParserOptions {
  return {
    maxLineBytes,
    logText: options.logLines !== undefined,
    ...(options.decodeAll ? {} : { interests: (options.consumers ?? []).map((c) => c.interest) }),
  };
}

const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
const DEFAULT_SLICE = 4 * 1024 * 1024;
const DEFAULT_MAX_LINE = 8 * 1024 * 1024;

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

/** Streams a source (a file or memory) through the parsers; the caller owns and closes the source. */
export async function ingestSource(source: ByteSource, options: IngestOptions = {}): Promise<IngestResult> {
  const size = source.size;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const merger = new BatchMerger(source.name, options.consumers ?? [], options.store, options.logLines);
  const cutter = new SliceCutter(options.sliceBytes ?? DEFAULT_SLICE, maxLineBytes);
  const pool = new SlicePool(merger, options.workers ?? defaultWorkers(size), parserOptions(options, maxLineBytes));
  pool.recycle = (buffer) => cutter.recycle(buffer);
  let position = 0;
  let lastYield = Date.now();
  try {
    for await (const chunk of source.slices(DEFAULT_SLICE, options.signal)) {
      position += chunk.length;
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
  options.onTiming?.(pool.timing);
  merger.finish();
  return summarize(source.name, position, merger);
}

/** Streams the file at `path` (refusing a trace.dat, which needs the binary reader). */
export async function ingestFile(path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const source = await FileSource.open(path);
  try {
    const head = source.readSync(0, 64);
    if (isTraceDat(head)) throw traceDatError(path, traceDatVersion(head));
    return await ingestSource(source, options);
  } finally {
    await source.close();
  }
}

/** Ingests text already in memory (an editor buffer), in the same way as a file, on this thread. */
export function ingestBytes(path: string, bytes: Uint8Array, options: IngestOptions = {}): IngestResult {
  if (isTraceDat(bytes)) throw traceDatError(path, traceDatVersion(bytes));
  return ingestMemory(new MemorySource(path, bytes), options);
}

/** The synchronous ingest of an in-memory source, inline. */
export function ingestMemory(source: MemorySource, options: IngestOptions = {}): IngestResult {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const merger = new BatchMerger(source.name, options.consumers ?? [], options.store, options.logLines);
  const cutter = new SliceCutter(options.sliceBytes ?? DEFAULT_SLICE, maxLineBytes);
  const parser = new SliceParser(parserOptions(options, maxLineBytes));
  let seq = 0;
  const feed = (items: readonly SliceItem[]): void => {
    for (const item of items) {
      if (item.kind === 'overlong') merger.overlongLine(item.fileOffset, item.length);
      else {
        const batch = parser.parse(seq++, item.bytes, 0, item.bytes.length, item.unterminatedLast);
        merger.merge(batch, 0, item.fileOffset);
        parser.recycle(recyclableBuffers(batch));
      }
    }
  };
  for (const chunk of source.slicesSync(DEFAULT_SLICE)) feed(cutter.push(chunk));
  feed(cutter.end());
  merger.finish();
  return summarize(source.name, source.size, merger);
}

/** The IngestResult of a finished merge. */
export function summarize(path: string, bytes: number, ing: BatchMerger): IngestResult {
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
    ...cpuFacts(ing),
    lostEvents: issues.lostMarkers === 0 ? 0 : issues.lostMarkers === issues.lostUnknown ? null : issues.lostEvents,
    derived: derivedFacts(ing, events),
    firstTimestamp: events > 0 ? store.absoluteNs(store.minTs) : null,
    lastTimestamp: events > 0 ? store.absoluteNs(store.maxTs) : null,
    eventCounts: store.eventCounts(),
    findings: issues.findings(),
    store,
  };
}

/** `cpus` from the header when it states it, else the CPUs that have events (not the highest number + 1). */
function cpuFacts(ing: BatchMerger): { cpus: number; cpusFrom: 'header' | 'events' | 'none'; cpusSeen: number[] } {
  const seen = ing.seenCpus();
  if (ing.headerCpus > 0) return { cpus: ing.headerCpus, cpusFrom: 'header', cpusSeen: seen };
  return { cpus: seen.length, cpusFrom: seen.length > 0 ? 'events' : 'none', cpusSeen: seen };
}

/** `0-3, 12, 13`: CPU numbers with runs of three or more collapsed. */
function cpuList(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${cpus[i]}-${cpus[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(cpus[k]));
    i = j + 1;
  }
  return parts.join(', ');
}

const MARKER_WORDS: Readonly<Record<string, string>> = {
  'lost-events': '`CPU:N [LOST M EVENTS]` line',
  'dropped-events': '`CPU:N [M EVENTS DROPPED]` line',
  'buffer-started': '`##### CPU N buffer started ####` line',
  overrun: 'header `entries-in-buffer/entries-written` (written minus in buffer)',
};

/** How the figures that are computed rather than read were obtained (the `derived` facts). */
function derivedFacts(ing: BatchMerger, events: number): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = ing.seenCpus();
  if (ing.headerCpus > 0) {
    const beyond = seen.filter((c) => c >= ing.headerCpus);
    out['cpus'] = `header ${ing.headerCpusText}; events on ${seen.length === 0 ? 'no CPU' : `CPU${seen.length === 1 ? '' : 's'} ${cpuList(seen)}`}${beyond.length > 0 ? ` (CPU ${cpuList(beyond)} beyond the header's count)` : ''}`;
  } else if (seen.length > 0) {
    out['cpus'] = `no header states it: counted the CPUs with events (${cpuList(seen)})`;
  }
  const kinds = ing.issues.lostKinds;
  if (kinds.size > 0) {
    const parts = [...kinds].map(([what, k]) => {
      const words = MARKER_WORDS[what] ?? what;
      const counted = k.markers - k.unknown;
      return `${k.markers} ${words}${k.markers === 1 ? '' : 's'}${counted > 0 ? `, ${k.events} events` : ''}${k.unknown > 0 ? `, ${k.unknown} without a count` : ''}`;
    });
    out['lostEvents'] = `sum of the counts the file states: ${parts.join('; ')}`;
  }
  if (events > 1) out['span'] = 'lastTimestamp minus firstTimestamp: the latest event timestamp of the file minus the earliest';
  return out;
}
