/**
 * TraceIngester: the synchronous core of ingest. It receives lines from the LineSplitter, frames them
 * (anchored scan first, grammar for everything else), appends events to the EventStore, decodes
 * payloads of known events, feeds the streaming consumers and records the ingest findings.
 *
 * It never throws on bad input: every line is either an event, a known special line, or a skipped line
 * reported with its number and the reason.
 */
import { PayloadDecoder } from '../decode/payloadDecoder';
import type { EventSchema } from '../decode/payloadTypes';
import type { LineSink } from '../io/lineSplitter';
import { classifyLine } from '../scan/lineGrammar';
import { EventForm, LineHeader, LineKind } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { EventStore } from '../store/eventStore';
import type { EventConsumer, IngestEvent } from './eventConsumer';
import { FormatVotes } from './formatInfo';
import { IngestIssues } from './ingestIssues';
import { isKernelLogLine } from './kernelLogSniffer';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const NO_SCHEMA = null;

export class TraceIngester implements LineSink {
  readonly store = new EventStore();
  readonly decoder: PayloadDecoder;
  readonly issues: IngestIssues;
  readonly votes = new FormatVotes();
  lines = 0;
  headerCpus = 0;
  maxCpu = -1;

  private readonly h = new LineHeader();
  private readonly ev: IngestEvent = { row: 0, line: 0, ts: 0, cpu: 0, pid: 0, comm: 0, type: 0, name: '', payload: undefined };
  /** Per event type: schema, or null when the event has no known format. */
  private readonly schemas: (EventSchema | null)[] = [];
  private readonly typeNames: string[] = [];
  /** Per CPU: last relative timestamp and its line. */
  private lastTs: number[] = [];
  private lastLine: number[] = [];
  /** Kernel-spelled names (`sys_read(`) -> event name string id, per form. */
  private readonly spelled = new Map<number, number>();
  private readonly printId: number;
  private readonly functionId: number;
  private readonly instanceIds = new Set<number>();

  constructor(
    readonly file: string,
    private readonly consumers: readonly EventConsumer[] = [],
  ) {
    this.issues = new IngestIssues(file);
    this.decoder = new PayloadDecoder(this.store.strings);
    this.printId = this.store.strings.intern('print');
    this.functionId = this.store.strings.intern('function');
  }

