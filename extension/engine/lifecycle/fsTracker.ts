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
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';
import { FsDio } from './fsDio';
import { FsFiles } from './fsFiles';
import type { IoRequest, RequestSet } from './ioRequest';
import type { IoUringTracker } from './ioUringTracker';
import { workerTgidOf, type FsIssue } from './ioUringMatch';
import type { LinkIndex } from './linkIndex';
import type { SyscallTracker } from './syscallTracker';
import { resolveRoots } from './fsResolve';

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

interface Current {
  readonly req: IoRequest;
  lastTs: number;
  hasDio: boolean;
}

function num(p: DecodedPayload, name: string): number {
  const s = p.schema.slot(name);
  return s < 0 ? NaN : p.num[s]!;
}

function text(p: DecodedPayload, name: string, store: EventStore): string {
  const s = p.schema.slot(name);
  const id = s < 0 ? -1 : p.str[s]!;
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
  private readonly recentLoose = new Map<number, IoRequest[]>();
  /** Event type id -> whether this tracker handles it. */
  private readonly wantedByType: boolean[] = [];
  private readonly issue: FsIssue = { pid: 0, workerTgid: -1, direction: 'read', dev: -1, ino: -1, pos: -1, count: -1, size: -1, ts: 0 };

  constructor(
    private readonly requests: RequestSet,
    private readonly links: LinkIndex,
    private readonly parents: FsTrackerParents = {},
  ) {}

  onEvent(ev: IngestEvent, store: EventStore): void {
    const p = ev.payload;
    if (!p) return;
    // Most events of a large trace are of no interest here: decide once per event type, not per event.
    let wanted = this.wantedByType[ev.type];
    if (wanted === undefined) wanted = this.wantedByType[ev.type] = isFsEvent(ev.name);
    if (!wanted) return;
    const name = ev.name;
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
        this.readahead(ev, p, store);
        return;
      case 'iomap_iter':
      case 'iomap_apply':
        this.attach(ev, p, '', false);
        return;
      case 'iomap_iter_dstmap':
      case 'iomap_apply_dstmap':
      case 'iomap_add_to_ioend':
      case 'iomap_writepage_map':
        this.dstmap(ev, p, store);
        return;
      case 'iomap_writeback_folio':
      case 'iomap_writepage':
        this.writeback(ev, p, store);
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
  private top(ev: IngestEvent, p: DecodedPayload, store: EventStore, op: string, direction: 'read' | 'write', pos: number, count: number, size: number, stage: string = direction): IoRequest {
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
    let parent = this.parents.uring?.parentFor(is);
    if (parent) {
      const rel = this.parents.uring!.relation;
      if (rel !== 'issue') {
        const prev = lastFsChild(this.requests, parent, dev, ino);
        if (prev) {
          this.requests.addStage(prev, { name: rel, ts: ev.ts, line: ev.line });
          if (rel === 'eof-remainder') prev.details['eofRemainder'] = true;
          else prev.details['retries'] = (typeof prev.details['retries'] === 'number' ? prev.details['retries'] : 0) + 1;
          this.setCurrent(ev.pid, prev, ev.ts);
          return prev;
        }
      }
    } else {
      parent = this.parents.syscalls?.fileSyscallOf(ev.pid);
      if (!parent && op === 'buffered-read') {
        const again = this.looseRetry(ev, dev, ino, pos, count);
        if (again) return again;
      }
    }
    const r = this.requests.create('fs', op, { name: stage, ts: ev.ts, line: ev.line });
    r.pid = ev.pid;
    r.comm = store.strings.get(ev.comm);
    r.dev = dev;
    r.ino = ino;
    r.offset = Number.isNaN(pos) ? -1 : pos;
    r.length = Number.isNaN(count) ? -1 : count;
    if (size >= 0) r.details['i_size'] = size;
    r.details['event'] = ev.name;
    if (parent) this.adopt(parent, r);
    else if (op === 'buffered-read') this.rememberLoose(ev.pid, r);
    this.setCurrent(ev.pid, r, ev.ts);
    return r;
  }

  /** Links `child` under `parent` and tells the parent what only the filesystem knows. */
  private adopt(parent: IoRequest, child: IoRequest): void {
    this.requests.link(parent, child);
    if (parent.length < 0 && child.length >= 0) parent.length = child.length;
    if (parent.offset < 0 && child.offset >= 0) parent.offset = child.offset;
    if (parent.ino < 0) {
      parent.dev = child.dev;
      parent.ino = child.ino;
    }
    const size = child.details['i_size'];
    if (typeof size === 'number' && parent.details['i_size'] === undefined) parent.details['i_size'] = size;
    const fd = parent.details['fd'];
    if (typeof fd === 'number') this.files.bindFd(parent.pid, fd, child.dev, child.ino, child.stages[0]!.ts);
  }

  private setCurrent(pid: number, req: IoRequest, ts: number): void {
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
    const r = cur.req;
    if (r.ino !== ino || (r.dev !== dev && r.dev >= 0)) return undefined;
    const parent = r.parent >= 0 ? this.requests.requests[r.parent] : undefined;
    const live = parent ? !parent.complete : !r.complete || ts - cur.lastTs < RETRY_WINDOW_NS;
    return live ? cur : undefined;
  }

  private looseRetry(ev: IngestEvent, dev: number, ino: number, pos: number, count: number): IoRequest | undefined {
    const list = this.recentLoose.get(ev.pid);
    if (!list) return undefined;
    for (const r of list) {
      if (r.ino !== ino || r.dev !== dev || r.offset !== pos || r.length !== count) continue;
      if (ev.ts - r.stages[0]!.ts > RETRY_WINDOW_NS || attempts(r) >= MAX_ATTEMPTS) continue;
      this.requests.addStage(r, { name: 'retry', ts: ev.ts, line: ev.line });
      r.details['retries'] = (typeof r.details['retries'] === 'number' ? r.details['retries'] : 0) + 1;
      this.setCurrent(ev.pid, r, ev.ts);
      return r;
    }
    return undefined;
  }

  private rememberLoose(pid: number, r: IoRequest): void {
    let list = this.recentLoose.get(pid);
    if (!list) this.recentLoose.set(pid, (list = []));
    list.push(r);
    if (list.length > 8) list.shift();
  }

  /** Adds an iomap event's line (and a stage when `stage` is set) to the task's current fs request. */
  private attach(ev: IngestEvent, p: DecodedPayload, stage: string, asStage: boolean): IoRequest | undefined {
    const cur = this.currentFor(ev.pid, num(p, 'dev'), num(p, 'ino'), ev.ts);
    if (!cur) return undefined;
    cur.lastTs = ev.ts;
    if (asStage) this.requests.addStage(cur.req, { name: stage, ts: ev.ts, line: ev.line });
    else this.requests.addLine(cur.req, ev.line);
    return cur.req;
  }

  private dioBegin(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const offset = num(p, 'offset');
    const length = num(p, 'length');
    const size = num(p, 'size');
    const flags = text(p, 'flags', store);
    let cur = this.currentFor(ev.pid, dev, ino, ev.ts);
    if (cur && (cur.hasDio || !cur.req.op.startsWith('direct') || cur.req.offset !== offset)) cur = undefined;
    let r: IoRequest;
    if (cur) {
      r = cur.req;
      this.requests.addStage(r, { name: 'dio-begin', ts: ev.ts, line: ev.line });
      this.files.noteSize(dev, ino, size, ev.ts);
    } else {
      const write = /(^|\|)WRITE(\||$)/.test(flags);
      r = this.top(ev, p, store, write ? 'direct-write' : 'direct-read', write ? 'write' : 'read', offset, length, size, 'dio-begin');
    }
    const c = this.current.get(ev.pid);
    if (c && c.req === r) c.hasDio = true;
    r.details['dioFlags'] = flags;
    if (/(^|\|)NOWAIT(\||$)/.test(flags)) r.details['nowait'] = true;
    if (num(p, 'aio') === 1) r.details['aio'] = true;
    this.dio.begin(dev, ino, offset, length, r);
  }

  private dioComplete(ev: IngestEvent, p: DecodedPayload): void {
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const ret = num(p, 'ret');
    this.files.noteSize(dev, ino, num(p, 'size'), ev.ts);
    const r = this.dio.complete(dev, ino, num(p, 'offset'), ret);
    if (!r) return;
    this.requests.addStage(r, { name: 'dio-complete', ts: ev.ts, line: ev.line });
    r.result = ret;
    r.complete = true;
    const error = num(p, 'error');
    if (error) r.details['error'] = error;
  }

  private endCurrent(ev: IngestEvent, ret: number): void {
    const cur = this.current.get(ev.pid);
    if (!cur || cur.req.complete) return;
    this.requests.addStage(cur.req, { name: 'complete', ts: ev.ts, line: ev.line });
    cur.req.result = ret;
    cur.req.complete = true;
  }

  private readahead(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const pages = num(p, 'nr_pages');
    const got = this.attach(ev, p, 'readahead', true);
    if (got) {
      got.details['readaheadPages'] = (typeof got.details['readaheadPages'] === 'number' ? got.details['readaheadPages'] : 0) + pages;
      return;
    }
    const r = this.requests.create('fs', 'readahead', { name: 'readahead', ts: ev.ts, line: ev.line });
    r.pid = ev.pid;
    r.comm = store.strings.get(ev.comm);
    r.dev = num(p, 'dev');
    r.ino = num(p, 'ino');
    r.details['readaheadPages'] = pages;
    r.complete = true;
    const parent = this.parents.syscalls?.fileSyscallOf(ev.pid);
    if (parent) this.adopt(parent, r);
    this.setCurrent(ev.pid, r, ev.ts);
  }

  private writeback(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const dev = num(p, 'dev');
    const ino = num(p, 'ino');
    const offset = num(p, 'offset');
    const length = num(p, 'length');
    this.files.noteSize(dev, ino, num(p, 'size'), ev.ts);
    const cur = this.currentFor(ev.pid, dev, ino, ev.ts);
    if (cur && cur.req.op === 'writeback' && cur.req.offset + cur.req.length === offset) {
      cur.req.length += length;
      cur.lastTs = ev.ts;
      this.requests.addLine(cur.req, ev.line);
      return;
    }
    const r = this.requests.create('fs', 'writeback', { name: 'writeback', ts: ev.ts, line: ev.line });
    r.pid = ev.pid;
    r.comm = store.strings.get(ev.comm);
    r.dev = dev;
    r.ino = ino;
    r.offset = offset;
    r.length = length;
    r.complete = true;
    const parent = this.parents.syscalls?.fileSyscallOf(ev.pid);
    if (parent) this.adopt(parent, r);
    this.setCurrent(ev.pid, r, ev.ts);
  }

  /** A disk mapping: attach it and register its sectors for the block tracker (mapped/unwritten only). */
  private dstmap(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const r = this.attach(ev, p, '', false);
    if (!r) return;
    const type = text(p, 'type', store);
    if (type !== 'MAPPED' && type !== 'UNWRITTEN') return;
    const addr = num(p, 'addr');
    const length = num(p, 'length');
    const bdev = num(p, 'bdev');
    if (!(addr >= 0) || !(length > 0)) return;
    const start = Math.floor(addr / 512);
    this.links.register(Number.isNaN(bdev) ? -1 : bdev, start, Math.ceil((addr + length) / 512), r.id, ev.ts);
  }
}

function isFsEvent(name: string): boolean {
  return TOP.has(name) || name.startsWith('iomap_') || name.startsWith('ext4_direct_IO');
}

function attempts(r: IoRequest): number {
  let n = 0;
  for (const s of r.stages) if (s.name === 'read' || s.name === 'retry' || s.name === 'dio-begin') n++;
  return n;
}

/** The parent's last fs child on (dev, ino). */
function lastFsChild(requests: RequestSet, parent: IoRequest, dev: number, ino: number): IoRequest | undefined {
  for (let i = parent.children.length - 1; i >= 0; i--) {
    const c = requests.requests[parent.children[i]!];
    if (c && c.layer === 'fs' && c.ino === ino && c.dev === dev) return c;
  }
  return undefined;
}
