/**
 * BtrfsDiskMap: which block writes belong to which btrfs ordered extent, proven from the trace.
 *
 * btrfs prints logical addresses (`start=` of the ordered-extent events, iomap `addr`), block events print
 * device sectors, and the two are equal only where a chunk happens to be mapped 1:1. So a bio is never
 * joined to an extent by its address alone. The proof is a pairing: `btrfs_finish_ordered_extent` (or
 * `btrfs_writepage_end_io_hook`) reports a file range of an extent done right after the block writes of
 * that range completed, so the data writes that completed since the extent was added, with the same
 * outcome (error or not), and that tile exactly one device range of the finished range's length, are its
 * writes; the device range against the logical range is the mapping (device, logical -> sector), stated
 * in the findings. Several tilings are ambiguous (no proof), unless exactly one of them agrees with a
 * mapping already proven on that device.
 *
 * A mapping proven from one extent says nothing certain about another extent's addresses (another chunk
 * may be mapped elsewhere), except inside a chunk whose logical extent the trace shows (`btrfs_chunk_alloc`);
 * `mappingFor` answers only from those.
 *
 * Memory: a fixed ring of the last data-write completions (slots reused; only fed while an extent is
 * open) and one record per proven pairing.
 */

/** A block data write completion seen while extents were open (ring slots are reused, not reallocated). */
interface WriteDone {
  dev: number;
  /** Device sector and sector count of this completion (a request can complete in pieces). */
  sector: number;
  sectors: number;
  /** The completion's error (0, or -errno). */
  errno: number;
  ts: number;
  line: number;
  /** The `block_rq_error` line that repeated this failed completion, 0 when none. */
  errLine: number;
  used: boolean;
}

/** A proven logical -> device mapping, with what proves it. */
export interface DiskMapping {
  readonly dev: number;
  /** btrfs logical byte address and the device sector it is at. */
  readonly logical: number;
  readonly sector: number;
  readonly bytes: number;
  /**
   * `completion`: the extent's own writes completed right before its range was reported done;
   * `consistent`: the same, chosen among several tilings as the only one agreeing with an earlier proven
   * mapping of the device; `chunk`: inside a traced chunk whose offset to the device a pairing proved.
   */
  readonly how: 'completion' | 'consistent' | 'chunk';
  /** The range-done line (btrfs_finish_ordered_extent / writepage_end_io_hook) that proves it. */
  readonly line: number;
  /** The block completion lines of the writes. */
  readonly blockLines: readonly number[];
  /** The writes' error (-errno) when they failed, else 0. */
  readonly errno: number;
}

/** A chunk the trace showed allocated (`btrfs_chunk_alloc`): logical range only (block groups print no device). */
interface Chunk {
  readonly logical: number;
  readonly bytes: number;
  readonly line: number;
}

const RING = 256;

export class BtrfsDiskMap {
  private readonly ring: (WriteDone | undefined)[] = new Array<WriteDone | undefined>(RING);
  private head = 0;
  /** Proven pairings, in trace order. */
  readonly mappings: DiskMapping[] = [];
  private readonly chunks: Chunk[] = [];

  /** A block write (data, not metadata) completed. */
  noteWrite(dev: number, sector: number, sectors: number, errno: number, ts: number, line: number): void {
    if (!(sectors > 0) || !(sector >= 0)) return;
    const w = this.ring[this.head];
    if (w === undefined) this.ring[this.head] = { dev, sector, sectors, errno, ts, line, errLine: 0, used: false };
    else {
      w.dev = dev;
      w.sector = sector;
      w.sectors = sectors;
      w.errno = errno;
      w.ts = ts;
      w.line = line;
      w.errLine = 0;
      w.used = false;
    }
    this.head = (this.head + 1) % RING;
  }

  /** `block_rq_error` (5.19+) after the failed completion of the same request: one more line of that write. */
  noteError(dev: number, sector: number, line: number): void {
    for (let k = 1; k <= RING; k++) {
      const w = this.ring[(this.head - k + RING) % RING];
      if (w === undefined) return;
      if (w.dev === dev && w.sector === sector && w.errno !== 0 && w.errLine === 0) {
        w.errLine = line;
        return;
      }
    }
  }

  /** `btrfs_chunk_alloc`: a chunk at logical [logical, logical + bytes). */
  noteChunk(logical: number, bytes: number, line: number): void {
    if (logical >= 0 && bytes > 0) this.chunks.push({ logical, bytes, line });
  }

