/**
 * FsTracker: the filesystem layer of each I/O. One `fs` request per filesystem read/write call
 * (`xfs_file_{buffered,direct,dax}_{read,write}`, `xfs_file_splice_read`, ext4 `ext4_direct_IO_enter/exit`,
 * or `iomap_dio_rw_begin` when no such event precedes it), with its iomap steps attached: the direct I/O
 * begin / queued / complete (`iomap_dio_complete` prints the position after the I/O), readahead, iterations
 * and the disk mappings (`iomap_iter_dstmap` / `iomap_apply_dstmap`, registered with the LinkIndex so the
 * block tracker can join the bios). Writeback (`iomap_writeback_folio` / `iomap_writepage`, contiguous folios
 * of one task merged) is a request of its own.
 *
 * Parents: an io_uring request (its submitting task, its `iou-wrk-*` worker after a punt, or a retry of its
 * position: `IoUringTracker.parentFor`), else the file syscall the task is inside. Retries of the same
 * position inside one request are stages of one fs request. Without any parent (syscalls and io_uring not
 * traced), repeated buffered reads of the same range by one task within 100 ms are merged (at most three
 * attempts, the io_uring NOWAIT / wait-page / copy pattern).
 *
 * i_size (`disize` / `size`) is recorded per file over time; the task's fd -> file binding is learnt from
 * parents, and at the end every read at the top of a chain gets the file and the i_size of its time.
 */
import { num as numAt, SlotCache, strId } from '../decode/fieldAccess';
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { RequestSet } from '../requests/requestSet';
import type { EventStore } from '../store/eventStore';
import { FsDio } from './fsDio';
import { FsFiles } from './fsFiles';
import type { IoUringTracker } from './ioUringTracker';
import { workerTgidOf, type FsIssue } from './ioUringMatch';
import type { LinkIndex } from './linkIndex';
import type { SyscallTracker } from './syscallTracker';
import { fdOf, resolveRoots } from './fsResolve';

/** Top-level filesystem events: op name of the request they start. */
const TOP: ReadonlyMap<string, { readonly op: string; readonly direction: 'read' | 'write' }> = new Map([
  ['xfs_file_buffered_read', { op: 'buffered-read', direction: 'read' }],
  ['xfs_file_direct_read', { op: 'direct-read', direction: 'read' }],
  ['xfs_file_dax_read', { op: 'dax-read', direction: 'read' }],
  ['xfs_file_splice_read', { op: 'splice-read', direction: 'read' }],
  ['xfs_file_buffered_write', { op: 'buffered-write', direction: 'write' }],
  ['xfs_file_direct_write', { op: 'direct-write', direction: 'write' }],
  ['xfs_file_dax_write', { op: 'dax-write', direction: 'write' }],
] as const);

const RETRY_WINDOW_NS = 100e6;
const MAX_ATTEMPTS = 3;
/** A buffered fallback starts right after the direct I/O returned short (btrfs: microseconds later, in the same call). */
const FALLBACK_WINDOW_NS = 20e6;
/** Page-cache events of a task's buffered read (mm_filemap_*, readahead): evidence of a buffered fallback. */
const PAGE_CACHE_EVENTS: ReadonlySet<string> = new Set([
  'mm_filemap_add_to_page_cache', 'mm_filemap_get_pages', 'page_cache_sync_ra', 'page_cache_async_ra', 'page_cache_ra_order', 'page_cache_ra_unbounded',
]);
/** IOMAP_WRITE in iomap_iter / iomap_apply flags. */
const IOMAP_WRITE = 0x1;
const EFAULT = -14;

/** Direct I/O that returned short, waiting to see whether the same call goes on (retry or buffered fallback). */
interface ShortDio {
  readonly req: number;
  readonly dev: number;
  readonly ino: number;
  /** File position the direct I/O reached. */
  readonly from: number;
  readonly ts: number;
}

interface Current {
  readonly req: number;
  lastTs: number;
  hasDio: boolean;
}

