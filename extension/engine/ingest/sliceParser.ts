/**
 * SliceParser: parses a slice of complete lines into an EventBatch. This is all the per-line work of
 * ingest (anchored scan, grammar for the other lines, payload decoding, string interning) and it needs
 * nothing from the rest of the file, so slices can be parsed in parallel workers. It keeps its own
 * StringTable across slices and reports only the strings each batch adds.
 *
 * Never throws on content: every line becomes an event, a special line or a skipped line.
 */
import { PayloadDecoder } from '../decode/payloadDecoder';
import type { DecodedPayload, EventSchema } from '../decode/payloadTypes';
import { classifyLine } from '../scan/lineGrammar';
import { EventForm, LineHeader, LineKind } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { LINE_INDEX_STRIDE } from '../store/eventStore';
import { StringTable } from '../store/stringTable';
import { emptyVotes, RECYCLED_COLUMNS, SUSPECT_NAME, type BatchVotes, type EventBatch, type LogLine, type SpecialLine } from './eventBatch';
import { interestedIn, type EventInterest } from './eventConsumer';
import { isKernelLogLine } from './kernelLogSniffer';

/** Events of a type no analysis reads that are still decoded in full (format check), per slice. */
export const SAMPLED_PER_SLICE = 64;

/** What the parser knows of one event name (by local string id). */
interface NameInfo {
  readonly schema: EventSchema | null;
  /** Decode in full (an analysis reads it). */
  readonly full: boolean;
  readonly devSlot: number;
  readonly inoSlot: number;
  /** Full decodes left in this slice (for types decoded by key only). */
  sample: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** An event whose payload names no device. */
export const NO_DEV = 0xffffffff;
/** Pids at or above this are not real (PID_MAX_LIMIT): their tasks are keyed by text. */
const PID_LIMIT = 4194304;
const SAMPLE_CHARS = 160;
/** Lines longer than this are not handed to the kernel-log parser (it reports them as too long). */
export const LOG_LINE_MAX_BYTES = 1024 * 1024;

/** Per local string id: whether it was checked for control characters (see `controlBytes`). */
const NAME_UNCHECKED = 0;
const NAME_CLEAN = 1;
const NAME_CONTROL = 2;

/**
 * The control characters of buf[s, e) as `0x1b, 0x07` (at most four distinct), '' when it has none: C0
 * (tab included), DEL, and C1 (U+0080-U+009F, UTF-8 `c2 80`-`c2 9f`).
 */
export function controlBytes(buf: Uint8Array, s: number, e: number): string {
  let found: number[] | undefined;
  for (let i = s; i < e; i++) {
    const b = buf[i]!;
    let c = -1;
    if (b < 0x20 || b === 0x7f) c = b;
    else if (b === 0xc2 && i + 1 < e && buf[i + 1]! >= 0x80 && buf[i + 1]! <= 0x9f) c = buf[++i]!;
    if (c < 0) continue;
    found ??= [];
    if (!found.includes(c) && found.length < 4) found.push(c);
  }
  return found === undefined ? '' : found.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(', ');
}

/** What a SliceParser is asked to do besides parsing events. */
export interface SliceParserOptions {
  readonly maxLineBytes?: number;
  /**
   * The events whose payloads the analyses read: decoded in full. Every other event with a known format
   * is decoded only up to its device and inode (for the filters), except the first SAMPLED_PER_SLICE of
   * its type in each slice, decoded in full to check the format. Undefined: decode every payload in full.
   */
  readonly interests?: readonly EventInterest[];
  /** Collect every non-event line in full for the kernel-log parser (see EventBatch.logLines). */
  readonly logText?: boolean;
}

export class SliceParser {
  readonly strings = new StringTable();
  private readonly decoder = new PayloadDecoder(this.strings);
  private readonly h = new LineHeader();
  /** Per name string id: its schema and how to decode it. */
  private readonly names: (NameInfo | undefined)[] = [];
  private readonly interests: readonly EventInterest[] | undefined;
  /** Kernel spellings (`sys_read(`) -> event name id, keyed by raw name id * 2 + exit. */
  private readonly spelled = new Map<number, number>();
  private readonly printId: number;
  private readonly functionId: number;
  private readonly instanceIds = new Set<number>();
  private reportedStrings = 0;
  /** Per local string id used as a task or buffer name: NAME_UNCHECKED, NAME_CLEAN or NAME_CONTROL. */
  private nameChecks = new Uint8Array(256);