  onLine(buf: Uint8Array, s: number, e: number, lineNo: number, fileOffset: number, unterminated: boolean): void {
    this.lines = lineNo;
    this.store.noteLineOffset(lineNo, fileOffset);
    const h = this.h;
    if (scanEventLine(buf, s, e, h)) {
      if (unterminated && this.isCutShort(buf)) {
        this.issues.skip(lineNo, 'the last line is cut short (truncated file)', utf8.decode(buf.subarray(s, e)));
        return;
      }
      this.onEventLine(buf, s, e, lineNo);
      return;
    }
    let p = s;
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p === e) return; // blank
    const text = utf8.decode(buf.subarray(s, e));
    const c = classifyLine(text);
    if (!c.ok) {
      if (isKernelLogLine(text)) {
        this.votes.kernelLogLines++;
        return;
      }
      this.issues.skip(lineNo, c.reason, text);
      return;
    }
    const v = c.value;
    switch (v.kind) {
      case LineKind.Lost:
        this.issues.lostMarker(lineNo, v.cpu, v.count, v.what);
        for (const k of this.consumers) k.onGap?.(v.cpu, lineNo);
        break;
      case LineKind.BufferStarted:
        this.issues.lostMarker(lineNo, v.cpu, -1, 'buffer-started');
        for (const k of this.consumers) k.onGap?.(v.cpu, lineNo);
        break;
      case LineKind.Comment:
        this.onComment(text, lineNo, v.count);
        break;
      case LineKind.Preamble:
        this.votes.traceCmdPreamble = true;
        if (v.what === 'cpus') this.headerCpus = Math.max(this.headerCpus, v.count);
        if (v.what === 'version') this.votes.details.traceCmdVersion = v.count;
        break;
      case LineKind.Noise:
        this.issues.skip(lineNo, v.note, text);
        break;
      default:
        break;
    }
  }

  /** A final line without newline whose payload does not decode is a truncated record, not an event. */
  private isCutShort(buf: Uint8Array): boolean {
    const h = this.h;
    if (h.form !== EventForm.Normal) return false;
    const schema = this.decoder.schema(utf8.decode(buf.subarray(h.nameStart, h.nameEnd)));
    return schema !== undefined && this.decoder.decode(schema, buf, h.payloadStart, h.payloadEnd) === undefined;
  }

  onOverlongLine(lineNo: number, _fileOffset: number, length: number): void {
    this.lines = lineNo;
    this.issues.skip(lineNo, `line of ${length} bytes is longer than the limit and was not read`, '');
  }

  private onComment(text: string, lineNo: number, cpus: number): void {
    if (cpus > 0) this.headerCpus = Math.max(this.headerCpus, cpus);
    const t = /^#\s*tracer:\s*(\S+)/.exec(text);
    if (t) {
      this.votes.kernelHeader = true;
      this.votes.details.tracer = t[1] ?? null;
    }
    if (/latency trace v/.test(text)) this.votes.latencyHeader = true;
    if (/TASK-PID\s+TGID/.test(text)) this.votes.details.recordTgid = true;
    const ew = /entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)/.exec(text);
    if (ew) {
      const lost = Number(ew[2]) - Number(ew[1]);
      if (lost > 0) this.issues.lostMarker(lineNo, -1, lost, 'overrun');
    }
  }

  private onEventLine(buf: Uint8Array, s: number, e: number, lineNo: number): void {
    const h = this.h;
    const store = this.store;
    const strings = store.strings;
    let nameId: number;
    switch (h.form) {
      case EventForm.Normal:
        nameId = strings.internBytes(buf, h.nameStart, h.nameEnd);
        break;
      case EventForm.MarkWrite:
        nameId = this.printId;
        this.votes.kernelSpellings++;
        break;
      case EventForm.Function:
        nameId = this.functionId;
        break;
      default: {
        // sys_read( -> sys_enter_read ; sys_read -> -> sys_exit_read
        const raw = strings.internBytes(buf, h.nameStart, h.nameEnd);
        const key = raw * 2 + (h.form === EventForm.SysExit ? 1 : 0);
        let id = this.spelled.get(key);
        if (id === undefined) {
          const base = strings.get(raw).slice(4);
          id = strings.intern((h.form === EventForm.SysExit ? 'sys_exit_' : 'sys_enter_') + base);
          this.spelled.set(key, id);
        }
        nameId = id;
        this.votes.kernelSpellings++;
      }
    }
    const type = store.typeId(nameId);
    let schema = this.schemas[type];
    if (schema === undefined) {
      const name = strings.get(nameId);
      this.typeNames[type] = name;
      schema = this.decoder.schema(name) ?? NO_SCHEMA;
      this.schemas[type] = schema;
    }
    const comm = strings.internBytes(buf, h.commStart, h.commEnd);
    const cpu = h.cpu;
    const row = store.append(h.tsHi, h.tsLo, cpu, h.pid, comm, type, lineNo);
    const ts = store.ts.get(row);
    // Per-CPU monotonic check.
    if (cpu > this.maxCpu) {
      this.maxCpu = cpu;
      while (this.lastTs.length <= cpu) {
        this.lastTs.push(Number.NEGATIVE_INFINITY);
        this.lastLine.push(0);
      }
    }
    const prev = this.lastTs[cpu]!;
    if (ts < prev) this.issues.timestampDisorder(lineNo, this.lastLine[cpu]!, cpu, prev, ts);
    else {
      this.lastTs[cpu] = ts;
      this.lastLine[cpu] = lineNo;
    }
    this.noteLayout(buf);
    let payload;
    if (schema !== null) {
      payload = this.decoder.decode(schema, buf, h.payloadStart, h.payloadEnd);
      if (payload === undefined) {
        this.issues.payloadMismatch(lineNo, this.typeNames[type]!, utf8.decode(buf.subarray(h.nameStart, e)));
      } else if (payload.variant < 0) this.votes.rawPayloads++;
      else this.votes.templatePayloads++;
    }
    if (this.consumers.length > 0) {
      const ev = this.ev;
      ev.row = row;
      ev.line = lineNo;
      ev.ts = ts;
      ev.cpu = cpu;
      ev.pid = h.pid;
      ev.comm = comm;
      ev.type = type;
      ev.name = this.typeNames[type] ?? store.typeName(type);
      ev.payload = payload;
      for (const k of this.consumers) k.onEvent(ev, store);
    }
    void s;
  }

  private noteLayout(buf: Uint8Array): void {
    const h = this.h;
    const votes = this.votes;
    votes.noteLayout(h.layout);
    if (h.flagsStart >= 0) votes.details.irqInfo = true;
    if (h.tgid >= 0) votes.details.recordTgid = true;
    if (h.tsDiff) votes.details.tsDiff = true;
    if (h.tsFracDigits === 0) votes.details.clock = 'counter';
    else if (h.tsFracDigits > votes.details.timestampDigits) votes.details.timestampDigits = h.tsFracDigits;
    if (h.prefixStart >= 0) {
      const id = this.store.strings.internBytes(buf, h.prefixStart, h.prefixEnd);
      if (!this.instanceIds.has(id)) {
        this.instanceIds.add(id);
        votes.details.instances.push(this.store.strings.get(id));
      }
    }
  }

  /** Ends ingest: notifies consumers. */
  finish(): void {
    for (const k of this.consumers) k.finish?.(this.store);
  }
}