const FIELDS = [
  'dev', 'ino', 'pos', 'bytecount', 'disize', 'size', 'offset', 'length', 'flags', 'aio', 'ret', 'error', 'nr_pages', 'rw', 'len', 'type', 'addr', 'bdev',
  'dio_flags', 'done_before', 'status', 'processed', 'flags_raw', 's_dev', 'i_ino',
] as const;
type FsField = (typeof FIELDS)[number];
const SLOTS = new SlotCache(FIELDS);

function num(p: DecodedPayload, name: FsField): number {
  return numAt(p, SLOTS.of(p.schema)[name]);
}

function text(p: DecodedPayload, name: FsField, store: EventStore): string {
  const id = strId(p, SLOTS.of(p.schema)[name]);
  return id < 0 ? '' : store.strings.get(id);
}

export interface FsTrackerParents {
  readonly syscalls?: SyscallTracker;
  readonly uring?: IoUringTracker;
}

export class FsTracker implements EventConsumer {
  readonly files = new FsFiles();
  readonly dio = new FsDio();
  /** Per task: the fs request its iomap events belong to. */
  private readonly current = new Map<number, Current>();
  /** Per task: recent parentless buffered reads (retry merging). */
  private readonly recentLoose = new Map<number, number[]>();
  /** Per task: its last direct I/O that returned short, until the call is seen going on or the window passes. */
  private readonly shortDio = new Map<number, ShortDio>();
  private readonly issue: FsIssue = { pid: 0, workerTgid: -1, direction: 'read', dev: -1, ino: -1, pos: -1, count: -1, size: -1, ts: 0 };

  constructor(
    private readonly requests: RequestSet,
    private readonly links: LinkIndex,
    private readonly parents: FsTrackerParents = {},
  ) {}

  readonly interest: EventInterest = {
    names: [
      ...TOP.keys(),
      'iomap_dio_rw_begin', 'iomap_dio_rw_queued', 'iomap_dio_complete', 'iomap_readahead', 'iomap_readpage', 'iomap_readpages', 'iomap_iter', 'iomap_apply',
      'iomap_iter_dstmap', 'iomap_apply_dstmap', 'iomap_add_to_ioend', 'iomap_writepage_map', 'iomap_writeback_folio', 'iomap_writepage',
      'ext4_direct_IO_enter', 'ext4_direct_IO_exit', 'iomap_release_folio', 'iomap_invalidate_folio', 'iomap_zero_iter',
      ...PAGE_CACHE_EVENTS,
    ],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const p = ev.payload;
    if (!p) return;
    const name = ev.name;
    if (PAGE_CACHE_EVENTS.has(name)) {
      if (this.shortDio.size > 0) this.fallback(ev, num(p, 's_dev'), num(p, 'i_ino'));
      return;
    }
    const top = TOP.get(name);
    if (top) {
      this.top(ev, p, store, top.op, top.direction, num(p, 'pos'), num(p, 'bytecount'), num(p, 'disize'));
      return;
    }
    switch (name) {
      case 'iomap_dio_rw_begin':
        this.dioBegin(ev, p, store);
        return;
      case 'iomap_dio_rw_queued':
        this.attach(ev, p, 'dio-queued', true);
        this.files.noteSize(num(p, 'dev'), num(p, 'ino'), num(p, 'size'), ev.ts);
        return;
      case 'iomap_dio_complete':
        this.dioComplete(ev, p);
        return;
      case 'iomap_readahead':
      case 'iomap_readpage':
      case 'iomap_readpages':
        this.readahead(ev, p);
        return;
      case 'iomap_iter':
      case 'iomap_apply':
        this.iteration(ev, p);
        return;
      case 'iomap_iter_dstmap':
      case 'iomap_apply_dstmap':
      case 'iomap_add_to_ioend':
      case 'iomap_writepage_map':
        this.dstmap(ev, p, store);
        return;
      case 'iomap_writeback_folio':
      case 'iomap_writepage':
        this.writeback(ev, p);
        return;
      case 'ext4_direct_IO_enter':
        this.top(ev, p, store, num(p, 'rw') ? 'direct-write' : 'direct-read', num(p, 'rw') ? 'write' : 'read', num(p, 'pos'), num(p, 'len'), NaN);
        return;
      case 'ext4_direct_IO_exit':
        this.endCurrent(ev, num(p, 'ret'));
        return;
      default:
        if (name === 'iomap_release_folio' || name === 'iomap_invalidate_folio' || name === 'iomap_zero_iter') {
          this.files.noteSize(num(p, 'dev'), num(p, 'ino'), num(p, 'size'), ev.ts);
        }
    }
  }