  // Growable columns of the batch being built.
  private cap = 0;
  private n = 0;
  private tsHi = new Float64Array(0);
  private tsLo = new Int32Array(0);
  private cpu = new Uint16Array(0);
  /** Task of each event: a local id of its (pid, comm) pair. */
  private task = new Uint32Array(0);
  private name = new Int32Array(0);
  private line = new Int32Array(0);
  private payOff = new Int32Array(0);
  private variant = new Int16Array(0);
  /** The (device, inode) pair the payload names, as a local key id (0: neither), for the event filters. */
  private key = new Uint32Array(0);
  /** Local tasks and keys, kept across slices; each batch reports the ones it added. */
  private readonly taskIds = new Map<number, number>();
  private readonly oddTaskIds = new Map<string, number>();
  private readonly tasks: number[] = [];
  private reportedTasks = 0;
  private readonly keyIds = new Map<number, Map<number, number>>();
  private readonly keys: number[] = [-1, -1];
  private reportedKeys = 1;

  private num = new Float64Array(0);
  private str = new Int32Array(0);
  /** The last task and key looked up (events of one task and file come in runs). */
  private lastPid = -1;
  private lastComm = -1;
  private lastTask = 0;
  private lastDev = -2;
  private lastIno = -2;
  private lastKey = 0;
  private fieldsUsed = 0;
  /** Column buffers of merged batches handed back for reuse (see `recycle`). */
  private readonly spare: ArrayBuffer[][] = [];
  private specials: SpecialLine[] = [];
  private checkpoints: number[] = [];
  private votes: BatchVotes = emptyVotes();
  private mismatchSamples: string[] = [];
  private logLines: LogLine[] = [];
  private readonly maxLineBytes: number;
  private readonly logText: boolean;

  constructor(options: SliceParserOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 8 * 1024 * 1024;
    this.logText = options.logText === true;
    this.interests = options.interests;
    this.printId = this.strings.intern('print');
    this.functionId = this.strings.intern('function');
  }

  /**
   * Parses buf[start, end), which holds complete lines (the last one may lack its newline when
   * `unterminatedLast` is true: the end of a file that does not end with a newline).
   */
  parse(seq: number, bytes: Uint8Array, start: number, end: number, unterminatedLast: boolean): EventBatch {
    // Buffer.indexOf is a native memchr; a plain Uint8Array's is not.
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.reset(Math.max(1024, Math.ceil((end - start) / 60)));
    return this.finishBatch(seq, this.parseLines(buf, start, end, 0, unterminatedLast, true));
  }

  /** Parses the lines of buf[start, end) from local line `lineNo` on (checkpoints every LINE_INDEX_STRIDE lines when asked); returns how many. */
  private parseLines(buf: Buffer, start: number, end: number, lineNo: number, unterminatedLast: boolean, checkpoints: boolean): number {
    const first = lineNo;
    let s = start;
    while (s < end) {
      let nl = buf.indexOf(10, s);
      if (nl < 0 || nl >= end) nl = end;
      if (checkpoints && lineNo % LINE_INDEX_STRIDE === 0) this.checkpoints.push(lineNo, s - start);
      let e = nl;
      if (e > s && buf[e - 1] === 13) e--;
      if (!this.parseLine(buf, s, e, lineNo, unterminatedLast && nl === end) && this.logText) this.logLine(buf, s, nl, lineNo);
      lineNo++;
      s = nl + 1;
    }
    return lineNo - first;
  }

