/**
 * LinkIndex: how layers find each other by disk address. A filesystem tracker registers the disk range
 * an I/O is about to touch (iomap dstmap `addr / 512`, an xfs mapping, a btrfs ordered extent's `start`);
 * the block tracker, seeing a bio for (dev, sector), asks which registered request covers it and links
 * the bio to it. Never by pid: block completions run in softirq or other tasks.
 *
 * Entries expire after `ttlNs` (a mapping is used right after it is made) so the index stays small on
 * long traces; exact start sectors are found in O(1), ranges in the short list of recent entries.
 */
interface Entry {
  readonly dev: number;
  readonly start: number;
  readonly end: number;
  readonly request: number;
  readonly ts: number;
  /** Only write bios may link to it (a btrfs ordered extent is written, never read, through its range). */
  readonly writesOnly: boolean;
  live: boolean;
}

export class LinkIndex {
  private readonly exact = new Map<string, Entry>();
  private readonly recent: Entry[] = [];

  constructor(
    private readonly ttlNs = 5e9,
    private readonly maxRecent = 256,
  ) {}

  /**
   * Registers that `request` will do I/O on sectors [start, end) of `dev` (dev -1: any device, for
   * filesystems that do not print it, like btrfs).
   */
  register(dev: number, start: number, end: number, request: number, ts: number, writesOnly = false): void {
    const e: Entry = { dev, start, end, request, ts, writesOnly, live: true };
    this.exact.set(`${dev}:${start}`, e);
    this.recent.push(e);
    if (this.recent.length > this.maxRecent) this.recent.splice(0, this.recent.length - this.maxRecent);
  }

  /** The request registered for a bio at (dev, sector) at time ts, or -1. `isWrite`: the bio writes. */
  find(dev: number, sector: number, ts: number, isWrite = true): number {
    const usable = (e: Entry | undefined): e is Entry => e !== undefined && e.live && ts - e.ts <= this.ttlNs && (isWrite || !e.writesOnly);
    const hit = this.exact.get(`${dev}:${sector}`);
    if (usable(hit)) return hit.request;
    const anyDev = this.exact.get(`-1:${sector}`);
    if (usable(anyDev)) return anyDev.request;
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const e = this.recent[i]!;
      if ((e.dev === dev || e.dev === -1) && sector >= e.start && sector < e.end && usable(e)) return e.request;
    }
    return -1;
  }

  /** Stops linking bios to `request` (it finished: an ordered extent was removed). */
  unregister(request: number): void {
    for (const e of this.recent) if (e.request === request) e.live = false;
    for (const [k, e] of this.exact) if (e.request === request) this.exact.delete(k);
  }

  /** Drops entries older than the TTL (call now and then on long traces). */
  expire(now: number): void {
    for (const [k, e] of this.exact) if (now - e.ts > this.ttlNs) this.exact.delete(k);
  }
}
