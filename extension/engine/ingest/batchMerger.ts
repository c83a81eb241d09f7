/**
 * BatchMerger: appends EventBatches to the EventStore in file order and does everything that needs the
 * whole file's context: global line numbers and string ids, per-CPU time order, lost-event markers,
 * header comments, format votes, and the streaming consumers (which see events in file order with their
 * decoded payload). Each event goes only to the consumers that want its type (asked once per type),
 * and gets its payload record filled only when some consumer wants it. Lines that are not events go, in
 * order, to the kernel-log parser when one reads the same pass (`LogLineSink`).
 *
 * Batches come from SliceParsers that each keep their own string table (`source` identifies it).
 */
import { PayloadDecoder } from '../decode/payloadDecoder';
import type { DecodedPayload, EventSchema } from '../decode/payloadTypes';
import { LineKind } from '../scan/lineHeader';
import { EventStore, OVERFLOW_TYPE } from '../store/eventStore';
import { SUSPECT_NAME, type EventBatch, type LogLine, type SpecialLine } from './eventBatch';
import { interestedIn, type EventConsumer, type IngestEvent } from './eventConsumer';
import { FormatVotes } from './formatInfo';
import { IngestIssues } from './ingestIssues';

/** Receives the lines of the input that are not events (the kernel-log parser's push API). */
export interface LogLineSink {
  pushLine(text: string, line: number): void;
  pushOverlong(line: number, bytes: number): void;
}

interface SourceMap {
  /** Local string id -> global string id. */
  ids: Int32Array;
  /** Local task / key id -> the store's. */
  tasks: Int32Array;
  keys: Int32Array;
  /** Local string id of an event name -> store type id, -1 until seen. */
  types: Int32Array;
}

export class BatchMerger {
  readonly issues: IngestIssues;
  readonly votes = new FormatVotes();
  /** Lines merged so far (the last line number). */
  lines = 0;
  headerCpus = 0;
  /** The header text that stated `headerCpus` (`cpus=2`, `#P:2`), '' when none did. */
  headerCpusText = '';
  maxCpu = -1;

  private readonly sources = new Map<number, SourceMap>();
  /** Per event type id: a reusable payload record, or null without a known format. */
  private readonly records: (DecodedPayload | null | undefined)[] = [];
  private readonly ev: IngestEvent = { row: 0, line: 0, ts: 0, cpu: 0, pid: 0, comm: 0, type: 0, name: '', payload: undefined };
  private lastTs: number[] = [];
  private lastLine: number[] = [];
  private readonly typeNames: string[] = [];
  private readonly instances = new Set<string>();
  /** Per event type id: the consumers that want it (undefined until the type is first seen). */
  private readonly routes: (readonly EventConsumer[] | undefined)[] = [];
  private readonly decoder: PayloadDecoder;
  /** Global columns of the batch being merged (reused: the store copies them). */
  private scratchTs = new Float64Array(0);
  private scratchTypes = new Uint16Array(0);
  private scratchLines = new Uint32Array(0);

  constructor(
    readonly file: string,
    private readonly consumers: readonly EventConsumer[] = [],
    readonly store: EventStore = new EventStore(),
    private readonly logSink?: LogLineSink,
  ) {
    this.issues = new IngestIssues(file);
    this.decoder = new PayloadDecoder(store.strings);
  }

  /** A line too long to read, between slices. */
  overlongLine(fileOffset: number, length: number): void {
    const line = ++this.lines;
    this.store.addCheckpoint(line, fileOffset);
    this.issues.skip(line, `line of ${length} bytes is longer than the limit and was not read`, '');
    this.logSink?.pushOverlong(line, length);
  }

  /** The consumers that want events of a type. */
  private route(type: number): readonly EventConsumer[] {
    let r = this.routes[type];
    if (r === undefined) {
      const name = this.typeName(type);
      r = this.consumers.filter((c) => interestedIn(c.interest, name));
      this.routes[type] = r;
    }
    return r;
  }

