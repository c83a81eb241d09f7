/**
 * DatTextSource: a trace.dat seen as the text `trace-cmd report` prints for it, through the ByteSource
 * interface every reader of the engine uses. Ingest streams the rendering in slices (rendered on the fly,
 * never whole); queries read any range of it again (`readSync`), which restores the nearest saved merge
 * state (a mark every few hundred records, a few numbers per CPU) and renders from there. So the text ingest,
 * the trackers, the detectors and every query work on a trace.dat unchanged, and a line number means the
 * same line as in `trace-cmd report`'s output.
 *
 * Until the first full pass has ended, `size` is an estimate (the data's uncompressed size); after it, the
 * exact length of the rendering. Damage in the event data (a chunk that does not decompress, a page whose
 * sizes lie) is skipped and listed in `gaps()`; damage in the metadata raises a DatError at `open`.
 */
import { FileSource, type ByteSource } from '../input/byteSource';
import { IngestError } from '../input/ingestError';
import { DatError } from './datError';
import { DatEventFormats, type RegisteredComm } from './datEventFormats';
import { readDatMeta, type DatMeta, type ReadAt } from './datMeta';
import { DatRecords } from './datRecords';
import { prepareCodec } from './decompress';
import { ReportLines } from './reportLines';
import type { DatReadEnd } from './datBatchReader';
import { MARK_SPAN, recordsPerMark } from './datMarks';

/** Characters of rendered lines gathered before one write into the slice. */
const PENDING = 64 * 1024;

interface Renderer {
  readonly records: DatRecords;
  readonly lines: ReportLines;
}

export class DatTextSource implements ByteSource {
  readonly inMemory = false;
  private complete = false;
  private total = 0;
  private estimate = -1;
  /** Text offset of each mark, and the marks (merge states) themselves. */
  private markOffsets = new Float64Array(1024);
  private readonly marks: Float64Array[] = [];
  private markEveryValue: number | undefined;
  private metaRead: DatMeta | undefined;
  private formatsRead: DatEventFormats | undefined;
  /** Comm registrations of a batch read, applied when the formats are first needed. */
  private pendingComms: [number, RegisteredComm][] = [];
  private random: Renderer | undefined;
  /** The last span rendered for random reads. */
  private spanStart = -1;
  private span: Buffer = Buffer.alloc(0);
  private passGaps: string[] = [];
  private passGapCount = 0;
  private recordCount = 0;
  /**
   * Virtual addressing (after `adoptMarks`, the batch read): mark k's text starts at k * MARK_SPAN, and
   * offsets past a mark's text continue in the next mark's. `markLengths` caches each mark's text length
   * (-1 until rendered).
   */
  private virtual = false;
  private markLengths = new Float64Array(0);
  /** The marks the span holds: [spanMark, spanEndMark). */
  private spanMark = -1;
  private spanEndMark = 0;

  private constructor(
    readonly file: ByteSource,
    meta: DatMeta | undefined,
  ) {
    this.metaRead = meta;
  }

  /**
   * Opens the trace.dat behind `file` (which this source then owns and closes) and reads its metadata, or,
   * with `deferMeta`, reads it only when first needed (a reader thread reads it for the ingest; a damaged
   * header then raises the IngestError there).
   */
  static async open(file: ByteSource, options: { readonly deferMeta?: boolean } = {}): Promise<DatTextSource> {
    if (options.deferMeta) return new DatTextSource(file, undefined);
    await DatTextSource.prepare();
    return new DatTextSource(file, readMeta(file));
  }

  /**
   * Loads the zstd decoder (its WebAssembly, ~20 MB, instantiated once per process): needed before the
   * metadata or any text is read on this thread. A deferred source's reader thread has its own.
   */
  static prepare(): Promise<void> {
    return prepareCodec('zstd');
  }

  /** The file's metadata (read on first use when deferred; a DatError becomes an IngestError). */
  get meta(): DatMeta {
    return (this.metaRead ??= readMeta(this.file));
  }

  private get formats(): DatEventFormats {
    if (this.formatsRead === undefined) {
      this.formatsRead = new DatEventFormats(this.meta);
      register(this.formatsRead, this.pendingComms);
      this.pendingComms = [];
    }
    return this.formatsRead;
  }

  private get markEvery(): number {
    return (this.markEveryValue ??= recordsPerMark(this.meta));
  }

  get name(): string {
    return this.file.name;
  }

  get size(): number {
    if (this.virtual) return this.marks.length * MARK_SPAN;
    if (this.complete) return this.total;
    if (this.estimate < 0) this.estimate = this.dataBytes * (this.meta.codec === 'none' ? 2 : 15);
    return Math.max(this.total, this.estimate);
  }

  /** What the batch read found (records decoded from their fields, plans dropped), once it has run. */
  readStats: DatReadEnd | undefined;

