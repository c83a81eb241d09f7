/**
 * OrderedExtentTracker: rebuilds the life of every btrfs ordered extent (OE) of a trace as an IoRequest of
 * layer `ordered-extent`, keyed by (fsid, root, ino, file_offset).
 *
 * It follows every `btrfs_ordered_extent_*` event (add, start, lookup*, split, dec_test_pending,
 * mark_finished, put, remove), the per-range completions `btrfs_finish_ordered_extent` (6.6+) and
 * `btrfs_writepage_end_io_hook` (uptodate per file range), and the block write completions that land
 * inside an open extent's disk range. Flags are decoded per era (see orderedExtentFlags.ts: 5.15+ unless
 * the file shows a 5.4/5.10 signature). Each extent's disk range is registered in the LinkIndex (dev -1:
 * btrfs prints an fsid, not a device) so the block tracker can link the bios that wrote it.
 *
 * Waiters (orderedExtentWaiters.ts) are recorded while an extent is unfinished, as input for the
 * `ordered-extent-unfinished` finding. State is one record per extent plus maps of the open ones.
 */
import type { BtrfsEra } from '../decode/btrfsOrderedFlags';
import type { DecodedPayload, EventSchema } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { RequestSet } from '../requests/requestSet';
import type { EventStore } from '../store/eventStore';
import type { LinkIndex } from './linkIndex';
import { decodeOrderedFlags, hasFlag, orderedExtentOp, uniqueEra, type OrderedFlags } from './orderedExtentFlags';
import { ByteRanges } from './orderedExtentRanges';
import { newOrderedExtent, type OrderedExtent } from './orderedExtentState';
import { OrderedExtentWaiters } from './orderedExtentWaiters';

interface Slots {
  readonly fsid: number;
  readonly root: number;
  readonly ino: number;
  readonly fileOffset: number;
  readonly start: number;
  readonly len: number;
  readonly end: number;
  readonly diskLen: number;
  readonly flags: number;
  readonly refs: number;
  readonly compress: number;
  readonly uptodate: number;
}

/** Events that only exist on 6.1+ kernels (so the 5.15+ flag layout). */
const NEW_ERA_EVENTS = new Set(['btrfs_finish_ordered_extent', 'btrfs_ordered_extent_split', 'btrfs_ordered_extent_mark_finished', 'btrfs_ordered_extent_dec_test_pending', 'btrfs_ordered_extent_lookup', 'btrfs_ordered_extent_lookup_first', 'btrfs_ordered_extent_lookup_range', 'btrfs_ordered_extent_lookup_first_range', 'btrfs_ordered_extent_lookup_for_logging']);
/** Syscalls that return only when the inode's ordered extents are done. */
const SYNC_SYSCALLS = new Set(['sys_enter_fsync', 'sys_enter_fdatasync', 'sys_enter_sync_file_range', 'sys_enter_sync', 'sys_enter_syncfs']);

/** Builds `ordered-extent` requests; read `extents` (typed) or the RequestSet after `finish`. */
export class OrderedExtentTracker implements EventConsumer {
  /** Every extent seen, in order of first appearance. */
  readonly extents: OrderedExtent[] = [];
  /** Timestamp of the last event of the file (ns). */
  endTs = 0;
  private readonly byKey = new Map<string, OrderedExtent>();
  /** Open (not removed) extents per inode key. */
  private readonly byInode = new Map<string, OrderedExtent[]>();
  private readonly open = new Set<OrderedExtent>();
  private readonly slots = new Map<EventSchema, Slots>();
  private readonly flagCache = new Map<string, OrderedFlags>();
  private readonly waiters = new OrderedExtentWaiters();
  private era: BtrfsEra | undefined;

  constructor(
    private readonly requests: RequestSet,
    private readonly links: LinkIndex,
  ) {}

  /** The flag era the file showed, if any. */
  get flagEra(): BtrfsEra | undefined {
    return this.era;
  }

