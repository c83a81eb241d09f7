// The request timeline's engine side (webview/DESIGN.md step 12) on real recordings, against the raw text:
// device lanes are the devices of the raw `block_rq_issue` lines, each with one bar per issued request, from
// its issue to the completion of the same (device, sector) (flushes paired in order per device), failed
// when that completion printed a negative error, pending when none came; task lanes are the tasks of the raw
// syscall entries and io_uring submissions; a window's bars are exactly the raw requests that overlap it,
// and merging short requests into density buckets (level of detail) keeps every count; the overview's
// density is the raw events per time bin. Expected values come from the file's lines (helpers/rawTrace.ts
// regexes), never from iolens.
//
// samples/10-nowait-partial-read (README): pid 3039's preadv2 RWF_NOWAIT of 256 KiB returns 65536 (short),
// pid 3047's io_uring READ of 256 KiB (user_data 0x1002) completes with 65536 (short), pid 3055's preadv2
// returns -11 EAGAIN and pid 3061's io_uring READ completes with -11 (errors).
// ../shared/corpus/04-btrfs-io-errors (README): block requests on 7:2 complete with [-5].
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { analyzeFile, closeModel } from '../../engine/analyze';
import type { TimelineBars } from '../../engine/contracts/query';
import { fileFindings, type FileModel } from '../../engine/model/fileModel';
import { ModelQueries } from '../../engine/query/modelQueries';
import { EngineService } from '../../worker/engineService';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { blockAddr, raw, retOf, type RawEvent, type RawFile } from './helpers/rawTrace';

const SAMPLES = ['01-layouts-xfs', '10-nowait-partial-read', '11-unaligned-discard', '12-stale-iomap', '20-btrfs-hang', '21-btrfs-ordered-wait'];
const FILES = SAMPLES.flatMap((s) => ['trace.txt', 'report.txt'].map((f) => path.join(samplesDir, s, f))).filter((f) => existsSync(f));
const S10 = path.join(samplesDir, '10-nowait-partial-read');

const models = new Map<string, Promise<FileModel>>();
function queries(file: string): Promise<ModelQueries> {
  let m = models.get(file);
  if (m === undefined) models.set(file, (m = analyzeFile(file)));
  return m.then((model) => new ModelQueries(model));
}
after(async () => {
  for (const m of models.values()) await closeModel(await m);
});

/** A block request as the raw lines show it: its issue, and the completion of the same (device, sector). */
interface RawBar {
  readonly dev: number;
  readonly issue: RawEvent;
  complete: RawEvent | undefined;
  error: number;
}

function devNumber(dev: string): number {
  const [maj, min] = dev.split(':').map(Number);
  return maj! * 1048576 + min!;
}

/** Issue -> completion pairs by (device, sector), first in first out; flushes (`F…` with no sectors) by device. */
function rawBlockRequests(r: RawFile): RawBar[] {
  const open = new Map<string, RawBar[]>();
  const bars: RawBar[] = [];
  for (const e of r.events) {
    if (e.name !== 'block_rq_issue' && e.name !== 'block_rq_complete') continue;
    const a = blockAddr(e);
    assert.ok(a, `line ${e.line}: a block address`);
    const key = a.rwbs.startsWith('F') && a.n === 0 ? `${a.dev} flush` : `${a.dev} ${a.sector}`;
    if (e.name === 'block_rq_issue') {
      const bar: RawBar = { dev: devNumber(a.dev), issue: e, complete: undefined, error: 0 };
      bars.push(bar);
      const list = open.get(key) ?? [];
      list.push(bar);
      open.set(key, list);
    } else {
      // A completion with no open issue (issued before the trace began, a post-flush `+ 0`) ends nothing.
      const bar = open.get(key)?.shift();
      if (bar === undefined) continue;
      bar.complete = e;
      bar.error = Number(/\[(-?\d+)\]\s*$/.exec(e.payload)?.[1] ?? 0);
    }
  }
  return bars;
}

