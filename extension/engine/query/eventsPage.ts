/**
 * eventsPage: the events of a trace model under a filter (event names, tasks, CPUs, devices, inodes,
 * requests, a time or line range, finding evidence), as pages of columns plus the total that matches.
 * The filter runs over the event store's typed-array columns chunk by chunk; the matching rows of the
 * last few filters are cached, so scrolling pages through a filter costs a slice, not a scan.
 */
import type { Finding } from '../contracts/finding';
import type { EventFilter, EventPage, FieldView } from '../contracts/query';
import { clockScale, type TraceModel } from '../model/fileModel';
import { CHUNK_ROWS } from '../store/chunkedColumn';
import type { EventDecoder } from './eventDecoder';

const CACHED_FILTERS = 4;

/** A compiled filter over the store's ids: null conditions are absent. */
interface Compiled {
  /** Per type id / task id / key id: 1 when it passes. */
  readonly types: Uint8Array | null;
  readonly tasks: Uint8Array | null;
  readonly keys: Uint8Array | null;
  readonly cpus: ReadonlySet<number> | null;
  readonly rows: ReadonlySet<number> | null;
  readonly fromTs: number;
  readonly toTs: number;
  readonly fromLine: number;
  readonly toLine: number;
  /** A condition can never hold (an unknown event name or task): no row matches. */
  readonly empty: boolean;
}

function parseDev(text: string): number {
  const m = /^(\d+)[:,](\d+)$/.exec(text.trim());
  return m ? Number(m[1]) * 1048576 + Number(m[2]) : -1;
}

export class EventsQuery {
  private readonly cache = new Map<string, Uint32Array>();
  private readonly tsScratch = new Float64Array(CHUNK_ROWS);
  private readonly lineScratch = new Uint32Array(CHUNK_ROWS);

  constructor(
    private readonly model: TraceModel,
    private readonly decoder: EventDecoder,
  ) {}

  /** Rows matching `filter` (cached); undefined for the empty filter (every row). */
  rows(filter: EventFilter, findings: readonly Finding[] = []): Uint32Array | undefined {
    if (isEmptyFilter(filter)) return undefined;
    const key = JSON.stringify(filter);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const rows = this.scan(this.compile(filter, findings));
    this.cache.set(key, rows);
    if (this.cache.size > CACHED_FILTERS) this.cache.delete(this.cache.keys().next().value!);
    return rows;
  }

  /** Matching events in [offset, offset + limit), with the total. */
  page(filter: EventFilter, offset: number, limit: number, withFields = false, findings: readonly Finding[] = []): EventPage {
    const store = this.model.events;
    const rows = this.rows(filter, findings);
    const total = rows ? rows.length : store.count;
    const from = Math.max(0, Math.min(offset, total));
    const n = Math.max(0, Math.min(limit, total - from));
    const rowCol = new Uint32Array(n);
    const line = new Uint32Array(n);
    const tsNs = new Float64Array(n);
    const cpu = new Uint16Array(n);
    const pid = new Int32Array(n);
    const comm = new Uint32Array(n);
    const event = new Uint32Array(n);
    const strings: string[] = [];
    const local = new Map<string, number>();
    const idOf = (s: string): number => {
      let id = local.get(s);
      if (id === undefined) {
        id = strings.length;
        strings.push(s);
        local.set(s, id);
      }
      return id;
    };
    const fields: FieldView[][] = [];
    for (let i = 0; i < n; i++) {
      const row = rows ? rows[from + i]! : from + i;
      rowCol[i] = row;
      line[i] = store.lineOf(row);
      tsNs[i] = store.absoluteNs(store.tsAt(row));
      cpu[i] = store.cpuAt(row);
      pid[i] = store.pidAt(row);
      comm[i] = idOf(store.strings.get(store.commAt(row)));
      event[i] = idOf(store.typeName(store.typeAt(row)));
      if (withFields) fields.push(this.decoder.fieldViewsOf(row));
    }
    return { file: this.model.path, total, offset: from, row: rowCol, line, tsNs, cpu, pid, comm, event, strings, ...(withFields ? { fields } : {}) };
  }

