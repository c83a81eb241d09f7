/**
 * readOutcome: what a read at the top of its chain (a syscall, an io_uring request, or a filesystem read
 * without a traced caller) returned compared with what the file could give: a full read, a read that
 * stopped at EOF, an undecidable one (i_size unknown and nothing after it tells), or a short read before
 * EOF with the bytes that were expected. `markEof` records the EOF outcomes on the requests at the end of
 * a file (before sealing); the short-read detector reports the short ones. Both use this one judgement.
 *
 * EOF is i_size at the time of the read (its own filesystem events, else other events of the same file,
 * see fsResolve). When i_size is unknown (btrfs prints none), the next read of the same fd decides: -EIO
 * means the read stopped at an I/O error part-way (short), 0 means EOF.
 *
 * Only what the caller got is judged: a syscall's return and an io_uring CQE's res are that; a filesystem
 * read at the top of its chain (no syscall or io_uring event traced) is short only when nothing shows the
 * same call going on (`continued`: a direct I/O retry with done_before, a buffered fallback, DIO_PARTIAL),
 * and even then the caller's result is not in the trace (`callerTraced` false).
 */
import type { RequestSet } from '../requests/requestSet';
import type { RequestView } from '../requests/requestView';
import { fdOf } from './fsResolve';
import { isReadOpcode } from './ioUringMatch';
import { isReadSyscall } from './syscallSpecs';

/** Syscalls that read at the current file position. */
const SEQUENTIAL = new Set(['read', 'readv']);

/** How a filesystem read that returned short went on in the same call (so its caller got more). */
export type Continuation = 'dio-retry' | 'buffered-fallback' | 'dio-partial';

export type ReadOutcome =
  | { readonly kind: 'not-short' }
  | { readonly kind: 'eof' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'continued'; readonly how: Continuation }
  | {
      readonly kind: 'short';
      readonly requested: number;
      readonly returned: number;
      readonly expected: number;
      readonly iSize: number;
      readonly next: number;
      /** True when the result is what the application got (a syscall's return, an io_uring CQE); false for a filesystem read without a traced caller. */
      readonly callerTraced: boolean;
    };

/**
 * How a filesystem read went on after returning short, when the trace shows it: a direct I/O retry with
 * done_before, page-cache reads of the file right after (btrfs's buffered fallback), or DIO_PARTIAL (the
 * filesystem asked iomap for a partial completion because it continues the rest itself: btrfs faults the
 * buffer in and retries, then reads the remainder through the page cache). Undefined: nothing went on.
 */
export function continuationOf(v: RequestView, r: number): Continuation | undefined {
  if (v.layer(r) !== 'fs') return undefined;
  const how = v.fs.get(r, 'continuedBy');
  if (how === 'dio-retry' || how === 'buffered-fallback') return how;
  return v.fs.get(r, 'dioPartial') === true ? 'dio-partial' : undefined;
}

/** True for a read request at the top of its chain (what the application saw). */
export function isRootRead(v: RequestView, r: number): boolean {
  if (v.parent(r) >= 0) return false;
  const layer = v.layer(r);
  if (layer === 'syscall') return isReadSyscall(v.op(r));
  if (layer === 'io_uring') return isReadOpcode(v.op(r));
  return layer === 'fs' && v.op(r).endsWith('-read');
}

/** For each read syscall, the next read syscall of the same task on the same fd. */
export function nextReads(v: RequestView): Map<number, number> {
  const last = new Map<string, number>();
  const next = new Map<number, number>();
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) !== 'syscall' || !isReadSyscall(v.op(r))) continue;
    const fd = v.syscall.get(r, 'fd');
    if (fd === undefined) continue;
    const key = `${v.pid(r)}:${fd}`;
    const prev = last.get(key);
    if (prev !== undefined) next.set(prev, r);
    last.set(key, r);
  }
  return next;
}

/** The next read when it continues where `r` stopped (sequential reads, or the position right after); -1. */
export function continuation(v: RequestView, r: number, next: number | undefined): number {
  const result = v.result(r);
  if (next === undefined || result === undefined) return -1;
  if (v.offset(next) < 0 || v.offset(r) < 0) return v.syscall.get(next, 'offsetFromPrevious') === true || !SEQUENTIAL.has(v.op(next)) ? -1 : next;
  return v.offset(next) === v.offset(r) + result ? next : -1;
}

/** The outcome of request `r` (`nextOnFd` from `nextReads`). */
export function readOutcome(v: RequestView, r: number, nextOnFd: ReadonlyMap<number, number>): ReadOutcome {
  const returned = v.result(r);
  const requested = v.length(r);
  if (!isRootRead(v, r) || !v.isComplete(r) || returned === undefined || returned < 0 || requested <= 0 || returned >= requested) return { kind: 'not-short' };
  const iSize = v.iSize(r);
  const next = continuation(v, r, nextOnFd.get(r));
  const nextResult = next >= 0 ? v.result(next) : undefined;
  const nextFailed = nextResult !== undefined && nextResult < 0 && returned > 0;
  const callerTraced = v.layer(r) !== 'fs';
  if (iSize >= 0 && v.offset(r) >= 0) {
    const expected = Math.max(0, Math.min(requested, iSize - v.offset(r)));
    if (returned >= expected) return { kind: 'eof' };
    const how = continuationOf(v, r);
    if (how !== undefined) return { kind: 'continued', how };
    return { kind: 'short', requested, returned, expected, iSize, next, callerTraced };
  }
  const how = continuationOf(v, r);
  if (how !== undefined) return { kind: 'continued', how };
  if (nextFailed) return { kind: 'short', requested, returned, expected: requested, iSize, next, callerTraced };
  return next >= 0 && nextResult === 0 ? { kind: 'eof' } : { kind: 'unknown' };
}

/** Records on each root read that ended at EOF (or cannot be decided) that it did. */
export function markEof(rs: RequestSet): void {
  const nextOnFd = nextReads(rs);
  for (let r = 0; r < rs.count; r++) {
    const o = readOutcome(rs, r, nextOnFd);
    if (o.kind === 'eof') rs.setEof(r, true);
    else if (o.kind === 'unknown') rs.setEof(r, 'unknown');
  }
}

/** The fd of a request, for messages. */
export { fdOf };