  /**
   * Batch building from outside (the trace.dat reader): `begin`, then `lines` for rendered text and
   * `addDecodedComm` for events decoded from binary records, then `finish`. Line numbers are local to the batch.
   */
  begin(capacity: number): void {
    this.reset(Math.max(1024, capacity));
  }

  /** Parses the complete lines of buf[start, end) as lines `lineNo`, `lineNo + 1`, ... of the batch; returns how many. */
  lines(bytes: Uint8Array, start: number, end: number, lineNo: number): number {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.parseLines(buf, start, end, lineNo, false, false);
  }

  /** A checkpoint of the batch being built: local line `lineNo` starts `offset` bytes after the batch's start. */
  checkpoint(lineNo: number, offset: number): void {
    this.checkpoints.push(lineNo, offset);
  }

  /**
   * The header the last parsed event line left (layout, flags, tgid columns...): an event decoded from a
   * binary record takes it over with its own time, CPU, task, name and payload.
   */
  get header(): LineHeader {
    return this.h;
  }

  /** The string id of an event name (interned). */
  eventName(name: string): number {
    return this.strings.intern(name);
  }

  /** Whether events of this name are decoded in full (an analysis reads them), and the slots of its key. */
  nameFacts(nameId: number): { readonly schema: EventSchema | null; readonly full: boolean; readonly devSlot: number; readonly inoSlot: number } {
    return this.nameInfo(nameId);
  }

  /**
   * Adds an event decoded from a binary record: time, CPU and pid in `header`, the comm as a string id of
   * this parser's table, the fields in `num` / `str` (string ids of this table) as the template's
   * `variant` decodes them; an event no analysis reads keeps only its key.
   */
  addDecodedComm(comm: number, nameId: number, lineNo: number, num: Float64Array, str: Int32Array, variant: number): void {
    const info = this.nameInfo(nameId);
    const h = this.h;
    // Records of one task come in runs: the last task is tried first.
    if (h.pid !== this.lastPid || comm !== this.lastComm) {
      this.lastPid = h.pid;
      this.lastComm = comm;
      this.lastTask = this.taskOf(h.pid, comm);
    }
    const i = this.newRow(nameId, lineNo, this.lastTask);
    const votes = this.votes;
    votes.layouts[h.layout]++;
    votes.templatePayloads++;
    if (h.tsFracDigits > votes.timestampDigits) votes.timestampDigits = h.tsFracDigits;
    this.keepFields(i, info, num, str, variant);
  }

  /** A new event row from the header's time and CPU, with no payload and no key yet; returns its index. */
  private newRow(nameId: number, lineNo: number, task: number): number {
    const h = this.h;
    if (this.n === this.cap) this.grow(this.cap * 2);
    const i = this.n++;
    this.tsHi[i] = h.tsHi;
    this.tsLo[i] = h.tsLo;
    this.cpu[i] = h.cpu;
    this.task[i] = task;
    this.name[i] = nameId;
    this.line[i] = lineNo;
    this.variant[i] = 0;
    this.key[i] = 0;
    return i;
  }

