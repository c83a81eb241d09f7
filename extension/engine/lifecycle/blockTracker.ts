/**
 * BlockTracker: rebuilds every block-layer request from the block tracepoints (kernel-formats.md §2.1),
 * keyed by (device, sector), never by pid: completions run in softirq or in whatever task was on the CPU.
 *
 * Life of a request: bio queued (Q) -> joins a request (back/front merge, M) or gets its own (getrq, G)
 * -> io_start (6.5+) -> insert (I) -> issue (D) -> complete (C, possibly in several partial calls whose
 * `+ n` is what completed in that call; the request's position advances by n) or error; a requeue sends
 * it back before I. Splits cut a queued bio in two (the remainder keeps the Q), remaps move a bio to
 * another device/sector. With only some events enabled (say issue + complete) the first event seen
 * opens the request. The block-level parent (fs request, ordered extent) is looked up in the LinkIndex
 * when the bio is queued.
 *
 * Special shapes: a flush request (`FF`) has no sector (issued as `0 + 0`, completed at sector 2^64-1)
 * and is paired first-in-first-out per device; other empty requests (an empty preflush `FWS 0 + 0`,
 * passthrough) too, apart from the data requests at sector 0. A request that went through the flush
 * machinery (preflush / FUA) gets one more `+ 0` completion after its post-flush; it is added to the
 * already completed request. `block_rq_error` follows `block_rq_complete` for the same request.
 *
 * Memory: requests in flight live in Maps keyed by one number (device index * 2^42 + sector), with a
 * chain for the rare case of two requests at the same sector; entries are deleted when a request
 * completes, and the recently completed ones (for io_done, rq_error, the post-flush completion) are
 * kept in a bounded map.
 */
import type { DecodedPayload, EventSchema } from '../decode/payloadTypes';
import { decodeRwbs } from '../decode/rwbs';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import { BLOCK_FLAG_NAMES } from '../requests/requestFacts';
import type { RequestSet } from '../requests/requestSet';
import type { EventStore } from '../store/eventStore';
import { newStageTimes, recordLatencies, type BlockStageTimes } from './blockLatency';
import { devName } from './devName';
import type { LinkIndex } from './linkIndex';

/** A stage seen before its request exists (a queued bio's queue / split / remap). */
interface PendingStage {
  readonly name: string;
  readonly ts: number;
  readonly line: number;
}

/** Sectors at or above this (2 PiB) cannot be keyed; flush completions print 2^64-1. */
const SECTOR_SPAN = 2 ** 42;
/** Key slot of a device's flush requests (for their io_done). */
const FLUSH_SECTOR = SECTOR_SPAN - 1;
const RECENT_MAX = 4096;

/** What the rwbs string says, decoded once per distinct string. */
interface RwbsInfo {
  readonly text: string;
  /** Interned id of `text` (-1 when the event printed none). */
  readonly id: number;
  readonly op: string;
  /** Bits of BLOCK_FLAG_NAMES. */
  readonly flags: number;
  readonly isFlush: boolean;
  /** Preflush or FUA: the request may end with one more `+ 0` completion after the flush sequence. */
  readonly flushSeq: boolean;
}

/** A queued bio that is not yet part of a request. */
interface Bio {
  dev: number;
  sector: number;
  nr: number;
  readonly rwbs: RwbsInfo;
  readonly pid: number;
  /** Comm string id. */
  readonly comm: number;
  parent: number;
  q: number;
  readonly stages: PendingStage[];
  /** A remap moved it here and its Q on the new device is still to come. */
  awaitingQ: boolean;
  oldDev: number;
  oldSector: number;
  next: Bio | undefined;
}

/** A request in flight. */
interface Live {
  readonly req: number;
  key: number;
  issued: boolean;
  /** Sectors not yet completed (set at issue). */
  remaining: number;
  readonly t: BlockStageTimes;
  readonly flushSeq: boolean;
  next: Live | undefined;
}

