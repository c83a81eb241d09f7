/**
 * IoUringTracker: one `io_uring` request per SQE, from `io_uring_submit_req` (6.5+) / `io_uring_submit_sqe`
 * (5.5–6.4, opcode as a number or a name, `data` or `user_data`) to `io_uring_complete` (`res`), with the
 * file lookup, the punt to io-wq (`io_uring_queue_async_work`), failures (`io_uring_req_failed`,
 * `io_uring_fail_link`) and CQ overflows on the way.
 *
 * Keys: the `req` pointer, which is unique while the request is in flight (it is reused afterwards, so a
 * request is removed from the index when it completes). Pointers are opaque interned text, valid within one
 * file only (hashed in the kernel's output, raw in trace-cmd's). Eras without `req` on an event fall back
 * to (ring, user_data), oldest first.
 *
 * Retries belong to the request: io_uring issues a read with IOCB_NOWAIT first; on -EAGAIN it retries from
 * task work (a buffered read waiting for its page) or punts the request to an `iou-wrk-*` worker. The trace
 * shows this as the same file position read again inside one request, or as a punt; `parentFor` (called by
 * the filesystem tracker for each filesystem read/write event) attributes those events and counts the
 * retries. State is per in-flight request and dropped at completion.
 */
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';
import type { IoRequest, RequestSet } from './ioRequest';
import { finishChildren } from './syscallTracker';
import { ioUringDirection, type FsIssue, type UringDirection, type UringRelation } from './ioUringMatch';

/** Per in-flight request: what its filesystem events showed so far. */
interface InFlight {
  readonly req: IoRequest;
  /** Submitting task. */
  readonly pid: number;
  readonly udKey: string;
  readonly reqKey: number;
  readonly direction: UringDirection;
  dev: number;
  ino: number;
  firstPos: number;
  count: number;
  fsEvents: number;
  attempts: number;
  retries: number;
  firstAttemptTs: number;
  punted: boolean;
  workerPid: number;
  workerEvents: number;
}

function num(p: DecodedPayload, name: string): number {
  const s = p.schema.slot(name);
  return s < 0 ? NaN : p.num[s]!;
}

function str(p: DecodedPayload, name: string): number {
  const s = p.schema.slot(name);
  return s < 0 ? -1 : p.str[s]!;
}

function hex(v: number): string {
  return Number.isNaN(v) ? '' : `0x${v.toString(16)}`;
}

export class IoUringTracker implements EventConsumer {
  private readonly byReq = new Map<number, InFlight>();
  private readonly byUserData = new Map<string, InFlight[]>();
  private readonly byPid = new Map<number, InFlight[]>();
  /** The request a task submitted last, until its first filesystem event. */
  private readonly awaitingIssue = new Map<number, InFlight>();
  /** Punted requests not yet picked up by a worker, oldest first. */
  private readonly punted: InFlight[] = [];
  private readonly workerCurrent = new Map<number, InFlight>();
  /** How the last `parentFor` match related to its request. */
  relation: UringRelation = 'issue';