  finish(): void {
    resolveRoots(this.requests, this.files);
  }

  /** A filesystem read/write call: a new fs request, or a retry stage of the one it repeats. */
  private top(ev: IngestEvent, p: DecodedPayload, store: EventStore, op: string, direction: 'read' | 'write', pos: number, count: number, size: number, stage: string = direction): number {
    const rs = this.requests;
    this.shortDio.delete(ev.pid);
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    this.files.noteSize(dev, ino, size, ev.ts);
    const is = this.issue;
    is.pid = ev.pid;
    is.workerTgid = workerTgidOf(store.strings.get(ev.comm));
    is.direction = direction;
    is.dev = dev;
    is.ino = ino;
    is.pos = pos;
    is.count = count;
    is.size = Number.isNaN(size) ? -1 : size;
    is.ts = ev.ts;
    let parent = this.parents.uring?.parentFor(is) ?? -1;
    if (parent >= 0) {
      const rel = this.parents.uring!.relation;
      if (rel !== 'issue') {
        const prev = lastFsChild(rs, parent, dev, ino);
        if (prev >= 0) {
          rs.addStage(prev, rel, ev.ts, ev.line);
          if (rel === 'eof-remainder') rs.fs.put(prev, 'eofRemainder', true);
          else rs.fs.increment(prev, 'retries');
          this.setCurrent(ev.pid, prev, ev.ts);
          return prev;
        }
      }
    } else {
      parent = this.parents.syscalls?.fileSyscallOf(ev.pid) ?? -1;
      if (parent < 0 && op === 'buffered-read') {
        const again = this.looseRetry(ev, dev, ino, pos, count);
        if (again >= 0) return again;
      }
    }
    const r = rs.create('fs', op, stage, ev.ts, ev.line);
    rs.setTask(r, ev.pid, ev.comm);
    rs.setDev(r, dev);
    rs.setIno(r, ino);
    rs.setOffset(r, Number.isNaN(pos) ? -1 : pos);
    rs.setLength(r, Number.isNaN(count) ? -1 : count);
    if (size >= 0) rs.setISize(r, size);
    rs.fs.putStringId(r, 'event', store.strings.intern(ev.name));
    if (parent >= 0) this.adopt(parent, r);
    else if (op === 'buffered-read') this.rememberLoose(ev.pid, r);
    this.setCurrent(ev.pid, r, ev.ts);
    return r;
  }

  /** Links `child` under `parent` and tells the parent what only the filesystem knows. */
  private adopt(parent: number, child: number): void {
    const rs = this.requests;
    rs.link(parent, child);
    if (rs.length(parent) < 0 && rs.length(child) >= 0) rs.setLength(parent, rs.length(child));
    if (rs.offset(parent) < 0 && rs.offset(child) >= 0) rs.setOffset(parent, rs.offset(child));
    if (rs.ino(parent) < 0) {
      rs.setDev(parent, rs.dev(child));
      rs.setIno(parent, rs.ino(child));
    }
    const size = rs.iSize(child);
    if (size >= 0 && rs.iSize(parent) < 0) rs.setISize(parent, size);
    const fd = fdOf(rs, parent);
    if (fd !== undefined) this.files.bindFd(rs.pid(parent), fd, rs.dev(child), rs.ino(child), rs.firstTs(child));
  }

  private setCurrent(pid: number, req: number, ts: number): void {
    const cur = this.current.get(pid);
    if (cur && cur.req === req) {
      cur.lastTs = ts;
      cur.hasDio = false; // a new attempt of the same request: its direct I/O begins again
    } else this.current.set(pid, { req, lastTs: ts, hasDio: false });
  }