  readonly interest: EventInterest = {
    prefixes: ['btrfs_ordered_extent_'],
    names: ['btrfs_finish_ordered_extent', 'btrfs_writepage_end_io_hook', 'btrfs_sync_file', 'block_rq_complete', 'block_rq_error', 'sched_switch', 'sched_process_hang', ...SYNC_SYSCALLS],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    const p = ev.payload;
    if (name.startsWith('btrfs_')) {
      if (p === undefined) return;
      if (NEW_ERA_EVENTS.has(name)) this.era = '5.15+';
      if (name.startsWith('btrfs_ordered_extent_')) this.onExtentEvent(ev, p, store);
      else if (name === 'btrfs_finish_ordered_extent' || name === 'btrfs_writepage_end_io_hook') this.onRangeDone(ev, p);
      else if (name === 'btrfs_sync_file') this.onSyncFile(ev, p, store);
      return;
    }
    if (this.open.size === 0) return;
    if (name === 'block_rq_complete' || name === 'block_rq_error') {
      if (p !== undefined) this.onBlockDone(ev, p, store);
    } else if (name === 'sched_switch' || name === 'sched_process_hang' || SYNC_SYSCALLS.has(name)) {
      this.waiters.onTaskEvent(ev, p, store, this.open);
    }
  }

  finish(store: EventStore): void {
    this.endTs = store.maxTs;
    const rs = this.requests;
    for (const oe of this.extents) {
      const r = oe.request;
      rs.setOp(r, orderedExtentOp(oe.flags));
      rs.setOffset(r, oe.fileOffset);
      rs.setLength(r, oe.len);
      rs.setIno(r, oe.ino);
      rs.setOrderedExtent(r, oe);
    }
  }

  private slotsOf(schema: EventSchema): Slots {
    let s = this.slots.get(schema);
    if (s === undefined) {
      const at = (f: string): number => schema.slot(f);
      s = {
        fsid: at('fsid'), root: at('root_objectid'), ino: at('ino'), fileOffset: at('file_offset'), start: at('start'), len: at('len'),
        end: at('end'), diskLen: at('disk_len'), flags: at('flags'), refs: at('refs'), compress: at('compress_type'), uptodate: at('uptodate'),
      };
      this.slots.set(schema, s);
    }
    return s;
  }

  private flagsOf(p: DecodedPayload, s: Slots, store: EventStore): OrderedFlags {
    const id = s.flags >= 0 ? p.str[s.flags]! : -1;
    const key = `${id}:${this.era ?? ''}`;
    let f = this.flagCache.get(key);
    if (f === undefined) {
      const text = id >= 0 ? store.strings.get(id) : '';
      const unique = uniqueEra(text);
      if (unique !== undefined && this.era === undefined) this.era = unique;
      f = decodeOrderedFlags(text, this.era);
      this.flagCache.set(key, f);
    }
    return f;
  }

  private inodeKey(p: DecodedPayload, s: Slots): string {
    return `${p.str[s.fsid]!}:${p.num[s.root]!}:${p.num[s.ino]!}`;
  }

