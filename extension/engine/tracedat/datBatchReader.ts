/**
 * DatBatchReader: reads a trace.dat's records in `trace-cmd report` order into EventBatches, the form the
 * text ingest produces, without rendering most of them. A record whose event has a PayloadPlan (its
 * template fields paired with its print items) is decoded from its binary fields into the template's
 * slots and takes one line; any other record (a plugin's event, lost events before it, a value a plan does
 * not read exactly, a comm with blanks) is rendered as trace-cmd prints it and parsed as text. So an event
 * has the same line number, time, task, fields and key as the text ingest gives its report line.
 *
 * Every type's first SAMPLES records in every SAMPLE_SPAN marks are rendered, parsed and also decoded by its plan; a
 * plan whose fields differ from the text's is dropped for the rest of the file (`planNotes` says which).
 *
 * The merge state is saved every `markEvery` records (a mark); a batch holds `marksPerBatch` marks. Line
 * numbers of marks are what the text source needs to render any line again later (DatTextSource, virtual
 * offsets: mark k starts at k * MARK_SPAN).
 */
import type { EventSchema } from '../decode/payloadTypes';
import { Layout } from '../scan/lineHeader';
import type { EventBatch } from '../ingest/eventBatch';
import { SliceParser, type SliceParserOptions } from '../ingest/sliceParser';
import type { CompiledSchema } from '../decode/compiledSchema';
import type { DatMeta, ReadAt } from './datMeta';
import { DatEventFormats, type DatEventType, type RegisteredComm } from './datEventFormats';
import { ChunkCache } from './cpuCursor';
import { DatRecords } from './datRecords';
import { PayloadPlan } from './payloadPlan';
import type { RenderContext } from './printFmt';
import { ReportLines } from './reportLines';
import { MARK_SPAN } from './datMarks';

/** Records of each type decoded both ways in every SAMPLE_SPAN marks (64 marks: about 16,000 records). */
const SAMPLES = 4;
const SAMPLE_SPAN = 64;
const NO_PLAN = null;

interface TypeState {
  readonly nameId: number;
  readonly schema: EventSchema | null;
  readonly full: boolean;
  /** undefined: not built yet; null: none. */
  plan: PayloadPlan | null | undefined;
  /** Records of the current span decoded both ways that agreed. */
  checked: number;
  /** The span (mark / SAMPLE_SPAN) `checked` counts in. */
  span: number;
  readonly num: Float64Array;
  readonly str: Int32Array;
}

export interface DatBatch {
  readonly batch: EventBatch;
  /** Index of the batch's first mark. */
  readonly firstMark: number;
  /** The merge states of the batch's marks, `markWidth` numbers each. */
  readonly marks: Float64Array;
  readonly markWidth: number;
  /** Records read so far, and the uncompressed bytes of the pages they came from (progress). */
  readonly records: number;
  readonly bytesRead: number;
  /** The uncompressed bytes of all the pages (progress: bytesRead of this). */
  readonly totalBytes: number;
}

export interface DatReadEnd {
  readonly records: number;
  readonly gaps: string[];
  readonly gapCount: number;
  readonly dataBytes: number;
  /** Plans dropped because their fields differed from the text's (`event: why`). */
  readonly planNotes: string[];
  /** Records decoded from their fields (the rest were rendered and parsed). */
  readonly decoded: number;
  /** Records between two marks. */
  readonly markEvery: number;
  /** What the file's metadata says (for the container facts). */
  readonly version: number;
  readonly codec: string;
  readonly warnings: readonly string[];
}

export class DatBatchReader {
  readonly parser: SliceParser;
  private readonly records: DatRecords;
  private readonly lines: ReportLines;
  private readonly formats: DatEventFormats;
  private readonly types: (TypeState | undefined)[] = [];
  private readonly typesById = new Map<number, TypeState>();
  private readonly fastOk: boolean;
  /** Numbers in one saved merge state. */
  private readonly markWidth: number;
  private consumed = -1;
  private seq = 0;
  private mark = 0;
  private batchNo = 0;
  private done = false;
  private bytesRead = 0;
  private decodedCount = 0;
  private readonly planNotes: string[] = [];
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** pid -> comm string id of the parser (-1: a comm the fast path does not take), for pids of the saved cmdlines. */
  private readonly comms = new Map<number, number>();
  /** The last pid whose (stable) comm was looked up, and its id. */
  private lastPid = -1;
  private lastCommId = -1;
  private curCpu = 0;
  private curTs = 0;
  private readonly ctxOf = (): RenderContext => this.formats.contextFor(this.curCpu, this.curTs);

