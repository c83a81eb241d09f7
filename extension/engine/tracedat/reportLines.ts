/**
 * ReportLines: renders the merged records of a trace.dat as `trace-cmd report` (3.x) prints them, line
 * for line: a `cpus=N` header, then per record
 *   `%16s-%-5d [%03d] %5llu.%06llu: %s: <pad to 20> <payload>`
 * (comm from the saved cmdlines, `<idle>` / `<...>`; seconds.microseconds for nanosecond clocks, raw
 * ticks in `%12llu:` otherwise; with instances each line starts with the buffer name padded to the
 * longest, `name: ` or blanks for the top buffer), and `CPU:N [M EVENTS DROPPED]` lines where a page says
 * events were lost. Strings are byte strings (latin1), so bytes the kernel stored come out unchanged.
 *
 * The payload comes from the event's format (`printFmt`); an event whose format is missing or does not
 * evaluate is rendered with what trace-cmd prints for it and counted.
 */
import { Cmdlines } from './cmdlines';
import type { DatMeta } from './datMeta';
import type { DatRecords } from './datRecords';
import { DatEventFormats } from './datEventFormats';

const SPACES = ' '.repeat(64);

function padStart(s: string, w: number): string {
  return s.length >= w ? s : SPACES.slice(0, w - s.length) + s;
}

export class ReportLines {
  readonly header: string;
  private readonly cmdlines: Cmdlines;
  private readonly prefixes: string[];
  private readonly usecs: boolean;
  private readonly mult: number;
  private readonly shift: number;
  private readonly tscOffset: number;
  private readonly tsOffset: number;
  private readonly commCache = new Map<number, string>();
  private readonly cpuCache: string[] = [];
  private readonly headCache = new Map<string, string>();
  private lastSec = -1;
  private lastSecText = '';

  constructor(
    readonly meta: DatMeta,
    readonly records: DatRecords,
    readonly formats: DatEventFormats,
  ) {
    this.cmdlines = new Cmdlines(meta.cmdlines);
    const top = meta.buffers.find((b) => b.name === '' && !b.latency);
    const cpus = top ? Math.max(top.cpus.length, ...top.cpus.map((c) => c.cpu + 1)) : meta.cpuCount;
    this.header = `cpus=${cpus}\n`;
    const instances = meta.buffers.filter((b) => b.name !== '').length > 0;
    const width = Math.max(0, ...meta.buffers.map((b) => b.name.length));
    this.prefixes = meta.buffers.map((b) => (!instances ? '' : b.name ? `${padStart(b.name, width)}: ` : `${SPACES.slice(0, width)}  `.padEnd(width + 2)));
    this.usecs = meta.inUsecs;
    this.mult = meta.tsc2nsec?.mult ?? 0;
    this.shift = meta.tsc2nsec?.shift ?? 0;
    this.tscOffset = Number(meta.tsc2nsec?.offset ?? 0n);
    this.tsOffset = Number(meta.tsOffset);
  }

  /** The time stamp trace-cmd shows for a raw one (TSC conversion, then the file's offset). */
  time(raw: number): number {
    let ts = raw;
    if (this.mult) ts = Number((BigInt(Math.round(ts)) * BigInt(this.mult)) >> BigInt(this.shift)) + this.tscOffset;
    return ts + this.tsOffset;
  }

  /** `      comm-pid   [` for a pid: from the saved cmdlines (cached), else a comm a plugin registered before this record. */
  private task(pid: number, seq: number): string {
    const c = this.commCache.get(pid);
    if (c !== undefined) return c;
    const t = `${padStart(this.commOf(pid, seq), 16)}-${String(pid).padEnd(5)} [`;
    if (this.stableComm(pid) && this.commCache.size < 100_000) this.commCache.set(pid, t);
    return t;
  }

  /** The comm trace-cmd shows for `pid` at record `seq` (unpadded). */
  commOf(pid: number, seq: number): string {
    const reg = this.formats.registered.get(pid);
    if (reg !== undefined && reg.seq < seq && !this.cmdlines.has(pid)) return reg.comm;
    return this.cmdlines.comm(pid);
  }

  /** Whether the comm of `pid` is the same for every record (from the saved cmdlines). */
  stableComm(pid: number): boolean {
    return this.cmdlines.has(pid);
  }

  private cpuText(cpu: number): string {
    let t = this.cpuCache[cpu];
    if (t === undefined) t = this.cpuCache[cpu] = `${cpu < 10 ? `00${cpu}` : cpu < 100 ? `0${cpu}` : String(cpu)}] `;
    return t;
  }

  /** ` name: ` padded as trace-cmd pads it, cached per event type. */
  private head(name: string): string {
    let h = this.headCache.get(name);
    if (h === undefined) {
      h = ` ${name}: ${name.length < 20 ? SPACES.slice(0, 20 - name.length) : ''}`;
      this.headCache.set(name, h);
    }
    return h;
  }

  /** The microseconds trace-cmd prints for a time stamp in ns (rounded to the nearest). */
  static microseconds(ts: number): number {
    return Math.floor((ts + 500) / 1000);
  }

  private timeText(ts: number): string {
    if (!this.usecs) return `${padStart(String(ts), 12)}:`;
    const us = ReportLines.microseconds(ts);
    const sec = Math.floor(us / 1e6);
    if (sec !== this.lastSec) {
      this.lastSec = sec;
      this.lastSecText = `${padStart(String(sec), 5)}.`;
    }
    const frac = us - sec * 1e6;
    return `${this.lastSecText}${frac >= 100000 ? String(frac) : String(frac + 1000000).slice(1)}:`;
  }

  /**
   * The text of the record `stream` currently holds (one or two lines, each ending in '\n'); `seq` is the
   * record's number in the merged order (plugins' comm registrations apply to later records only).
   */
  render(stream: number, seq: number): string {
    const st = this.records.streams[stream]!;
    const c = st.cursor;
    const prefix = this.prefixes[st.buffer]!;
    const ev = this.formats.lookup(c.data, c.start, c.length);
    const pid = this.formats.pid(c.data, c.start, c.length);
    const task = this.task(pid, seq);
    const ts = this.time(c.ts);
    this.formats.seq = seq;
    let payload = this.formats.payload(ev, c.data, c.start, c.length, c.cpu, ts);
    if (payload.length > 0 && payload.charCodeAt(payload.length - 1) === 10) payload = payload.slice(0, -1);
    const line = `${prefix}${task}${this.cpuText(c.cpu)}${this.timeText(ts)}${this.head(ev ? ev.name : '(NULL)')}${payload}\n`;
    if (c.missed === 0) return line;
    return `${prefix}CPU:${c.cpu} [${c.missed > 0 ? `${c.missed} ` : ''}EVENTS DROPPED]\n${line}`;
  }
}
