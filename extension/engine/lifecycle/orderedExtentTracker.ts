/**
 * OrderedExtentTracker: rebuilds the life of every btrfs ordered extent (OE) of a trace as an IoRequest of
 * layer `ordered-extent`, keyed by (fsid, root, ino, file_offset).
 *
 * It follows every `btrfs_ordered_extent_*` event (add, start, lookup*, split, dec_test_pending,
 * mark_finished, put, remove), the per-range completions `btrfs_finish_ordered_extent` (6.6+) and
 * `btrfs_writepage_end_io_hook` (uptodate per file range), and the block data-write completions while
 * extents are open. Flags are decoded per era (see decode/btrfsOrderedEra.ts: 5.15+ unless the file shows a
 * 5.4/5.10 signature). An extent's `start` is a btrfs logical address, not a device sector, so bios are
 * never joined to it by address: BtrfsDiskMap proves which writes are its own (they completed right before
 * its range was reported done, tiling exactly one device range of that length) and learns the logical ->
 * device mapping from it; at the end those writes become the extent's children.
 *
 * Waiters (orderedExtentWaiters.ts) are recorded while an extent is unfinished, as input for the
 * `ordered-extent-unfinished` finding. State is one record per extent plus maps of the open ones.
 */
import type { BtrfsEra } from '../decode/btrfsOrderedFlags';
import type { DecodedPayload, EventSchema } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { RequestSet } from '../requests/requestSet';
import type { EventStore } from '../store/eventStore';
import { BtrfsDiskMap, type DiskMapping } from './btrfsDiskMap';
import type { LinkIndex } from './linkIndex';
import { decodeOrderedFlags, eraOfEvent, hasFlag, orderedExtentOp, uniqueEra, type OrderedFlags } from '../decode/btrfsOrderedEra';
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
  /** Which writes are whose, and where logical addresses lie on the devices (proven pairings). */
  readonly diskMap = new BtrfsDiskMap();

  /** `_links`: not used (an extent's logical range is no device range to register); kept for the tracker list. */
  constructor(
    private readonly requests: RequestSet,
    _links?: LinkIndex,
  ) {}

  /** The flag era the file showed, if any. */
  get flagEra(): BtrfsEra | undefined {
    return this.era;
  }

  readonly interest: EventInterest = {
    prefixes: ['btrfs_ordered_extent_'],
    names: ['btrfs_finish_ordered_extent', 'btrfs_writepage_end_io_hook', 'btrfs_sync_file', 'btrfs_chunk_alloc', 'block_rq_complete', 'block_rq_error', 'sched_switch', 'sched_process_hang', ...SYNC_SYSCALLS],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    const p = ev.payload;
    if (name.startsWith('btrfs_')) {
      if (p === undefined) return;
      // An event of the 6.1+ kernels settles the era; an old-format one only when nothing did before.
      const proven = eraOfEvent(name, p.variant);
      if (proven === '5.15+' || (proven !== undefined && this.era === undefined)) this.era = proven;
      if (name.startsWith('btrfs_ordered_extent_')) this.onExtentEvent(ev, p, store);
      else if (name === 'btrfs_finish_ordered_extent' || name === 'btrfs_writepage_end_io_hook') this.onRangeDone(ev, p);
      else if (name === 'btrfs_sync_file') this.onSyncFile(ev, p, store);
      else if (name === 'btrfs_chunk_alloc') this.diskMap.noteChunk(p.num[p.schema.slot('offset')]!, p.num[p.schema.slot('size')]!, ev.line);
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
    this.resolveWrites();
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
      this.pairWrites(oe, a, b, ok, ev);
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

  /** A block data write completed while extents are open: a candidate for the pairing of their ranges. */
  private onBlockDone(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const schema = p.schema;
    const rwbs = p.str[schema.slot('rwbs')]!;
    if (rwbs < 0) return;
    const text = store.strings.get(rwbs);
    if (!text.includes('W') || text.includes('M')) return;
    const err = p.num[schema.slot('error')]!;
    if (ev.name === 'block_rq_error') {
      this.diskMap.noteError(p.num[schema.slot('dev')]!, p.num[schema.slot('sector')]!, ev.line);
      return;
    }
    this.diskMap.noteWrite(p.num[schema.slot('dev')]!, p.num[schema.slot('sector')]!, p.num[schema.slot('nr_sector')]!, Number.isNaN(err) ? 0 : err, ev.ts, ev.line);
  }

  /**
   * File range [a, b) of `oe` was reported done: the writes that completed right before it and tile one
   * device range of its length are its own (see BtrfsDiskMap). Compressed extents pair only as a whole.
   */
  private pairWrites(oe: OrderedExtent, a: number, b: number, ok: boolean, ev: IngestEvent): void {
    let logical: number;
    let bytes: number;
    if (oe.diskLen === oe.len) {
      logical = oe.diskStart + (a - oe.fileOffset);
      bytes = b - a;
    } else if (a <= oe.fileOffset && b >= oe.fileOffset + oe.len) {
      logical = oe.diskStart;
      bytes = oe.diskLen;
    } else return;
    const m = this.diskMap.pair(logical, bytes, ok, oe.addedTs, ev.ts, ev.line);
    if (m !== undefined) this.adoptWrites(oe, m);
  }

  /** Records a proven mapping and its writes on the extent (disk ranges in logical bytes). */
  private adoptWrites(oe: OrderedExtent, m: DiskMapping): void {
    (oe.mappings ??= []).push(m);
    if (m.errno !== 0) {
      (oe.diskFailed ??= new ByteRanges()).add(m.logical, m.logical + m.bytes);
      oe.blockErrno = m.errno;
    } else (oe.diskOk ??= new ByteRanges()).add(m.logical, m.logical + m.bytes);
    for (const l of m.blockLines) {
      (oe.writeLines ??= []).push(l);
      (oe.blockLines ??= []).push(l);
      this.requests.addLine(oe.request, l);
    }
  }

  /**
   * At the end: the block write requests behind the proven completion lines become the extents' writes
   * (and children, unless another layer already holds them); an extent without a pairing of its own gets
   * the writes inside its range where a traced chunk proves the mapping.
   */
  private resolveWrites(): void {
    if (this.extents.length === 0) return;
    const rs = this.requests;
    const wanted = new Set<number>();
    for (const oe of this.extents) for (const l of oe.writeLines ?? []) wanted.add(l);
    const byLine = new Map<number, number>();
    const blockWrites: number[] = [];
    for (let r = 0; r < rs.count; r++) {
      if (rs.layer(r) !== 'block' || rs.op(r) !== 'write') continue;
      blockWrites.push(r);
      if (wanted.size > 0) for (const l of rs.lines(r)) if (wanted.has(l)) byLine.set(l, r);
    }
    for (const oe of this.extents) {
      if (oe.writeLines === undefined) {
        const m = oe.diskLen > 0 ? this.diskMap.mappingFor(oe.diskStart, oe.diskLen) : undefined;
        if (m === undefined) continue;
        const from = m.sector;
        const to = m.sector + oe.diskLen / 512;
        const until = oe.removedTs >= 0 ? oe.removedTs : Infinity;
        const ids = blockWrites.filter((r) => rs.dev(r) === m.dev && rs.sector(r) >= from && rs.sector(r) + rs.sectors(r) <= to && rs.firstTs(r) >= oe.addedTs && rs.firstTs(r) <= until);
        if (ids.length === 0) continue;
        oe.mappings = [m];
        oe.writes = ids;
      } else {
        const ids = [...new Set(oe.writeLines.map((l) => byLine.get(l)).filter((r): r is number => r !== undefined))];
        oe.writes = ids;
      }
      for (const r of oe.writes) if (rs.parent(r) < 0) rs.link(oe.request, r);
    }
  }
}
