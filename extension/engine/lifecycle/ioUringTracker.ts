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
import { num as numAt, SlotCache, strId } from '../decode/fieldAccess';
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventConsumer, IngestEvent, EventInterest } from '../ingest/eventConsumer';
import type { EventStore } from '../store/eventStore';
import type { RequestSet } from '../requests/requestSet';
import { finishChildren } from './syscallTracker';
import { ioUringDirection, type FsIssue, type UringDirection, type UringRelation } from './ioUringMatch';

/** Per in-flight request: what its filesystem events showed so far. */
interface InFlight {
  readonly req: number;
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

const SLOTS = new SlotCache(['opcode', 'user_data', 'ctx', 'flags', 'req', 'error', 'len', 'off', 'fd', 'res'] as const);
type UringField = 'opcode' | 'user_data' | 'ctx' | 'flags' | 'req' | 'error' | 'len' | 'off' | 'fd' | 'res';

function num(p: DecodedPayload, name: UringField): number {
  return numAt(p, SLOTS.of(p.schema)[name]);
}

function str(p: DecodedPayload, name: UringField): number {
  return strId(p, SLOTS.of(p.schema)[name]);
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

  readonly interest: EventInterest = {
    names: ['io_uring_submit_req', 'io_uring_submit_sqe', 'io_uring_file_get', 'io_uring_queue_async_work', 'io_uring_complete', 'io_uring_req_failed', 'io_uring_fail_link', 'io_uring_cqe_overflow', 'io_uring_defer'],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    if (!ev.payload) return;
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
          const rs = this.requests;
          rs.uring.put(f.req, 'error', num(p, 'error'));
          const len = num(p, 'len');
          if (!Number.isNaN(len) && rs.length(f.req) < 0) rs.setLength(f.req, len);
          const off = num(p, 'off');
          if (!Number.isNaN(off) && rs.offset(f.req) < 0) rs.setOffset(f.req, off);
        });
        return;
      case 'io_uring_fail_link':
        this.stage(ev, p, 'link-failed', (f) => this.requests.uring.put(f.req, 'failedLink', true));
        return;
      case 'io_uring_cqe_overflow':
        this.stage(ev, p, 'cqe-overflow', (f) => this.requests.uring.put(f.req, 'cqeOverflow', true));
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
    const rs = this.requests;
    const r = rs.create('io_uring', op, 'submit', ev.ts, ev.line);
    rs.setTask(r, ev.pid, ev.comm);
    const ud = num(p, 'user_data');
    rs.uring.put(r, 'userData', ud);
    const ctx = str(p, 'ctx');
    if (ctx >= 0) rs.uring.putStringId(r, 'ring', ctx);
    const flags = num(p, 'flags');
    if (!Number.isNaN(flags)) rs.uring.put(r, 'flags', flags);
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
      if (last && !this.requests.isComplete(last.req)) return last;
    }
    return undefined;
  }

  private stage(ev: IngestEvent, p: DecodedPayload, stage: string, apply: (f: InFlight) => void): void {
    const f = this.find(ev, p);
    if (!f) return;
    this.requests.addStage(f.req, stage, ev.ts, ev.line);
    apply(f);
  }

  private fileGet(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    const fd = num(p, 'fd');
    if (!Number.isNaN(fd)) this.requests.uring.put(f.req, 'fd', fd);
    this.requests.addLine(f.req, ev.line);
  }

  private punt(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    this.requests.addStage(f.req, 'punt-to-io-wq', ev.ts, ev.line);
    if (!f.punted) {
      f.punted = true;
      f.retries++;
      if (f.firstAttemptTs < 0) f.firstAttemptTs = this.requests.firstTs(f.req);
      this.punted.push(f);
    }
    if (this.awaitingIssue.get(f.pid) === f) this.awaitingIssue.delete(f.pid);
  }

  private complete(ev: IngestEvent, p: DecodedPayload): void {
    const f = this.find(ev, p);
    if (!f) return;
    const r = f.req;
    const rs = this.requests;
    const res = num(p, 'res');
    rs.setResult(r, Number.isNaN(res) ? undefined : res);
    rs.complete(r);
    rs.addStage(r, 'complete', ev.ts, ev.line);
    if (f.retries > 0) {
      rs.uring.put(r, 'retries', f.retries);
      rs.uring.put(r, 'attempts', Math.max(f.attempts, f.retries + 1));
      rs.uring.put(r, 'addedLatencyNs', ev.ts - f.firstAttemptTs);
      if (f.punted) rs.uring.put(r, 'punted', true);
    }
    this.forget(f);
    finishChildren(rs, r);
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
  parentFor(fs: FsIssue): number {
    const f = this.match(fs);
    if (!f) return -1;
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
      if (this.requests.length(f.req) < 0) this.requests.setLength(f.req, fs.count);
      if (this.requests.offset(f.req) < 0) this.requests.setOffset(f.req, fs.pos);
      return 'issue';
    }
    if (fs.size >= 0 && fs.pos >= fs.size && fs.pos > f.firstPos) {
      this.requests.uring.put(f.req, 'eofRemainder', true);
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