/** A recently completed request, for io_done, rq_error and the post-flush `+ 0` completion. */
interface Done {
  /** Order of remembering (a ring slot evicts the entry only if it is still this one). */
  seq: number;
  readonly req: number;
  readonly error: number;
  readonly nr: number;
  readonly flushSeq: boolean;
}

interface Chained<T> {
  next: T | undefined;
}

function push<T extends Chained<T>>(m: Map<number, T>, key: number, item: T): void {
  item.next = undefined;
  let t = m.get(key);
  if (t === undefined) {
    m.set(key, item);
    return;
  }
  while (t.next !== undefined) t = t.next;
  t.next = item;
}

function unlink<T extends Chained<T>>(m: Map<number, T>, key: number, item: T): void {
  const head = m.get(key);
  if (head === item) {
    if (item.next === undefined) m.delete(key);
    else m.set(key, item.next);
  } else {
    let p = head;
    while (p !== undefined && p.next !== item) p = p.next;
    if (p !== undefined) p.next = item.next;
  }
  item.next = undefined;
}

// Predicates as module functions: an arrow written at each call would be a new closure per event.
const notAwaitingQ = (b: Bio): boolean => !b.awaitingQ;
const awaitingQ = (b: Bio): boolean => b.awaitingQ;
const emptyBio = (b: Bio): boolean => b.nr === 0;
const notIssued = (l: Live): boolean => !l.issued;
const issued = (l: Live): boolean => l.issued;
const any = (): boolean => true;

function first<T extends Chained<T>>(m: Map<number, T>, key: number, pred: (t: T) => boolean): T | undefined {
  for (let t = m.get(key); t !== undefined; t = t.next) if (pred(t)) return t;
  return undefined;
}

const OPS: Readonly<Record<string, string>> = {
  READ: 'read', WRITE: 'write', DISCARD: 'discard', SECURE_ERASE: 'secure-erase', FLUSH: 'flush', OTHER: 'write-zeroes',
  ZONE_APPEND: 'zone-append', ZONE_RESET: 'zone-reset', ZONE_RESET_ALL: 'zone-reset-all', ZONE_FINISH: 'zone-finish',
  ZONE_OPEN: 'zone-open', ZONE_CLOSE: 'zone-close',
};

function rwbsInfo(text: string, id: number): RwbsInfo {
  const d = decodeRwbs(text);
  if (d === undefined) return { text, id, op: 'unknown', flags: 0, isFlush: false, flushSeq: false };
  let flags = 0;
  BLOCK_FLAG_NAMES.forEach((name, bit) => {
    if (d[name]) flags |= 1 << bit;
  });
  return { text, id, op: OPS[d.op] ?? 'unknown', flags, isFlush: d.op === 'FLUSH', flushSeq: d.preflush || d.fua };
}

/** Field slots of one event schema. */
interface Slots {
  readonly dev: number;
  readonly rwbs: number;
  readonly sector: number;
  readonly nr: number;
  readonly bytes: number;
  readonly error: number;
  readonly newSector: number;
  readonly oldDev: number;
  readonly oldSector: number;
}

/** Counters of what could not be paired (for the report and tests). */
export interface BlockTrackerStats {
  /** Completions whose request was issued before the trace began (each becomes a request of its own). */
  orphanCompletions: number;
  /** Merges, splits, remaps, requeues, io_start/io_done with no known bio or request. */
  unmatched: number;
  /** Post-flush `+ 0` completions added to an already completed request. */
  flushEnds: number;
}

