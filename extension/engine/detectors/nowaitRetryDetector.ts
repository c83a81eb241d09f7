/**
 * `nowait-retry` (info): reads issued without waiting (IOCB_NOWAIT) that got -EAGAIN and had to be
 * retried, and what the retry cost. io_uring first tries every read inline with IOCB_NOWAIT; on -EAGAIN it
 * retries from task work once the page is read (a buffered read shows the same position two or three
 * times inside one request) or punts the request to an io-wq worker. The io_uring tracker counts these
 * retries per request (`retries`, `addedLatencyNs` = first attempt to completion). Without io_uring events,
 * the same pattern on filesystem reads alone is reported too (the fs tracker merges the repeats), and an
 * application that repeats a `preadv2(RWF_NOWAIT)` that returned -EAGAIN without the flag is its own retry.
 *
 * One finding per task and file, so a cold-cache run gives a handful of lines, not one per request.
 * No line numbers or pointers in messages and details (kernel text and trace-cmd give equal findings).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { fdOf } from '../lifecycle/fsResolve';
import { isReadSyscall } from '../lifecycle/syscallSpecs';
import { LineRoles } from '../requests/lineRoles';
import { chainLines } from '../requests/requestChain';
import { userDataText } from '../requests/requestJson';
import type { RequestView } from '../requests/requestView';
import type { Detector, DetectorContext } from './detector';

const MAX_LISTED = 32;
const MAX_EVIDENCE = 64;
const EAGAIN = -11;

interface Retried {
  readonly req: number;
  readonly retries: number;
  readonly addedNs: number;
  /** Line of the first retry (or punt): the decisive event. */
  readonly line: number;
  readonly extra: number;
}

interface Group {
  readonly pid: number;
  readonly comm: string;
  readonly dev: number;
  readonly ino: number;
  readonly layer: string;
  readonly items: Retried[];
}

function firstRetryLine(v: RequestView, r: number): number {
  for (let k = 0; k < v.stageCount(r); k++) {
    const name = v.stageName(r, k);
    if (name === 'retry' || name === 'punt-to-io-wq') return v.stageLine(r, k);
  }
  return v.stageLine(r, v.stageCount(r) - 1);
}

/** The first retry line of a request or of its filesystem children. */
function decisiveLine(v: RequestView, r: number): number {
  for (let k = 0; k < v.stageCount(r); k++) if (v.stageName(r, k) === 'punt-to-io-wq') return v.stageLine(r, k);
  for (const c of v.children(r)) {
    for (let k = 0; k < v.stageCount(c); k++) if (v.stageName(c, k) === 'retry') return v.stageLine(c, k);
  }
  return firstRetryLine(v, r);
}

export class NowaitRetryDetector implements Detector {
  readonly kind = 'nowait-retry';
  readonly description = FINDING_KINDS['nowait-retry'].description;