  /** The fs request `pid`'s iomap event at `ts` on (dev, ino) belongs to, if it is still in progress. */
  private currentFor(pid: number, dev: number, ino: number, ts: number): Current | undefined {
    const cur = this.current.get(pid);
    if (!cur) return undefined;
    const rs = this.requests;
    const r = cur.req;
    if (rs.ino(r) !== ino || (rs.dev(r) !== dev && rs.dev(r) >= 0)) return undefined;
    const parent = rs.parent(r);
    const live = parent >= 0 ? !rs.isComplete(parent) : !rs.isComplete(r) || ts - cur.lastTs < RETRY_WINDOW_NS;
    return live ? cur : undefined;
  }

  private looseRetry(ev: IngestEvent, dev: number, ino: number, pos: number, count: number): number {
    const list = this.recentLoose.get(ev.pid);
    if (!list) return -1;
    const rs = this.requests;
    for (const r of list) {
      if (rs.ino(r) !== ino || rs.dev(r) !== dev || rs.offset(r) !== pos || rs.length(r) !== count) continue;
      if (ev.ts - rs.firstTs(r) > RETRY_WINDOW_NS || attempts(rs, r) >= MAX_ATTEMPTS) continue;
      rs.addStage(r, 'retry', ev.ts, ev.line);
      rs.fs.increment(r, 'retries');
      this.setCurrent(ev.pid, r, ev.ts);
      return r;
    }
    return -1;
  }

  private rememberLoose(pid: number, r: number): void {
    let list = this.recentLoose.get(pid);
    if (!list) this.recentLoose.set(pid, (list = []));
    list.push(r);
    if (list.length > 8) list.shift();
  }

  /** Adds an iomap event's line (and a stage when `stage` is set) to the task's current fs request; returns it or -1. */
  private attach(ev: IngestEvent, p: DecodedPayload, stage: string, asStage: boolean): number {
    const cur = this.currentFor(ev.pid, num(p, 'dev'), num(p, 'ino'), ev.ts);
    if (!cur) return -1;
    cur.lastTs = ev.ts;
    if (asStage) this.requests.addStage(cur.req, stage, ev.ts, ev.line);
    else this.requests.addLine(cur.req, ev.line);
    return cur.req;
  }

  private dioBegin(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const rs = this.requests;
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const offset = num(p, 'offset');
    const length = num(p, 'length');
    const size = num(p, 'size');
    const flags = text(p, 'flags', store);
    const doneBefore = num(p, 'done_before');
    if (doneBefore > 0 && this.dioRetry(ev, dev, ino, offset, length, size, doneBefore)) return;
    let cur = this.currentFor(ev.pid, dev, ino, ev.ts);
    if (cur && (cur.hasDio || !rs.op(cur.req).startsWith('direct') || rs.offset(cur.req) !== offset)) cur = undefined;
    let r: number;
    if (cur) {
      r = cur.req;
      rs.addStage(r, 'dio-begin', ev.ts, ev.line);
      this.files.noteSize(dev, ino, size, ev.ts);
    } else {
      const write = /(^|\|)WRITE(\||$)/.test(flags);
      r = this.top(ev, p, store, write ? 'direct-write' : 'direct-read', write ? 'write' : 'read', offset, length, size, 'dio-begin');
    }
    const c = this.current.get(ev.pid);
    if (c && c.req === r) c.hasDio = true;
    rs.fs.put(r, 'dioFlags', flags);
    if (/(^|\|)NOWAIT(\||$)/.test(flags)) rs.fs.put(r, 'nowait', true);
    if (num(p, 'aio') === 1) rs.fs.put(r, 'aio', true);
    if (/(^|\|)DIO_PARTIAL(\||$)/.test(text(p, 'dio_flags', store))) rs.fs.put(r, 'dioPartial', true);
    this.dio.begin(dev, ino, offset, length, r, rs);
  }