  constructor(
    readonly meta: DatMeta,
    read: ReadAt,
    fileSize: number,
    options: SliceParserOptions,
    readonly markEvery: number,
    private readonly marksPerBatch = 16,
  ) {
    this.parser = new SliceParser(options);
    // Records are read in order: one chunk per CPU at a time is all the cache needs to hold.
    this.records = new DatRecords(meta, read, fileSize, new ChunkCache(2 * meta.buffers.reduce((n, b) => n + b.cpus.length, 0) + 2));
    this.formats = new DatEventFormats(meta);
    this.lines = new ReportLines(meta, this.records, this.formats);
    this.markWidth = this.records.mark(-1).length;
    // Decoding fields needs lines without instance prefixes, with microsecond time stamps.
    this.fastOk = meta.inUsecs && meta.buffers.every((b) => b.name === '' || b.latency) && this.records.streams.every((s) => meta.buffers[s.buffer]!.name === '');
  }

  get dataBytes(): number {
    return this.records.dataBytes();
  }

  /** The next batch (`seq` numbers it for the merger), or undefined after the last record. */
  next(seq: number): DatBatch | undefined {
    if (this.done) return undefined;
    const p = this.parser;
    const width = this.markWidth;
    const marks: number[] = [];
    const firstMark = this.mark;
    p.begin(this.markEvery * this.marksPerBatch);
    let line = 0;
    if (this.batchNo === 0) {
      p.checkpoint(0, 0);
      const header = this.lines.header;
      const n = this.scratch.write(header, 0, 'latin1');
      line += p.lines(this.scratch, 0, n, 0);
    }
    this.batchNo++;
    for (let m = 0; m < this.marksPerBatch; m++) {
      const state = this.records.mark(this.consumed);
      const first = this.records.next(this.consumed);
      if (first < 0) {
        // A file without records still has its header line, in a mark of its own.
        if (this.mark === 0) {
          for (let i = 0; i < width; i++) marks.push(state[i]!);
          this.mark++;
        }
        this.done = true;
        break;
      }
      for (let i = 0; i < width; i++) marks.push(state[i]!);
      if (this.mark > 0) p.checkpoint(line, (this.mark - firstMark) * MARK_SPAN);
      this.mark++;
      let s = first;
      for (let r = 0; r < this.markEvery; r++) {
        if (r > 0) {
          s = this.records.next(this.consumed);
          if (s < 0) {
            this.done = true;
            break;
          }
        }
        this.consumed = s;
        line += this.record(s, line);
      }
      if (this.done) break;
    }
    if (marks.length === 0 && line === 0) return undefined;
    return { batch: p.finish(seq, line), firstMark, marks: Float64Array.from(marks), markWidth: width, records: this.seq, bytesRead: this.bytesRead, totalBytes: this.records.dataBytes() };
  }

  /** Adds the record `stream` holds at local line `line`; returns the lines it takes. */
  private record(stream: number, line: number): number {
    const seq = this.seq++;
    const st = this.records.streams[stream]!;
    const c = st.cursor;
    this.bytesRead += c.length + 8;
    this.formats.seq = seq;
    if (this.fastOk && c.missed === 0) {
      const ev = this.formats.lookup(c.data, c.start, c.length);
      if (ev !== undefined) {
        const t = this.typeState(ev);
        if (t.plan !== NO_PLAN && t.plan !== undefined) {
          const span = Math.floor(this.mark / SAMPLE_SPAN);
          if (t.span !== span) {
            t.span = span;
            t.checked = 0;
          }
          // The plan decodes only once SAMPLES records of this span were decoded both ways and agreed.
          if (t.checked >= SAMPLES && this.decodeFast(t, c.data, c.start, c.length, c.cpu, c.ts, line, seq)) return 1;
          if (t.checked < SAMPLES) return this.renderChecked(t, ev, stream, line, seq);
        } else if (t.plan === undefined) {
          return this.renderChecked(t, ev, stream, line, seq);
        }
      }
    }
    return this.render(stream, line, seq);
  }

  private typeState(ev: DatEventType): TypeState {
    let t = ev.id < 65536 ? this.types[ev.id] : this.typesById.get(ev.id);
    if (t === undefined) {
      const nameId = this.parser.eventName(ev.name);
      const facts = this.parser.nameFacts(nameId);
      const k = facts.schema?.fields.length ?? 0;
      const compiled = facts.schema ? this.formats.compiledOf(ev) : undefined;
      t = { nameId, schema: facts.schema, full: facts.full, plan: facts.schema && compiled?.plain ? undefined : NO_PLAN, checked: 0, span: -1, num: new Float64Array(k).fill(NaN), str: new Int32Array(k).fill(-1) };
      if (ev.id < 65536) this.types[ev.id] = t;
      else this.typesById.set(ev.id, t);
    }
    return t;
  }

  /** Renders and parses the record's text (the text ingest's way). */
  private render(stream: number, line: number, seq: number): number {
    const text = this.lines.render(stream, seq);
    if (text.length * 2 > this.scratch.length) this.scratch = Buffer.allocUnsafe(text.length * 2);
    const n = this.scratch.write(text, 0, 'latin1');
    return this.parser.lines(this.scratch, 0, n, line);
  }