  findings(ctx: DetectorContext): Finding[] {
    const v = ctx.requests;
    const groups = new Map<string, Group>();
    const add = (r: number, item: Retried): void => {
      const key = `${v.layer(r)}:${v.pid(r)}:${v.dev(r)}:${v.ino(r)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { pid: v.pid(r), comm: v.comm(r), dev: v.dev(r), ino: v.ino(r), layer: v.layer(r), items: [] }));
      g.items.push(item);
    };
    for (let r = 0; r < v.count; r++) {
      if (v.parent(r) >= 0) continue;
      const layer = v.layer(r);
      if (layer === 'io_uring') {
        const retries = v.uring.get(r, 'retries');
        if (retries !== undefined && retries > 0 && v.isComplete(r)) {
          add(r, { req: r, retries, addedNs: v.uring.get(r, 'addedLatencyNs') ?? 0, line: decisiveLine(v, r), extra: -1 });
        }
      } else if (layer === 'fs') {
        const retries = v.fs.get(r, 'retries');
        if (retries !== undefined && retries > 0) {
          let lastTry = 0;
          for (let k = v.stageCount(r) - 1; k >= 0; k--) {
            if (v.stageName(r, k) === 'retry') {
              lastTry = k;
              break;
            }
          }
          add(r, { req: r, retries, addedNs: v.stageTs(r, lastTry) - v.firstTs(r), line: firstRetryLine(v, r), extra: -1 });
        }
      }
    }
    for (const [r, again] of appRetries(v)) add(r, { req: r, retries: 1, addedNs: v.lastTs(again) - v.firstTs(r), line: v.stageLine(again, 0), extra: again });
    const out: Finding[] = [];
    for (const g of groups.values()) out.push(this.finding(ctx, g));
    return out.sort((a, b) => a.line - b.line);
  }

  private finding(ctx: DetectorContext, g: Group): Finding {
    const v = ctx.requests;
    const items = g.items;
    let retries = 0;
    let total = 0;
    let max = 0;
    for (const it of items) {
      retries += it.retries;
      total += it.addedNs;
      max = Math.max(max, it.addedNs);
    }
    const lines = new Set<number>();
    const roles = new LineRoles(v, ctx.store);
    for (const it of items) {
      if (lines.size >= MAX_EVIDENCE) break;
      chainLines(v, it.req, lines);
      roles.chain(it.req);
      if (it.extra >= 0) {
        chainLines(v, it.extra, lines);
        roles.chain(it.extra).name(v.stageLine(it.extra, 0), `${v.op(it.extra)} again without RWF_NOWAIT (the retry)`);
      }
    }
    const listed: JsonValue[] = items.slice(0, MAX_LISTED).map((it) => {
      const o: { [key: string]: JsonValue } = { offset: v.offset(it.req), length: v.length(it.req), retries: it.retries, addedLatencyNs: it.addedNs };
      if (v.layer(it.req) === 'io_uring') o['user_data'] = userDataText(v, it.req);
      if (v.uring.get(it.req, 'punted') === true) o['punted'] = true;
      const result = v.result(it.req);
      if (result !== undefined) o['result'] = result;
      return o;
    });
    const mean = Math.round(total / items.length);
    const how =
      g.layer === 'io_uring'
        ? 'io_uring tried them inline with IOCB_NOWAIT, got -EAGAIN (data not cached, or a lock or an extent conversion that would block) and retried from task work or in an io-wq worker'
        : g.layer === 'fs'
          ? 'the same range was read again by the filesystem, the pattern of an IOCB_NOWAIT attempt that got -EAGAIN (the submitter is not traced)'
          : 'the application repeated a RWF_NOWAIT read that returned -EAGAIN without the flag';
    const first = items.reduce((a, b) => (b.line < a.line ? b : a));
    const ops = [...new Set(items.map((it) => v.op(it.req)))].join('/');
    const file = g.ino >= 0 ? `ino ${g.ino}` : 'a file without filesystem events in the trace';
    return {
      kind: this.kind,
      severity: 'info',
      message: `${items.length} ${ops} request${items.length === 1 ? '' : 's'} on ${file} by ${g.comm}-${g.pid} needed ${retries} NOWAIT retr${retries === 1 ? 'y' : 'ies'}: ${how}. Added latency: mean ${(mean / 1e3).toFixed(0)} us, max ${(max / 1e3).toFixed(0)} us (first attempt to completion).`,
      file: ctx.file,
      line: first.line,
      evidence: roles.refs(ctx.file, [...lines].filter((l) => l > 0).sort((a, b) => a - b).slice(0, MAX_EVIDENCE)),
      details: { layer: g.layer, pid: g.pid, comm: g.comm, dev: g.dev, ino: g.ino, requests: items.length, retries, addedLatencyMeanNs: mean, addedLatencyMaxNs: max, listed },
    };
  }
}

/** preadv2(RWF_NOWAIT) -> -EAGAIN, then the same task reads the same fd and offset again without NOWAIT. */
function appRetries(v: RequestView): Array<[number, number]> {
  const pending = new Map<string, number>();
  const out: Array<[number, number]> = [];
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) !== 'syscall' || !isReadSyscall(v.op(r))) continue;
    const key = `${v.pid(r)}:${String(fdOf(v, r))}:${v.offset(r)}`;
    const prev = pending.get(key);
    const nowait = v.syscall.get(r, 'nowait') === true;
    if (prev !== undefined && !nowait) {
      out.push([prev, r]);
      pending.delete(key);
    }
    if (nowait && v.result(r) === EAGAIN && v.offset(r) >= 0) pending.set(key, r);
  }
  return out;
}