  /** The path of the trace.dat when it is a file on disk (a reader thread opens it again). */
  get filePath(): string | undefined {
    return this.file instanceof FileSource ? this.file.name : undefined;
  }

  /** The uncompressed size of the event data (for progress). */
  get dataBytes(): number {
    return this.meta.buffers.reduce((n, b) => n + b.cpus.reduce((m, c) => m + c.size, 0), 0);
  }

  /** Bytes per line of the rendering (a hint for readers that size their reads by lines). */
  readonly bytesPerLine = 120;

  /** How many records go between two marks (DatBatchReader uses the same). */
  get recordsPerMark(): number {
    return this.markEvery;
  }

  /**
   * Takes the marks a batch read saved (merge states every `recordsPerMark` records, `width` numbers each)
   * and what it found: the text is then addressed virtually (see `virtual`) and readable at once.
   */
  adoptMarks(marks: readonly Float64Array[], markEvery: number, records: number, gaps: string[], gapCount: number, registered: Iterable<[number, RegisteredComm]>): void {
    this.markEveryValue = markEvery;
    this.marks.length = 0;
    this.marks.push(...marks);
    this.markLengths = new Float64Array(marks.length).fill(-1);
    this.virtual = true;
    this.complete = true;
    this.recordCount = records;
    this.passGaps = gaps.slice(0, 20);
    this.passGapCount = gapCount;
    this.spanStart = -1;
    this.spanMark = -1;
    if (this.formatsRead) {
      register(this.formatsRead, registered);
    } else this.pendingComms = [...registered];
  }

  /** The DatEventFormats of this source (comm registrations of its plugins). */
  get eventFormats(): DatEventFormats {
    return this.formats;
  }

  /** The size of the trace.dat on disk. */
  get fileBytes(): number {
    return this.file.size;
  }

  /** Records read in the last full pass. */
  get records(): number {
    return this.recordCount;
  }

  /** What was skipped in the event data (first 20), and how many gaps in all. */
  gaps(): { readonly list: readonly string[]; readonly count: number } {
    return { list: this.passGaps, count: this.passGapCount };
  }

  private renderer(): Renderer {
    const read: ReadAt = (o, n) => this.file.readSync(o, n);
    const records = new DatRecords(this.meta, read, this.file.size);
    return { records, lines: new ReportLines(this.meta, records, this.formats) };
  }

  async *slices(sliceBytes: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const first = !this.complete;
    const { records, lines } = this.renderer();
    // Progress: the rendering is about 2.3x the pages' uncompressed bytes (trace-cmd report of the corpus).
    if (first) this.estimate = Math.round(records.dataBytes() * 2.3);
    const bufs = [Buffer.allocUnsafe(sliceBytes), Buffer.allocUnsafe(sliceBytes)];
    let which = 0;
    let buf = bufs[0]!;
    let used = 0;
    // Lines are joined in a string of up to PENDING characters and written into the slice at once (one
    // write per ~64 KiB instead of one per line).
    let pending = lines.header;
    let offset = pending.length;
    let n = 0;
    let consumed = -1;
    if (first) this.marks.length = 0;
    for (;;) {
      if (first && n % this.markEvery === 0) this.saveMark(offset, records.mark(consumed));
      const s = records.next(consumed);
      if (s < 0) break;
      consumed = s;
      const text = lines.render(s, n);
      n++;
      offset += text.length;
      if (first) this.total = offset;
      pending += text;
      if (pending.length < PENDING) continue;
      if (used + pending.length > buf.length) {
        if (used > 0) {
          yield buf.subarray(0, used);
          if (signal?.aborted) throw new IngestError(`reading ${this.name} was cancelled`);
          which ^= 1;
          buf = bufs[which]!;
          used = 0;
        }
        if (pending.length > buf.length) {
          yield Buffer.from(pending, 'latin1');
          pending = '';
          continue;
        }
      }
      used += buf.write(pending, used, 'latin1');
      pending = '';
    }
    if (pending.length > 0) {
      if (used + pending.length > buf.length) {
        if (used > 0) yield buf.subarray(0, used);
        which ^= 1;
        buf = bufs[which]!;
        used = 0;
      }
      if (pending.length > buf.length) yield Buffer.from(pending, 'latin1');
      else used += buf.write(pending, used, 'latin1');
    }
    if (used > 0) yield buf.subarray(0, used);
    if (first) {
      this.total = offset;
      this.recordCount = n;
      this.complete = true;
      this.passGaps = records.gaps();
      this.passGapCount = records.gapCount();
    }
  }

  private saveMark(offset: number, mark: Float64Array): void {
    const i = this.marks.length;
    if (i >= this.markOffsets.length) {
      const grown = new Float64Array(this.markOffsets.length * 2);
      grown.set(this.markOffsets);
      this.markOffsets = grown;
    }
    this.markOffsets[i] = offset;
    this.marks.push(mark);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }

