// nowait-retry on real recordings (issue 11 item 6): a read issued without waiting that returned -EAGAIN TO THE
// APPLICATION (a preadv2 with RWF_NOWAIT whose exit is -11, an io_uring READ whose CQE is -11) and that no later
// read of the same range by the same task follows: one info finding per such call, at the exit / the CQE.
// io_uring's own inline IOCB_NOWAIT attempts that it retried, and application retries that succeeded, are no
// finding; their retry counts stay facts of the requests.
//
// The expected lines come from the raw files (helpers/rawTrace, no iolens code): `eagainGivenUp` below finds the
// -EAGAIN results and looks for a later read of the same fd and position (preadv2 / pread64 / read) or a later
// io_uring READ of the same position (its xfs_file_buffered_read) by the same pid.
// samples/10-nowait-partial-read (README): steps 1/2 return 65536 of 262144 (short reads, not -EAGAIN); steps
// 3/4 return -EAGAIN and nothing reads 512 KiB again (steps 5/6 are other processes reading at 0).
// samples/32-nowait-retry-ok: trace.txt steps 3/4 give up after -EAGAIN; twin-trace.txt retries both and succeeds.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { NowaitRetryDetector } from '../../engine/detectors/nowaitRetryDetector';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { raw, retOf, type RawEvent, type RawFile } from './helpers/rawTrace';
import { trackFile, trackLines, type Tracked } from './helpers/trackRequests';

const EAGAIN = -11;
const RWF_NOWAIT = 0x8;
const S10 = path.join(samplesDir, '10-nowait-partial-read');
const S32 = path.join(samplesDir, '32-nowait-retry-ok');

async function track(file: string): Promise<Tracked> {
  return trackFile(file, (rs, links) => createIoTrackers(rs, links).consumers);
}

async function detect(file: string): Promise<Finding[]> {
  const t = await track(file);
  return new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set });
}

