// inlayHints: request latencies at the end of the lines where requests complete, served by EngineService
// over real recordings. Which lines are completions, and each latency, are computed here from the raw lines:
// a block request's Q2C is its `block_rq_complete` time minus the `block_bio_queue` of the bio it came from
// (same device, the bio's range covers the request's sector); a syscall's latency is its exit minus its enter; an io_uring request's is its completion minus its
// submission (same `req`). Durations are worded by the shared formatter.
//
// samples/10-nowait-partial-read (README): 102 block requests, each queued and completed once; preadv2 calls
// of 262144 bytes return 65536, -11 (EAGAIN) and 262144; io_uring READs 0x1002 / 0x1004 / 0x1006 of 262144
// complete with 65536, -11 and 262144.
// ../shared/corpus/04-btrfs-io-errors: block requests of 7:2 that complete with [-5].
// samples/02-counter-clock: `trace_clock=counter`, times are ticks.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { InlayInfo } from '../../engine/contracts/query';
import { formatDuration } from '../../engine/report/formatDuration';
import type { DocRef } from '../../protocol/engineProtocol';
import { EngineService } from '../../worker/engineService';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { blockAddr, raw, retOf, type RawEvent, type RawFile } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const never = new AbortController().signal;
const noProgress = (): void => undefined;
/** The events a request completes with (block, syscall, io_uring, direct I/O, ordered extent). */
const COMPLETION = /^(block_rq_complete|block_rq_error|sys_exit_\w+|io_uring_complete|iomap_dio_complete|btrfs_ordered_extent_remove)$/;
const ERRNO: Readonly<Record<number, string>> = { [-5]: 'EIO', [-11]: 'EAGAIN' };

async function hintsOf(file: string, from: number, to: number): Promise<InlayInfo[]> {
  const svc = new EngineService();
  const d: DocRef = { key: `file://${file}`, version: 1, name: file, path: file };
  try {
    await svc.handle('open', { doc: d, companions: [] }, never, noProgress);
    return await svc.handle('inlayHints', { doc: d.key, from, to }, never, noProgress);
  } finally {
    svc.dispose();
  }
}

/** The last raw event before `e` satisfying `pred`. */
function lastBefore(r: RawFile, e: RawEvent, pred: (x: RawEvent) => boolean): RawEvent | undefined {
  let found: RawEvent | undefined;
  for (const x of r.events) {
    if (x.line >= e.line) break;
    if (pred(x)) found = x;
  }
  return found;
}

/** The Q2C of the block request completed on `c`: its time minus the queue time of the bio it came from (a split request's is the bio before the split). */
function blockQ2c(r: RawFile, c: RawEvent): number {
  const a = blockAddr(c)!;
  const covers = (x: RawEvent): boolean => {
    const q = blockAddr(x);
    return q !== undefined && q.dev === a.dev && q.sector <= a.sector && a.sector < q.sector + q.n;
  };
  const q = lastBefore(r, c, (x) => x.name === 'block_bio_queue' && covers(x));
  assert.ok(q, `the bio of the request completed on line ${c.line}`);
  return c.ns - q.ns;
}