  /**
   * Event i's (device, inode) key from its decoded fields, and the fields themselves when an analysis
   * reads the event (else payOff -1: a query decodes the line again).
   */
  private keepFields(i: number, info: NameInfo, num: Float64Array, str: Int32Array, variant: number): void {
    if (info.devSlot >= 0 || info.inoSlot >= 0) {
      const d = info.devSlot >= 0 ? num[info.devSlot]! : -1;
      const x = info.inoSlot >= 0 ? num[info.inoSlot]! : -1;
      const dev = d >= 0 && d < NO_DEV ? d : -1;
      const ino = x >= 0 ? x : -1;
      // Events of one file come in runs: the last key is tried first.
      if (dev !== this.lastDev || ino !== this.lastIno) {
        this.lastDev = dev;
        this.lastIno = ino;
        this.lastKey = this.keyOf(dev, ino);
      }
      this.key[i] = this.lastKey;
    }
    if (!info.full || info.schema === null) {
      this.payOff[i] = -1;
      return;
    }
    const k = info.schema.fields.length;
    if (this.fieldsUsed + k > this.num.length) this.growFields(Math.max(this.num.length * 2, this.fieldsUsed + k));
    const off = this.fieldsUsed;
    for (let j = 0; j < k; j++) {
      this.num[off + j] = num[j]!;
      this.str[off + j] = str[j]!;
    }
    this.fieldsUsed += k;
    this.payOff[i] = off;
    this.variant[i] = variant;
  }

  /** Events in the batch being built. */
  get eventCount(): number {
    return this.n;
  }

  /** The batch built since `begin`, with `lineCount` lines. */
  finish(seq: number, lineCount: number): EventBatch {
    return this.finishBatch(seq, lineCount);
  }

  /** The string id of a string in this parser's table (interned). */
  intern(text: string): number {
    return this.strings.intern(text);
  }

  /** The string id of buf[s, e) (interned). */
  internBytes(buf: Uint8Array, s: number, e: number): number {
    return this.strings.internBytes(buf, s, e);
  }

  /** Decodes a payload with the event's templates (the text path's decode), for checks. */
  decodePayload(schema: EventSchema, buf: Uint8Array, start: number, end: number): DecodedPayload | undefined {
    return this.decoder.decode(schema, buf, start, end);
  }

  /** A non-event line for the kernel-log parser: its text up to the newline (a `\r` kept, as a log reader sees it). */
  private logLine(buf: Uint8Array, s: number, nl: number, lineNo: number): void {
    const bytes = nl - s;
    this.logLines.push({ line: lineNo, text: bytes > LOG_LINE_MAX_BYTES ? null : utf8.decode(buf.subarray(s, nl)), bytes });
  }

  /** Parses one line; true when it was an event. */
  private parseLine(buf: Uint8Array, s: number, e: number, lineNo: number, unterminated: boolean): boolean {
    const h = this.h;
    if (e - s > this.maxLineBytes) {
      this.specials.push({ line: lineNo, kind: -1, cpu: -1, count: -1, what: 'skip', note: `line of ${e - s} bytes is longer than the limit and was not read`, text: '' });
      return false;
    }
    if (scanEventLine(buf, s, e, h)) {
      const nameId = this.eventNameId(buf);
      const info = this.nameInfo(nameId);
      if (unterminated && info.schema !== null && h.form === EventForm.Normal && this.decoder.decode(info.schema, buf, h.payloadStart, h.payloadEnd) === undefined) {
        this.skip(lineNo, 'the last line is cut short (truncated file)', buf, s, e);
        return false;
      }
      this.addEvent(buf, nameId, info, lineNo, e);
      return true;
    }
    let p = s;
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p === e) return false; // blank
    const text = utf8.decode(buf.subarray(s, Math.min(e, s + 4096)));
    const c = classifyLine(text);
    if (!c.ok) {
      if (isKernelLogLine(text)) {
        this.votes.kernelLogLines++;
        return false;
      }
      this.specials.push({ line: lineNo, kind: -1, cpu: -1, count: -1, what: 'skip', note: e - s > 4096 ? `${c.reason} (line of ${e - s} bytes)` : c.reason, text: text.slice(0, SAMPLE_CHARS) });
      return false;
    }
    const v = c.value;
    if (v.kind === LineKind.Blank) return false;
    if (v.kind === LineKind.Noise) {
      this.specials.push({ line: lineNo, kind: -1, cpu: -1, count: -1, what: v.what, note: v.note, text: text.slice(0, SAMPLE_CHARS) });
      return false;
    }
    this.specials.push({ line: lineNo, kind: v.kind, cpu: v.cpu, count: v.count, what: v.what, note: v.note, text: v.kind === LineKind.Comment ? text.slice(0, 400) : '' });
    return false;
  }