/** `name: value` arguments of a syscall enter payload (decimal or hex). */
function argsOf(e: RawEvent): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of e.payload.matchAll(/(\w+): (0x[0-9a-f]+|-?\d+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}

interface GivenUp {
  readonly line: number;
  readonly pid: number;
  readonly api: 'preadv2' | 'io_uring';
  readonly pos: number | undefined;
  readonly userData?: string;
}

/** The -EAGAIN results an application received from a NOWAIT read and did not follow with a read of the same range. */
function eagainGivenUp(r: RawFile): { all: GivenUp[]; givenUp: GivenUp[] } {
  const open = new Map<number, RawEvent>();
  const reads: { line: number; pid: number; fd: number | undefined; pos: number | undefined; uring: boolean }[] = [];
  const all: GivenUp[] = [];
  const submits = new Map<string, { e: RawEvent; ud: string; opcode: string }>();
  const posIn = (pid: number, from: number, to: number): number | undefined => {
    const fs = r.events.find((e) => e.pid === pid && e.line > from && e.line < to && e.name === 'xfs_file_buffered_read');
    return fs ? Number(/pos (0x[0-9a-f]+)/.exec(fs.payload)![1]) : undefined;
  };
  for (const e of r.events) {
    if (/^sys_enter_(?:read|pread64|preadv|preadv2|readv)$/.test(e.name)) open.set(e.pid, e);
    else if (/^sys_exit_(?:read|pread64|preadv|preadv2|readv)$/.test(e.name)) {
      const enter = open.get(e.pid);
      open.delete(e.pid);
      if (!enter) continue;
      const a = argsOf(enter);
      const pos = a['pos_l'] ?? a['pos'];
      reads.push({ line: enter.line, pid: e.pid, fd: a['fd'], pos, uring: false });
      if (e.name === 'sys_exit_preadv2' && retOf(e) === EAGAIN && ((a['flags'] ?? 0) & RWF_NOWAIT) !== 0) all.push({ line: e.line, pid: e.pid, api: 'preadv2', pos });
    } else if (e.name === 'io_uring_submit_req') {
      const m = /req (\S+), user_data (\S+), opcode (\S+),/.exec(e.payload)!;
      submits.set(m[1]!, { e, ud: m[2]!, opcode: m[3]! });
    } else if (e.name === 'io_uring_complete') {
      const m = /req (\S+), user_data (\S+), result (-?\d+)/.exec(e.payload)!;
      const s = submits.get(m[1]!);
      if (!s || !s.opcode.startsWith('READ')) continue;
      const pos = posIn(s.e.pid, s.e.line, e.line);
      reads.push({ line: s.e.line, pid: s.e.pid, fd: undefined, pos, uring: true });
      if (Number(m[3]) === EAGAIN) all.push({ line: e.line, pid: s.e.pid, api: 'io_uring', pos, userData: s.ud });
    }
  }
  const givenUp = all.filter((g) => !reads.some((x) => x.line > g.line && x.pid === g.pid && (x.pos === undefined || g.pos === undefined || x.pos === g.pos)));
  return { all, givenUp };
}

/** The STEP marker before a line. */
function stepOf(r: RawFile, line: number): string | undefined {
  return r.events.filter((e) => e.name === 'print' && e.line < line && /STEP \d/.test(e.payload)).map((e) => /STEP (\d+)/.exec(e.payload)![1]!).at(-1);
}

for (const spelling of ['trace.txt', 'report.txt']) {
  test(`nowait-retry: samples/10 ${spelling}: steps 3 and 4 got -EAGAIN and gave up (one finding each); steps 1/2 returned 65536 (short reads, not nowait-retry)`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const { all, givenUp } = eagainGivenUp(r);
    assert.deepEqual(all.map((g) => [g.api, stepOf(r, g.line), g.pos]), [['preadv2', '3', 0x80000], ['io_uring', '4', 0x80000]]);
    assert.deepEqual(givenUp, all, 'nothing reads 512 KiB again in the same process');
    // steps 1 and 2: RWF_NOWAIT returned part of the range (65536), never -EAGAIN
    const partial = r.events.filter((e) => (e.name === 'sys_exit_preadv2' && retOf(e) === 65536) || (e.name === 'io_uring_complete' && /result 65536,/.test(e.payload)));
    assert.deepEqual(partial.map((e) => stepOf(r, e.line)), ['1', '2']);

    const f = await detect(file);
    assert.deepEqual(f.map((x) => x.line), givenUp.map((g) => g.line));
    assert.ok(f.every((x) => x.kind === 'nowait-retry' && x.severity === 'info'));
    for (const x of f) assert.match(x.message, /returned -EAGAIN \(RWF_NOWAIT: the data was not cached\); no read of this range follows in the trace/);
    assert.ok(!f.some((x) => partial.some((e) => e.line === x.line)), 'the partial NOWAIT reads are no nowait-retry');
    assert.deepEqual(
      f.map((x) => [x.details['layer'], x.details['pid'], x.details['ino'], x.details['offset'], x.details['length'], x.details['result']]),
      givenUp.map((g) => [g.api === 'preadv2' ? 'syscall' : 'io_uring', g.pid, 0x83, 0x80000, 262144, EAGAIN]),
    );
    assert.equal(f[1]!.details['user_data'], '0x1004');
    // the evidence names the -EAGAIN the application received
    assert.equal(f[0]!.evidence.find((e) => e.line === f[0]!.line)?.role, 'preadv2 returned: -11 EAGAIN to the application');
    assert.equal(f[1]!.evidence.find((e) => e.line === f[1]!.line)?.role, 'io_uring READ completed: -11 EAGAIN to the application');
  });
}

test('nowait-retry: samples/10: the control io_uring READ 0x1006 was retried by io_uring itself: no finding, the retries stay request facts', async () => {
  const file = path.join(S10, 'trace.txt');
  const r = raw(file);
  const submit = r.events.find((e) => e.name === 'io_uring_submit_req' && /user_data 0x1006,/.test(e.payload))!;
  const done = r.events.find((e) => e.name === 'io_uring_complete' && /user_data 0x1006,/.test(e.payload))!;
  // its task reads pos 0, then the uncached rest at 0x10000 twice (inline NOWAIT attempt, then the retry from task work)
  const reads = r.events.filter((e) => e.name === 'xfs_file_buffered_read' && e.pid === submit.pid && e.line > submit.line && e.line < done.line);
  assert.deepEqual(reads.map((e) => /pos (0x[0-9a-f]+)/.exec(e.payload)![1]), ['0x0', '0x10000', '0x10000']);
  assert.match(done.payload, /result 262144,/);
  const t = await track(file);
  const f = new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set });
  assert.ok(!f.some((x) => x.details['user_data'] === '0x1006'));
  const req = t.requests.find((x) => x.layer === 'io_uring' && x.details['user_data'] === '0x1006')!;
  assert.equal(req.details['retries'], 2);
  assert.ok((req.details['addedLatencyNs'] as number) > 0);
});

