/**
 * `short-read`: a read whose caller received fewer bytes than it asked for although the file had more data
 * in the requested range (the range did not reach EOF), judged at the top of each request chain: `sys_exit_*`
 * ret vs the count, `io_uring_complete` res vs the length of its filesystem events. A filesystem read
 * without a traced caller (`iomap_dio_complete` ret vs the begin's length) counts only when nothing shows
 * the same call going on (a direct I/O retry with done_before, btrfs's buffered fallback, DIO_PARTIAL); its
 * finding says that the caller's result is not in the trace and is `info`.
 *
 * EOF is i_size at the time of the read (`disize` / `size` of the request's own filesystem events, else of
 * other events of the same file, see fsResolve). A read that returns exactly the bytes up to EOF (crossing
 * or starting at EOF) is no finding; it is marked `eof: true` in the request's details. When i_size is
 * unknown (btrfs prints none), the next read of the same fd decides: -EIO means the read stopped at an I/O
 * error part-way (a finding), 0 means EOF. Errors (negative results) are not short reads. The judgement
 * itself is lifecycle/readOutcome.ts (which also marks the EOF reads on the model); this detector only
 * words the short ones.
 *
 * Messages and details carry no line numbers or pointers, so the kernel's text and trace-cmd's rendering
 * of the same events give identical findings (only `line` and `evidence` differ).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { errnoNames } from '../decode/errnoNames';
import { fdOf } from '../lifecycle/fsResolve';
import { nextReads, readOutcome } from '../lifecycle/readOutcome';
import { LineRoles } from '../requests/lineRoles';
import { chainLines } from '../requests/requestChain';
import type { RequestView } from '../requests/requestView';
import { userDataText } from '../requests/requestJson';
import type { Detector, DetectorContext } from './detector';

const MAX_EVIDENCE = 64;

function errText(ret: number): string {
  const n = errnoNames.name(ret);
  return n ? `-${n} (${ret})` : String(ret);
}

function describe(v: RequestView, r: number): string {
  if (v.layer(r) === 'syscall') return `${v.op(r)}(fd ${String(fdOf(v, r) ?? '?')})`;
  if (v.layer(r) === 'io_uring') return `io_uring ${v.op(r)} user_data ${userDataText(v, r)}`;
  return `${v.op(r)} of ino ${v.ino(r)}`;
}

/** Whether the request or a filesystem request below it ran with IOCB_NOWAIT / RWF_NOWAIT. */
function nowait(v: RequestView, r: number): boolean {
  if (v.syscall.get(r, 'nowait') === true || v.fs.get(r, 'nowait') === true) return true;
  return v.children(r).some((c) => v.syscall.get(c, 'nowait') === true || v.fs.get(c, 'nowait') === true);
}

function why(v: RequestView, r: number, returned: number, next: number): string {
  const nr = next >= 0 ? v.result(next) : undefined;
  if (nr !== undefined && nr < 0) return `I/O error after ${returned} bytes: the next read of the same file failed with ${errText(nr)}`;
  if (nowait(v, r)) return 'RWF_NOWAIT: only the cached part was returned (the call does not wait for the rest to be read)';
  if (v.layer(r) === 'io_uring' && v.uring.get(r, 'retries') === undefined) {
    return 'io_uring completed with the cached part and did not retry the remainder (a read issued without waiting, RWF_NOWAIT / REQ_F_NOWAIT)';
  }
  if (v.layer(r) === 'fs' && v.op(r) === 'direct-read') {
    return 'the direct I/O completed short before EOF, and nothing in the trace shows the call going on (no retry of the rest, no buffered fallback, no DIO_PARTIAL)';
  }
  return 'the filesystem returned fewer bytes than requested before EOF';
}

export class ShortReadDetector implements Detector {
  readonly kind = 'short-read';
  readonly description = FINDING_KINDS['short-read'].description;

  findings(ctx: DetectorContext): Finding[] {
    const v = ctx.requests;
    const nextOnFd = nextReads(v);
    const out: Finding[] = [];
    for (let r = 0; r < v.count; r++) {
      const o = readOutcome(v, r, nextOnFd);
      if (o.kind === 'short') out.push(this.finding(ctx, r, o.requested, o.returned, o.expected, o.iSize, o.next, o.callerTraced));
    }
    return out;
  }

  private finding(ctx: DetectorContext, r: number, requested: number, returned: number, expected: number, iSize: number, next: number, callerTraced: boolean): Finding {
    const v = ctx.requests;
    const reason = why(v, r, returned, next);
    const lines = chainLines(v, r);
    const roles = new LineRoles(v, ctx.store).chain(r);
    const nextResult = next >= 0 ? v.result(next) : undefined;
    if (nextResult !== undefined && nextResult < 0) {
      chainLines(v, next, lines);
      roles.chain(next).name(v.stageLine(next, v.stageCount(next) - 1), `next read of the file failed: ${nextResult} ${errnoNames.name(nextResult) ?? ''}`.trimEnd());
    }
    const sorted = [...lines].filter((l) => l > 0).sort((a, b) => a - b).slice(0, MAX_EVIDENCE);
    const missing = expected - returned;
    const at = v.offset(r) >= 0 ? `offset ${v.offset(r)}` : 'the current file position';
    const gap =
      iSize >= 0
        ? `although i_size is ${iSize}: ${missing} bytes before EOF were not read`
        : `and the file continued past that point (i_size is not in the trace): ${missing} bytes of the range were not read`;
    const details: { [key: string]: JsonValue } = {
      requested,
      returned,
      offset: v.offset(r),
      i_size: iSize >= 0 ? iSize : null,
      missing,
      why: reason,
      layer: v.layer(r),
      op: v.op(r),
      pid: v.pid(r),
      comm: v.comm(r),
      dev: v.dev(r),
      ino: v.ino(r),
    };
    if (v.layer(r) === 'io_uring') details['user_data'] = userDataText(v, r);
    if (nextResult !== undefined && nextResult < 0) details['nextResult'] = nextResult;
    details['callerResult'] = callerTraced ? 'traced' : 'not traced';
    const caller = callerTraced
      ? ''
      : ' The caller\'s result is not in the trace (no syscall or io_uring event of this read): what the application received is not shown, so this is only what the filesystem returned.';
    return {
      kind: this.kind,
      severity: callerTraced ? 'warning' : 'info',
      message: `${describe(v, r)} by ${v.comm(r)}-${v.pid(r)} returned ${returned} of ${requested} bytes at ${at} ${gap}. ${reason}.${caller}`,
      file: ctx.file,
      line: v.stageLine(r, v.stageCount(r) - 1),
      evidence: roles.refs(ctx.file, sorted),
      details,
    };
  }
}
