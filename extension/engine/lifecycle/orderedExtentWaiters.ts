/**
 * OrderedExtentWaiters: records, for each unfinished ordered extent, the later events that show somebody
 * waiting for it. These are the input of the `ordered-extent-unfinished` finding (and of the hang
 * analysis that follows it):
 *
 * - `fsync`: `btrfs_sync_file` on the extent's inode, or fsync/fdatasync/sync_file_range by a related task;
 * - `sync`: sync(2)/syncfs(2) by any task (they wait for every ordered extent);
 * - `oe-wait`: `btrfs_ordered_extent_start` of the extent (btrfs_start_ordered_extent waits for it);
 * - `inode-activity`: another ordered extent added on the same inode;
 * - `d-state`: a related task switched out in D state (`sched_switch prev_state=D`);
 * - `hung-task`: `sched_process_hang` of any task (the hung-task detector fired while the extent was open).
 *
 * A task is related to an extent when it added it, synced its inode or waited on it. The pid index holds
 * open unfinished extents only, so a D-state switch costs one map lookup.
 */
import type { DecodedPayload } from '../decode/payloadTypes';
import type { IngestEvent } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';
import { isFinished, MAX_WAITERS, type OrderedExtent, type WaiterKind } from './orderedExtentState';

export class OrderedExtentWaiters {
  private readonly byPid = new Map<number, Set<OrderedExtent>>();

  /** An ordered-extent event of `oe` itself (after its first one). */
  onExtentEvent(oe: OrderedExtent, ev: IngestEvent, store: EventStore): void {
    if (isFinished(oe)) return;
    if (ev.name === 'btrfs_ordered_extent_start') this.add(oe, 'oe-wait', ev.pid, store.strings.get(ev.comm), ev);
  }

  /** `btrfs_sync_file` on the inode of `oe`. */
  onSync(oe: OrderedExtent, ev: IngestEvent, store: EventStore): void {
    if (!isFinished(oe)) this.add(oe, 'fsync', ev.pid, store.strings.get(ev.comm), ev);
  }

  /** A new extent `added` on the same inode as the open `oe`. */
  onInodeActivity(oe: OrderedExtent, ev: IngestEvent, store: EventStore): void {
    if (!isFinished(oe) && oe.addedLine < ev.line) this.add(oe, 'inode-activity', ev.pid, store.strings.get(ev.comm), ev);
  }

  /** Registers the adder of a new extent as related. */
  relate(oe: OrderedExtent, pid: number): void {
    this.index(oe, pid);
  }

  /** sched_switch, sched_process_hang and sync-family syscalls, while extents are open. */
  onTaskEvent(ev: IngestEvent, p: DecodedPayload | undefined, store: EventStore, open: ReadonlySet<OrderedExtent>): void {
    const comm = (): string => store.strings.get(ev.comm);
    if (ev.name === 'sched_switch') {
      if (p === undefined) return;
      const st = p.str[p.schema.slot('prev_state')]!;
      if (st < 0 || !store.strings.get(st).startsWith('D')) return;
      const pid = p.num[p.schema.slot('prev_pid')]!;
      const commId = p.str[p.schema.slot('prev_comm')]!;
      for (const oe of this.byPid.get(pid) ?? []) this.add(oe, 'd-state', pid, commId >= 0 ? store.strings.get(commId) : comm(), ev);
    } else if (ev.name === 'sched_process_hang') {
      if (p === undefined) return;
      const pid = p.num[p.schema.slot('pid')]!;
      const commId = p.str[p.schema.slot('comm')]!;
      const who = commId >= 0 ? store.strings.get(commId) : '';
      for (const oe of open) if (!isFinished(oe)) this.add(oe, 'hung-task', pid, who, ev);
    } else if (ev.name === 'sys_enter_sync' || ev.name === 'sys_enter_syncfs') {
      for (const oe of open) if (!isFinished(oe)) this.add(oe, 'sync', ev.pid, comm(), ev);
    } else {
      for (const oe of this.byPid.get(ev.pid) ?? []) this.add(oe, 'fsync', ev.pid, comm(), ev);
    }
  }

  /** The extent finished or went away: it has no more waiters to collect. */
  forget(oe: OrderedExtent): void {
    for (const pid of oe.pids) {
      const set = this.byPid.get(pid);
      if (set === undefined) continue;
      set.delete(oe);
      if (set.size === 0) this.byPid.delete(pid);
    }
  }

  private add(oe: OrderedExtent, kind: WaiterKind, pid: number, comm: string, ev: IngestEvent): void {
    oe.waiterCount++;
    const list = (oe.waiters ??= []);
    if (list.length < MAX_WAITERS) list.push({ kind, pid, comm, line: ev.line, ts: ev.ts });
    if (kind !== 'hung-task' && kind !== 'sync') this.index(oe, pid);
  }

  private index(oe: OrderedExtent, pid: number): void {
    if (!oe.pids.includes(pid)) oe.pids.push(pid);
    let set = this.byPid.get(pid);
    if (set === undefined) this.byPid.set(pid, (set = new Set()));
    set.add(oe);
  }
}