  /**
   * `iomap_dio_rw_begin ... done_before N` right where the task's last short direct read stopped: the same
   * call goes on (btrfs faults the user buffer in and retries; the completion's ret then counts the bytes
   * done before). The retry is a stage of that request, which is open again until its new completion.
   */
  private dioRetry(ev: IngestEvent, dev: number, ino: number, offset: number, length: number, size: number, doneBefore: number): boolean {
    const prev = this.shortDio.get(ev.pid);
    if (prev === undefined || prev.dev !== dev || prev.ino !== ino || prev.from !== offset || ev.ts - prev.ts > RETRY_WINDOW_NS) return false;
    const rs = this.requests;
    const r = prev.req;
    if (rs.result(r) !== doneBefore && rs.offset(r) + doneBefore !== offset) return false;
    this.shortDio.delete(ev.pid);
    rs.reopen(r);
    // Not a NOWAIT retry (fs `retries` counts those): the call goes on after a fault, with done_before.
    rs.addStage(r, 'dio-retry', ev.ts, ev.line);
    rs.fs.put(r, 'doneBefore', doneBefore);
    rs.fs.put(r, 'continuedBy', 'dio-retry');
    this.files.noteSize(dev, ino, size, ev.ts);
    this.setCurrent(ev.pid, r, ev.ts);
    const c = this.current.get(ev.pid);
    if (c && c.req === r) c.hasDio = true;
    this.dio.begin(dev, ino, offset, length, r, rs);
    return true;
  }

  /**
   * An iomap iteration: attached to the task's request. A status (6.18) or processed (6.12-6.14) of -EFAULT
   * means the user buffer faulted; IOMAP_WRITE in the flags means a write even when the kiocb flags of the
   * begin did not say WRITE (a synchronous pwrite prints only `DIRECT`).
   */
  private iteration(ev: IngestEvent, p: DecodedPayload): void {
    const r = this.attach(ev, p, '', false);
    if (r < 0) return;
    const rs = this.requests;
    const status = num(p, 'status');
    if (status === EFAULT || num(p, 'processed') === EFAULT) rs.fs.put(r, 'faulted', true);
    const raw = num(p, 'flags_raw');
    if (raw >= 0 && (raw & IOMAP_WRITE) !== 0 && rs.op(r) === 'direct-read') rs.setOp(r, 'direct-write');
  }

  /** A page-cache event of a task whose direct read just returned short on that file: the buffered fallback. */
  private fallback(ev: IngestEvent, dev: number, ino: number): void {
    const sd = this.shortDio.get(ev.pid);
    if (sd === undefined) return;
    if (ev.ts - sd.ts > FALLBACK_WINDOW_NS) {
      this.shortDio.delete(ev.pid);
      return;
    }
    if (sd.dev !== dev || sd.ino !== ino) return;
    this.shortDio.delete(ev.pid);
    const rs = this.requests;
    rs.fs.put(sd.req, 'continuedBy', 'buffered-fallback');
    rs.addStage(sd.req, 'buffered-fallback', ev.ts, ev.line);
  }

  private dioComplete(ev: IngestEvent, p: DecodedPayload): void {
    const rs = this.requests;
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const ret = num(p, 'ret');
    this.files.noteSize(dev, ino, num(p, 'size'), ev.ts);
    const end = num(p, 'offset');
    const r = this.dio.complete(dev, ino, end, ret, rs);
    if (r < 0) return;
    rs.addStage(r, 'dio-complete', ev.ts, ev.line);
    rs.setResult(r, ret);
    rs.complete(r);
    const error = num(p, 'error');
    if (error) rs.fs.put(r, 'error', error);
    // Direct I/O that stopped short: watch whether the same call goes on (retry, buffered fallback).
    if (ret >= 0 && ret < rs.length(r) && rs.op(r).startsWith('direct-') && end >= 0) {
      this.shortDio.set(rs.pid(r), { req: r, dev, ino, from: end, ts: ev.ts });
    }
  }

  private endCurrent(ev: IngestEvent, ret: number): void {
    const cur = this.current.get(ev.pid);
    const rs = this.requests;
    if (!cur || rs.isComplete(cur.req)) return;
    rs.addStage(cur.req, 'complete', ev.ts, ev.line);
    rs.setResult(cur.req, ret);
    rs.complete(cur.req);
  }

