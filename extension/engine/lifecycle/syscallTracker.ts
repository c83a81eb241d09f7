/**
 * SyscallTracker: pairs `sys_enter_X` with `sys_exit_X` per task for the file I/O syscalls (read, pread64,
 * readv, preadv, preadv2, write, pwrite64, writev, pwritev, pwritev2, fallocate, fsync, fdatasync,
 * sync_file_range, ftruncate, copy_file_range, splice, sendfile64, io_uring_enter) and makes one `syscall`
 * request per call with its fd, byte count, position, flags and return value.
 *
 * Invariants: a task is in at most one syscall at a time, so the open call is keyed by pid alone; an exit
 * without its enter (the trace started inside the call) is ignored; an enter that is followed by another
 * enter of the same task closes nothing (the first stays incomplete: its exit was lost). Both spellings
 * (kernel `sys_pread64(...)` / `-> 0x...` and trace-cmd `sys_enter_pread64:`) reach us as the tracefs names.
 * The filesystem tracker fills what a syscall does not print (the length of a readv, the file, i_size).
 */
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';
import type { IoRequest, RequestSet } from './ioRequest';
import { SYSCALL_SPECS, RWF_NOWAIT, type SyscallSpec } from './syscallSpecs';

const ENTER = 'sys_enter_';
const EXIT = 'sys_exit_';

function field(p: DecodedPayload, name: string): number {
  const s = p.schema.slot(name);
  return s < 0 ? NaN : p.num[s]!;
}

export class SyscallTracker implements EventConsumer {
  /** pid -> the syscall it is in. */
  private readonly open = new Map<number, IoRequest>();

  constructor(private readonly requests: RequestSet) {}

  /** The file I/O syscall `pid` is inside (not io_uring_enter), or undefined. */
  fileSyscallOf(pid: number): IoRequest | undefined {
    const r = this.open.get(pid);
    return r && r.op !== 'io_uring_enter' ? r : undefined;
  }

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    if (name.charCodeAt(0) !== 115 /* s */ || name.charCodeAt(3) !== 95 /* _ */) return;
    if (name.startsWith(ENTER)) {
      const spec = SYSCALL_SPECS.get(name.slice(ENTER.length));
      if (spec) this.enter(ev, store, spec);
    } else if (name.startsWith(EXIT)) {
      const spec = SYSCALL_SPECS.get(name.slice(EXIT.length));
      if (spec) this.exit(ev, spec);
    }
  }

  private enter(ev: IngestEvent, store: EventStore, spec: SyscallSpec): void {
    const r = this.requests.create('syscall', spec.name, { name: 'enter', ts: ev.ts, line: ev.line });
    r.pid = ev.pid;
    r.comm = store.strings.get(ev.comm);
    const p = ev.payload;
    r.details['syscall'] = spec.name;
    r.details['direction'] = spec.direction;
    if (p) {
      const fd = field(p, spec.fdField);
      if (!Number.isNaN(fd)) r.details['fd'] = fd;
      if (spec.countField) {
        const n = field(p, spec.countField);
        if (!Number.isNaN(n)) r.length = n;
      }
      r.offset = position(p, spec);
      if (spec.hasRwFlags) {
        const flags = field(p, 'flags');
        if (!Number.isNaN(flags)) {
          r.details['flags'] = flags;
          if ((flags & RWF_NOWAIT) !== 0) r.details['nowait'] = true;
        }
      }
      if (spec.name === 'fallocate') {
        const mode = field(p, 'mode');
        if (!Number.isNaN(mode)) r.details['mode'] = mode;
      }
    }
    this.open.set(ev.pid, r);
  }

  /**
   * read/write/readv/writev name no position: infer it per (pid, fd) from the previous call with a known
   * position (a positional call like pread64 does not move the file position).
   */
  finish(): void {
    const next = new Map<string, number>();
    for (const r of this.requests.requests) {
      if (r.layer !== 'syscall') continue;
      const spec = SYSCALL_SPECS.get(r.op);
      const fd = r.details['fd'];
      if (!spec || (spec.direction !== 'read' && spec.direction !== 'write') || typeof fd !== 'number' || spec.posField) continue;
      const key = `${r.pid}:${fd}`;
      if (r.offset < 0) {
        const at = next.get(key);
        if (at !== undefined) {
          r.offset = at;
          r.details['offsetFrom'] = 'previous call on the fd';
        }
      }
      if (r.offset >= 0 && r.result !== undefined && r.result >= 0) next.set(key, r.offset + r.result);
      else next.delete(key);
    }
  }

  private exit(ev: IngestEvent, spec: SyscallSpec): void {
    const r = this.open.get(ev.pid);
    if (!r || r.op !== spec.name) return;
    this.open.delete(ev.pid);
    const ret = ev.payload ? field(ev.payload, 'ret') : NaN;
    r.result = Number.isNaN(ret) ? undefined : ret;
    r.complete = true;
    this.requests.addStage(r, { name: 'exit', ts: ev.ts, line: ev.line });
    finishChildren(this.requests, r);
  }
}

/** The file position a call names: `pos`, `offset`, or `pos_l`/`pos_h` (-1 there = the current position). */
function position(p: DecodedPayload, spec: SyscallSpec): number {
  if (!spec.posField) return -1;
  if (spec.posField === 'pos_l') {
    const lo = field(p, 'pos_l');
    const hi = field(p, 'pos_h');
    if (Number.isNaN(lo)) return -1;
    // preadv2/pwritev2 with pos -1 use the current position; the kernel prints the halves as unsigned longs.
    if (lo === 0xffffffff || lo >= 2 ** 64 - 1 || lo === -1) return -1;
    return lo + (Number.isNaN(hi) ? 0 : hi * 2 ** 32);
  }
  const v = field(p, spec.posField);
  return Number.isNaN(v) || v < 0 || v >= 2 ** 63 ? -1 : v;
}

/**
 * A parent (syscall or io_uring request) completed: its filesystem children that have no completion
 * event of their own (buffered reads and writes) end with it; an only child takes its result.
 */
export function finishChildren(requests: RequestSet, parent: IoRequest): void {
  const last = parent.stages[parent.stages.length - 1];
  if (!last) return;
  for (const id of parent.children) {
    const c = requests.requests[id];
    if (!c || c.complete || c.layer !== 'fs') continue;
    c.complete = true;
    if (parent.children.length === 1) c.result = parent.result;
    c.details['endedWith'] = parent.layer;
    requests.addStage(c, { name: 'parent-complete', ts: last.ts, line: last.line });
  }
}