  private skip(lineNo: number, reason: string, buf: Uint8Array, s: number, e: number): void {
    this.specials.push({ line: lineNo, kind: -1, cpu: -1, count: -1, what: 'skip', note: reason, text: utf8.decode(buf.subarray(s, Math.min(e, s + SAMPLE_CHARS))) });
  }

  private eventNameId(buf: Uint8Array): number {
    const h = this.h;
    const strings = this.strings;
    switch (h.form) {
      case EventForm.Normal:
        return strings.internBytes(buf, h.nameStart, h.nameEnd);
      case EventForm.MarkWrite:
        this.votes.kernelSpellings++;
        return this.printId;
      case EventForm.Function:
        return this.functionId;
      default: {
        const raw = strings.internBytes(buf, h.nameStart, h.nameEnd);
        const key = raw * 2 + (h.form === EventForm.SysExit ? 1 : 0);
        let id = this.spelled.get(key);
        if (id === undefined) {
          id = strings.intern((h.form === EventForm.SysExit ? 'sys_exit_' : 'sys_enter_') + strings.get(raw).slice(4));
          this.spelled.set(key, id);
        }
        this.votes.kernelSpellings++;
        return id;
      }
    }
  }

  private nameInfo(nameId: number): NameInfo {
    let info = this.names[nameId];
    if (info === undefined) {
      const name = this.strings.get(nameId);
      const schema = this.decoder.schema(name) ?? null;
      const full = this.interests === undefined || this.interests.some((i) => interestedIn(i, name));
      info = { schema, full, devSlot: schema ? schema.slot('dev') : -1, inoSlot: schema ? schema.slot('ino') : -1, sample: SAMPLED_PER_SLICE };
      this.names[nameId] = info;
    }
    return info;
  }

  private addEvent(buf: Uint8Array, nameId: number, info: NameInfo, lineNo: number, e: number): void {
    const schema = info.schema;
    const h = this.h;
    const comm = this.strings.internBytes(buf, h.commStart, h.commEnd);
    const i = this.newRow(nameId, lineNo, this.taskOf(h.pid, comm));
    if (this.nameCheck(comm, buf, h.commStart, h.commEnd) === NAME_CONTROL) this.suspectName(lineNo, 'task name', buf, h.commStart, h.commEnd);
    const votes = this.votes;
    votes.layouts[h.layout]++;
    if (h.flagsStart >= 0) votes.irqInfo = true;
    if (h.tgid >= 0) votes.recordTgid = true;
    if (h.tsDiff) votes.tsDiff = true;
    if (h.tsFracDigits === 0) votes.counterClock = true;
    else if (h.tsFracDigits > votes.timestampDigits) votes.timestampDigits = h.tsFracDigits;
    if (h.prefixStart >= 0) {
      const id = this.strings.internBytes(buf, h.prefixStart, h.prefixEnd);
      if (this.nameCheck(id, buf, h.prefixStart, h.prefixEnd) === NAME_CONTROL) this.suspectName(lineNo, 'buffer name', buf, h.prefixStart, h.prefixEnd);
      if (!this.instanceIds.has(id)) {
        this.instanceIds.add(id);
        votes.instances.push(this.strings.get(id));
      }
    }
    if (schema === null) {
      this.payOff[i] = -1;
      return;
    }
    const full = info.full || info.sample > 0;
    const rec = full ? this.decoder.decode(schema, buf, h.payloadStart, h.payloadEnd) : this.decoder.decodeKeys(schema, buf, h.payloadStart, h.payloadEnd);
    if (!info.full && info.sample > 0) info.sample--;
    if (rec === undefined) {
      this.payOff[i] = -2;
      this.mismatchSamples.push(utf8.decode(buf.subarray(h.nameStart, Math.min(e, h.nameStart + SAMPLE_CHARS))));
      return;
    }
    if (rec.variant < 0) votes.rawPayloads++;
    else votes.templatePayloads++;
    this.keepFields(i, info, rec.num, rec.str, rec.variant);
  }

