/**
 * LinkIndex: how layers find each other by disk address. A filesystem tracker registers the disk range
 * an I/O is about to touch (iomap dstmap `addr / 512`, a btrfs ordered extent's `start`); the block
 * tracker, seeing a bio for (dev, sector), asks which registered request covers it and links the bio to
 * it. Never by pid: block completions run in softirq or other tasks.
 *
 * Entries expire after `ttlNs` (a mapping is used right after it is made) so the index stays small on
 * long traces. Exact start sectors are found in nested numeric maps, ranges in a fixed ring of recent
 * entries; registering costs O(1) with no allocation beyond the entry.
 */
interface Entry {
  readonly dev: number;
  readonly start: number;
  readonly end: number;
  readonly request: number;
  readonly ts: number;
  /** Only write bios may link to it (a btrfs ordered extent is written, never read, through its range). */
  readonly writesOnly: boolean;
  /** Only bios submitted by this task may link to it (-1: any task). */
  readonly ownerPid: number;
  live: boolean;
}

export class LinkIndex {
  /** dev -> start sector -> entry (dev -1: any device, for filesystems that do not print it, like btrfs). */
  private readonly exact = new Map<number, Map<number, Entry>>();
  private readonly ring: (Entry | undefined)[];
  private head = 0;
  private registrations = 0;

  constructor(
    private readonly ttlNs = 5e9,
    recent = 256,
  ) {
    this.ring = new Array<Entry | undefined>(recent);
  }

  /**
   * Registers that `request` will do I/O on sectors [start, end) of `dev` (-1: any device). `ownerPid` >= 0:
   * only bios that task submits may link (an address that is not a device sector for sure, like btrfs's
   * logical one, proves the link only together with the task inside the call).
   */
  register(dev: number, start: number, end: number, request: number, ts: number, writesOnly = false, ownerPid = -1): void {
    const e: Entry = { dev, start, end, request, ts, writesOnly, ownerPid, live: true };
    let byStart = this.exact.get(dev);
    if (byStart === undefined) this.exact.set(dev, (byStart = new Map()));
    byStart.set(start, e);
    this.ring[this.head] = e;
    this.head = (this.head + 1) % this.ring.length;
    if (++this.registrations % 65536 === 0) this.expire(ts);
  }

  /** The request registered for a bio at (dev, sector) at time ts, or -1. `isWrite`: the bio writes; `pid`: its submitter. */
  find(dev: number, sector: number, ts: number, isWrite = true, pid = -1): number {
    const usable = (e: Entry | undefined): e is Entry =>
      e !== undefined && e.live && ts - e.ts <= this.ttlNs && (isWrite || !e.writesOnly) && (e.ownerPid < 0 || e.ownerPid === pid);
    const hit = this.exact.get(dev)?.get(sector);
    if (usable(hit)) return hit.request;
    const anyDev = this.exact.get(-1)?.get(sector);
    if (usable(anyDev)) return anyDev.request;
    const n = this.ring.length;
    for (let k = 1; k <= n; k++) {
      const e = this.ring[(this.head - k + n) % n];
      if (e === undefined) break;
      if ((e.dev === dev || e.dev === -1) && sector >= e.start && sector < e.end && usable(e)) return e.request;
    }
    return -1;
  }

  /** Stops linking bios to `request` (it finished: an ordered extent was removed). */
  unregister(request: number): void {
    for (const e of this.ring) if (e !== undefined && e.request === request) e.live = false;
    for (const byStart of this.exact.values()) {
      for (const [k, e] of byStart) if (e.request === request) byStart.delete(k);
    }
  }

  /** Drops entries older than the TTL (done automatically every 65536 registrations). */
  expire(now: number): void {
    for (const byStart of this.exact.values()) {
      for (const [k, e] of byStart) if (now - e.ts > this.ttlNs) byStart.delete(k);
    }
  }
}