  /**
   * Renders and parses the record, and checks the type's plan against the text's decode (building the
   * plan from the variant the text matched on first use). A record the plan takes must decode as its text
   * does (a text no template reads, or read only as `-R` fields, disagrees); a plan that disagrees is
   * dropped. Only records the plan took count as checked.
   */
  private renderChecked(t: TypeState, ev: DatEventType, stream: number, line: number, seq: number): number {
    const c = this.records.streams[stream]!.cursor;
    const events = this.parser.eventCount;
    const n = this.render(stream, line, seq);
    // Only a record that is one event line has a payload to compare (the header the parser left is its own).
    if (n !== 1 || t.schema === null || this.parser.eventCount !== events + 1) return n;
    const h = this.parser.header;
    const rec = this.parser.decodePayload(t.schema, this.scratch, h.payloadStart, h.payloadEnd);
    if (t.plan === undefined) {
      if (rec === undefined || rec.variant < 0) return n;
      const compiled = this.formats.compiledOf(ev);
      t.plan = compiled ? (PayloadPlan.build(t.schema as CompiledSchema, rec.variant, compiled, ev.text, this.meta.littleEndian) ?? NO_PLAN) : NO_PLAN;
      if (t.plan === NO_PLAN) return n;
    }
    const plan = t.plan!;
    const { num, str } = t;
    num.fill(NaN);
    str.fill(-1);
    this.curCpu = c.cpu;
    this.curTs = this.lines.time(c.ts);
    if (!plan.decode(c.data, c.start, c.length, this.ctxOf, false, num, str, this.parser)) return n;
    t.checked++;
    let same = rec !== undefined && rec.variant >= 0 && rec.variant === plan.variant;
    for (let i = 0; same && i < num.length; i++) {
      const a = num[i]!;
      const b = rec!.num[i]!;
      if (!(a === b || (Number.isNaN(a) && Number.isNaN(b))) || str[i] !== rec!.str[i]) same = false;
    }
    if (!same) {
      t.plan = NO_PLAN;
      if (this.planNotes.length < 50) this.planNotes.push(`${ev.name}: the fields of record ${seq + 1} decoded from its binary fields differ from those of its text; its events are rendered and parsed from there on`);
    }
    return n;
  }

  /** Decodes the record by the type's plan into the batch; false when the plan cannot take it (nothing added). */
  private decodeFast(t: TypeState, data: Uint8Array, start: number, length: number, cpu: number, rawTs: number, line: number, seq: number): boolean {
    const pid = this.formats.pid(data, start, length);
    if (pid < 0) return false;
    const comm = this.commId(pid, seq);
    if (comm < 0) return false;
    // The slots outside the plan's fields stay NaN / -1 from the type's first use (the plan writes only its fields).
    const { num, str } = t;
    const ts = this.lines.time(rawTs);
    // A time before 0 (a negative file offset) prints as text no event line has.
    if (!(ts >= 0)) return false;
    this.curCpu = cpu;
    this.curTs = ts;
    if (!t.plan!.decode(data, start, length, this.ctxOf, !t.full, num, str, this.parser)) return false;
    const h = this.parser.header;
    h.layout = Layout.Bracket;
    const us = ReportLines.microseconds(ts);
    const sec = Math.floor(us / 1e6);
    h.tsHi = sec;
    h.tsLo = (us - sec * 1e6) * 1000;
    h.tsFracDigits = 6;
    h.cpu = cpu;
    h.pid = pid;
    this.parser.addDecodedComm(comm, t.nameId, line, num, str, t.plan!.variant);
    this.decodedCount++;
    return true;
  }

  /** The parser's string id of the comm trace-cmd shows for `pid` at record `seq`; -1 when its text would read back otherwise. */
  private commId(pid: number, seq: number): number {
    if (pid === this.lastPid) return this.lastCommId;
    const known = this.comms.get(pid);
    if (known !== undefined) {
      this.lastPid = pid;
      this.lastCommId = known;
      return known;
    }
    const comm = this.lines.commOf(pid, seq);
    let ok = comm.length > 0;
    for (let i = 0; ok && i < comm.length; i++) {
      const ch = comm.charCodeAt(i);
      if (ch <= 0x20 || ch >= 0x7f) ok = false;
    }
    const id = ok ? this.parser.intern(comm) : -1;
    if (this.lines.stableComm(pid) && this.comms.size < 100_000) this.comms.set(pid, id);
    return id;
  }

  /** Hands a merged batch's column buffers back (see SliceParser.recycle). */
  recycle(buffers: readonly ArrayBuffer[]): void {
    this.parser.recycle(buffers);
  }

  /** The comms the plugins registered (pid -> comm and the record that registered it). */
  registered(): IterableIterator<[number, RegisteredComm]> {
    return this.formats.registered.entries();
  }

  end(): DatReadEnd {
    return {
      records: this.seq,
      gaps: this.records.gaps(),
      gapCount: this.records.gapCount(),
      dataBytes: this.records.dataBytes(),
      planNotes: this.planNotes,
      decoded: this.decodedCount,
      markEvery: this.markEvery,
      version: this.meta.version,
      codec: this.meta.codec,
      warnings: this.meta.warnings,
    };
  }
}
