/**
 * `short-read`: a read that returned fewer bytes than it asked for although the file had more data in the
 * requested range (the range did not reach EOF), judged at the top of each request chain: `sys_exit_*`
 * ret vs the count, `io_uring_complete` res vs the length of its filesystem events, `iomap_dio_complete`
 * ret vs the begin's length for direct I/O without a traced caller.
 *
 * EOF is i_size at the time of the read (`disize` / `size` of the request's own filesystem events, else of
 * other events of the same file, see fsResolve). A read that returns exactly the bytes up to EOF (crossing
 * or starting at EOF) is no finding; it is marked `eof: true` in the request's details. When i_size is
 * unknown (btrfs prints none), the next read of the same fd decides: -EIO means the read stopped at an I/O
 * error part-way (a finding), 0 means EOF. Errors (negative results) are not short reads.
 *
 * Messages and details carry no line numbers or pointers, so the kernel's text and trace-cmd's rendering
 * of the same events give identical findings (only `line` and `evidence` differ).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { errnoNames } from '../decode/errnoNames';
import type { IoRequest, RequestSet } from '../lifecycle/ioRequest';
import { isReadOpcode } from '../lifecycle/ioUringMatch';
import { isReadSyscall } from '../lifecycle/syscallSpecs';
import type { Detector, DetectorContext } from './detector';

const MAX_EVIDENCE = 64;
/** Syscalls that read at the current file position. */
const SEQUENTIAL = new Set(['read', 'readv']);

/** True for a read request at the top of its chain (what the application saw). */
export function isRootRead(r: IoRequest): boolean {
  if (r.parent >= 0) return false;
  if (r.layer === 'syscall') return isReadSyscall(r.op);
  if (r.layer === 'io_uring') return isReadOpcode(r.op);
  return r.layer === 'fs' && r.op.endsWith('-read');
}

/** Every line of a request and of the requests below it, sorted. */
export function chainLines(set: RequestSet, r: IoRequest, into: Set<number> = new Set()): Set<number> {
  for (const l of r.lines) into.add(l);
  for (const id of r.children) {
    const c = set.requests[id];
    if (c && c.layer !== 'block') chainLines(set, c, into);
    else if (c) for (const l of c.lines) into.add(l);
  }
  return into;
}

function errText(ret: number): string {
  const n = errnoNames.name(ret);
  return n ? `-${n} (${ret})` : String(ret);
}

function describe(r: IoRequest): string {
  if (r.layer === 'syscall') return `${r.op}(fd ${String(r.details['fd'] ?? '?')})`;
  if (r.layer === 'io_uring') return `io_uring ${r.op} user_data ${String(r.details['user_data'] ?? '?')}`;
  return `${r.op} of ino ${r.ino}`;
}

/** Whether the request or a filesystem request below it ran with IOCB_NOWAIT / RWF_NOWAIT. */
function nowait(set: RequestSet, r: IoRequest): boolean {
  if (r.details['nowait'] === true) return true;
  return r.children.some((id) => set.requests[id]?.details['nowait'] === true);
}

function why(set: RequestSet, r: IoRequest, returned: number, next: IoRequest | undefined): string {
  if (next && next.result !== undefined && next.result < 0) {
    return `I/O error after ${returned} bytes: the next read of the same file failed with ${errText(next.result)}`;
  }
  if (nowait(set, r)) return 'RWF_NOWAIT: only the cached part was returned (the call does not wait for the rest to be read)';
  if (r.layer === 'io_uring' && r.details['retries'] === undefined) {
    return 'io_uring completed with the cached part and did not retry the remainder (a read issued without waiting, RWF_NOWAIT / REQ_F_NOWAIT)';
  }
  if (r.layer === 'fs' && r.op === 'direct-read') return 'the direct I/O completed short before EOF';
  return 'the filesystem returned fewer bytes than requested before EOF';
}

export class ShortReadDetector implements Detector {
  readonly kind = 'short-read';
  readonly description = FINDING_KINDS['short-read'].description;

