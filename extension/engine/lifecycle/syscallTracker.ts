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
import { num, SlotCache } from '../decode/fieldAccess';
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { RequestSet } from '../requests/requestSet';
import { SYSCALL_SPECS, RWF_NOWAIT, type SyscallSpec } from './syscallSpecs';

const ENTER = 'sys_enter_';
const EXIT = 'sys_exit_';

const FIELDS = ['fd', 'fd_in', 'fd_out', 'in_fd', 'count', 'len', 'nbytes', 'pos', 'offset', 'pos_l', 'pos_h', 'flags', 'mode', 'ret'] as const;
const SLOTS = new SlotCache(FIELDS);

/** A syscall argument (or `ret`) by name; NaN when the event does not have it. */
function field(p: DecodedPayload, name: string): number {
  const slots = SLOTS.of(p.schema) as Readonly<Record<string, number>>;
  return num(p, slots[name] ?? -1);
}

export class SyscallTracker implements EventConsumer {
  /** pid -> the syscall request it is in. */
  private readonly open = new Map<number, number>();

  constructor(private readonly requests: RequestSet) {}

  readonly interest: EventInterest = {
    names: [...SYSCALL_SPECS.keys()].flatMap((n) => [ENTER + n, EXIT + n]),
  };

  /** The file I/O syscall `pid` is inside (not io_uring_enter), or -1. */
  fileSyscallOf(pid: number): number {
    const r = this.open.get(pid);
    return r !== undefined && this.requests.op(r) !== 'io_uring_enter' ? r : -1;
  }

  onEvent(ev: IngestEvent): void {
    const name = ev.name;
    if (name.startsWith(ENTER)) {
      const spec = SYSCALL_SPECS.get(name.slice(ENTER.length));
      if (spec) this.enter(ev, spec);
    } else {
      const spec = SYSCALL_SPECS.get(name.slice(EXIT.length));
      if (spec) this.exit(ev, spec);
    }
  }

  private enter(ev: IngestEvent, spec: SyscallSpec): void {
    const rs = this.requests;
    const r = rs.create('syscall', spec.name, 'enter', ev.ts, ev.line);
    rs.setTask(r, ev.pid, ev.comm);
    const p = ev.payload;
    if (p) {
      const fd = field(p, spec.fdField);
      if (!Number.isNaN(fd)) rs.syscall.put(r, 'fd', fd);
      if (spec.countField) {
        const n = field(p, spec.countField);
        if (!Number.isNaN(n)) rs.setLength(r, n);
      }
      rs.setOffset(r, position(p, spec));
      if (spec.hasRwFlags) {
        const flags = field(p, 'flags');
        if (!Number.isNaN(flags)) {
          rs.syscall.put(r, 'flags', flags);
          if ((flags & RWF_NOWAIT) !== 0) rs.syscall.put(r, 'nowait', true);
        }
      }
      if (spec.name === 'fallocate') {
        const mode = field(p, 'mode');
        if (!Number.isNaN(mode)) rs.syscall.put(r, 'mode', mode);
      }
    }
    this.open.set(ev.pid, r);
  }

  /**
   * read/write/readv/writev name no position: infer it per (pid, fd) from the previous call with a known
   * position (a positional call like pread64 does not move the file position).
   */
  finish(): void {
    const rs = this.requests;
    const next = new Map<string, number>();
    for (let r = 0; r < rs.count; r++) {
      if (rs.layerCode(r) !== 0) continue;
      const spec = SYSCALL_SPECS.get(rs.op(r));
      const fd = rs.syscall.get(r, 'fd');
      if (!spec || (spec.direction !== 'read' && spec.direction !== 'write') || fd === undefined || spec.posField) continue;
      const key = `${rs.pid(r)}:${fd}`;
      if (rs.offset(r) < 0) {
        const at = next.get(key);
        if (at !== undefined) {
          rs.setOffset(r, at);
          rs.syscall.put(r, 'offsetFromPrevious', true);
        }
      }
      const result = rs.result(r);
      if (rs.offset(r) >= 0 && result !== undefined && result >= 0) next.set(key, rs.offset(r) + result);
      else next.delete(key);
    }
  }

  private exit(ev: IngestEvent, spec: SyscallSpec): void {
    const r = this.open.get(ev.pid);
    const rs = this.requests;
    if (r === undefined || rs.op(r) !== spec.name) return;
    this.open.delete(ev.pid);
    const ret = ev.payload ? field(ev.payload, 'ret') : NaN;
    rs.setResult(r, Number.isNaN(ret) ? undefined : ret);
    rs.complete(r);
    rs.addStage(r, 'exit', ev.ts, ev.line);
    finishChildren(rs, r);
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
export function finishChildren(rs: RequestSet, parent: number): void {
  const kids = rs.children(parent);
  if (kids.length === 0) return;
  const ts = rs.lastTs(parent);
  const line = rs.lastLine(parent);
  for (const c of kids) {
    if (rs.isComplete(c) || rs.layer(c) !== 'fs') continue;
    rs.complete(c);
    if (kids.length === 1) rs.setResult(c, rs.result(parent));
    rs.fs.put(c, 'endedWith', rs.layer(parent));
    rs.addStage(c, 'parent-complete', ts, line);
  }
}