/** Start and end of a raw bar, ns since the first event (a pending request ends at the last event). */
function span(r: RawFile, b: RawBar): [number, number] {
  const t0 = r.events[0]!.ns;
  const last = Math.max(...r.events.map((e) => e.ns));
  return [b.issue.ns - t0, (b.complete?.ns ?? last) - t0];
}

/** Every column has one element per bar, in a buffer of its own; lanes ascending, starts ascending within a lane. */
function checkColumns(b: TimelineBars): void {
  const n = b.lane.length;
  for (const [name, a] of Object.entries({ lane: b.lane, startNs: b.startNs, endNs: b.endNs, request: b.request, count: b.count, op: b.op, outcome: b.outcome, line: b.line })) {
    assert.equal(a.length, n, `${name} length`);
    assert.equal(a.buffer.byteLength, a.byteLength, `${name} is not a view of a larger buffer`);
  }
  for (let i = 1; i < n; i++) assert.ok(b.lane[i - 1]! < b.lane[i]! || (b.lane[i - 1] === b.lane[i] && b.startNs[i - 1]! <= b.startNs[i]!), `bar ${i} in order`);
  for (let i = 0; i < n; i++) {
    assert.ok(b.count[i]! >= 1);
    if (b.request[i]! < 0) {
      assert.ok(b.count[i]! > 2, 'a bucket holds more than two requests');
      assert.equal(b.line[i], 0);
    } else assert.equal(b.count[i], 1);
    assert.ok(b.op[i]! < b.ops.length && b.outcome[i]! < b.outcomes.length);
  }
  assert.equal(
    b.count.reduce((s, c) => s + c, 0),
    b.total,
    'every request counted once',
  );
}

/** Sum of counts per lane. */
function countsPerLane(b: TimelineBars, lanes: number): number[] {
  const out = new Array<number>(lanes).fill(0);
  for (let i = 0; i < b.lane.length; i++) out[b.lane[i]!]! += b.count[i]!;
  return out;
}