  private onExtentEvent(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const s = this.slotsOf(p.schema);
    const flags = this.flagsOf(p, s, store);
    const inode = this.inodeKey(p, s);
    const fileOffset = p.num[s.fileOffset]!;
    const len = p.num[s.len]!;
    const stage = { name: ev.name.slice('btrfs_ordered_extent_'.length), ts: ev.ts, line: ev.line };
    const isAdd = ev.name === 'btrfs_ordered_extent_add';
    let splitFrom = -1;
    const prev = this.byKey.get(`${inode}:${fileOffset}`);
    if (isAdd && prev !== undefined && prev.splitPending && len < prev.len) {
      // 6.1-6.3 split: the head is re-added under the original file_offset; the original moves past it.
      splitFrom = prev.request;
      this.moveTail(prev, len);
    }
    let oe = isAdd ? undefined : this.lookup(inode, fileOffset, len, ev);
    if (oe === undefined) {
      const fsidId = p.str[s.fsid]!;
      const r = this.requests.create('ordered-extent', orderedExtentOp(flags), stage.name, stage.ts, stage.line);
      oe = newOrderedExtent(r, fsidId >= 0 ? store.strings.get(fsidId) : '', p.num[s.root]!, p.num[s.ino]!, inode, flags);
      this.place(oe, fileOffset, len, p.num[s.start]!, p.num[s.diskLen]!);
      this.requests.setTask(r, ev.pid, ev.comm);
      oe.splitFrom = splitFrom;
      if (isAdd) {
        oe.addSeen = true;
        this.linkToCaller(oe, ev.pid);
      }
      oe.addedTs = ev.ts;
      oe.addedLine = ev.line;
      for (const other of this.byInode.get(inode) ?? []) if (other !== oe) this.waiters.onInodeActivity(other, ev, store);
      this.waiters.relate(oe, ev.pid);
      this.extents.push(oe);
      this.open.add(oe);
      // Writes only: reads of these sectors later (or before) are not this extent's I/O.
      this.links.register(-1, Math.floor(oe.diskStart / 512), Math.ceil((oe.diskStart + oe.diskLen) / 512), r, ev.ts, true);
    } else {
      this.requests.addStage(oe.request, stage.name, stage.ts, stage.line);
      this.waiters.onExtentEvent(oe, ev, store);
    }
    oe.flags = flags;
    oe.refs = p.num[s.refs]!;
    oe.compressType = p.num[s.compress]!;
    if (oe.ioerrLine < 0 && hasFlag(flags, 'IOERR')) oe.ioerrLine = ev.line;
    if (ev.name === 'btrfs_ordered_extent_split') oe.splitPending = true;
    if (ev.name === 'btrfs_ordered_extent_mark_finished' && oe.finishedLine < 0) this.markFinished(oe, ev);
    if (ev.name === 'btrfs_ordered_extent_remove') {
      oe.removedTs = ev.ts;
      oe.removedLine = ev.line;
      const r = oe.request;
      this.requests.complete(r);
      this.requests.setResult(r, oe.ioerrLine >= 0 || (oe.failed !== undefined && !oe.failed.empty) ? -5 : oe.len);
      this.links.unregister(r);
      this.close(oe);
    }
  }

  /** The extent an event names, following splits; undefined when it is new. */
  private lookup(inode: string, fileOffset: number, len: number, ev: IngestEvent): OrderedExtent | undefined {
    const oe = this.byKey.get(`${inode}:${fileOffset}`);
    if (oe !== undefined && oe.splitPending && len < oe.len) {
      // The head of a split keeps the original file_offset; the original moves past it.
      this.splitHead(oe, len, ev);
      return this.byKey.get(`${inode}:${fileOffset}`);
    }
    if (oe !== undefined) return oe;
    for (const x of this.byInode.get(inode) ?? []) {
      if (x.splitPending && fileOffset > x.fileOffset && fileOffset + len === x.fileOffset + x.len) {
        this.splitHead(x, fileOffset - x.fileOffset, ev);
        return x;
      }
    }
    return undefined;
  }

  /** Splits `oe` into a new head of `headLen` bytes and the remainder (which keeps its request). */
  private splitHead(oe: OrderedExtent, headLen: number, ev: IngestEvent): void {
    const rs = this.requests;
    const r = rs.create('ordered-extent', orderedExtentOp(oe.flags), 'split', ev.ts, ev.line);
    rs.setTask(r, rs.pid(oe.request), rs.commId(oe.request));
    const head = newOrderedExtent(r, oe.fsid, oe.root, oe.ino, oe.inode, oe.flags);
    head.addedTs = ev.ts;
    head.addedLine = ev.line;
    head.splitFrom = oe.request;
    for (const pid of oe.pids) this.waiters.relate(head, pid);
    const [fileOffset, diskStart] = [oe.fileOffset, oe.diskStart];
    this.moveTail(oe, headLen);
    this.place(head, fileOffset, headLen, diskStart, headLen);
    this.extents.push(head);
    this.open.add(head);
    if (rs.parent(oe.request) >= 0) rs.link(rs.parent(oe.request), r);
  }

  /** A split took the first `headLen` bytes of `oe`: it now starts after them. */
  private moveTail(oe: OrderedExtent, headLen: number): void {
    if (this.byKey.get(`${oe.inode}:${oe.fileOffset}`) === oe) this.byKey.delete(`${oe.inode}:${oe.fileOffset}`);
    this.place(oe, oe.fileOffset + headLen, oe.len - headLen, oe.diskStart + headLen, oe.diskLen - headLen);
    oe.splitPending = false;
  }

