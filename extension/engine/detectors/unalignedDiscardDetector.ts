/**
 * unaligned-discard: a discard or write-zeroes on a block device (block rwbs `D` / `N`, or
 * `fallocate(PUNCH_HOLE | ZERO_RANGE)` on a block device) whose start or end is not page-aligned while a
 * buffered write touches one of the partial pages; and any `fallocate` that returned -EBUSY.
 *
 * Why: the block device's page cache works in 4 KiB pages. A sector-aligned but page-unaligned range
 * leaves partial pages that the kernel must zero in the cache (truncate_bdev_range); a dirty partial page
 * is then written back over the range. Kernels before 5.11 refused this in blkdev_fallocate with -EBUSY;
 * 6.x returns 0 and issues the request (a punch hole is sent as REQ_OP_WRITE_ZEROES, rwbs `N`).
 *
 * The detector follows the syscalls itself (fallocate and the write family: fd, offset, length, return)
 * and `block_dirty_buffer` (which gives the device and the byte range a buffered write dirtied); the block
 * requests come from the BlockTracker. A fallocate is on a block device when a discard / write-zeroes
 * request was queued by its task during the call (or its fd already did so). Finding per operation:
 * severity error for -EBUSY, warning for an unaligned range next to a buffered write.
 */
import type { EvidenceRef, Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import type { DecodedPayload } from '../decode/payloadTypes';
import type { IngestEvent, EventInterest } from '../ingest/eventConsumer';
import { devName } from '../lifecycle/devName';
import { LineRoles } from '../requests/lineRoles';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';
import type { Detector, DetectorContext } from './detector';

const PAGE = 4096;
const EBUSY = -16;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;
const FALLOC_FL_WRITE_ZEROES = 0x80;
const DISCARD_MODES = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_WRITE_ZEROES;
const MODE_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x02, 'PUNCH_HOLE'], [0x10, 'ZERO_RANGE'], [0x80, 'WRITE_ZEROES'], [0x08, 'COLLAPSE_RANGE'], [0x20, 'INSERT_RANGE'],
  [0x40, 'UNSHARE_RANGE'], [0x04, 'NO_HIDE_STALE'], [0x01, 'KEEP_SIZE'],
];
const WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const ZEROING_OPS = new Set(['discard', 'write-zeroes', 'secure-erase']);

/** fallocate mode as `PUNCH_HOLE|KEEP_SIZE`. */
export function fallocModeName(mode: number): string {
  const names = MODE_NAMES.filter(([bit]) => (mode & bit) !== 0).map(([, n]) => n);
  return names.length > 0 ? names.join('|') : mode === 0 ? 'ALLOCATE' : `0x${mode.toString(16)}`;
}

/** One fallocate or write syscall. */
interface Call {
  readonly syscall: string;
  readonly pid: number;
  readonly comm: string;
  readonly fd: number;
  readonly mode: number;
  /** Byte offset / length (fallocate offset/len, pwrite pos/count); NaN when the call does not say. */
  readonly offset: number;
  readonly len: number;
  readonly enterLine: number;
  readonly enterTs: number;
  exitLine: number;
  exitTs: number;
  ret: number;
  /** Device and byte range dirtied in its page cache (block_dirty_buffer inside the call). */
  dirtyDev: number;
  dirtyStart: number;
  dirtyEnd: number;
}

/** A byte range written through the page cache of a device. */
interface BufferedWrite {
  readonly call: Call;
  readonly dev: number;
  readonly start: number;
  readonly end: number;
}

function num(p: DecodedPayload, field: string): number {
  const s = p.schema.slot(field);
  return s < 0 ? NaN : p.num[s]!;
}

/** Pages that [start, end) covers only in part. */
function partialPages(start: number, end: number): number[] {
  const pages: number[] = [];
  if (start % PAGE !== 0) pages.push(Math.floor(start / PAGE));
  if (end % PAGE !== 0) {
    const last = Math.floor((end - 1) / PAGE);
    if (!pages.includes(last)) pages.push(last);
  }
  return pages;
}

