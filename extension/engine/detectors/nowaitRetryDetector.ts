/**
 * `nowait-retry` (info): a read issued without waiting returned -EAGAIN TO THE APPLICATION, and the trace shows
 * no later read of the same range by that task: the data was not read (in the trace).
 *
 * The calls judged are the ones whose result the application receives: a `preadv2` / `pwritev2` with RWF_NOWAIT
 * whose `sys_exit` is -11, and an io_uring READ / WRITE (READ, READV, READ_FIXED, WRITE…) whose completion (CQE
 * `res`) is -11. A "later read of the same range" is any read request at the top of its chain (a read syscall, an
 * io_uring read, a filesystem read with no traced caller) that starts after that exit / completion, by the same
 * task (pid; the trace names no thread group), of the same file (the same inode where both are known through the
 * fd -> inode bindings, else the same fd), over an overlapping byte range (an unknown offset — `read()` at the
 * current position — counts as overlapping; an unknown length as one byte). For writes, a later write of the
 * range. A later RWF_NOWAIT read that gets -EAGAIN again is itself judged: a poll loop that gives up gives one
 * finding, at its last attempt.
 *
 * Severity info: the application may get the data another way, outside the trace. One finding per such call; the
 * decisive line is the syscall's exit line / the io_uring_complete line.
 *
 * Not findings: io_uring's own inline IOCB_NOWAIT attempt that got -EAGAIN and was retried from task work or
 * punted to io-wq (the CQE carries the real result), a filesystem read repeated by the kernel, and an application
 * that repeats the -EAGAIN read (with or without RWF_NOWAIT) and succeeds. Those retries stay facts of the request
 * (`retries`, `addedLatencyNs` of the io_uring / fs request: hover and request JSON), not findings.
 *
 * No line numbers or pointers in messages and details (kernel text and trace-cmd give equal findings).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { fdOf } from '../lifecycle/fsResolve';
import { ioUringDirection } from '../lifecycle/ioUringMatch';
import { SYSCALL_SPECS } from '../lifecycle/syscallSpecs';
import { LineRoles } from '../requests/lineRoles';
import { chainLines } from '../requests/requestChain';
import { userDataText } from '../requests/requestJson';
import type { RequestView } from '../requests/requestView';
import type { Detector, DetectorContext } from './detector';

const MAX_EVIDENCE = 64;
const EAGAIN = -11;

type Direction = 'read' | 'write';

/** A file read or write at the top of its chain: what a later access must match. */
interface Access {
  readonly req: number;
  readonly direction: Direction;
  readonly pid: number;
  readonly dev: number;
  readonly ino: number;
  readonly fd: number | undefined;
  readonly offset: number;
  readonly length: number;
  /** Line of its first stage. */
  readonly first: number;
}

/** Whether request `r` (at the top of its chain) reads or writes file data, or neither. */
function directionOf(v: RequestView, r: number): Direction | undefined {
  const op = v.op(r);
  switch (v.layer(r)) {
    case 'syscall': {
      const d = SYSCALL_SPECS.get(op)?.direction;
      return d === 'read' || d === 'write' ? d : undefined;
    }
    case 'io_uring': {
      const d = ioUringDirection(op);
      return d === 'read' || d === 'write' ? d : undefined;
    }
    case 'fs':
      return op.endsWith('-read') ? 'read' : op.endsWith('-write') ? 'write' : undefined;
    default:
      return undefined;
  }
}

/** The line the application learns the result on: the syscall's exit, the io_uring completion. */
function resultLine(v: RequestView, r: number): number {
  const want = v.layer(r) === 'syscall' ? 'exit' : 'complete';
  for (let k = v.stageCount(r) - 1; k >= 0; k--) if (v.stageName(r, k) === want) return v.stageLine(r, k);
  return v.stageLine(r, v.stageCount(r) - 1);
}

/** A RWF_NOWAIT syscall or an io_uring READ/WRITE whose caller received -EAGAIN. */
function returnedEagain(v: RequestView, r: number): boolean {
  if (!v.isComplete(r) || v.result(r) !== EAGAIN) return false;
  if (v.layer(r) === 'syscall') return v.syscall.get(r, 'nowait') === true;
  return v.layer(r) === 'io_uring';
}