test('nowait-retry: samples/32 trace.txt: preadv2 and io_uring READ got -EAGAIN and gave up: a finding at the exit and at the CQE', async () => {
  const file = path.join(S32, 'trace.txt');
  const r = raw(file);
  const { all, givenUp } = eagainGivenUp(r);
  assert.deepEqual(givenUp.map((g) => [g.api, stepOf(r, g.line)]), [['preadv2', '3'], ['io_uring', '4']]);
  assert.deepEqual(givenUp, all);
  const f = await detect(file);
  assert.deepEqual(f.map((x) => [x.line, x.details['pid'], x.severity]), givenUp.map((g) => [g.line, g.pid, 'info']));
});

test('nowait-retry: samples/32 twin-trace.txt: both -EAGAIN retried by the same task for the same range and complete: no finding, the io_uring retry is a fact', async () => {
  const file = path.join(S32, 'twin-trace.txt');
  const r = raw(file);
  const { all, givenUp } = eagainGivenUp(r);
  assert.equal(all.length, 2, 'a preadv2 and an io_uring READ got -EAGAIN');
  assert.deepEqual(givenUp, [], 'each was read again by the same task');
  const t = await track(file);
  assert.deepEqual(new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set }), []);
  // the blocking READ 0x3202: io_uring tried it inline with IOCB_NOWAIT (its buffered read at 0x40000 twice before the
  // block completion, once after) and retried it from task work
  const retry = t.requests.find((x) => x.layer === 'io_uring' && x.details['user_data'] === '0x3202')!;
  assert.equal(retry.result, 262144);
  assert.ok((retry.details['retries'] as number) >= 1);
});

test('nowait-retry: corpus 01: cold-cache io_uring reads retried by io_uring after its inline NOWAIT attempt: no finding, retries kept as facts', { skip: !haveCorpus }, async () => {
  const file = path.join(corpusDir, '01-xfs-buffered-read-uring-eof', 'trace.txt');
  const r = raw(file);
  assert.deepEqual(eagainGivenUp(r).all, [], 'no -EAGAIN reached an application');
  const t = await track(file);
  assert.deepEqual(new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set }), []);
  // a.dat's first 16 KiB (fio 13992): attempts at lines 523, 534, 540; completion at 541, 342 us after the first attempt.
  const first = t.requests.find((x) => x.layer === 'io_uring' && x.pid === 13992 && x.offset === 0)!;
  const attempts = r.events.filter((e) => e.pid === 13992 && e.name === 'xfs_file_buffered_read' && e.line >= 523 && e.line <= 541).map((e) => e.line);
  const done = r.byLine.get(541)!;
  assert.deepEqual(attempts, [523, 534, 540]);
  assert.equal(done.name, 'io_uring_complete');
  assert.equal(done.ns - r.byLine.get(523)!.ns, 342000);
  assert.deepEqual([first.stages.at(-1)!.line, first.details['retries'], first.details['addedLatencyNs']], [541, 2, 342000]);
  assert.ok(t.requests.filter((x) => x.layer === 'io_uring' && ((x.details['retries'] as number | undefined) ?? 0) > 0).length >= 40);
});

test('nowait-retry: corpus 04: io_uring buffered reads on btrfs punted to io-wq after -EAGAIN: no finding, punts kept as facts', { skip: !haveCorpus }, async () => {
  const file = path.join(corpusDir, '04-btrfs-io-errors', 'trace.txt');
  assert.deepEqual(eagainGivenUp(raw(file)).all, []);
  const t = await track(file);
  assert.deepEqual(new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set }), []);
  const punted = t.requests.filter((x) => x.layer === 'io_uring' && x.details['punted'] === true);
  assert.deepEqual(punted.map((x) => [x.details['user_data'], x.result]), [['0x4', -5], ['0x5', 131072], ['0x6', 131072], ['0x7', 131072]]);
});

test('nowait-retry: corpus 05b: read() returning -EAGAIN without RWF_NOWAIT (pipes) is no finding', { skip: !haveCorpus }, async () => {
  const file = path.join(corpusDir, '05b-xfs-blocked-tasks-fsfreeze', 'trace.txt');
  assert.ok(raw(file).events.filter((e) => e.name === 'sys_exit_read' && retOf(e) === EAGAIN).length > 100);
  assert.deepEqual(await detect(file), []);
});

// Constructed lines in the kernel's spelling (as samples/32 prints them), for the range rules the recordings do not
// exercise: no fs events, so the file is the fd and the length unknown.
const HEAD = ['# tracer: nop', '#', '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION', '#              | |         |   |||||     |         |'];
let clock = 0;
function at(task: string, text: string): string {
  clock += 10;
  return `${task.padStart(20)}   [001] ..... 100.${String(clock).padStart(6, '0')}: ${text}`;
}
const nowaitPreadv2 = (task: string, fd: number, pos: number, ret: string): string[] => [
  at(task, `sys_preadv2(fd: ${fd}, vec: 0x7ffe47d13600, vlen: 1, pos_l: 0x${pos.toString(16)}, pos_h: 0, flags: 8)`),
  at(task, `sys_preadv2 -> ${ret}`),
];
const EAGAIN_HEX = '0xfffffffffffffff5';