  findings(ctx: DetectorContext): Finding[] {
    const set = ctx.requests;
    const nextOnFd = nextReads(set);
    const out: Finding[] = [];
    for (const r of set.requests) {
      if (!isRootRead(r) || !r.complete || r.result === undefined || r.result < 0 || r.length <= 0 || r.result >= r.length) continue;
      const returned = r.result;
      const requested = r.length;
      const iSize = typeof r.details['i_size'] === 'number' ? r.details['i_size'] : -1;
      const next = continuation(r, nextOnFd.get(r.id));
      const nextFailed = next !== undefined && next.result !== undefined && next.result < 0 && returned > 0;
      let expected: number;
      if (iSize >= 0 && r.offset >= 0) {
        expected = Math.max(0, Math.min(requested, iSize - r.offset));
        if (returned >= expected) {
          r.details['eof'] = true;
          continue;
        }
      } else if (nextFailed) {
        expected = requested;
      } else {
        r.details['eof'] = next !== undefined && next.result === 0 ? true : 'unknown';
        continue;
      }
      out.push(this.finding(ctx, r, requested, returned, expected, iSize, next));
    }
    return out;
  }

  private finding(ctx: DetectorContext, r: IoRequest, requested: number, returned: number, expected: number, iSize: number, next: IoRequest | undefined): Finding {
    const set = ctx.requests;
    const reason = why(set, r, returned, next);
    const lines = chainLines(set, r);
    if (next && next.result !== undefined && next.result < 0) chainLines(set, next, lines);
    const sorted = [...lines].filter((l) => l > 0).sort((a, b) => a - b).slice(0, MAX_EVIDENCE);
    const missing = expected - returned;
    const at = r.offset >= 0 ? `offset ${r.offset}` : 'the current file position';
    const gap =
      iSize >= 0
        ? `although i_size is ${iSize}: ${missing} bytes before EOF were not read`
        : `and the file continued past that point (i_size is not in the trace): ${missing} bytes of the range were not read`;
    const details: { [key: string]: JsonValue } = {
      requested,
      returned,
      offset: r.offset,
      i_size: iSize >= 0 ? iSize : null,
      missing,
      why: reason,
      layer: r.layer,
      op: r.op,
      pid: r.pid,
      comm: r.comm,
      dev: r.dev,
      ino: r.ino,
    };
    const ud = r.details['user_data'];
    if (typeof ud === 'string') details['user_data'] = ud;
    if (next?.result !== undefined && next.result < 0) details['nextResult'] = next.result;
    const last = r.stages[r.stages.length - 1]!;
    return {
      kind: this.kind,
      severity: 'warning',
      message: `${describe(r)} by ${r.comm}-${r.pid} returned ${returned} of ${requested} bytes at ${at} ${gap}. ${reason}.`,
      file: ctx.file,
      line: last.line,
      evidence: sorted.map((line) => ({ file: ctx.file, line })),
      details,
    };
  }
}

/** The next read when it continues where `r` stopped (sequential reads, or the position right after). */
function continuation(r: IoRequest, next: IoRequest | undefined): IoRequest | undefined {
  if (!next || r.result === undefined) return undefined;
  if (next.offset < 0 || r.offset < 0) return next.details['offsetFrom'] !== undefined || !SEQUENTIAL.has(next.op) ? undefined : next;
  return next.offset === r.offset + r.result ? next : undefined;
}

/** For each read syscall, the next read syscall of the same task on the same fd. */
function nextReads(set: RequestSet): Map<number, IoRequest> {
  const last = new Map<string, IoRequest>();
  const next = new Map<number, IoRequest>();
  for (const r of set.requests) {
    if (r.layer !== 'syscall' || !isReadSyscall(r.op)) continue;
    const fd = r.details['fd'];
    if (typeof fd !== 'number') continue;
    const key = `${r.pid}:${fd}`;
    const prev = last.get(key);
    if (prev) next.set(prev.id, r);
    last.set(key, r);
  }
  return next;
}