  /**
   * Logical [logical, logical + bytes) was reported done at `ts` (`ok`: uptodate=1), for an extent added at
   * `since`: the writes that prove its device range, or undefined when none or several tilings fit.
   */
  pair(logical: number, bytes: number, ok: boolean, since: number, ts: number, line: number): DiskMapping | undefined {
    if (!(bytes > 0) || bytes % 512 !== 0 || !(logical >= 0)) return undefined;
    const want = bytes / 512;
    const cands: WriteDone[] = [];
    for (const w of this.ring) if (w !== undefined && !w.used && (w.errno === 0) === ok && w.ts >= since && w.ts <= ts && w.sectors <= want) cands.push(w);
    if (cands.length === 0) return undefined;
    const tilings: WriteDone[][] = [];
    const starts = new Set<string>();
    for (const first of cands) {
      const key = `${first.dev}:${first.sector}`;
      if (starts.has(key)) continue;
      starts.add(key);
      const t = tile(cands, first.dev, first.sector, first.sector + want);
      if (t !== undefined) tilings.push(t);
    }
    let pick: WriteDone[] | undefined;
    let how: DiskMapping['how'] = 'completion';
    if (tilings.length === 1) pick = tilings[0];
    else if (tilings.length > 1) {
      const agreeing = tilings.filter((t) => this.mappings.some((m) => m.dev === t[0]!.dev && m.sector * 512 - m.logical === t[0]!.sector * 512 - logical));
      if (agreeing.length === 1) {
        pick = agreeing[0];
        how = 'consistent';
      }
    }
    if (pick === undefined) return undefined;
    for (const w of pick) w.used = true;
    const errno = pick.find((w) => w.errno !== 0)?.errno ?? 0;
    const m: DiskMapping = { dev: pick[0]!.dev, logical, sector: pick[0]!.sector, bytes, how, line, blockLines: pick.flatMap((w) => (w.errLine > 0 ? [w.line, w.errLine] : [w.line])), errno };
    this.mappings.push(m);
    return m;
  }

  /**
   * The proven mapping of logical [logical, logical + bytes), or undefined: only inside a traced chunk that
   * holds a proven pairing (the whole chunk is then at that offset on that device).
   */
  mappingFor(logical: number, bytes: number): DiskMapping | undefined {
    for (const c of this.chunks) {
      if (logical < c.logical || logical + bytes > c.logical + c.bytes) continue;
      const inside = this.mappings.find((m) => m.how !== 'chunk' && m.logical >= c.logical && m.logical + m.bytes <= c.logical + c.bytes);
      if (inside === undefined) continue;
      const sector = (logical + (inside.sector * 512 - inside.logical)) / 512;
      if (!Number.isInteger(sector)) continue;
      return { dev: inside.dev, logical, sector, bytes, how: 'chunk', line: inside.line, blockLines: [c.line], errno: 0 };
    }
    return undefined;
  }
}

/** The candidates of `dev` that tile sectors [from, to) exactly, in order, or undefined. */
function tile(cands: readonly WriteDone[], dev: number, from: number, to: number): WriteDone[] | undefined {
  const out: WriteDone[] = [];
  let at = from;
  while (at < to) {
    const next = cands.find((w) => w.dev === dev && w.sector === at && !out.includes(w));
    if (next === undefined || at + next.sectors > to) return undefined;
    out.push(next);
    at += next.sectors;
  }
  return out;
}

/**
 * `btrfs logical 15073280 is 7:0 sector 29440 (...)`: the mapping and how it is known, for messages (no line
 * numbers: the kernel's text and trace-cmd's give the same words; the lines are evidence).
 */
export function mappingText(m: DiskMapping, devName: (dev: number) => string): string {
  const where = `btrfs logical ${m.logical} is ${devName(m.dev)} sector ${m.sector}`;
  switch (m.how) {
    case 'completion':
      return `${where}: its writes completed right before btrfs reported the range done`;
    case 'consistent':
      return `${where}: writes that completed right before btrfs reported the range done, the only ones that agree with the mapping proven earlier on ${devName(m.dev)}`;
    case 'chunk':
      return `${where}: inside a chunk the trace shows allocated, whose place on the device a pairing of writes and a written range proved`;
  }
}

/** Several mappings of one extent in one sentence: `btrfs logical A is 7:0 sector X, B is sector Y: why`. */
export function mappingsText(ms: readonly DiskMapping[], devName: (dev: number) => string): string {
  if (ms.length === 0) return '';
  const first = ms[0]!;
  if (ms.length === 1 || ms.some((m) => m.dev !== first.dev || m.how !== first.how)) return ms.map((m) => mappingText(m, devName)).join('; ');
  const why = mappingText(first, devName).split(': ').slice(1).join(': ');
  const rest = ms.slice(1).map((m) => `${m.logical} is sector ${m.sector}`);
  return `btrfs logical ${first.logical} is ${devName(first.dev)} sector ${first.sector}, ${rest.join(', ')}: ${why.replace('its writes completed right before btrfs reported the range done', 'each range\'s writes completed right before btrfs reported it done')}`;
}