  private place(oe: OrderedExtent, fileOffset: number, len: number, diskStart: number, diskLen: number): void {
    oe.fileOffset = fileOffset;
    oe.len = len;
    oe.diskStart = diskStart;
    oe.diskLen = diskLen;
    this.byKey.set(`${oe.inode}:${fileOffset}`, oe);
    let list = this.byInode.get(oe.inode);
    if (list === undefined) this.byInode.set(oe.inode, (list = []));
    if (!list.includes(oe)) list.push(oe);
  }

  private close(oe: OrderedExtent): void {
    this.open.delete(oe);
    this.waiters.forget(oe);
    // The key stays mapped until an `_add` reuses it: puts and lookups follow the remove.
    const list = this.byInode.get(oe.inode);
    if (list === undefined) return;
    const i = list.indexOf(oe);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byInode.delete(oe.inode);
  }

  private markFinished(oe: OrderedExtent, ev: IngestEvent): void {
    oe.finishedTs = ev.ts;
    oe.finishedLine = ev.line;
    this.waiters.forget(oe);
  }

  /** Links a new extent to the open syscall / io_uring / fs request of the task that created it. */
  private linkToCaller(oe: OrderedExtent, pid: number): void {
    const rs = this.requests;
    for (let r = rs.count - 2, n = 0; r >= 0 && n < 32; r--, n++) {
      if (rs.pid(r) === pid && !rs.isComplete(r) && rs.layerCode(r) <= 2 /* syscall, io_uring, fs */) {
        rs.link(r, oe.request);
        return;
      }
    }
  }

  /** `btrfs_finish_ordered_extent` (start = file offset, len) or `btrfs_writepage_end_io_hook` (start..end inclusive). */
  private onRangeDone(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slotsOf(p.schema);
    if (ev.name === 'btrfs_writepage_end_io_hook' && p.variant === 1 && this.era === undefined) this.era = '5.10';
    const start = p.num[s.start]!;
    const end = s.len >= 0 && !Number.isNaN(p.num[s.len]!) ? start + p.num[s.len]! : p.num[s.end]! + 1;
    const ok = p.num[s.uptodate] !== 0;
    for (const oe of this.byInode.get(this.inodeKey(p, s)) ?? []) {
      const a = Math.max(start, oe.fileOffset);
      const b = Math.min(end, oe.fileOffset + oe.len);
      if (b <= a) continue;
      this.requests.addStage(oe.request, ok ? 'range-done' : 'range-failed', ev.ts, ev.line);
      if (ok) (oe.ok ??= new ByteRanges()).add(a, b);
      else {
        (oe.failed ??= new ByteRanges()).add(a, b);
        (oe.failLines ??= []).push(ev.line);
      }
      const done = new ByteRanges();
      if (oe.ok) done.addAll(oe.ok);
      if (oe.failed) done.addAll(oe.failed);
      if (oe.finishedLine < 0 && done.covers(oe.fileOffset, oe.fileOffset + oe.len)) this.markFinished(oe, ev);
    }
  }

  private onSyncFile(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const list = this.byInode.get(this.inodeKey(p, this.slotsOf(p.schema)));
    if (list !== undefined) for (const oe of list) this.waiters.onSync(oe, ev, store);
  }

  /** A block write completion inside an open extent's disk range (any device: btrfs prints no device). */
  private onBlockDone(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const schema = p.schema;
    const rwbs = p.str[schema.slot('rwbs')]!;
    if (rwbs < 0 || !store.strings.get(rwbs).includes('W')) return;
    const from = p.num[schema.slot('sector')]! * 512;
    const to = from + p.num[schema.slot('nr_sector')]! * 512;
    const err = p.num[schema.slot('error')]!;
    for (const oe of this.open) {
      const a = Math.max(from, oe.diskStart);
      const b = Math.min(to, oe.diskStart + oe.diskLen);
      if (b <= a) continue;
      if (err === 0) (oe.diskOk ??= new ByteRanges()).add(a, b);
      else {
        (oe.diskFailed ??= new ByteRanges()).add(a, b);
        oe.blockErrno = err;
      }
      (oe.blockLines ??= []).push(ev.line);
      this.requests.addLine(oe.request, ev.line);
    }
  }
}
