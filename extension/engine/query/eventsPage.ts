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
import { NO_KEY } from '../store/eventStore';
import type { EventDecoder } from './eventDecoder';

const CACHED_FILTERS = 4;

/** A compiled filter: null conditions are absent. */
interface Compiled {
  readonly types: Uint8Array | null;
  readonly pids: ReadonlySet<number> | null;
  readonly comms: ReadonlySet<number> | null;
  readonly cpus: ReadonlySet<number> | null;
  readonly devs: ReadonlySet<number> | null;
  readonly inos: ReadonlySet<number> | null;
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
      line[i] = store.line.get(row);
      tsNs[i] = store.absoluteNs(store.ts.get(row));
      cpu[i] = store.cpu.get(row);
      pid[i] = store.pid.get(row);
      comm[i] = idOf(store.strings.get(store.comm.get(row)));
      event[i] = idOf(store.typeName(store.type.get(row)));
      if (withFields) fields.push(this.decoder.fieldViewsOf(row));
    }
    return { file: this.model.path, total, offset: from, row: rowCol, line, tsNs, cpu, pid, comm, event, strings, ...(withFields ? { fields } : {}) };
  }

  private compile(f: EventFilter, findings: readonly Finding[]): Compiled {
    const store = this.model.events;
    let empty = false;
    let types: Uint8Array | null = null;
    if (f.events && f.events.length > 0) {
      const wanted = new Set(f.events);
      types = new Uint8Array(store.typeCount);
      let any = false;
      for (let t = 0; t < store.typeCount; t++) {
        if (wanted.has(store.typeName(t))) {
          types[t] = 1;
          any = true;
        }
      }
      if (!any) empty = true;
    }
    let comms: Set<number> | null = null;
    if (f.comms && f.comms.length > 0) {
      comms = new Set();
      for (const c of f.comms) {
        const id = store.strings.find(c);
        if (id !== undefined) comms.add(id);
      }
      if (comms.size === 0) empty = true;
    }
    let devs: Set<number> | null = null;
    if (f.devices && f.devices.length > 0) {
      devs = new Set(f.devices.map(parseDev).filter((d) => d >= 0));
      if (devs.size === 0) empty = true;
    }
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
      pids: f.pids && f.pids.length > 0 ? new Set(f.pids) : null,
      comms,
      cpus: f.cpus && f.cpus.length > 0 ? new Set(f.cpus) : null,
      devs,
      inos: f.inodes && f.inodes.length > 0 ? new Set(f.inodes) : null,
      rows,
      fromTs: f.from !== undefined ? rel(f.from) - 0.5 : Number.NEGATIVE_INFINITY,
      toTs: f.to !== undefined ? rel(f.to) + 0.5 : Number.POSITIVE_INFINITY,
      fromLine: f.fromLine ?? 0,
      toLine: f.toLine ?? Number.POSITIVE_INFINITY,
      empty,
    };
  }

  /** Every row that matches, in row (file) order. */
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
    const chunks = store.ts.chunkCount;
    for (let ch = 0; ch < chunks; ch++) {
      const base = ch * CHUNK_ROWS;
      const end = Math.min(n, base + CHUNK_ROWS);
      const type = store.type.chunk(ch);
      const ts = store.ts.chunk(ch);
      const pid = store.pid.chunk(ch);
      const cpu = store.cpu.chunk(ch);
      const comm = store.comm.chunk(ch);
      const line = store.line.chunk(ch);
      const dev = store.dev.chunk(ch);
      const ino = store.ino.chunk(ch);
      for (let i = 0; i < end - base; i++) {
        if (c.types !== null && c.types[type[i]!] !== 1) continue;
        if (c.pids !== null && !c.pids.has(pid[i]!)) continue;
        if (c.cpus !== null && !c.cpus.has(cpu[i]!)) continue;
        if (c.comms !== null && !c.comms.has(comm[i]!)) continue;
        const t = ts[i]!;
        if (t < c.fromTs || t > c.toTs) continue;
        const l = line[i]!;
        if (l < c.fromLine || l > c.toLine) continue;
        if (c.devs !== null && (dev[i] === NO_KEY || !c.devs.has(dev[i]!))) continue;
        if (c.inos !== null && (ino[i] === NO_KEY || !c.inos.has(store.inoAt(base + i)))) continue;
        push(base + i);
      }
    }
    return out.slice(0, k);
  }

  private matches(c: Compiled, row: number): boolean {
    const store = this.model.events;
    if (c.types !== null && c.types[store.type.get(row)] !== 1) return false;
    if (c.pids !== null && !c.pids.has(store.pid.get(row))) return false;
    if (c.cpus !== null && !c.cpus.has(store.cpu.get(row))) return false;
    if (c.comms !== null && !c.comms.has(store.comm.get(row))) return false;
    const t = store.ts.get(row);
    if (t < c.fromTs || t > c.toTs) return false;
    const l = store.line.get(row);
    if (l < c.fromLine || l > c.toLine) return false;
    if (c.devs !== null && !c.devs.has(store.devAt(row))) return false;
    if (c.inos !== null && !c.inos.has(store.inoAt(row))) return false;
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