export class BlockTracker implements EventConsumer {
  readonly stats: BlockTrackerStats = { orphanCompletions: 0, unmatched: 0, flushEnds: 0 };
  private readonly devIndex = new Map<number, number>();
  private readonly bios = new Map<number, Bio>();
  private readonly live = new Map<number, Live>();
  /** End sector -> request not yet issued (back-merge candidates). */
  private readonly ends = new Map<number, Live>();
  /** Device index -> flush / empty requests in flight, oldest first. */
  private readonly flushes = new Map<number, Live[]>();
  private readonly empties = new Map<number, Live[]>();
  private readonly done = new Map<number, Done>();
  /** The keys of `done` in the order they were remembered: a ring of RECENT_MAX slots. */
  private readonly doneKeys = new Float64Array(RECENT_MAX);
  private readonly doneSeqs = new Float64Array(RECENT_MAX).fill(-1);
  private doneSeq = 0;
  /** Lower-device key -> the request-based dm request remapped there (block_rq_remap). */
  private readonly rqRemaps = new Map<number, number>();
  private readonly slotCache = new Map<EventSchema, Slots>();
  private readonly rwbsCache = new Map<number, RwbsInfo>();
  private store: EventStore | undefined;

  constructor(
    private readonly requests: RequestSet,
    private readonly links: LinkIndex,
  ) {}