for (const file of FILES) {
  const name = `${path.basename(path.dirname(file))}/${path.basename(file)}`;

  test(`timeline by device: ${name}: lanes, counts and bars are the raw block requests, at every level of detail`, async () => {
    const r = raw(file);
    assert.equal(r.events.filter((e) => e.name === 'block_rq_requeue').length, 0, 'no requeue: one issue line per request');
    const q = await queries(file);
    const bars = rawBlockRequests(r);
    const devs = [...new Set(bars.map((b) => b.dev))].sort((a, b) => a - b);
    const lanes = q.timelineLanes('device')!;
    assert.deepEqual([...lanes.key], devs);
    assert.deepEqual(
      lanes.label,
      devs.map((d) => `${Math.floor(d / 1048576)}:${d % 1048576}`),
    );
    const per = (pred: (b: RawBar) => boolean): number[] => devs.map((d) => bars.filter((b) => b.dev === d && pred(b)).length);
    assert.deepEqual([...lanes.requests], per(() => true), 'requests per device = its block_rq_issue lines');
    assert.deepEqual([...lanes.errors], per((b) => b.error < 0), 'failed requests per device');
    assert.deepEqual([...lanes.pending], per((b) => b.complete === undefined), 'requests never completed per device');
    assert.deepEqual([...lanes.short], per(() => false));
    // The index holds 35 bytes per bar (and the lane keys and counts).
    assert.ok(q.cacheBytes >= 35 * bars.length && q.cacheBytes < 35 * bars.length + 4096 + 64 * devs.length, `index bytes ${q.cacheBytes}`);
    if (bars.length === 0) return;
    const t0 = r.events[0]!.ns;
    assert.equal(lanes.startNs, Math.min(...r.events.map((e) => e.ns)) - t0);
    assert.equal(lanes.endNs, Math.max(...r.events.map((e) => e.ns)) - t0);

    // The whole trace at any width: every request once; buckets only where more than two short ones start in a column.
    for (const width of [1, 7, 50, 1200, 16384]) {
      const b = q.timeline('device', lanes.startNs, lanes.endNs, width)!;
      checkColumns(b);
      assert.equal(b.total, bars.length, `width ${width}: total`);
      assert.deepEqual(countsPerLane(b, devs.length), per(() => true), `width ${width}: counts per lane`);
      if (width === 1) {
        // One column for the whole trace: a lane's requests shorter than the trace are one bucket when there are more than two.
        const whole = lanes.endNs - lanes.startNs;
        devs.forEach((d, lane) => {
          const short = bars.filter((bar) => bar.dev === d && span(r, bar)[1] - span(r, bar)[0] < whole).length;
          const buckets = [...b.count].filter((_, i) => b.lane[i] === lane && b.request[i]! < 0);
          assert.deepEqual(buckets, short > 2 ? [short] : [], `one pixel: lane ${lane} bucket`);
        });
      }
    }

    // Windows: the bars are the raw requests that overlap them; zoomed in enough, each request is a bar of its own.
    const spans = bars.map((b) => span(r, b));
    const minDur = Math.max(1, Math.min(...spans.map(([s, e]) => e - s).filter((d) => d > 0)));
    const picks = [0, bars.length >> 2, bars.length >> 1, bars.length - 1];
    for (const i of picks) {
      for (const [j, width] of [
        [Math.min(bars.length - 1, i + 5), 1200],
        [Math.min(bars.length - 1, i + 40), 300],
      ] as const) {
        const from = spans[i]![0];
        const to = Math.max(from + 1, spans[j]![0]);
        const want = bars.map((_, k) => k).filter((k) => spans[k]![0] <= to && spans[k]![1] >= from);
        const b = q.timeline('device', from, to, width)!;
        checkColumns(b);
        assert.equal(b.total, want.length, `window [${from}, ${to}]: requests overlapping`);
        for (let k = 0; k < b.lane.length; k++) assert.ok(b.startNs[k]! <= to && b.endNs[k]! >= from, 'a bar overlaps its window');
        // Fine enough that no request is shorter than a column: every bar is a raw request.
        const fine = q.timeline('device', from, from + minDur * 20, 1200)!;
        checkColumns(fine);
        assert.ok(fine.request.every((x) => x >= 0), 'no bucket when every request is wider than a column');
        const wantFine = bars
          .map((bar, k) => ({ bar, s: spans[k]! }))
          .filter(({ s }) => s[0] <= from + minDur * 20 && s[1] >= from)
          .map(({ bar, s }) => [devs.indexOf(bar.dev), s[0], s[1], bar.issue.line, bar.error < 0 ? 'error' : bar.complete ? 'ok' : 'pending'].join(' '))
          .sort();
        const gotFine = [...fine.lane].map((lane, k) => [lane, fine.startNs[k], fine.endNs[k], fine.line[k], fine.outcomes[fine.outcome[k]!]].join(' ')).sort();
        assert.deepEqual(gotFine, wantFine, 'bars at a fine zoom: lane, issue time, completion time, issue line, outcome');
      }
    }
    // Only the lanes asked for.
    const one = q.timeline('device', lanes.startNs, lanes.endNs, 600, [devs.length - 1, 99])!;
    assert.ok(one.lane.every((l) => l === devs.length - 1));
    assert.equal(one.total, per(() => true)[devs.length - 1]);
    // An empty or inverted window has no bars.
    assert.equal(q.timeline('device', 10, 5, 100)!.lane.length, 0);
  });

}