  /** Whether the name with local string id `id` (bytes buf[s, e)) holds control characters; checked once per id. */
  private nameCheck(id: number, buf: Uint8Array, s: number, e: number): number {
    if (id >= this.nameChecks.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.nameChecks.length * 2));
      grown.set(this.nameChecks);
      this.nameChecks = grown;
    }
    let state = this.nameChecks[id]!;
    if (state === NAME_UNCHECKED) {
      state = controlBytes(buf, s, e) === '' ? NAME_CLEAN : NAME_CONTROL;
      this.nameChecks[id] = state;
    }
    return state;
  }

  /**
   * An event read although its task or buffer name holds control characters: a damaged line, or a task
   * that named itself so (a comm is any 15 bytes). Reported with the line; the name is shown escaped.
   */
  private suspectName(lineNo: number, what: string, buf: Uint8Array, s: number, e: number): void {
    this.specials.push({ line: lineNo, kind: SUSPECT_NAME, cpu: -1, count: -1, what, note: controlBytes(buf, s, e), text: utf8.decode(buf.subarray(s, Math.min(e, s + SAMPLE_CHARS))) });
  }

  /** The local task id of (pid, comm local string id). */
  private taskOf(pid: number, comm: number): number {
    if (pid >= 0 && pid < PID_LIMIT) {
      const k = comm * PID_LIMIT + pid;
      let t = this.taskIds.get(k);
      if (t === undefined) {
        t = this.tasks.length / 2;
        this.tasks.push(pid, comm);
        this.taskIds.set(k, t);
      }
      return t;
    }
    const k = `${pid}:${comm}`;
    let t = this.oddTaskIds.get(k);
    if (t === undefined) {
      t = this.tasks.length / 2;
      this.tasks.push(pid, comm);
      this.oddTaskIds.set(k, t);
    }
    return t;
  }

  /** The local key id of (dev, ino) (-1: absent); 0 when both are absent. */
  private keyOf(dev: number, ino: number): number {
    if (dev < 0 && ino < 0) return 0;
    let byIno = this.keyIds.get(dev);
    if (byIno === undefined) this.keyIds.set(dev, (byIno = new Map()));
    let k = byIno.get(ino);
    if (k === undefined) {
      k = this.keys.length / 2;
      this.keys.push(dev, ino);
      byIno.set(ino, k);
    }
    return k;
  }

  /**
   * Takes back the column buffers of a batch the merger is done with (`recyclableBuffers`), so the next
   * batches are built in them: batches then cost no allocation, and the allocator does not fragment.
   */
  recycle(buffers: readonly ArrayBuffer[]): void {
    if (buffers.length === RECYCLED_COLUMNS && this.spare.length < 4) this.spare.push([...buffers]);
  }

  /** Columns for the next batch: a recycled set, or empty ones (grown by reset). */
  private takeColumns(): void {
    const set = this.spare.pop();
    if (set === undefined) {
      this.cap = 0;
      this.tsHi = new Float64Array(0);
      this.tsLo = new Int32Array(0);
      this.cpu = new Uint16Array(0);
      this.task = new Uint32Array(0);
      this.name = new Int32Array(0);
      this.line = new Int32Array(0);
      this.payOff = new Int32Array(0);
      this.variant = new Int16Array(0);
      this.key = new Uint32Array(0);
      this.num = new Float64Array(0);
      this.str = new Int32Array(0);
      return;
    }
    const [tsHi, tsLo, cpu, task, name, line, payOff, variant, key, num, str] = set as [ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer];
    this.tsHi = new Float64Array(tsHi);
    this.tsLo = new Int32Array(tsLo);
    this.cpu = new Uint16Array(cpu);
    this.task = new Uint32Array(task);
    this.name = new Int32Array(name);
    this.line = new Int32Array(line);
    this.payOff = new Int32Array(payOff);
    this.variant = new Int16Array(variant);
    this.key = new Uint32Array(key);
    this.num = new Float64Array(num);
    this.str = new Int32Array(str);
    // The columns of one set were made together; the shortest bounds the capacity.
    this.cap = Math.min(this.tsHi.length, this.tsLo.length, this.cpu.length, this.task.length, this.name.length, this.line.length, this.payOff.length, this.variant.length, this.key.length);
  }

  private reset(cap: number): void {
    this.n = 0;
    this.fieldsUsed = 0;
    this.takeColumns();
    if (this.cap < cap) this.grow(cap);
    if (this.num.length < cap * 6) {
      this.num = new Float64Array(cap * 6);
      this.str = new Int32Array(cap * 6);
    }
    this.specials = [];
    this.checkpoints = [];
    this.votes = emptyVotes();
    this.mismatchSamples = [];
    this.logLines = [];
    for (const info of this.names) if (info !== undefined) info.sample = SAMPLED_PER_SLICE;
  }

  private grow(cap: number): void {
    const g = <T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Int16Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.n) as never);
      return b;
    };
    this.tsHi = g(this.tsHi, (n) => new Float64Array(n));
    this.tsLo = g(this.tsLo, (n) => new Int32Array(n));
    this.cpu = g(this.cpu, (n) => new Uint16Array(n));
    this.task = g(this.task, (n) => new Uint32Array(n));
    this.name = g(this.name, (n) => new Int32Array(n));
    this.line = g(this.line, (n) => new Int32Array(n));
    this.payOff = g(this.payOff, (n) => new Int32Array(n));
    this.variant = g(this.variant, (n) => new Int16Array(n));
    this.key = g(this.key, (n) => new Uint32Array(n));
    this.cap = cap;
  }

  private growFields(size: number): void {
    const num = new Float64Array(size);
    num.set(this.num.subarray(0, this.fieldsUsed));
    const str = new Int32Array(size);
    str.set(this.str.subarray(0, this.fieldsUsed));
    this.num = num;
    this.str = str;
  }

  private finishBatch(seq: number, lineCount: number): EventBatch {
    const n = this.n;
    const stringBase = this.reportedStrings;
    const strings: string[] = [];
    for (let id = stringBase; id < this.strings.size; id++) strings.push(this.strings.get(id));
    this.reportedStrings = this.strings.size;
    // The batch takes the parser's columns (views of their first n); the next batch gets recycled or new ones.
    const batch: EventBatch = {
      seq,
      lineCount,
      n,
      tsHi: this.tsHi.subarray(0, n),
      tsLo: this.tsLo.subarray(0, n),
      cpu: this.cpu.subarray(0, n),
      task: this.task.subarray(0, n),
      taskBase: this.reportedTasks / 2,
      newTasks: this.tasks.slice(this.reportedTasks),
      name: this.name.subarray(0, n),
      line: this.line.subarray(0, n),
      payOff: this.payOff.subarray(0, n),
      variant: this.variant.subarray(0, n),
      key: this.key.subarray(0, n),
      keyBase: this.reportedKeys,
      newKeys: this.keys.slice(this.reportedKeys * 2),
      num: this.num.subarray(0, this.fieldsUsed),
      str: this.str.subarray(0, this.fieldsUsed),
      stringBase,
      strings,
      specials: this.specials,
      checkpoints: Float64Array.from(this.checkpoints),
      votes: this.votes,
      mismatchSamples: this.mismatchSamples,
      logLines: this.logLines,
    };
    this.reportedTasks = this.tasks.length;
    this.reportedKeys = this.keys.length / 2;
    return batch;
  }
}