  readSync(offset: number, length: number): Uint8Array {
    if (!this.complete) throw new IngestError(`${this.name}: the trace.dat is still being read`);
    if (this.virtual) return this.readVirtual(offset, length);
    const end = Math.min(this.total, offset + Math.max(0, length));
    if (offset >= end) return new Uint8Array(0);
    if (this.spanStart >= 0 && offset >= this.spanStart && end <= this.spanStart + this.span.length) {
      return this.span.subarray(offset - this.spanStart, end - this.spanStart);
    }
    if (this.marks.length === 0) return new Uint8Array(0);
    const r = (this.random ??= this.renderer());
    // The first mark sits right after the `cpus=N` header line; an offset inside the header starts there too.
    const k = Math.max(0, this.findMark(offset));
    const parts: string[] = [];
    let at = this.markOffsets[k]!;
    if (offset < at) {
      parts.push(r.lines.header);
      at = 0;
    }
    let consumed = r.records.restore(this.marks[k]!);
    let pos = this.markOffsets[k]!;
    let seq = k * this.markEvery;
    while (pos < end) {
      const s = r.records.next(consumed);
      if (s < 0) break;
      consumed = s;
      const text = r.lines.render(s, seq++);
      parts.push(text);
      pos += text.length;
    }
    this.span = Buffer.from(parts.join(''), 'latin1');
    this.spanStart = at;
    return this.span.subarray(offset - at, Math.min(this.span.length, end - at));
  }

  /** A read in virtual addressing: the mark holding the offset, then its text (and the next marks') from there. */
  private readVirtual(offset: number, length: number): Uint8Array {
    let k = Math.floor(offset / MARK_SPAN);
    let rel = offset - k * MARK_SPAN;
    if (k < 0 || length <= 0) return new Uint8Array(0);
    while (k < this.marks.length) {
      const len = this.markLength(k);
      if (rel < len) break;
      rel -= len;
      k++;
    }
    if (k >= this.marks.length) return new Uint8Array(0);
    // Within the span already rendered (its marks' lengths are known), or rendered from mark k.
    let at = -1;
    if (k >= this.spanMark && k < this.spanEndMark) {
      at = rel;
      for (let m = this.spanMark; m < k; m++) at += this.markLengths[m]!;
      if (at + length > this.span.length && this.spanEndMark < this.marks.length) at = -1;
    }
    if (at < 0) {
      this.renderMarks(k, rel + length);
      at = rel;
    }
    return this.span.subarray(at, Math.min(this.span.length, at + length));
  }

  /** The length of mark k's text (rendered once to learn it). */
  private markLength(k: number): number {
    const known = this.markLengths[k]!;
    if (known >= 0) return known;
    this.renderMarks(k, 1);
    return this.markLengths[k]!;
  }

  /** Renders marks k, k+1, ... until `bytes` bytes (whole marks) into the span. */
  private renderMarks(k: number, bytes: number): void {
    const r = (this.random ??= this.renderer());
    const parts: string[] = [];
    let consumed = r.records.restore(this.marks[k]!);
    let seq = k * this.markEvery;
    let total = 0;
    let m = k;
    while (m < this.marks.length && (m === k || total < bytes)) {
      let len = 0;
      if (m === 0) {
        parts.push(r.lines.header);
        len += r.lines.header.length;
      }
      for (let i = 0; i < this.markEvery; i++) {
        const s = r.records.next(consumed);
        if (s < 0) break;
        consumed = s;
        const text = r.lines.render(s, seq++);
        parts.push(text);
        len += text.length;
      }
      this.markLengths[m] = len;
      total += len;
      m++;
    }
    this.span = Buffer.from(parts.join(''), 'latin1');
    this.spanMark = k;
    this.spanEndMark = m;
  }

  /** The last mark at or before `offset` (-1 when the offset is in the header line). */
  private findMark(offset: number): number {
    let lo = 0;
    let hi = this.marks.length - 1;
    if (hi < 0 || offset < this.markOffsets[0]!) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.markOffsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  changed(): boolean {
    return this.file.changed();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

function readMeta(file: ByteSource): DatMeta {
  try {
    return readDatMeta((o, n) => file.readSync(o, n), file.size, file.name);
  } catch (err) {
    if (err instanceof DatError) throw new IngestError(err.message);
    throw err;
  }
}

/** Comm registrations of a batch read into the formats a random read renders with (the first one wins, as in tep_register_comm). */
function register(formats: DatEventFormats, registered: Iterable<[number, RegisteredComm]>): void {
  for (const [pid, reg] of registered) if (!formats.registered.has(pid)) formats.registered.set(pid, reg);
}