for (const spelling of ['trace.txt', 'report.txt'] as const) {
  test(`inlayHints: samples/10 ${spelling}: a hint on every block completion and syscall exit of a window, with latencies from the raw lines`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const n = r.lines.length;
    for (const [from, to] of [
      [1, n],
      [300, 800],
      [1000, 1199],
    ] as const) {
      const hints = await hintsOf(file, from, to);
      const byLine = new Map<number, InlayInfo[]>();
      for (const h of hints) {
        assert.ok(h.line >= from && h.line <= to, `hint on ${h.line} in [${from}, ${to}]`);
        const e = r.byLine.get(h.line);
        assert.ok(e && COMPLETION.test(e.name), `line ${h.line} is a completion event (${e?.name ?? 'no event'})`);
        byLine.set(h.line, [...(byLine.get(h.line) ?? []), h]);
      }
      const inWindow = r.events.filter((e) => e.line >= from && e.line <= to);
      const completes = inWindow.filter((e) => e.name === 'block_rq_complete');
      assert.deepEqual(
        [...byLine.keys()].filter((l) => r.byLine.get(l)!.name === 'block_rq_complete'),
        completes.map((e) => e.line),
        'exactly the block completions of the window',
      );
      for (const c of completes) assert.deepEqual(byLine.get(c.line)!.map((h) => h.text), [`Q2C ${formatDuration(blockQ2c(r, c))}`], `line ${c.line}`);
      // Syscalls: exit minus the same task's enter of the same call.
      let exits = 0;
      for (const exit of inWindow.filter((e) => e.name.startsWith('sys_exit_'))) {
        const call = exit.name.slice('sys_exit_'.length);
        const enter = lastBefore(r, exit, (x) => x.pid === exit.pid && x.name === `sys_enter_${call}`);
        if (!enter) continue;
        exits++;
        const dur = formatDuration(exit.ns - enter.ns);
        const ret = retOf(exit);
        const count = /count: (?:0x)?([0-9a-f]+)/.exec(enter.payload);
        const asked = call === 'preadv2' ? 262144 : count ? Number.parseInt(count[1]!, 16) : -1;
        const texts = (byLine.get(exit.line) ?? []).map((h) => h.text);
        if (ret < 0) assert.deepEqual(texts, [`${ret} ${ERRNO[ret]} after ${dur}`], `line ${exit.line}`);
        else if (asked > 0 && ret < asked) {
          assert.equal(texts.length, 1, `line ${exit.line}`);
          assert.match(texts[0]!, new RegExp(`^${ret} of ${asked} B( \\(EOF\\))? in ${dur}$`), `line ${exit.line}`);
        } else assert.deepEqual(texts, [dur], `line ${exit.line}`);
      }
      if (from === 1) {
        assert.equal(completes.length, 102, 'README: 102 block requests');
        assert.equal(exits, 127, '120 pread64, 3 preadv2 and 4 io_uring_enter calls');
      }
    }
  });

  test(`inlayHints: samples/10 ${spelling}: io_uring READs: completion minus submission, short and failed ones say so`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const hints = await hintsOf(file, 1, r.lines.length);
    const expected: Record<string, (dur: string) => string> = {
      '0x1002': (dur) => `65536 of 262144 B in ${dur}`,
      '0x1004': (dur) => `-11 EAGAIN after ${dur}`,
      '0x1006': (dur) => dur,
    };
    for (const [userData, text] of Object.entries(expected)) {
      const done = r.events.find((e) => e.name === 'io_uring_complete' && e.payload.includes(`user_data ${userData},`))!;
      const req = /req (\w+),/.exec(done.payload)![1]!;
      const submit = lastBefore(r, done, (x) => x.name === 'io_uring_submit_req' && x.payload.includes(`req ${req},`))!;
      assert.deepEqual(hints.filter((h) => h.line === done.line).map((h) => h.text), [text(formatDuration(done.ns - submit.ns))], userData);
    }
  });

  test(`inlayHints: corpus 04 ${spelling}: block requests that fail say their error and Q2C`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(corpusDir, '04-btrfs-io-errors', spelling);
    const r = raw(file);
    const hints = await hintsOf(file, 1, r.lines.length);
    const failed = r.events.filter((e) => e.name === 'block_rq_complete' && /\[-5\]$/.test(e.payload));
    assert.ok(failed.length >= 10);
    for (const c of failed) {
      const texts = hints.filter((h) => h.line === c.line).map((h) => h.text);
      assert.deepEqual(texts, [`-5 EIO after ${formatDuration(blockQ2c(r, c))}`], `line ${c.line}`);
    }
    // The block_rq_error printed after each failed completion is no second completion.
    for (const e of r.events.filter((x) => x.name === 'block_rq_error')) assert.deepEqual(hints.filter((h) => h.line === e.line), [], `line ${e.line}`);
  });
}

test('inlayHints: samples/02 counter clock: latencies are ticks of the counter', async () => {
  const file = path.join(samplesDir, '02-counter-clock', 'trace.txt');
  const lines = raw(file).lines;
  // `sys_read(...)` at counter 77 and `sys_read -> 0x340` at 79 (the counter clock prints integers).
  const COUNTER = /^\s*(.*)-(\d+)\s+\[\d{3}\]\s+\S+\s+(\d+): (sys_\w+)(\(| -> )/;
  const events = lines.map((l, i) => ({ line: i + 1, m: COUNTER.exec(l) })).filter((x) => x.m !== null);
  const hints = await hintsOf(file, 1, lines.length);
  let checked = 0;
  for (const { line, m } of events) {
    if (m![5] !== ' -> ') continue;
    const enter = [...events.filter((x) => x.line < line && x.m![2] === m![2] && x.m![4] === m![4] && x.m![5] === '(')].pop();
    if (!enter) continue;
    const ticks = Number(m![3]) - Number(enter.m![3]);
    const texts = hints.filter((h) => h.line === line).map((h) => h.text);
    assert.equal(texts.length, 1, `line ${line}`);
    assert.match(texts[0]!, new RegExp(`(^| in )${ticks} ticks?$`), `line ${line}`);
    checked++;
  }
  assert.ok(checked >= 10, `${checked} syscalls`);
});

test('inlayHints: a kernel log has none', async () => {
  const file = path.join(samplesDir, '21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');
  assert.deepEqual(await hintsOf(file, 1, 1000), []);
});