/** The unaligned-discard detector. */
export class UnalignedDiscardDetector implements Detector {
  readonly kind = 'unaligned-discard';
  readonly description = FINDING_KINDS['unaligned-discard'].description;
  private readonly open = new Map<number, Call>();
  private readonly calls: Call[] = [];

  readonly interest: EventInterest = {
    names: ['block_dirty_buffer', 'sys_enter_fallocate', 'sys_exit_fallocate', ...[...WRITES].flatMap((w) => [`sys_enter_${w}`, `sys_exit_${w}`])],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    const p = ev.payload;
    if (p === undefined) return;
    if (name === 'block_dirty_buffer') return this.dirty(ev.pid, p);
    if (name.startsWith('sys_enter_')) {
      const sc = name.slice(10);
      if (sc !== 'fallocate' && !WRITES.has(sc)) return;
      const isFalloc = sc === 'fallocate';
      this.open.set(ev.pid, {
        syscall: sc, pid: ev.pid, comm: store.strings.get(ev.comm), fd: num(p, 'fd'), mode: isFalloc ? num(p, 'mode') : NaN,
        offset: isFalloc ? num(p, 'offset') : num(p, 'pos'), len: isFalloc ? num(p, 'len') : num(p, 'count'),
        enterLine: ev.line, enterTs: ev.ts, exitLine: -1, exitTs: NaN, ret: NaN, dirtyDev: -1, dirtyStart: NaN, dirtyEnd: NaN,
      });
    } else if (name.startsWith('sys_exit_')) {
      const c = this.open.get(ev.pid);
      if (c === undefined || c.syscall !== name.slice(9)) return;
      this.open.delete(ev.pid);
      c.exitLine = ev.line;
      c.exitTs = ev.ts;
      c.ret = num(p, 'ret');
      // Keep what can matter: every fallocate, and writes that dirtied a device's cache or name a position.
      if (c.syscall === 'fallocate' || c.dirtyDev >= 0 || !Number.isNaN(c.offset)) this.calls.push(c);
    }
  }