  private readahead(ev: IngestEvent, p: DecodedPayload): void {
    const rs = this.requests;
    if (this.shortDio.size > 0) this.fallback(ev, num(p, 'dev'), num(p, 'ino'));
    const pages = num(p, 'nr_pages');
    const got = this.attach(ev, p, 'readahead', true);
    if (got >= 0) {
      rs.fs.increment(got, 'readaheadPages', pages);
      return;
    }
    const r = rs.create('fs', 'readahead', 'readahead', ev.ts, ev.line);
    rs.setTask(r, ev.pid, ev.comm);
    rs.setDev(r, num(p, 'dev'));
    rs.setIno(r, num(p, 'ino'));
    rs.fs.put(r, 'readaheadPages', pages);
    rs.complete(r);
    const parent = this.parents.syscalls?.fileSyscallOf(ev.pid) ?? -1;
    if (parent >= 0) this.adopt(parent, r);
    this.setCurrent(ev.pid, r, ev.ts);
  }

  private writeback(ev: IngestEvent, p: DecodedPayload): void {
    const rs = this.requests;
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const offset = num(p, 'offset');
    const length = num(p, 'length');
    this.files.noteSize(dev, ino, num(p, 'size'), ev.ts);
    const cur = this.currentFor(ev.pid, dev, ino, ev.ts);
    if (cur && rs.op(cur.req) === 'writeback' && rs.offset(cur.req) + rs.length(cur.req) === offset) {
      rs.setLength(cur.req, rs.length(cur.req) + length);
      cur.lastTs = ev.ts;
      rs.addLine(cur.req, ev.line);
      return;
    }
    const r = rs.create('fs', 'writeback', 'writeback', ev.ts, ev.line);
    rs.setTask(r, ev.pid, ev.comm);
    rs.setDev(r, dev);
    rs.setIno(r, ino);
    rs.setOffset(r, offset);
    rs.setLength(r, length);
    rs.complete(r);
    const parent = this.parents.syscalls?.fileSyscallOf(ev.pid) ?? -1;
    if (parent >= 0) this.adopt(parent, r);
    this.setCurrent(ev.pid, r, ev.ts);
  }

  /**
   * A disk mapping: attach it and register its sectors for the block tracker (mapped/unwritten only). A
   * filesystem on an anonymous device (major 0: btrfs) maps to its own logical address space, not to
   * sectors of `bdev`, so its range links only the bios the same task submits inside this call (the
   * shared call is the proof; the address only picks the mapping).
   */
  private dstmap(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const r = this.attach(ev, p, '', false);
    if (r < 0) return;
    const logical = Math.floor(num(p, 'dev') / 2 ** 20) === 0;
    const type = text(p, 'type', store);
    if (type !== 'MAPPED' && type !== 'UNWRITTEN') return;
    const addr = num(p, 'addr');
    const length = num(p, 'length');
    const bdev = num(p, 'bdev');
    if (!(addr >= 0) || !(length > 0)) return;
    const start = Math.floor(addr / 512);
    this.links.register(Number.isNaN(bdev) ? -1 : bdev, start, Math.ceil((addr + length) / 512), r, ev.ts, false, logical ? ev.pid : -1);
  }
}

function attempts(rs: RequestSet, r: number): number {
  let n = 0;
  for (let k = 0; k < rs.stageCount(r); k++) {
    const s = rs.stageName(r, k);
    if (s === 'read' || s === 'retry' || s === 'dio-begin') n++;
  }
  return n;
}

/** The parent's last fs child on (dev, ino), or -1. */
function lastFsChild(rs: RequestSet, parent: number, dev: number, ino: number): number {
  const kids = rs.children(parent);
  for (let i = kids.length - 1; i >= 0; i--) {
    const c = kids[i]!;
    if (rs.layer(c) === 'fs' && rs.ino(c) === ino && rs.dev(c) === dev) return c;
  }
  return -1;
}