// m07: one event printed earlier than the one before it (time goes backwards): every event is binned.
for (const file of [...FILES, path.join(samplesDir, '90-malformed', 'm07-timestamp-backwards.txt')]) {
  const name = `${path.basename(path.dirname(file))}/${path.basename(file)}`;
  test(`overview: ${name}: density per bin is the raw events per time bin; findings sit at their events' times`, async () => {
    const r = raw(file);
    const q = await queries(file);
    const t0 = r.events[0]!.ns;
    const rel = r.events.map((e) => e.ns - t0);
    const start = Math.min(...rel);
    const end = Math.max(...rel);
    for (const bins of [1, 13, 1000]) {
      const o = q.overview(bins, [])!;
      assert.equal(o.density.length, bins);
      assert.equal(o.density.buffer.byteLength, o.density.byteLength);
      assert.deepEqual([o.startNs, o.endNs], [start, end]);
      const want = new Array<number>(bins).fill(0);
      for (const t of rel) want[Math.min(bins - 1, Math.floor((t - start) / o.binNs))]!++;
      assert.deepEqual([...o.density], want, `${bins} bins`);
      assert.equal(
        o.density.reduce((s, x) => s + x, 0),
        r.events.length,
      );
    }
    const m = q.model;
    const findings = fileFindings(m);
    const o = q.overview(100, [...findings, { ...findings[0]!, file: 'another file' }].filter((f) => f !== undefined))!;
    assert.equal(o.finding.length, findings.length, "only this file's findings");
    const at = (line: number): number => {
      const before = r.events.filter((e) => e.line <= line);
      return before.length > 0 ? before[before.length - 1]!.ns - t0 : start;
    };
    const want = findings.map((f, i) => ({ ns: at(f.line), i, sev: ['error', 'warning', 'info'].indexOf(f.severity) })).sort((a, b) => a.ns - b.ns || a.i - b.i);
    assert.deepEqual([...o.findingNs], want.map((w) => w.ns));
    assert.deepEqual([...o.finding], want.map((w) => w.i));
    assert.deepEqual([...o.findingSeverity].map((s) => o.severities[s]), want.map((w) => findings[w.i]!.severity));
  });
}

for (const spelling of ['trace.txt', 'report.txt']) {
  test(`timeline by task: samples/10 ${spelling}: one lane per task with its syscalls and io_uring requests, short and failed ones marked`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    // Every syscall traced in this recording is an I/O syscall (pread64, preadv2, io_uring_enter): each entry is a request.
    const asks = r.events.filter((e) => e.name.startsWith('sys_enter_') || e.name === 'io_uring_submit_req');
    const pids = [...new Set(asks.map((e) => e.pid))].sort((a, b) => a - b);
    const lanes = q.timelineLanes('task')!;
    assert.deepEqual([...lanes.key], pids);
    assert.deepEqual(
      lanes.label,
      pids.map((p) => `${asks.find((e) => e.pid === p)!.comm}:${p}`),
    );
    assert.deepEqual(
      [...lanes.requests],
      pids.map((p) => asks.filter((e) => e.pid === p).length),
    );
    // Results: a negative syscall return or io_uring result fails; a 256 KiB read (README steps) that returned less is short.
    const results = r.events.flatMap((e): { pid: number; res: number; read256k: boolean }[] => {
      if (e.name.startsWith('sys_exit_')) return [{ pid: e.pid, res: retOf(e), read256k: e.name === 'sys_exit_preadv2' }];
      const m = /user_data \S+, result (-?\d+)/.exec(e.name === 'io_uring_complete' ? e.payload : '');
      return m ? [{ pid: e.pid, res: Number(m[1]), read256k: true }] : [];
    });
    assert.deepEqual(
      [...lanes.errors],
      pids.map((p) => results.filter((x) => x.pid === p && x.res < 0).length),
    );
    assert.deepEqual(
      [...lanes.short],
      pids.map((p) => results.filter((x) => x.pid === p && x.read256k && x.res >= 0 && x.res < 262144).length),
    );
    assert.deepEqual([...lanes.short].reduce((a, b) => a + b, 0), 2, 'README: the two NOWAIT reads of cached data are short');
    const b = q.timeline('task', lanes.startNs, lanes.endNs, 1200)!;
    checkColumns(b);
    assert.equal(b.total, asks.length);
    // Each plain bar starts on its request's first line (an entry or a submission) at that line's time.
    const t0 = r.events[0]!.ns;
    for (let i = 0; i < b.lane.length; i++) {
      if (b.request[i]! < 0) continue;
      const e = r.byLine.get(b.line[i]!)!;
      assert.ok(e.name.startsWith('sys_enter_') || e.name === 'io_uring_submit_req', `bar ${i} starts on ${e.name}`);
      assert.equal(b.startNs[i], e.ns - t0);
      assert.equal(lanes.key[b.lane[i]!], e.pid);
    }
  });
}