  /** Merges the next batch of the file; `source` names the parser that made it, `fileOffset` where its slice starts. */
  merge(batch: EventBatch, source: number, fileOffset: number): void {
    const base = this.lines;
    const ids = this.mapStrings(source, batch);
    const store = this.store;
    const cp = batch.checkpoints;
    for (let i = 0; i < cp.length; i += 2) store.addCheckpoint(base + cp[i]! + 1, fileOffset + cp[i + 1]!);
    this.mergeVotes(batch);
    // Columns in global terms, in tight loops over the batch's arrays (no per-event objects).
    const n = batch.n;
    const typeOf = this.sourceTypes(source, batch);
    if (this.scratchTs.length < n) this.growScratch(n);
    const ts = this.scratchTs;
    const types = this.scratchTypes;
    const lines = this.scratchLines;
    const { tasks: taskMap, keys: keyMap } = this.mapTasksAndKeys(source, batch, ids);
    const task = batch.task;
    const key = batch.key;
    const cpus = batch.cpu;
    for (let i = 0; i < n; i++) {
      ts[i] = store.relative(batch.tsHi[i]!, batch.tsLo[i]!);
      types[i] = typeOf[batch.name[i]!]!;
      lines[i] = base + batch.line[i]! + 1;
      task[i] = taskMap[task[i]!]!;
      key[i] = keyMap[key[i]!]!;
      const cpu = cpus[i]!;
      if (cpu > this.maxCpu) this.growCpus(cpu);
      const t = ts[i]!;
      if (t < this.lastTs[cpu]!) this.issues.timestampDisorder(lines[i]!, this.lastLine[cpu]!, cpu, this.lastTs[cpu]!, t);
      else {
        this.lastTs[cpu] = t;
        this.lastLine[cpu] = lines[i]!;
      }
    }
    if (store.overflowNames > 0 && !this.overflowReported) this.reportOverflow(types, lines, n);
    const firstRow = store.count;
    store.appendColumns(ts, cpus, task, types, lines, key, n);
    let mismatch = 0;
    if (batch.mismatchSamples.length > 0) {
      for (let i = 0; i < n; i++) {
        if (batch.payOff[i] === -2) this.issues.payloadMismatch(lines[i]!, this.typeName(types[i]!), batch.mismatchSamples[mismatch++] ?? '');
      }
    }
    const specials = batch.specials;
    if (this.consumers.length === 0) {
      for (const sp of specials) this.special(sp, base);
    } else {
      // Consumers see events and gaps in file order, with decoded payloads.
      let si = 0;
      const ev = this.ev;
      for (let i = 0; i < n; i++) {
        while (si < specials.length && specials[si]!.line < batch.line[i]!) this.special(specials[si++]!, base);
        const targets = this.route(types[i]!);
        if (targets.length === 0) continue;
        const off = batch.payOff[i]!;
        ev.row = firstRow + i;
        ev.line = lines[i]!;
        ev.ts = ts[i]!;
        ev.cpu = cpus[i]!;
        ev.pid = store.taskPid(task[i]!);
        ev.comm = store.taskComm(task[i]!);
        ev.type = types[i]!;
        ev.name = this.typeName(types[i]!);
        ev.payload = off >= 0 ? this.payload(types[i]!, batch, off, ids) : undefined;
        for (let k = 0; k < targets.length; k++) targets[k]!.onEvent(ev, store);
      }
      while (si < specials.length) this.special(specials[si++]!, base);
    }
    if (this.logSink) this.logLines(batch.logLines, base);
    this.lines = base + batch.lineCount;
  }

  private overflowReported = false;

