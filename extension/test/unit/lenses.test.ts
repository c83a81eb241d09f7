// lenses: CodeLenses of a window of lines, served by EngineService over real recordings. A finding's lens sits
// on its decisive line with the decisive numbers in its title; the requests it names get a lens on their
// first line with op, size and outcome. Lines, sizes and times come from the raw files (helpers/rawTrace) and
// the READMEs, durations are worded by the shared formatter.
//
// samples/10-nowait-partial-read (README): preadv2(fd 3, 256 KiB at 0, RWF_NOWAIT) by pid 3039 returns 65536
// with i_size 1 MiB: a short read before EOF; io_uring READ user_data 0x1002 the same.
// ../shared/corpus/04-btrfs-io-errors (README): `block_rq_complete 7,2 WS () 28672 + 512 ... [-5]`; fsync
// returns -EIO.
// samples/21-btrfs-ordered-wait/dmesg-hung-tasks.txt: 11 hung-task reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LensInfo } from '../../engine/contracts/query';
import { formatDuration } from '../../engine/report/formatDuration';
import type { DocRef } from '../../protocol/engineProtocol';
import { EngineService } from '../../worker/engineService';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { blockAddr, only, raw, retOf, type RawFile } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const C04 = path.join(corpusDir, '04-btrfs-io-errors');
const never = new AbortController().signal;
const noProgress = (): void => undefined;

function doc(file: string): DocRef {
  return { key: `file://${file}`, version: 1, name: file, path: file };
}

async function withService<T>(file: string, f: (svc: EngineService, key: string) => Promise<T>): Promise<T> {
  const svc = new EngineService();
  const d = doc(file);
  try {
    await svc.handle('open', { doc: d, companions: [] }, never, noProgress);
    return await f(svc, d.key);
  } finally {
    svc.dispose();
  }
}

function lensAt(lenses: readonly LensInfo[], line: number, kind: LensInfo['kind']): LensInfo {
  const l = lenses.find((x) => x.line === line && x.kind === kind);
  assert.ok(l, `a ${kind} lens on line ${line} (lenses: ${lenses.map((x) => `${x.line} ${x.kind}`).join(', ')})`);
  return l;
}

/** Windows never return a lens outside them, never two of one kind on a line, and together give every lens. */
async function checkWindows(svc: EngineService, key: string, r: RawFile): Promise<void> {
  const n = r.lines.length;
  const all = await svc.handle('lenses', { doc: key, from: 1, to: n }, never, noProgress);
  const pieces: LensInfo[] = [];
  for (let from = 1; from <= n; from += 200) {
    const to = Math.min(n, from + 199);
    const w = await svc.handle('lenses', { doc: key, from, to }, never, noProgress);
    for (const l of w) assert.ok(l.line >= from && l.line <= to, `lens on ${l.line} in [${from}, ${to}]`);
    pieces.push(...w);
  }
  assert.deepEqual(pieces, all);
  const keys = all.map((l) => `${l.line}:${l.kind}`);
  assert.equal(new Set(keys).size, keys.length, 'one lens per line and kind');
}

for (const spelling of ['trace.txt', 'report.txt'] as const) {
  test(`lenses: samples/10 ${spelling}: the short reads' decisive lines and the preadv2 / io_uring READ they name`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const enter = only(r, (e) => e.name === 'sys_enter_preadv2' && e.pid === 3039, 'preadv2 enter of pid 3039');
    const exit = only(r, (e) => e.name === 'sys_exit_preadv2' && e.pid === 3039, 'preadv2 exit of pid 3039');
    assert.equal(retOf(exit), 65536);
    const fd = Number(/^fd: (?:0x)?([0-9a-f]+)/.exec(enter.payload)![1]);
    const submit = only(r, (e) => e.name === 'io_uring_submit_req' && /user_data 0x1002,/.test(e.payload), 'submission of 0x1002');
    const complete = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1002, result 65536,/.test(e.payload), 'completion of 0x1002');
    await withService(file, async (svc, key) => {
      const findings = await svc.handle('findings', { doc: key }, never, noProgress);
      const lenses = await svc.handle('lenses', { doc: key, from: enter.line - 20, to: exit.line + 5 }, never, noProgress);
      const short = lensAt(lenses, exit.line, 'finding');
      assert.equal(short.title, 'short read: 64 KiB of 256 KiB before EOF');
      assert.equal(findings[short.finding]?.kind, 'short-read');
      assert.equal(findings[short.finding]?.line, exit.line);
      assert.match(short.tooltip, /returned 65536 of 262144 bytes/);
      const call = lensAt(lenses, enter.line, 'request');
      assert.equal(call.title, `preadv2 fd ${fd} 256 KiB @0: 65536 of 262144 B in ${formatDuration(exit.ns - enter.ns)}`);
      assert.equal(call.finding, short.finding);
      assert.equal(typeof call.request, 'number');

      const uring = await svc.handle('lenses', { doc: key, from: submit.line, to: complete.line }, never, noProgress);
      assert.equal(lensAt(uring, complete.line, 'finding').title, 'short read: 64 KiB of 256 KiB before EOF');
      assert.equal(lensAt(uring, submit.line, 'request').title, `io_uring READ 256 KiB @0: 65536 of 262144 B in ${formatDuration(complete.ns - submit.ns)}`);
      await checkWindows(svc, key, r);
    });
  });

  test(`lenses: corpus 04 ${spelling}: the failed write's I/O error, its block request and the fsync above it`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion');
    const queue = only(r, (e) => e.name === 'block_bio_queue' && blockAddr(e)?.sector === 28672 && blockAddr(e)?.rwbs === 'WS', 'its bio');
    const fsyncExit = only(r, (e) => e.name === 'sys_exit_fsync' && retOf(e) === -5, 'failing fsync exit');
    const fsyncEnter = [...r.events.filter((e) => e.name === 'sys_enter_fsync' && e.pid === fsyncExit.pid && e.line < fsyncExit.line)].pop()!;
    const fd = Number(/^fd: (?:0x)?([0-9a-f]+)/.exec(fsyncEnter.payload)![1]);
    await withService(file, async (svc, key) => {
      const lenses = await svc.handle('lenses', { doc: key, from: fsyncEnter.line, to: done.line }, never, noProgress);
      const io = lensAt(lenses, done.line, 'finding');
      assert.equal(io.title, 'I/O error: -5 EIO on 7:2 sector 28672');
      assert.equal(lensAt(lenses, queue.line, 'request').title, `block WS 7:2 28672+512: -5 EIO after ${formatDuration(done.ns - queue.ns)}`);
      assert.equal(lensAt(lenses, fsyncEnter.line, 'request').title, `fsync fd ${fd}: -5 EIO after ${formatDuration(fsyncExit.ns - fsyncEnter.ns)}`);
      await checkWindows(svc, key, r);
    });
  });
}

test('lenses: samples/21 dmesg: a lens on each hung-task report titled with how long the task was blocked', async () => {
  const file = path.join(samplesDir, '21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  await withService(file, async (svc, key) => {
    const lenses = await svc.handle('lenses', { doc: key, from: 1, to: lines.length }, never, noProgress);
    let n = 0;
    lines.forEach((l, i) => {
      const m = /INFO: task .+:\d+ blocked for more than (\d+) seconds\./.exec(l);
      if (!m) return;
      assert.match(lensAt(lenses, i + 1, 'finding').title, new RegExp(`^task blocked ${m[1]} s in \\w+`));
      n++;
    });
    assert.equal(n, 11);
    assert.ok(lenses.every((x) => x.kind === 'finding'), 'a log has no requests');
  });
});