  private dirty(pid: number, p: DecodedPayload): void {
    const c = this.open.get(pid);
    if (c === undefined || c.syscall === 'fallocate') return;
    const dev = num(p, 'dev');
    const start = num(p, 'sector') * num(p, 'size');
    const end = start + num(p, 'size');
    if (!(end <= Number.MAX_SAFE_INTEGER) || Number.isNaN(dev)) return; // delalloc buffers print a huge sector
    if (c.dirtyDev < 0) {
      c.dirtyDev = dev;
      c.dirtyStart = start;
      c.dirtyEnd = end;
    } else if (c.dirtyDev === dev) {
      c.dirtyStart = Math.min(c.dirtyStart, start);
      c.dirtyEnd = Math.max(c.dirtyEnd, end);
    }
  }

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    const v = ctx.requests;
    const zeroing: number[] = [];
    for (let r = 0; r < v.count; r++) if (v.layer(r) === 'block' && ZEROING_OPS.has(v.op(r)) && v.block.get(r, 'mergedInto') === undefined) zeroing.push(r);
    const fallocs = this.calls.filter((c) => c.syscall === 'fallocate');
    // fallocate -> the zeroing block requests its task queued during the call.
    const byCall = new Map<Call, number[]>();
    const fdDev = new Map<string, number>();
    const loose: number[] = [];
    for (const r of zeroing) {
      const t = v.firstTs(r);
      const c = fallocs.find((f) => f.pid === v.pid(r) && f.enterTs <= t && (Number.isNaN(f.exitTs) || t <= f.exitTs));
      if (c === undefined) {
        loose.push(r);
        continue;
      }
      const list = byCall.get(c) ?? [];
      list.push(r);
      byCall.set(c, list);
      fdDev.set(`${c.pid}:${c.fd}`, v.dev(r));
    }
    const writes = this.bufferedWrites(fdDev);
    for (const c of fallocs) {
      const reqs = byCall.get(c) ?? [];
      if (c.ret === EBUSY) {
        out.push(this.ebusy(ctx.file, v, ctx.store, c, reqs));
        continue;
      }
      const dev = reqs.length > 0 ? v.dev(reqs[0]!) : fdDev.get(`${c.pid}:${c.fd}`);
      if (dev === undefined || (c.mode & DISCARD_MODES) === 0 || !(c.len > 0)) continue;
      const f = this.unaligned(ctx, writes, dev, c.offset, c.offset + c.len, c.enterTs, reqs, c);
      if (f) out.push(f);
    }
    for (const r of loose) {
      const f = this.unaligned(ctx, writes, v.dev(r), v.sector(r) * 512, (v.sector(r) + v.sectors(r)) * 512, v.firstTs(r), [r], undefined);
      if (f) out.push(f);
    }
    return out.sort((a, b) => a.line - b.line);
  }

  private bufferedWrites(fdDev: ReadonlyMap<string, number>): BufferedWrite[] {
    const out: BufferedWrite[] = [];
    for (const c of this.calls) {
      if (c.syscall === 'fallocate' || !(c.ret > 0)) continue;
      if (c.dirtyDev >= 0) {
        out.push({ call: c, dev: c.dirtyDev, start: c.dirtyStart, end: c.dirtyEnd });
        continue;
      }
      const dev = fdDev.get(`${c.pid}:${c.fd}`);
      if (dev !== undefined && c.offset >= 0) out.push({ call: c, dev, start: c.offset, end: c.offset + c.ret });
    }
    return out;
  }

  private ebusy(file: string, v: RequestView, store: EventStore, c: Call, reqs: readonly number[]): Finding {
    const lines = [c.enterLine, c.exitLine, ...reqs.flatMap((r) => v.lines(r))];
    const roles = this.callRoles(v, store, c, reqs);
    return {
      kind: this.kind,
      severity: 'error',
      message: `fallocate(${fallocModeName(c.mode)}, offset ${c.offset}, len ${c.len}) on fd ${c.fd} by pid ${c.pid} (${c.comm}) returned -16 (EBUSY): the kernel could not invalidate the page cache over the range. On a block device before 5.11 this is what a sector-aligned but not page-aligned punch hole / zero range next to cached buffered writes does.`,
      file,
      line: c.exitLine > 0 ? c.exitLine : c.enterLine,
      evidence: this.refs(file, lines, roles),
      details: { syscall: 'fallocate', pid: c.pid, fd: c.fd, mode: c.mode, modeName: fallocModeName(c.mode), offset: c.offset, len: c.len, ret: c.ret, errno: 'EBUSY' },
    };
  }

  private unaligned(ctx: DetectorContext, writes: readonly BufferedWrite[], dev: number, start: number, end: number, ts: number, reqs: readonly number[], c: Call | undefined): Finding | undefined {
    const v = ctx.requests;
    const blockText = (r: number): string => `${v.block.get(r, 'rwbs') ?? v.op(r)} ${v.sector(r)} + ${v.sectors(r)}`;
    const pages = partialPages(start, end);
    if (pages.length === 0) return undefined;
    const touching = writes.filter((w) => w.dev === dev && pages.some((p) => w.start < (p + 1) * PAGE && w.end > p * PAGE));
    if (touching.length === 0) return undefined;
    // The write nearest in time (before or after the discard).
    const gap = (x: BufferedWrite): number => (x.call.enterTs <= ts ? ts - (Number.isNaN(x.call.exitTs) ? x.call.enterTs : x.call.exitTs) : x.call.enterTs - ts);
    const w = touching.reduce((best, x) => (gap(x) < gap(best) ? x : best));
    const relation = w.call.enterTs <= ts ? 'before' : 'after';
    const wPages = pages.filter((p) => w.start < (p + 1) * PAGE && w.end > p * PAGE);
    const dirty = relation === 'before' && !this.writtenBack(ctx, dev, wPages, w.call.exitTs, ts);
    const sectorAligned = start % 512 === 0 && end % 512 === 0;
    const alignment = sectorAligned ? 'sector-aligned but not page-aligned' : 'not sector- or page-aligned';
    const blk = reqs.map(blockText).join(', ');
    const what = c
      ? `fallocate(${fallocModeName(c.mode)}, offset ${start}, len ${end - start}) on the block device ${devName(dev)}`
      : `${v.op(reqs[0]!)} ${blk} (bytes [${start}, ${end})) on ${devName(dev)}`;
    const wrote = `the buffered ${w.call.syscall} at line ${w.call.enterLine} (${relation}${dirty ? ', page still dirty' : ''}) writes page${wPages.length > 1 ? 's' : ''} ${wPages.join(' and ')}`;
    const outcome = c
      ? ` It returned ${c.ret}${blk ? ` and was issued as ${blk}` : ''}; kernels before 5.11 returned -EBUSY.`
      : '';
    const message = `${what} is ${alignment} (${PAGE}-byte pages; partial page${pages.length > 1 ? 's' : ''} ${pages.join(' and ')}), and ${wrote}. The kernel zeroes partial pages in the page cache instead of dropping them, and writeback of such a page rewrites all its sectors, the discarded ones included.${outcome}`;
    const lines = [...(c ? [c.enterLine, c.exitLine] : []), ...reqs.flatMap((r) => v.lines(r)), w.call.enterLine, w.call.exitLine];
    const roles = c ? this.callRoles(v, ctx.store, c, reqs) : new LineRoles(v, ctx.store);
    for (const r of reqs) roles.request(r);
    roles.name(w.call.enterLine, `buffered ${w.call.syscall} on a partial page (${relation})`).name(w.call.exitLine, `${w.call.syscall} returned ${w.call.ret}`);
    const details: { [key: string]: JsonValue } = {
      dev: devName(dev), start, end, length: end - start, pages, sectorAligned, writeSyscall: w.call.syscall, writeLine: w.call.enterLine,
      writePid: w.call.pid, writeStart: w.start, writeEnd: w.end, writeRelation: relation, pageDirty: dirty,
      requests: reqs.map(blockText),
    };
    if (c) Object.assign(details, { syscall: 'fallocate', pid: c.pid, fd: c.fd, mode: c.mode, modeName: fallocModeName(c.mode), ret: c.ret });
    return {
      kind: this.kind,
      severity: 'warning',
      message,
      file: ctx.file,
      line: c ? c.enterLine : v.lines(reqs[0]!)[0]!,
      evidence: this.refs(ctx.file, lines, roles),
      details,
    };
  }

  /** True when a completed block write covered each page between the write and the discard. */
  private writtenBack(ctx: DetectorContext, dev: number, pages: readonly number[], from: number, to: number): boolean {
    const v = ctx.requests;
    const covers = (r: number, p: number): boolean => {
      if (v.layer(r) !== 'block' || v.op(r) !== 'write' || v.dev(r) !== dev || !v.isComplete(r)) return false;
      const done = v.lastTs(r);
      return done >= from && done <= to && v.sector(r) * 512 <= p * PAGE && (v.sector(r) + v.sectors(r)) * 512 >= (p + 1) * PAGE;
    };
    return pages.every((p) => {
      for (let r = 0; r < v.count; r++) if (covers(r, p)) return true;
      return false;
    });
  }

  private refs(file: string, lines: readonly number[], roles: LineRoles): EvidenceRef[] {
    return roles.refs(file, [...new Set(lines.filter((l) => l > 0))].sort((a, b) => a - b));
  }

  /** The fallocate's enter and exit lines, and the zeroing block requests it queued (named by their stages). */
  private callRoles(v: RequestView, store: EventStore, c: Call, reqs: readonly number[]): LineRoles {
    const roles = new LineRoles(v, store);
    const ret = c.ret === EBUSY ? '-16 EBUSY' : String(c.ret);
    roles.name(c.enterLine, `fallocate(${fallocModeName(c.mode)}, ${c.offset}, ${c.len}) entered`).name(c.exitLine, `fallocate returned ${ret}`);
    for (const r of reqs) roles.request(r);
    return roles;
  }
}