  readonly interest: EventInterest = {
    names: [
      'block_bio_queue', 'block_getrq', 'block_bio_backmerge', 'block_bio_frontmerge', 'block_rq_merge', 'block_io_start', 'block_rq_insert', 'block_rq_issue',
      'block_rq_requeue', 'block_rq_complete', 'block_rq_error', 'block_io_done', 'block_bio_complete', 'block_split', 'block_bio_remap', 'block_rq_remap',
    ],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    if (ev.payload === undefined) return;
    this.store = store;
    switch (name) {
      case 'block_bio_queue': return this.queue(ev, ev.payload);
      case 'block_getrq': return this.getrq(ev, ev.payload);
      case 'block_bio_backmerge': return this.bioMerge(ev, ev.payload, true);
      case 'block_bio_frontmerge': return this.bioMerge(ev, ev.payload, false);
      case 'block_rq_merge': return this.rqMerge(ev, ev.payload);
      case 'block_io_start': return this.preIssueStage(ev, ev.payload, 'io-start');
      case 'block_rq_insert': return this.preIssueStage(ev, ev.payload, 'insert');
      case 'block_rq_issue': return this.issue(ev, ev.payload);
      case 'block_rq_requeue': return this.requeue(ev, ev.payload);
      case 'block_rq_complete': return this.complete(ev, ev.payload, false);
      case 'block_rq_error': return this.complete(ev, ev.payload, true);
      case 'block_io_done': return this.afterDone(ev, ev.payload, 'io-done');
      case 'block_bio_complete': return this.afterDone(ev, ev.payload, 'bio-complete');
      case 'block_split': return this.split(ev, ev.payload);
      case 'block_bio_remap': return this.bioRemap(ev, ev.payload);
      case 'block_rq_remap': return this.rqRemap(ev, ev.payload);
      default: return; // plug/unplug (no device), dirty/touch buffer, zone events: not requests
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private slots(p: DecodedPayload): Slots {
    let s = this.slotCache.get(p.schema);
    if (s === undefined) {
      const sc = p.schema;
      s = {
        dev: sc.slot('dev'), rwbs: sc.slot('rwbs'), sector: sc.slot('sector'), nr: sc.slot('nr_sector'), bytes: sc.slot('bytes'),
        error: sc.slot('error'), newSector: sc.slot('new_sector'), oldDev: sc.slot('old_dev'), oldSector: sc.slot('old_sector'),
      };
      this.slotCache.set(p.schema, s);
    }
    return s;
  }

  private rwbs(p: DecodedPayload, slot: number): RwbsInfo {
    const id = slot < 0 ? -1 : p.str[slot]!;
    let info = this.rwbsCache.get(id);
    if (info === undefined) {
      info = rwbsInfo(id < 0 || this.store === undefined ? '' : this.store.strings.get(id), id);
      this.rwbsCache.set(id, info);
    }
    return info;
  }

  private devIdx(dev: number): number {
    let i = this.devIndex.get(dev);
    if (i === undefined) this.devIndex.set(dev, (i = this.devIndex.size));
    return i;
  }

  /** The map key of (dev, sector), or -1 when the sector cannot be keyed. */
  private key(dev: number, sector: number): number {
    if (!(sector >= 0 && sector < FLUSH_SECTOR) || !Number.isInteger(sector) || Number.isNaN(dev)) return -1;
    return this.devIdx(dev) * SECTOR_SPAN + sector;
  }

  private num(p: DecodedPayload, slot: number): number {
    return slot < 0 ? NaN : p.num[slot]!;
  }

  private stage(name: string, ev: IngestEvent): PendingStage {
    return { name, ts: ev.ts, line: ev.line };
  }

  private addStage(r: number, name: string, ev: IngestEvent): void {
    this.requests.addStage(r, name, ev.ts, ev.line);
  }

  private fifo(m: Map<number, Live[]>, dev: number): Live[] {
    const i = this.devIdx(dev);
    let q = m.get(i);
    if (q === undefined) m.set(i, (q = []));
    return q;
  }

  /** Opens a request from a queued bio (or from the current event when no Q was seen). */
  private open(ev: IngestEvent, dev: number, sector: number, nr: number, rw: RwbsInfo, bio: Bio | undefined, stageName: string): Live {
    const rs = this.requests;
    const stages = bio ? bio.stages : [];
    const first = stages[0] ?? this.stage(stageName, ev);
    const r = rs.create('block', (bio?.rwbs ?? rw).op, first.name, first.ts, first.line);
    for (let i = 1; i < stages.length; i++) rs.addStage(r, stages[i]!.name, stages[i]!.ts, stages[i]!.line);
    if (bio) this.addStage(r, stageName, ev);
    rs.setTask(r, bio ? bio.pid : ev.pid, bio ? bio.comm : ev.comm);
    rs.setDev(r, dev);
    rs.setSectors(r, sector, nr);
    rs.setOffset(r, sector * 512);
    rs.setLength(r, nr * 512);
    const info = bio?.rwbs ?? rw;
    if (info.id >= 0) rs.block.putStringId(r, 'rwbs', info.id);
    else rs.block.put(r, 'rwbs', '');
    if (info.flags !== 0) rs.block.put(r, 'flags', info.flags);
    if (bio?.awaitingQ === false && bio.oldDev >= 0) rs.block.put(r, 'remappedFrom', `${devName(bio.oldDev)} ${bio.oldSector}`);
    const parent = bio ? bio.parent : this.links.find(dev, sector, ev.ts, info.op !== 'read', ev.pid);
    if (parent >= 0) rs.link(parent, r);
    const t = newStageTimes();
    if (bio) t.q = bio.q;
    // An empty preflush request has no data: its one completion is its end.
    const live: Live = { req: r, key: -1, issued: false, remaining: nr, t, flushSeq: info.flushSeq && nr > 0, next: undefined };
    const k = this.key(dev, sector);
    const upper = k >= 0 ? this.rqRemaps.get(k) : undefined;
    if (upper !== undefined) {
      this.rqRemaps.delete(k);
      if (rs.parent(r) < 0) rs.link(upper, r);
    }
    return live;
  }

  /** The request now starts at `sector` and has `nr` more sectors (a merge). */
  private grow(r: number, sector: number, nr: number): void {
    const rs = this.requests;
    const sectors = rs.sectors(r) + nr;
    rs.setSectors(r, sector, sectors);
    rs.setOffset(r, sector * 512);
    rs.setLength(r, sectors * 512);
  }

  private place(live: Live, dev: number, sector: number, nr: number): void {
    const flush = this.requests.op(live.req) === 'flush';
    if (nr === 0 || flush) {
      this.fifo(flush ? this.flushes : this.empties, dev).push(live);
      return;
    }
    live.key = this.key(dev, sector);
    if (live.key < 0) return;
    push(this.live, live.key, live);
    if (!live.issued) this.ends.set(this.key(dev, sector + nr), live);
  }

  private takeBio(dev: number, sector: number): Bio | undefined {
    const k = this.key(dev, sector);
    if (k < 0) return undefined;
    const b = first(this.bios, k, notAwaitingQ) ?? this.bios.get(k);
    if (b) unlink(this.bios, k, b);
    return b;
  }

  private dropEnd(live: Live): void {
    const rs = this.requests;
    const r = live.req;
    const ek = this.key(rs.dev(r), rs.sector(r) + rs.sectors(r));
    if (ek >= 0 && this.ends.get(ek) === live) this.ends.delete(ek);
  }

  /** Keeps the last RECENT_MAX completions (a ring, no map iteration per completion). */
  private remember(k: number, d: Done): void {
    const slot = this.doneSeq % RECENT_MAX;
    if (this.doneSeqs[slot]! >= 0) {
      const old = this.doneKeys[slot]!;
      if (this.done.get(old)?.seq === this.doneSeqs[slot]) this.done.delete(old);
    }
    d.seq = this.doneSeq;
    this.doneKeys[slot] = k;
    this.doneSeqs[slot] = this.doneSeq++;
    this.done.set(k, d);
  }

  /** A request that is not issued yet at (dev, sector): in flight, or opened from its queued bio. */
  private preIssue(ev: IngestEvent, p: DecodedPayload, stageName: string, create: boolean): Live | undefined {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const rw = this.rwbs(p, s.rwbs);
    if (rw.isFlush || nr === 0) {
      const q = this.fifo(rw.isFlush ? this.flushes : this.empties, dev);
      const hit = q.find(notIssued);
      if (hit) {
        this.addStage(hit.req, stageName, ev);
        return hit;
      }
    } else {
      const k = this.key(dev, sector);
      const hit = k < 0 ? undefined : first(this.live, k, notIssued);
      if (hit) {
        this.addStage(hit.req, stageName, ev);
        return hit;
      }
    }
    const bio = rw.isFlush || nr === 0 ? undefined : this.takeBio(dev, sector);
    if (!bio && !create) {
      this.stats.unmatched++;
      return undefined;
    }
    const live = this.open(ev, dev, sector, nr, rw, bio, stageName);
    this.place(live, dev, sector, nr);
    return live;
  }

  // ---- events --------------------------------------------------------------------------------

  private queue(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const k = this.key(dev, sector);
    if (k < 0) return;
    const st = this.stage('queue', ev);
    const moved = first(this.bios, k, awaitingQ);
    if (moved) {
      moved.awaitingQ = false;
      moved.q = ev.ts;
      moved.nr = nr;
      moved.stages.push(st);
      const writes = moved.rwbs.op !== 'read';
      if (moved.parent < 0) moved.parent = this.links.find(dev, sector, ev.ts, writes, moved.pid);
      if (moved.parent < 0 && moved.oldDev >= 0) moved.parent = this.links.find(moved.oldDev, moved.oldSector, ev.ts, writes, moved.pid);
      return;
    }
    const rw = this.rwbs(p, s.rwbs);
    const bio: Bio = {
      dev, sector, nr, rwbs: rw, pid: ev.pid, comm: ev.comm,
      parent: this.links.find(dev, sector, ev.ts, rw.op !== 'read', ev.pid), q: ev.ts, stages: [st], awaitingQ: false, oldDev: -1, oldSector: -1, next: undefined,
    };
    push(this.bios, k, bio);
  }

  private getrq(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const bio = nr === 0 ? this.takeEmptyBio(dev) : this.takeBio(dev, sector);
    const live = this.open(ev, dev, sector, nr, this.rwbs(p, s.rwbs), bio, 'getrq');
    live.t.g = ev.ts;
    this.place(live, dev, sector, nr);
  }

  /** An empty bio (preflush without data) is queued at sector 0 like a data bio; it has nr 0. */
  private takeEmptyBio(dev: number): Bio | undefined {
    const k = this.key(dev, 0);
    if (k < 0) return undefined;
    const b = first(this.bios, k, emptyBio);
    if (b) unlink(this.bios, k, b);
    return b;
  }

  private absorb(host: Live, bio: Bio | undefined, ev: IngestEvent, stageName: string): void {
    const rs = this.requests;
    const r = host.req;
    if (bio) {
      for (const st of bio.stages) rs.addStage(r, st.name, st.ts, st.line);
      if (bio.parent >= 0 && bio.parent !== rs.parent(r)) {
        if (rs.parent(r) < 0) rs.link(bio.parent, r);
        else {
          const also = rs.block.get(r, 'alsoFor') ?? [];
          if (!also.includes(bio.parent)) rs.block.put(r, 'alsoFor', [...also, bio.parent]);
        }
      }
    }
    this.addStage(r, stageName, ev);
    rs.block.increment(r, 'mergedBios');
  }

  private bioMerge(ev: IngestEvent, p: DecodedPayload, back: boolean): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const bio = this.takeBio(dev, sector);
    const host = back ? this.ends.get(this.key(dev, sector)) : first(this.live, this.key(dev, sector + nr), notIssued);
    if (!host || host.issued) {
      this.stats.unmatched++;
      return;
    }
    this.dropEnd(host);
    const r = host.req;
    if (!back) {
      unlink(this.live, host.key, host);
      host.key = this.key(dev, sector);
      push(this.live, host.key, host);
    }
    this.grow(r, back ? this.requests.sector(r) : sector, nr);
    host.remaining = this.requests.sectors(r);
    if (bio && !Number.isNaN(bio.q) && !(bio.q >= host.t.q)) host.t.q = bio.q;
    this.ends.set(this.key(dev, this.requests.sector(r) + this.requests.sectors(r)), host);
    this.absorb(host, bio, ev, back ? 'backmerge' : 'frontmerge');
  }

  /** block_rq_merge: the printed request is merged into its neighbour (elevator attempt_merge). */
  private rqMerge(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const k = this.key(dev, sector);
    const gone = k < 0 ? undefined : first(this.live, k, notIssued);
    const back = this.ends.get(k);
    const host = back && back !== gone ? back : first(this.live, this.key(dev, sector + nr), notIssued);
    if (!gone || !host) {
      this.stats.unmatched++;
      return;
    }
    unlink(this.live, gone.key, gone);
    this.dropEnd(gone);
    this.dropEnd(host);
    const rs = this.requests;
    const r = host.req;
    if (host !== back) {
      unlink(this.live, host.key, host);
      host.key = k;
      push(this.live, k, host);
    }
    this.grow(r, host !== back ? sector : rs.sector(r), nr);
    this.ends.set(this.key(dev, rs.sector(r) + rs.sectors(r)), host);
    if (!(gone.t.q >= host.t.q)) host.t.q = gone.t.q;
    for (const line of rs.lines(gone.req)) rs.addLine(r, line);
    this.addStage(r, 'rq-merge', ev);
    this.addStage(gone.req, 'merged', ev);
    rs.complete(gone.req);
    rs.block.put(gone.req, 'mergedInto', r);
  }

  private preIssueStage(ev: IngestEvent, p: DecodedPayload, stageName: 'io-start' | 'insert'): void {
    const live = this.preIssue(ev, p, stageName, stageName === 'insert');
    if (live && stageName === 'insert') {
      if (Number.isNaN(live.t.i)) live.t.i = ev.ts;
      live.t.iLast = ev.ts;
    }
  }

  private issue(ev: IngestEvent, p: DecodedPayload): void {
    const live = this.preIssue(ev, p, 'issue', true)!;
    const s = this.slots(p);
    const nr = this.num(p, s.nr);
    const bytes = this.num(p, s.bytes);
    live.issued = true;
    live.t.d = ev.ts;
    this.dropEnd(live);
    const rs = this.requests;
    const r = live.req;
    if (!Number.isNaN(nr) && live.remaining === rs.sectors(r)) {
      rs.setSectors(r, rs.sector(r), nr);
      rs.setLength(r, nr * 512);
      live.remaining = nr;
    }
    if (!Number.isNaN(bytes)) rs.block.put(r, 'bytes', bytes);
  }

  private requeue(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const rw = this.rwbs(p, s.rwbs);
    const nr = this.num(p, s.nr);
    const live = rw.isFlush || nr === 0
      ? this.fifo(rw.isFlush ? this.flushes : this.empties, dev).find(issued)
      : first(this.live, this.key(dev, this.num(p, s.sector)), issued);
    if (!live) {
      this.stats.unmatched++;
      return;
    }
    live.issued = false;
    this.requests.block.increment(live.req, 'requeues');
    this.addStage(live.req, 'requeue', ev);
  }

  private complete(ev: IngestEvent, p: DecodedPayload, isErrorEvent: boolean): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const nr = this.num(p, s.nr);
    const error = this.num(p, s.error) || 0;
    const rw = this.rwbs(p, s.rwbs);
    const flush = rw.isFlush || sector >= FLUSH_SECTOR;
    const k = flush ? this.devIdx(dev) * SECTOR_SPAN + FLUSH_SECTOR : this.key(dev, sector);
    const recent = k >= 0 ? this.done.get(k) : undefined;
    const postFlush = !isErrorEvent && nr === 0 && !flush && recent !== undefined && recent.nr > 0 && (recent.flushSeq || this.fifo(this.empties, dev).length === 0);
    if (recent && ((isErrorEvent && recent.error === error && recent.nr === nr) || postFlush)) {
      // block_rq_error after its block_rq_complete, or the post-flush end of a completed request.
      this.addStage(recent.req, isErrorEvent ? 'error' : 'end', ev);
      if (!isErrorEvent) this.stats.flushEnds++;
      if (error !== 0) this.setError(recent.req, error);
      return;
    }
    let live: Live | undefined;
    if (flush || nr === 0) {
      const q = this.fifo(flush ? this.flushes : this.empties, dev);
      const i = Math.max(0, q.findIndex(issued));
      live = q[i];
      if (live) q.splice(i, 1);
    }
    if (!live && !flush && k >= 0) {
      live = first(this.live, k, issued) ?? this.live.get(k);
      if (live) unlink(this.live, k, live);
    }
    if (!live && !flush && k >= 0 && nr > 0) {
      const bio = this.takeBio(dev, sector); // only Q and C traced
      if (bio) live = this.open(ev, dev, sector, nr, rw, bio, 'complete');
    }
    if (!live) {
      this.stats.orphanCompletions++;
      live = this.open(ev, dev, flush ? -1 : sector, nr, rw, undefined, 'complete');
      this.requests.block.put(live.req, 'orphan', true);
      if (flush) this.requests.setSectors(live.req, -1, this.requests.sectors(live.req));
    } else if (this.requests.lastLine(live.req) !== ev.line) {
      this.addStage(live.req, isErrorEvent ? 'error' : 'complete', ev);
    }
    this.dropEnd(live);
    if (error !== 0) this.setError(live.req, error);
    live.remaining -= nr;
    if (live.remaining > 0 && nr > 0 && !flush) {
      // Partial completion: the request's position advances by what completed.
      this.requests.renameLastStage(live.req, 'partial-complete');
      live.key = this.key(dev, sector + nr);
      push(this.live, live.key, live);
      return;
    }
    this.close(live, ev, k, error, nr);
  }