test('timeline by device: corpus 04 (btrfs I/O errors): the requests that completed with -5 are failed bars', { skip: !haveCorpus }, async () => {
  const file = path.join(corpusDir, '04-btrfs-io-errors', 'trace.txt');
  const r = raw(file);
  const q = await queries(file);
  const bars = rawBlockRequests(r);
  const lanes = q.timelineLanes('device')!;
  const failed = bars.filter((b) => b.error < 0);
  assert.ok(failed.length >= 5, 'README: several requests fail with -5');
  assert.deepEqual(
    [...lanes.errors],
    [...lanes.key].map((d) => failed.filter((b) => b.dev === d).length),
  );
  // At one pixel per trace, the failure still shows: each lane's bucket is as bad as its worst request.
  const one = q.timeline('device', lanes.startNs, lanes.endNs, 1)!;
  for (let l = 0; l < lanes.key.length; l++) {
    if (lanes.errors[l] === 0) continue;
    const outcomes = [...one.outcome].filter((_, i) => one.lane[i] === l).map((o) => one.outcomes[o]);
    assert.ok(outcomes.includes('error'), `lane ${lanes.label[l]}: the failure is visible`);
  }
});

test('EngineService: samples/10 trace.txt: the table and timeline methods answer through the worker protocol', async () => {
  const file = path.join(S10, 'trace.txt');
  const r = raw(file);
  const svc = new EngineService();
  const never = new AbortController().signal;
  const noProgress = (): void => undefined;
  try {
    const doc = { key: `file://${file}`, version: 1, name: file, path: file };
    await svc.handle('open', { doc, companions: [] }, never, noProgress);
    const issues = r.events.filter((e) => e.name === 'block_rq_issue');
    const page = (await svc.handle('eventsPage', { doc: doc.key, filter: { text: 'block_rq_issue:' }, offset: 0, limit: 200 }, never, noProgress))!;
    assert.deepEqual([...page.line], issues.map((e) => e.line));
    const at = (await svc.handle('rowIndexOfLine', { doc: doc.key, filter: { events: ['block_rq_issue'] }, line: issues[10]!.line + 1 }, never, noProgress))!;
    assert.deepEqual(at, { index: 10, exact: false, line: issues[10]!.line, total: issues.length });
    const lanes = (await svc.handle('timelineLanes', { doc: doc.key, by: 'device' }, never, noProgress))!;
    assert.deepEqual(lanes.label, ['7:0']);
    const bars = (await svc.handle('timeline', { doc: doc.key, by: 'device', fromNs: lanes.startNs, toNs: lanes.endNs, widthPx: 1200 }, never, noProgress))!;
    assert.equal(bars.total, issues.length);
    const o = (await svc.handle('overview', { doc: doc.key, bins: 64 }, never, noProgress))!;
    assert.equal(
      o.density.reduce((a, b) => a + b, 0),
      r.events.length,
    );
    // A cancelled request is answered with an error.
    const gone = new AbortController();
    gone.abort();
    await assert.rejects(svc.handle('eventsPage', { doc: doc.key, filter: { text: 'xfs' }, offset: 0, limit: 10 }, gone.signal, noProgress), /cancelled/);
  } finally {
    svc.dispose();
  }
});