  /** The first event whose name is beyond the 65535 the store keeps apart (see OVERFLOW_TYPE). */
  private reportOverflow(types: Uint16Array, lines: Uint32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      if (types[i] !== OVERFLOW_TYPE) continue;
      this.overflowReported = true;
      this.issues.tooManyEventNames(lines[i]!, OVERFLOW_TYPE);
      return;
    }
  }

  private growScratch(n: number): void {
    const size = Math.max(n, this.scratchTs.length * 2);
    this.scratchTs = new Float64Array(size);
    this.scratchTypes = new Uint16Array(size);
    this.scratchLines = new Uint32Array(size);
  }

  private logLines(list: readonly LogLine[], base: number): void {
    const sink = this.logSink!;
    for (const l of list) {
      if (l.text === null) sink.pushOverlong(base + l.line + 1, l.bytes);
      else sink.pushLine(l.text, base + l.line + 1);
    }
  }

  private growCpus(cpu: number): void {
    this.maxCpu = cpu;
    while (this.lastTs.length <= cpu) {
      this.lastTs.push(Number.NEGATIVE_INFINITY);
      this.lastLine.push(0);
    }
  }

  /** Type ids of a source's local event-name ids (cached per source; -1 until seen). */
  private sourceTypes(source: number, batch: EventBatch): Int32Array {
    const m = this.sources.get(source)!;
    const size = m.ids.length;
    if (m.types.length < size) {
      const grown = new Int32Array(size).fill(-1);
      grown.set(m.types);
      m.types = grown;
    }
    const types = m.types;
    const names = batch.name;
    for (let i = 0; i < batch.n; i++) {
      const local = names[i]!;
      if (types[local]! < 0) types[local] = this.store.typeId(m.ids[local]!);
    }
    return types;
  }

  /** The file is complete: notifies consumers. */
  finish(): void {
    for (const k of this.consumers) k.finish?.(this.store);
  }

  private typeName(type: number): string {
    let n = this.typeNames[type];
    if (n === undefined) {
      n = this.store.typeName(type);
      this.typeNames[type] = n;
    }
    return n;
  }

  /** Fills the reusable record of the event's schema from the batch, with global string ids. */
  private payload(type: number, batch: EventBatch, off: number, ids: Int32Array): DecodedPayload | undefined {
    let rec = this.records[type];
    if (rec === undefined) {
      const schema: EventSchema | undefined = this.decoder.schema(this.typeName(type));
      rec = schema ? { schema, variant: 0, num: new Float64Array(schema.fields.length), str: new Int32Array(schema.fields.length) } : null;
      this.records[type] = rec;
    }
    if (rec === null) return undefined;
    const k = rec.num.length;
    for (let j = 0; j < k; j++) {
      rec.num[j] = batch.num[off + j]!;
      const sid = batch.str[off + j]!;
      rec.str[j] = sid >= 0 ? ids[sid]! : -1;
    }
    return rec;
  }

  private special(sp: SpecialLine, base: number): void {
    const line = base + sp.line + 1;
    switch (sp.kind) {
      case -1:
        this.issues.skip(line, sp.note, sp.text);
        return;
      case SUSPECT_NAME:
        this.issues.suspectName(line, sp.what, sp.note, sp.text);
        return;
      case LineKind.Lost:
        this.issues.lostMarker(line, sp.cpu, sp.count, sp.what);
        for (const k of this.consumers) k.onGap?.(sp.cpu, line);
        return;
      case LineKind.BufferStarted:
        this.issues.lostMarker(line, sp.cpu, -1, 'buffer-started');
        for (const k of this.consumers) k.onGap?.(sp.cpu, line);
        return;
      case LineKind.Comment:
        this.comment(sp.text, line, sp.count);
        return;
      case LineKind.Preamble:
        this.votes.traceCmdPreamble = true;
        if (sp.what === 'cpus') this.headerCpusFrom(sp.count, `cpus=${sp.count}`);
        if (sp.what === 'version') this.votes.details.traceCmdVersion = sp.count;
        return;
      default:
        return;
    }
  }

  /** The CPU numbers that had events, ascending. */
  seenCpus(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.lastTs.length; c++) if (this.lastTs[c] !== Number.NEGATIVE_INFINITY) out.push(c);
    return out;
  }

  private headerCpusFrom(n: number, text: string): void {
    if (n <= this.headerCpus) return;
    this.headerCpus = n;
    this.headerCpusText = text;
  }

  private comment(text: string, line: number, cpus: number): void {
    if (cpus > 0) this.headerCpusFrom(cpus, `#P:${cpus}`);
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
      if (lost > 0) this.issues.lostMarker(line, -1, lost, 'overrun');
    }
  }

  private mergeVotes(batch: EventBatch): void {
    const v = batch.votes;
    const f = this.votes;
    for (let i = 0; i < 3; i++) f.layouts[i]! += v.layouts[i]!;
    const d = f.details;
    if (v.irqInfo) d.irqInfo = true;
    if (v.recordTgid) d.recordTgid = true;
    if (v.tsDiff) d.tsDiff = true;
    if (v.counterClock) d.clock = 'counter';
    if (v.timestampDigits > d.timestampDigits) d.timestampDigits = v.timestampDigits;
    f.kernelSpellings += v.kernelSpellings;
    f.rawPayloads += v.rawPayloads;
    f.templatePayloads += v.templatePayloads;
    f.kernelLogLines += v.kernelLogLines;
    for (const name of v.instances) {
      if (!this.instances.has(name)) {
        this.instances.add(name);
        d.instances.push(name);
      }
    }
  }

  /** Maps the batch's new local tasks and keys (of `source`) to the store's. */
  private mapTasksAndKeys(source: number, batch: EventBatch, ids: Int32Array): { tasks: Int32Array; keys: Int32Array } {
    const m = this.sources.get(source)!;
    const nt = batch.taskBase + batch.newTasks.length / 2;
    if (nt > m.tasks.length) m.tasks = grow(m.tasks, nt);
    for (let k = 0; k < batch.newTasks.length; k += 2) m.tasks[batch.taskBase + k / 2] = this.store.internTask(batch.newTasks[k]!, ids[batch.newTasks[k + 1]!]!);
    const nk = batch.keyBase + batch.newKeys.length / 2;
    if (nk > m.keys.length) m.keys = grow(m.keys, nk);
    for (let k = 0; k < batch.newKeys.length; k += 2) m.keys[batch.keyBase + k / 2] = this.store.internKey(batch.newKeys[k]!, batch.newKeys[k + 1]!);
    return { tasks: m.tasks, keys: m.keys };
  }

  /** Maps the batch's local string ids (of `source`) to global ones, adding the batch's new strings. */
  private mapStrings(source: number, batch: EventBatch): Int32Array {
    let m = this.sources.get(source);
    if (m === undefined) {
      m = { ids: new Int32Array(1024), types: new Int32Array(1024).fill(-1), tasks: new Int32Array(256), keys: new Int32Array(16) };
      this.sources.set(source, m);
    }
    const need = batch.stringBase + batch.strings.length;
    if (need > m.ids.length) {
      let size = m.ids.length;
      while (size < need) size *= 2;
      const grown = new Int32Array(size);
      grown.set(m.ids);
      m.ids = grown;
    }
    for (let i = 0; i < batch.strings.length; i++) m.ids[batch.stringBase + i] = this.store.strings.intern(batch.strings[i]!);
    return m.ids;
  }
}

/** A copy of `a` at least `n` long (doubling). */
function grow(a: Int32Array, n: number): Int32Array {
  let size = a.length;
  while (size < n) size *= 2;
  const g = new Int32Array(size);
  g.set(a);
  return g;
}