  private setError(r: number, error: number): void {
    this.requests.block.put(r, 'error', error);
    this.requests.setResult(r, error);
  }

  private close(live: Live, ev: IngestEvent, k: number, error: number, nr: number): void {
    const rs = this.requests;
    const r = live.req;
    rs.complete(r);
    if (rs.block.get(r, 'error') === undefined) rs.block.put(r, 'error', 0);
    if (error === 0 && rs.result(r) === undefined) rs.setResult(r, rs.sectors(r) * 512);
    recordLatencies(rs, r, live.t, ev.ts);
    if (k >= 0) this.remember(k, { seq: 0, req: r, error, nr, flushSeq: live.flushSeq });
  }

  /** io_done / bio_complete: a stage of the request that just completed at (dev, sector). */
  private afterDone(ev: IngestEvent, p: DecodedPayload, stageName: string): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const rw = this.rwbs(p, s.rwbs);
    const k = rw.isFlush ? this.devIdx(dev) * SECTOR_SPAN + FLUSH_SECTOR : this.key(dev, this.num(p, s.sector));
    const d = k >= 0 ? this.done.get(k) : undefined;
    if (!d) {
      this.stats.unmatched++;
      return;
    }
    this.addStage(d.req, stageName, ev);
  }

  private split(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const at = this.num(p, s.newSector);
    const k = this.key(dev, sector);
    const bio = k < 0 ? undefined : first(this.bios, k, notAwaitingQ);
    const k2 = this.key(dev, at);
    if (!bio || k2 < 0 || !(at > sector)) {
      this.stats.unmatched++;
      return;
    }
    const st = this.stage('split', ev);
    const end = bio.sector + bio.nr;
    bio.stages.push(st);
    bio.nr = at - sector;
    const rest: Bio = { ...bio, sector: at, nr: Math.max(0, end - at), stages: [...bio.stages], next: undefined };
    push(this.bios, k2, rest);
  }

  private bioRemap(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const dev = this.num(p, s.dev);
    const sector = this.num(p, s.sector);
    const oldDev = this.num(p, s.oldDev);
    const oldSector = this.num(p, s.oldSector);
    const k = this.key(dev, sector);
    if (k < 0) return;
    const ok = this.key(oldDev, oldSector);
    const bio = ok < 0 ? undefined : first(this.bios, ok, notAwaitingQ);
    const st = this.stage('remap', ev);
    if (bio) {
      unlink(this.bios, ok, bio);
      bio.stages.push(st);
      bio.dev = dev;
      bio.sector = sector;
      bio.awaitingQ = true;
      bio.oldDev = oldDev;
      bio.oldSector = oldSector;
      push(this.bios, k, bio);
      return;
    }
    const rw = this.rwbs(p, s.rwbs);
    const nr = this.num(p, s.nr);
    const placeholder: Bio = {
      dev, sector, nr, rwbs: rw, pid: ev.pid, comm: ev.comm, parent: this.links.find(oldDev, oldSector, ev.ts, rw.op !== 'read', ev.pid),
      q: NaN, stages: [st], awaitingQ: true, oldDev, oldSector, next: undefined,
    };
    push(this.bios, k, placeholder);
  }

  /** Request-based dm: the clone on the lower device becomes a child of the dm request. */
  private rqRemap(ev: IngestEvent, p: DecodedPayload): void {
    const s = this.slots(p);
    const ok = this.key(this.num(p, s.oldDev), this.num(p, s.oldSector));
    const upper = ok < 0 ? undefined : first(this.live, ok, any);
    const k = this.key(this.num(p, s.dev), this.num(p, s.sector));
    if (!upper || k < 0) {
      this.stats.unmatched++;
      return;
    }
    this.addStage(upper.req, 'remap', ev);
    this.rqRemaps.set(k, upper.req);
    if (this.rqRemaps.size > RECENT_MAX) this.rqRemaps.delete(this.rqRemaps.keys().next().value!);
  }

  /** Requests still in flight at the end of the file stay incomplete. */
  finish(): void {
    this.bios.clear();
  }
}