  constructor(private readonly requests: RequestSet) {}

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    if (!name.startsWith('io_uring_') || !ev.payload) return;
    const p = ev.payload;
    switch (name) {
      case 'io_uring_submit_req':
      case 'io_uring_submit_sqe':
        this.submit(ev, p, store);
        return;
      case 'io_uring_file_get':
        this.fileGet(ev, p);
        return;
      case 'io_uring_queue_async_work':
        this.punt(ev, p);
        return;
      case 'io_uring_complete':
        this.complete(ev, p);
        return;
      case 'io_uring_req_failed':
        this.stage(ev, p, 'failed', (f) => {
          f.req.details['error'] = num(p, 'error');
          const len = num(p, 'len');
          if (!Number.isNaN(len) && f.req.length < 0) f.req.length = len;
          const off = num(p, 'off');
          if (!Number.isNaN(off) && f.req.offset < 0) f.req.offset = off;
        });
        return;
      case 'io_uring_fail_link':
        this.stage(ev, p, 'link-failed', (f) => (f.req.details['failedLink'] = true));
        return;
      case 'io_uring_cqe_overflow':
        this.stage(ev, p, 'cqe-overflow', (f) => (f.req.details['cqeOverflow'] = true));
        return;
      case 'io_uring_defer':
        this.stage(ev, p, 'defer', () => undefined);
        return;
      default:
        return;
    }
  }

  private submit(ev: IngestEvent, p: DecodedPayload, store: EventStore): void {
    const opId = str(p, 'opcode');
    const op = opId >= 0 ? store.strings.get(opId) : 'UNKNOWN';
    const r = this.requests.create('io_uring', op, { name: 'submit', ts: ev.ts, line: ev.line });
    r.pid = ev.pid;
    r.comm = store.strings.get(ev.comm);
    const ud = num(p, 'user_data');
    r.details['user_data'] = hex(ud);
    const ctx = str(p, 'ctx');
    if (ctx >= 0) r.details['ring'] = store.strings.get(ctx);
    const flags = num(p, 'flags');
    if (!Number.isNaN(flags)) r.details['flags'] = hex(flags);
    const reqKey = str(p, 'req');
    const f: InFlight = {
      req: r,
      pid: ev.pid,
      udKey: `${ctx}:${ud}`,
      reqKey,
      direction: ioUringDirection(op),
      dev: -1,
      ino: -1,
      firstPos: -1,
      count: -1,
      fsEvents: 0,
      attempts: 0,
      retries: 0,
      firstAttemptTs: -1,
      punted: false,
      workerPid: -1,
      workerEvents: 0,
    };
    if (reqKey >= 0) {
      const stale = this.byReq.get(reqKey);
      if (stale) this.forget(stale); // its completion was not traced; the pointer is being reused
      this.byReq.set(reqKey, f);
    }
    let list = this.byUserData.get(f.udKey);
    if (!list) this.byUserData.set(f.udKey, (list = []));
    list.push(f);
    let mine = this.byPid.get(ev.pid);
    if (!mine) this.byPid.set(ev.pid, (mine = []));
    mine.push(f);
    this.awaitingIssue.set(ev.pid, f);
  }

  /** The in-flight request an event names: by `req`/`request`, else (ring, user_data), else the task's last. */
  private find(ev: IngestEvent, p: DecodedPayload): InFlight | undefined {
    const reqKey = str(p, 'req');
    if (reqKey >= 0) {
      const f = this.byReq.get(reqKey);
      if (f) return f;
    }
    const ud = num(p, 'user_data');
    if (!Number.isNaN(ud)) {
      const list = this.byUserData.get(`${str(p, 'ctx')}:${ud}`);
      if (list && list.length > 0) return list[0];
    }
    if (reqKey < 0) {
      const last = this.awaitingIssue.get(ev.pid);
      if (last && !last.req.complete) return last;
    }
    return undefined;
  }

  private stage(ev: IngestEvent, p: DecodedPayload, stage: string, apply: (f: InFlight) => void): void {
    const f = this.find(ev, p);
    if (!f) return;
    this.requests.addStage(f.req, { name: stage, ts: ev.ts, line: ev.line });
    apply(f);
  }

  private fileGet(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    const fd = num(p, 'fd');
    if (!Number.isNaN(fd)) f.req.details['fd'] = fd;
    this.requests.addLine(f.req, ev.line);
  }

  private punt(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    this.requests.addStage(f.req, { name: 'punt-to-io-wq', ts: ev.ts, line: ev.line });
    if (!f.punted) {
      f.punted = true;
      f.retries++;
      if (f.firstAttemptTs < 0) f.firstAttemptTs = f.req.stages[0]!.ts;
      this.punted.push(f);
    }
    if (this.awaitingIssue.get(f.pid) === f) this.awaitingIssue.delete(f.pid);
  }

  private complete(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    const r = f.req;
    const res = num(p, 'res');
    r.result = Number.isNaN(res) ? undefined : res;
    r.complete = true;
    this.requests.addStage(r, { name: 'complete', ts: ev.ts, line: ev.line });
    if (f.retries > 0) {
      r.details['retries'] = f.retries;
      r.details['attempts'] = Math.max(f.attempts, f.retries + 1);
      r.details['addedLatencyNs'] = ev.ts - f.firstAttemptTs;
      if (f.punted) r.details['punted'] = true;
    }
    this.forget(f);
    finishChildren(this.requests, r);
  }

  private forget(f: InFlight): void {
    if (f.reqKey >= 0 && this.byReq.get(f.reqKey) === f) this.byReq.delete(f.reqKey);
    removeFrom(this.byUserData, f.udKey, f);
    removeFrom(this.byPid, f.pid, f);
    if (this.awaitingIssue.get(f.pid) === f) this.awaitingIssue.delete(f.pid);
    const i = this.punted.indexOf(f);
    if (i >= 0) this.punted.splice(i, 1);
    if (f.workerPid >= 0 && this.workerCurrent.get(f.workerPid) === f) this.workerCurrent.delete(f.workerPid);
  }

  /**
   * The io_uring request a filesystem read/write event belongs to, or undefined. Sets `relation`: `issue`
   * (its first filesystem event), `retry` (the same request again after -EAGAIN), or `eof-remainder`
   * (io_uring reading the rest of a short buffered read, starting at EOF).
   */
  parentFor(fs: FsIssue): IoRequest | undefined {
    const f = this.match(fs);
    if (!f) return undefined;
    this.relation = this.relate(f, fs);
    return f.req;
  }

  private match(fs: FsIssue): InFlight | undefined {
    if (fs.workerTgid >= 0) return this.matchWorker(fs);
    const pending = this.awaitingIssue.get(fs.pid);
    if (pending && pending.fsEvents === 0 && compatible(pending, fs)) {
      this.awaitingIssue.delete(fs.pid);
      return pending;
    }
    const mine = this.byPid.get(fs.pid);
    if (!mine) return undefined;
    let inRange: InFlight | undefined;
    for (const f of mine) {
      if (f.fsEvents === 0 || f.ino !== fs.ino || f.dev !== fs.dev) continue;
      if (fs.pos === f.firstPos) return f;
      if (!inRange && fs.pos > f.firstPos && fs.pos < f.firstPos + f.count) inRange = f;
    }
    return inRange;
  }

  private matchWorker(fs: FsIssue): InFlight | undefined {
    const cur = this.workerCurrent.get(fs.pid);
    if (cur && cur.ino === fs.ino && cur.dev === fs.dev && fs.pos >= cur.firstPos && fs.pos < cur.firstPos + Math.max(1, cur.count)) return cur;
    let pick = -1;
    for (let i = 0; i < this.punted.length; i++) {
      const f = this.punted[i]!;
      if (!compatible(f, fs)) continue;
      if (f.fsEvents > 0 && (f.ino !== fs.ino || f.dev !== fs.dev)) continue;
      if (f.pid === fs.workerTgid) {
        pick = i;
        break;
      }
      if (pick < 0) pick = i;
    }
    if (pick < 0) return undefined;
    const f = this.punted[pick]!;
    this.punted.splice(pick, 1);
    f.workerPid = fs.pid;
    this.workerCurrent.set(fs.pid, f);
    return f;
  }

  private relate(f: InFlight, fs: FsIssue): UringRelation {
    f.fsEvents++;
    if (f.fsEvents === 1) {
      if (fs.workerTgid >= 0) f.workerEvents = 1;
      f.dev = fs.dev;
      f.ino = fs.ino;
      f.firstPos = fs.pos;
      f.count = fs.count;
      f.attempts = 1;
      if (f.firstAttemptTs < 0) f.firstAttemptTs = fs.ts;
      if (f.req.length < 0) f.req.length = fs.count;
      if (f.req.offset < 0) f.req.offset = fs.pos;
      return 'issue';
    }
    if (fs.size >= 0 && fs.pos >= fs.size && fs.pos > f.firstPos) {
      f.req.details['eofRemainder'] = true;
      return 'eof-remainder';
    }
    f.attempts++;
    if (fs.workerTgid >= 0 && f.workerEvents++ === 0) return 'retry'; // the punt already counted this retry
    f.retries++;
    return 'retry';
  }
}

function compatible(f: InFlight, fs: FsIssue): boolean {
  return f.direction === 'any' || f.direction === fs.direction;
}

function removeFrom<K>(map: Map<K, InFlight[]>, key: K, f: InFlight): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(f);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