function sameFile(a: Access, b: Access): boolean {
  if (a.ino >= 0 && b.ino >= 0) return a.ino === b.ino && (a.dev < 0 || b.dev < 0 || a.dev === b.dev);
  return a.fd !== undefined && a.fd === b.fd;
}

function overlaps(a: Access, b: Access): boolean {
  if (a.offset < 0 || b.offset < 0) return true;
  return a.offset < b.offset + Math.max(b.length, 1) && b.offset < a.offset + Math.max(a.length, 1);
}

export class NowaitRetryDetector implements Detector {
  readonly kind = 'nowait-retry';
  readonly description = FINDING_KINDS['nowait-retry'].description;

  findings(ctx: DetectorContext): Finding[] {
    const v = ctx.requests;
    const accesses: Access[] = [];
    const eagain: Array<{ access: Access; line: number }> = [];
    for (let r = 0; r < v.count; r++) {
      if (v.parent(r) >= 0) continue;
      const direction = directionOf(v, r);
      if (direction === undefined || v.stageCount(r) === 0) continue;
      const a: Access = { req: r, direction, pid: v.pid(r), dev: v.dev(r), ino: v.ino(r), fd: fdOf(v, r), offset: v.offset(r), length: v.length(r), first: v.stageLine(r, 0) };
      accesses.push(a);
      if (v.layer(r) !== 'fs' && returnedEagain(v, r)) eagain.push({ access: a, line: resultLine(v, r) });
    }
    const out: Finding[] = [];
    for (const { access: a, line } of eagain) {
      const again = accesses.some((b) => b.req !== a.req && b.first > line && b.direction === a.direction && b.pid === a.pid && sameFile(a, b) && overlaps(a, b));
      if (!again) out.push(this.finding(ctx, a, line));
    }
    return out.sort((x, y) => x.line - y.line);
  }

  private finding(ctx: DetectorContext, a: Access, line: number): Finding {
    const v = ctx.requests;
    const r = a.req;
    const uring = v.layer(r) === 'io_uring';
    const call = uring ? `io_uring ${v.op(r)} user_data ${userDataText(v, r)}` : v.op(r);
    const file = a.ino >= 0 ? `ino ${a.ino}` : a.fd !== undefined ? `fd ${a.fd}` : 'an unknown file';
    const range = a.offset < 0 ? 'at the current file position' : a.length > 0 ? `[${a.offset}, +${a.length})` : `at offset ${a.offset}`;
    const why =
      a.direction === 'read'
        ? 'returned -EAGAIN (RWF_NOWAIT: the data was not cached); no read of this range follows in the trace'
        : 'returned -EAGAIN (RWF_NOWAIT: the write would have blocked); no write of this range follows in the trace';
    const lines = chainLines(v, r);
    const roles = new LineRoles(v, ctx.store).chain(r).name(line, `${uring ? `io_uring ${v.op(r)} completed` : `${v.op(r)} returned`}: -11 EAGAIN to the application`);
    const details: { [key: string]: JsonValue } = {
      layer: v.layer(r),
      op: v.op(r),
      direction: a.direction,
      pid: a.pid,
      comm: v.comm(r),
      dev: a.dev,
      ino: a.ino,
      fd: a.fd ?? null,
      offset: a.offset,
      length: a.length,
      result: EAGAIN,
    };
    if (uring) details['user_data'] = userDataText(v, r);
    const flags = v.syscall.get(r, 'flags');
    if (flags !== undefined) details['flags'] = flags;
    return {
      kind: this.kind,
      severity: 'info',
      message:
        `${call} of ${file} ${range} by ${v.comm(r)}-${a.pid} ${why}: the ${a.direction === 'read' ? 'data was not read' : 'data was not written'} ` +
        '(the application may have done it another way, outside the trace).',
      file: ctx.file,
      line,
      evidence: roles.refs(ctx.file, [...lines].filter((l) => l > 0).sort((x, y) => x - y).slice(0, MAX_EVIDENCE)),
      details,
    };
  }
}
