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
import type { IoRequest, RequestSet } from '../lifecycle/ioRequest';
import { isReadSyscall } from '../lifecycle/syscallSpecs';
import type { Detector, DetectorContext } from './detector';
import { chainLines } from './shortReadDetector';

const MAX_LISTED = 32;
const MAX_EVIDENCE = 64;
const EAGAIN = -11;

interface Retried {
  readonly req: IoRequest;
  readonly retries: number;
  readonly addedNs: number;
  /** Line of the first retry (or punt): the decisive event. */
  readonly line: number;
  readonly extra: IoRequest | undefined;
}

interface Group {
  readonly pid: number;
  readonly comm: string;
  readonly dev: number;
  readonly ino: number;
  readonly layer: string;
  readonly items: Retried[];
}

function firstRetryLine(r: IoRequest): number {
  for (const s of r.stages) if (s.name === 'retry' || s.name === 'punt-to-io-wq') return s.line;
  return r.stages[r.stages.length - 1]!.line;
}

/** The first retry line of a request or of its filesystem children. */
function decisiveLine(set: RequestSet, r: IoRequest): number {
  for (const s of r.stages) if (s.name === 'punt-to-io-wq') return s.line;
  for (const id of r.children) {
    const c = set.requests[id];
    if (!c) continue;
    for (const s of c.stages) if (s.name === 'retry') return s.line;
  }
  return firstRetryLine(r);
}

export class NowaitRetryDetector implements Detector {
  readonly kind = 'nowait-retry';
  readonly description = FINDING_KINDS['nowait-retry'].description;

  findings(ctx: DetectorContext): Finding[] {
    const set = ctx.requests;
    const groups = new Map<string, Group>();
    const add = (r: IoRequest, item: Retried): void => {
      const key = `${r.layer}:${r.pid}:${r.dev}:${r.ino}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { pid: r.pid, comm: r.comm, dev: r.dev, ino: r.ino, layer: r.layer, items: [] }));
      g.items.push(item);
    };
    for (const r of set.requests) {
      if (r.parent >= 0) continue;
      const retries = r.details['retries'];
      if (r.layer === 'io_uring' && typeof retries === 'number' && retries > 0 && r.complete) {
        const added = typeof r.details['addedLatencyNs'] === 'number' ? r.details['addedLatencyNs'] : 0;
        add(r, { req: r, retries, addedNs: added, line: decisiveLine(set, r), extra: undefined });
      } else if (r.layer === 'fs' && typeof retries === 'number' && retries > 0) {
        const first = r.stages[0]!;
        const lastTry = [...r.stages].reverse().find((s) => s.name === 'retry') ?? first;
        add(r, { req: r, retries, addedNs: lastTry.ts - first.ts, line: firstRetryLine(r), extra: undefined });
      }
    }
    for (const [r, again] of appRetries(set)) add(r, { req: r, retries: 1, addedNs: again.stages[again.stages.length - 1]!.ts - r.stages[0]!.ts, line: again.stages[0]!.line, extra: again });
    const out: Finding[] = [];
    for (const g of groups.values()) out.push(this.finding(ctx, g));
    return out.sort((a, b) => a.line - b.line);
  }

  private finding(ctx: DetectorContext, g: Group): Finding {
    const set = ctx.requests;
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
    for (const it of items) {
      if (lines.size >= MAX_EVIDENCE) break;
      chainLines(set, it.req, lines);
      if (it.extra) chainLines(set, it.extra, lines);
    }
    const listed: JsonValue[] = items.slice(0, MAX_LISTED).map((it) => {
      const o: { [key: string]: JsonValue } = { offset: it.req.offset, length: it.req.length, retries: it.retries, addedLatencyNs: it.addedNs };
      const ud = it.req.details['user_data'];
      if (typeof ud === 'string') o['user_data'] = ud;
      if (it.req.details['punted'] === true) o['punted'] = true;
      if (it.req.result !== undefined) o['result'] = it.req.result;
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
    const ops = [...new Set(items.map((it) => it.req.op))].join('/');
    const file = g.ino >= 0 ? `ino ${g.ino}` : 'a file without filesystem events in the trace';
    return {
      kind: this.kind,
      severity: 'info',
      message: `${items.length} ${ops} request${items.length === 1 ? '' : 's'} on ${file} by ${g.comm}-${g.pid} needed ${retries} NOWAIT retr${retries === 1 ? 'y' : 'ies'}: ${how}. Added latency: mean ${(mean / 1e3).toFixed(0)} us, max ${(max / 1e3).toFixed(0)} us (first attempt to completion).`,
      file: ctx.file,
      line: first.line,
      evidence: [...lines].filter((l) => l > 0).sort((a, b) => a - b).slice(0, MAX_EVIDENCE).map((line) => ({ file: ctx.file, line })),
      details: { layer: g.layer, pid: g.pid, comm: g.comm, dev: g.dev, ino: g.ino, requests: items.length, retries, addedLatencyMeanNs: mean, addedLatencyMaxNs: max, listed },
    };
  }
}

/** preadv2(RWF_NOWAIT) -> -EAGAIN, then the same task reads the same fd and offset again without NOWAIT. */
function appRetries(set: RequestSet): Array<[IoRequest, IoRequest]> {
  const pending = new Map<string, IoRequest>();
  const out: Array<[IoRequest, IoRequest]> = [];
  for (const r of set.requests) {
    if (r.layer !== 'syscall' || !isReadSyscall(r.op)) continue;
    const key = `${r.pid}:${String(r.details['fd'])}:${r.offset}`;
    const prev = pending.get(key);
    if (prev && r.details['nowait'] !== true) {
      out.push([prev, r]);
      pending.delete(key);
    }
    if (r.details['nowait'] === true && r.result === EAGAIN && r.offset >= 0) pending.set(key, r);
  }
  return out;
}