  private compile(f: EventFilter, findings: readonly Finding[]): Compiled {
    const store = this.model.events;
    let empty = false;
    const mark = (size: number, pass: (id: number) => boolean): Uint8Array => {
      const out = new Uint8Array(size);
      let any = false;
      for (let id = 0; id < size; id++) {
        if (pass(id)) {
          out[id] = 1;
          any = true;
        }
      }
      if (!any) empty = true;
      return out;
    };
    let types: Uint8Array | null = null;
    if (f.events && f.events.length > 0) {
      const wanted = new Set(f.events);
      types = mark(store.typeCount, (t) => wanted.has(store.typeName(t)));
    }
    let tasks: Uint8Array | null = null;
    const pids = f.pids && f.pids.length > 0 ? new Set(f.pids) : null;
    const comms = f.comms && f.comms.length > 0 ? new Set(f.comms) : null;
    if (pids || comms) tasks = mark(store.taskCount, (t) => (pids === null || pids.has(store.taskPid(t))) && (comms === null || comms.has(store.strings.get(store.taskComm(t)))));
    let keys: Uint8Array | null = null;
    const devs = f.devices && f.devices.length > 0 ? new Set(f.devices.map(parseDev)) : null;
    const inos = f.inodes && f.inodes.length > 0 ? new Set(f.inodes) : null;
    if (devs || inos) keys = mark(store.keyCount, (k) => k > 0 && (devs === null || devs.has(store.keyDev(k))) && (inos === null || inos.has(store.keyIno(k))));
    let rows: Set<number> | null = null;
    const addLines = (lines: Iterable<number>): void => {
      for (const l of lines) {
        const r = store.rowOfLine(l);
        if (r >= 0) rows!.add(r);
      }
    };
    if ((f.requests && f.requests.length > 0) || (f.findings && f.findings.length > 0)) {
      rows = new Set();
      const v = this.model.requests;
      for (const id of f.requests ?? []) {
        if (!(id >= 0 && id < v.count)) continue;
        const visit = (r: number, depth: number): void => {
          addLines(v.lines(r));
          if (depth < 16) for (const c of v.children(r)) visit(c, depth + 1);
        };
        visit(id, 0);
      }
      for (const i of f.findings ?? []) {
        const fd = findings[i];
        if (fd === undefined) continue;
        const lines: number[] = fd.file === this.model.path ? [fd.line] : [];
        for (const e of fd.evidence) if (e.file === this.model.path) lines.push(e.line);
        addLines(lines);
      }
      if (rows.size === 0) empty = true;
    }
    const scale = clockScale(this.model);
    const rel = (t: number): number => Math.round(t * scale) - store.absoluteNs(0);
    return {
      types,
      tasks,
      keys,
      cpus: f.cpus && f.cpus.length > 0 ? new Set(f.cpus) : null,
      rows,
      fromTs: f.from !== undefined ? rel(f.from) - 0.5 : Number.NEGATIVE_INFINITY,
      toTs: f.to !== undefined ? rel(f.to) + 0.5 : Number.POSITIVE_INFINITY,
      fromLine: f.fromLine ?? 0,
      toLine: f.toLine ?? Number.POSITIVE_INFINITY,
      empty,
    };
  }

  /** Every row that matches, in row (file) order: one pass over the columns, a chunk at a time. */
  private scan(c: Compiled): Uint32Array {
    const store = this.model.events;
    const n = store.count;
    if (c.empty) return new Uint32Array(0);
    if (c.rows !== null) {
      const sorted = Uint32Array.from(c.rows).sort();
      return sorted.filter((row) => this.matches(c, row));
    }
    let out = new Uint32Array(1024);
    let k = 0;
    const push = (row: number): void => {
      if (k === out.length) {
        const g = new Uint32Array(out.length * 2);
        g.set(out);
        out = g;
      }
      out[k++] = row;
    };
    const needTs = c.fromTs !== Number.NEGATIVE_INFINITY || c.toTs !== Number.POSITIVE_INFINITY;
    const needLine = c.fromLine > 0 || c.toLine !== Number.POSITIVE_INFINITY;
    const chunks = store.type.chunkCount;
    for (let ch = 0; ch < chunks; ch++) {
      const base = ch * CHUNK_ROWS;
      const end = Math.min(n, base + CHUNK_ROWS);
      const type = store.type.chunk(ch);
      const task = store.task.chunk(ch);
      const cpu = store.cpu.chunk(ch);
      const key = store.key.chunk(ch);
      const ts = this.tsScratch;
      const line = this.lineScratch;
      if (needTs) store.ts.decodeChunk(ch, ts);
      if (needLine) store.lines.decode(base, end - base, line);
      for (let i = 0; i < end - base; i++) {
        if (c.types !== null && c.types[type[i]!] !== 1) continue;
        if (c.tasks !== null && c.tasks[task[i]!] !== 1) continue;
        if (c.keys !== null && c.keys[key[i]!] !== 1) continue;
        if (c.cpus !== null && !c.cpus.has(cpu[i]!)) continue;
        if (needTs && (ts[i]! < c.fromTs || ts[i]! > c.toTs)) continue;
        if (needLine && (line[i]! < c.fromLine || line[i]! > c.toLine)) continue;
        push(base + i);
      }
    }
    return out.slice(0, k);
  }

  private matches(c: Compiled, row: number): boolean {
    const store = this.model.events;
    if (c.types !== null && c.types[store.typeAt(row)] !== 1) return false;
    if (c.tasks !== null && c.tasks[store.task.get(row)] !== 1) return false;
    if (c.keys !== null && c.keys[store.key.get(row)] !== 1) return false;
    if (c.cpus !== null && !c.cpus.has(store.cpuAt(row))) return false;
    const t = store.tsAt(row);
    if (t < c.fromTs || t > c.toTs) return false;
    const l = store.lineOf(row);
    if (l < c.fromLine || l > c.toLine) return false;
    return true;
  }
}

/** True when the filter names no condition. */
export function isEmptyFilter(f: EventFilter): boolean {
  return (
    !(f.events && f.events.length > 0) &&
    !(f.pids && f.pids.length > 0) &&
    !(f.comms && f.comms.length > 0) &&
    !(f.cpus && f.cpus.length > 0) &&
    !(f.devices && f.devices.length > 0) &&
    !(f.inodes && f.inodes.length > 0) &&
    !(f.requests && f.requests.length > 0) &&
    !(f.findings && f.findings.length > 0) &&
    f.from === undefined &&
    f.to === undefined &&
    f.fromLine === undefined &&
    f.toLine === undefined
  );
}