/** The findings of constructed event lines (set `clock = 0` before making them). */
function detectLines(lines: readonly string[]): Finding[] {
  const t = trackLines([...HEAD, ...lines], (rs, links) => createIoTrackers(rs, links).consumers);
  return new NowaitRetryDetector().findings({ file: 'constructed.txt', store: t.store, requests: t.set });
}

test('nowait-retry: constructed: a poll loop of RWF_NOWAIT reads that all get -EAGAIN and give up: one finding, at the last exit', () => {
  clock = 0;
  const lines = [...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX), ...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX), ...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX)];
  const f = detectLines(lines);
  assert.deepEqual(f.map((x) => x.line), [HEAD.length + 6]);
  assert.deepEqual([f[0]!.details['fd'], f[0]!.details['offset'], f[0]!.details['ino']], [3, 0x1000, -1]);
});

test('nowait-retry: constructed: -EAGAIN then read() on the same fd (current position) or pread64 of an overlapping range: no finding', () => {
  clock = 0;
  const readAgain = detectLines([
    ...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX),
    at('app-10', 'sys_read(fd: 3, buf: 0x7ffd153fe058, count: 0x1000)'),
    at('app-10', 'sys_read -> 0x1000'),
  ]);
  assert.deepEqual(readAgain, []);
  clock = 0;
  const overlapping = detectLines([
    ...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX),
    at('app-10', 'sys_pread64(fd: 3, buf: 0x7ffd153fe058, count: 0x2000, pos: 0x0)'),
    at('app-10', 'sys_pread64 -> 0x2000'),
  ]);
  assert.deepEqual(overlapping, []);
});

test('nowait-retry: constructed: a later read of another range, another fd or by another task does not count as reading the range', () => {
  clock = 0;
  const f = detectLines([
    ...nowaitPreadv2('app-10', 3, 0x1000, EAGAIN_HEX),
    at('app-10', 'sys_pread64(fd: 3, buf: 0x7ffd153fe058, count: 0x1000, pos: 0x8000)'),
    at('app-10', 'sys_pread64 -> 0x1000'),
    at('app-10', 'sys_pread64(fd: 4, buf: 0x7ffd153fe058, count: 0x1000, pos: 0x1000)'),
    at('app-10', 'sys_pread64 -> 0x1000'),
    at('other-11', 'sys_pread64(fd: 3, buf: 0x7ffd153fe058, count: 0x1000, pos: 0x1000)'),
    at('other-11', 'sys_pread64 -> 0x1000'),
  ]);
  assert.deepEqual(f.map((x) => [x.line, x.details['pid']]), [[HEAD.length + 2, 10]]);
});

test('nowait-retry: constructed: preadv2 without RWF_NOWAIT returning -EAGAIN, and a NOWAIT read that returned data, are no finding', () => {
  clock = 0;
  const f = detectLines([
    at('app-10', 'sys_preadv2(fd: 3, vec: 0x7ffe47d13600, vlen: 1, pos_l: 0x1000, pos_h: 0, flags: 0)'),
    at('app-10', `sys_preadv2 -> ${EAGAIN_HEX}`),
    ...nowaitPreadv2('app-10', 3, 0x4000, '0x1000'),
  ]);
  assert.deepEqual(f, []);
});

test('nowait-retry: constructed: pwritev2 RWF_NOWAIT -EAGAIN with no later write of the range: a finding that says the data was not written', () => {
  clock = 0;
  const f = detectLines([
    at('app-10', 'sys_pwritev2(fd: 3, vec: 0x7ffe47d13600, vlen: 1, pos_l: 0x1000, pos_h: 0, flags: 8)'),
    at('app-10', `sys_pwritev2 -> ${EAGAIN_HEX}`),
    at('app-10', 'sys_pread64(fd: 3, buf: 0x7ffd153fe058, count: 0x1000, pos: 0x1000)'),
    at('app-10', 'sys_pread64 -> 0x1000'),
  ]);
  assert.deepEqual(f.map((x) => [x.line, x.details['direction']]), [[HEAD.length + 2, 'write']]);
  assert.match(f[0]!.message, /no write of this range follows in the trace/);
});
