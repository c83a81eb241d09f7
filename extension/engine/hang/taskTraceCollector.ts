/**
 * TaskTraceCollector: the few trace facts the blocked-task analysis needs from a trace, gathered while it
 * streams: `sched_process_hang` events (the hung-task detector firing, which aligns a log with the trace),
 * switches out in D state per pid (when a task blocked), and `btrfs_sync_file` per pid (the inode an fsync
 * works on). Everything is kept per pid and bounded; timestamps stay relative ns until `finish`.
 */
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';

export interface TraceHang {
  readonly pid: number;
  readonly comm: string;
  /** Seconds in the trace clock. */
  readonly ts: number;
  readonly line: number;
}

export interface TraceMark {
  /** Seconds in the trace clock. */
  readonly ts: number;
  readonly line: number;
}

export interface TraceSync extends TraceMark {
  readonly ino: number;
}

const MAX_PER_PID = 16;

export class TaskTraceCollector implements EventConsumer {
  readonly hangs: TraceHang[] = [];
  /** pid → switches out in D state (the last MAX_PER_PID). */
  readonly dSwitches = new Map<number, TraceMark[]>();
  /** pid → btrfs_sync_file calls (the last MAX_PER_PID). */
  readonly syncs = new Map<number, TraceSync[]>();
  private raw: { kind: 0 | 1 | 2; pid: number; comm: string; ts: number; line: number; ino: number }[] = [];
  private store: EventStore | undefined;

  readonly interest: EventInterest = { names: ['sched_process_hang', 'sched_switch', 'btrfs_sync_file'] };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    const p = ev.payload;
    if (p === undefined) return;
    if (name === 'sched_process_hang') {
      const commId = p.str[p.schema.slot('comm')]!;
      this.raw.push({ kind: 0, pid: p.num[p.schema.slot('pid')]!, comm: commId >= 0 ? store.strings.get(commId) : '', ts: ev.ts, line: ev.line, ino: -1 });
    } else if (name === 'sched_switch') {
      const st = p.str[p.schema.slot('prev_state')]!;
      if (st < 0 || !store.strings.get(st).startsWith('D')) return;
      this.raw.push({ kind: 1, pid: p.num[p.schema.slot('prev_pid')]!, comm: '', ts: ev.ts, line: ev.line, ino: -1 });
    } else {
      this.raw.push({ kind: 2, pid: ev.pid, comm: '', ts: ev.ts, line: ev.line, ino: p.num[p.schema.slot('ino')]! });
    }
    if (this.raw.length > 1_000_000) this.compact(store);
  }

  finish(store: EventStore): void {
    this.compact(store);
  }

  private compact(store: EventStore): void {
    this.store = store;
    const sec = (rel: number): number => store.absoluteNs(rel) / 1e9;
    for (const r of this.raw) {
      if (r.kind === 0) this.hangs.push({ pid: r.pid, comm: r.comm, ts: sec(r.ts), line: r.line });
      else if (r.kind === 1) push(this.dSwitches, r.pid, { ts: sec(r.ts), line: r.line });
      else push(this.syncs, r.pid, { ts: sec(r.ts), line: r.line, ino: r.ino });
    }
    this.raw = [];
  }

  get finished(): boolean {
    return this.store !== undefined;
  }
}

function push<T>(m: Map<number, T[]>, pid: number, v: T): void {
  let list = m.get(pid);
  if (list === undefined) m.set(pid, (list = []));
  list.push(v);
  if (list.length > MAX_PER_PID) list.shift();
}
