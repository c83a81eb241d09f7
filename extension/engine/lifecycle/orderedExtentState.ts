/**
 * OrderedExtent: the typed state of one btrfs ordered extent while a trace streams, and its JSON form
 * (the `details` of its request in `iolens request`). File ranges are byte offsets in the file (from
 * `btrfs_finish_ordered_extent` / `btrfs_writepage_end_io_hook`); disk ranges are btrfs logical bytes
 * (the `start` of the ordered-extent events, which equals the device offset only inside a chunk mapped
 * 1:1: where it lies on a device is known only where btrfsDiskMap proves it). Range sets are created on
 * first use to keep idle extents small.
 */
import type { JsonValue } from '../contracts/finding';
import type { OrderedFlags } from '../decode/btrfsOrderedEra';
import type { DiskMapping } from './btrfsDiskMap';
import { ByteRanges } from './orderedExtentRanges';

/** Why a task is believed to wait for an unfinished ordered extent. */
export type WaiterKind = 'fsync' | 'sync' | 'hung-task' | 'd-state' | 'oe-wait' | 'inode-activity';

/** One event after the extent was added that shows something waiting for it. */
export interface OrderedExtentWaiter {
  readonly kind: WaiterKind;
  readonly pid: number;
  readonly comm: string;
  readonly line: number;
  readonly ts: number;
}

/** At most this many waiters are kept per extent (all are counted). */
export const MAX_WAITERS = 8;

export interface OrderedExtent {
  /** The extent's request id. */
  readonly request: number;
  readonly fsid: string;
  readonly root: number;
  readonly ino: number;
  /** `${fsid id}:${root}:${ino}`: the inode key. */
  readonly inode: string;
  fileOffset: number;
  len: number;
  diskStart: number;
  diskLen: number;
  compressType: number;
  refs: number;
  flags: OrderedFlags;
  /** False when the first event seen was not `_add` (the extent predates the trace, or came from a split). */
  addSeen: boolean;
  addedTs: number;
  addedLine: number;
  /** mark_finished, or finish ranges covering the whole extent; -1 while unfinished. */
  finishedTs: number;
  finishedLine: number;
  removedTs: number;
  removedLine: number;
  /** First line whose flags carry IOERR, -1 when none. */
  ioerrLine: number;
  /** File ranges completed with uptodate=1 / uptodate=0, and the lines that reported them. */
  ok: ByteRanges | undefined;
  failed: ByteRanges | undefined;
  failLines: number[] | undefined;
  /** Disk ranges (logical bytes) of its proven block write completions: result 0 / error. */
  diskOk: ByteRanges | undefined;
  diskFailed: ByteRanges | undefined;
  blockLines: number[] | undefined;
  /** Block completion errors seen (errno, e.g. -5). */
  blockErrno: number;
  /** How its disk range maps to a device, when the trace proves it (btrfsDiskMap.ts); one per proven range. */
  mappings: DiskMapping[] | undefined;
  /** Block completion lines of the writes proven to be its own (resolved to requests in `writes` at the end). */
  writeLines: number[] | undefined;
  /** Block write requests proven to be its own (ids), filled when the trace ends. */
  writes: number[] | undefined;
  waiters: OrderedExtentWaiter[] | undefined;
  waiterCount: number;
  /** Pids related to the extent (the adder, tasks syncing or waiting on its inode/extent). */
  pids: number[];
  /** Request id of the extent this one was split from, -1. */
  splitFrom: number;
  splitPending: boolean;
}

/** A fresh record for an extent first seen in `request`. */
export function newOrderedExtent(request: number, fsid: string, root: number, ino: number, inode: string, flags: OrderedFlags): OrderedExtent {
  return {
    request, fsid, root, ino, inode,
    fileOffset: -1, len: -1, diskStart: -1, diskLen: -1, compressType: 0, refs: 0, flags,
    addSeen: false, addedTs: -1, addedLine: -1, finishedTs: -1, finishedLine: -1, removedTs: -1, removedLine: -1, ioerrLine: -1,
    ok: undefined, failed: undefined, failLines: undefined, diskOk: undefined, diskFailed: undefined, blockLines: undefined,
    blockErrno: 0, mappings: undefined, writeLines: undefined, writes: undefined, waiters: undefined, waiterCount: 0, pids: [], splitFrom: -1, splitPending: false,
  };
}

/** True when the extent finished: removed, marked finished, or its whole range completed. */
export function isFinished(oe: OrderedExtent): boolean {
  return oe.removedLine >= 0 || oe.finishedLine >= 0;
}

/** True when the extent carries IOERR (by flag) or a completion reported uptodate=0. */
export function hasIoerr(oe: OrderedExtent): boolean {
  return oe.ioerrLine >= 0 || (oe.failed !== undefined && !oe.failed.empty);
}

function ranges(r: ByteRanges | undefined): JsonValue {
  return r === undefined ? [] : r.list();
}

/** The extent as the JSON details of its request (no line numbers: those are in `lines`). */
export function orderedExtentDetails(oe: OrderedExtent): { [key: string]: JsonValue } {
  return {
    fsid: oe.fsid,
    root: oe.root,
    ino: oe.ino,
    fileOffset: oe.fileOffset,
    len: oe.len,
    diskStart: oe.diskStart,
    diskLen: oe.diskLen,
    compressType: oe.compressType,
    flags: [...oe.flags.names],
    flagsEra: oe.flags.era,
    refs: oe.refs,
    ioerr: hasIoerr(oe),
    rangesOk: ranges(oe.ok),
    rangesFailed: ranges(oe.failed),
    diskWritten: ranges(oe.diskOk),
    diskFailed: ranges(oe.diskFailed),
    addSeen: oe.addSeen,
    addedNs: oe.addedTs,
    finishedNs: oe.finishedTs,
    removedNs: oe.removedTs,
    waiters: oe.waiterCount,
    splitFrom: oe.splitFrom,
    diskMapping: (oe.mappings ?? []).map((m) => ({ dev: m.dev, logical: m.logical, sector: m.sector, bytes: m.bytes, how: m.how })),
  };
}
