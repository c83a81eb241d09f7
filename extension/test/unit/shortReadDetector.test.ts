// short-read on real recordings. Positives: samples/10 (preadv2 RWF_NOWAIT and io_uring NOWAIT reads return
// 65536 of 262144 with i_size 1 MiB) and corpus 04 (dd reads 524288 of 1 MiB, then -EIO). Negatives:
// corpus 01 (every short read is at EOF), corpus 02 (EOF reads, direct reads past EOF returning 0, the
// misaligned read's -EINVAL), 03 and 05b. Kernel text and trace-cmd output give the same findings.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ShortReadDetector } from '../../engine/detectors/shortReadDetector';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, trackLines, type TestRequest } from './helpers/trackRequests';

/** The findings, and the requests (EOF outcomes recorded by markEof, as an analysis does before sealing). */
async function detect(file: string): Promise<{ findings: Finding[]; requests: TestRequest[] }> {
  const t = await trackFile(file, (rs, links) => createIoTrackers(rs, links).consumers);
  return { findings: new ShortReadDetector().findings({ file, store: t.store, requests: t.set }), requests: t.requests };
}

/** The spelling-independent part of a finding. */
function essence(f: Finding): unknown {
  return [f.kind, f.severity, f.message, f.details];
}

async function bothSpellings(dir: string): Promise<Finding[]> {
  const [a, b] = await Promise.all([detect(path.join(dir, 'trace.txt')), detect(path.join(dir, 'report.txt'))]);
  assert.deepEqual(b.findings.map(essence), a.findings.map(essence), 'trace.txt and report.txt agree');
  return a.findings;
}

test('short-read: samples/10: preadv2 RWF_NOWAIT and io_uring NOWAIT return 65536 of 262144 (i_size 1 MiB)', async () => {
  const dir = path.join(samplesDir, '10-nowait-partial-read');
  const f = await bothSpellings(dir);
  assert.equal(f.length, 2);
  const [pv, ur] = f as [Finding, Finding];
  assert.deepEqual([pv.severity, pv.line, pv.details['op'], pv.details['requested'], pv.details['returned'], pv.details['offset'], pv.details['i_size'], pv.details['missing']], ['warning', 369, 'preadv2', 262144, 65536, 0, 1048576, 196608]);
  assert.match(String(pv.details['why']), /^RWF_NOWAIT: only the cached part was returned/);
  assert.deepEqual([ur.line, ur.details['op'], ur.details['user_data'], ur.details['returned'], ur.details['i_size']], [734, 'READ', '0x1002', 65536, 1048576]);
  assert.match(String(ur.details['why']), /did not retry the remainder/);
  // Evidence = the request chain: enter, xfs_file_buffered_read, readahead + iomap lines, exit.
  assert.deepEqual(pv.evidence.map((e) => e.line).slice(0, 3), [357, 358, 359]);
  assert.equal(pv.evidence[pv.evidence.length - 1]!.line, 369);
  // The -EAGAIN reads (steps 3 and 4) are errors, the control reads (5, 6) are full: no findings.
});

test('short-read: corpus 04: dd reads 524288 of 1 MiB not at EOF, then -EIO', { skip: !haveCorpus }, async () => {
  const f = await bothSpellings(path.join(corpusDir, '04-btrfs-io-errors'));
  assert.equal(f.length, 1);
  const d = f[0]!.details;
  assert.deepEqual([d['comm'], d['op'], d['requested'], d['returned'], d['nextResult'], d['i_size']], ['dd', 'read', 1048576, 524288, -5, null]);
  assert.match(String(d['why']), /^I\/O error after 524288 bytes/);
  // preadv2 -EIO at 524288 and io_uring user_data 0x4 result -5 are errors, not short reads.
});

test('short-read: corpus 01: every short read is at EOF -> no finding, marked eof in the request', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '01-xfs-buffered-read-uring-eof');
  assert.deepEqual(await bothSpellings(dir), []);
  const { requests } = await detect(path.join(dir, 'trace.txt'));
  const eof = requests.filter((r) => r.details['eof'] === true && r.layer === 'io_uring').map((r) => [r.offset, r.result]);
  assert.deepEqual(eof, [[98304, 1696], [100000, 0], [114688, 0], [1048576, 13000], [1114112, 0], [4096, 904], [196608, 3392], [262144, 0]]);
  const dd = requests.filter((r) => r.comm === 'dd' && r.details['eof'] === true && r.details['fd'] === 0);
  assert.deepEqual(dd.map((r) => [r.offset, r.result]), [[131072, 18928], [150000, 0]]);
});

for (const scenario of ['02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '05b-xfs-blocked-tasks-fsfreeze']) {
  test(`short-read: corpus ${scenario}: no findings (EOF reads, reads past EOF returning 0, EINVAL)`, { skip: !haveCorpus }, async () => {
    assert.deepEqual(await bothSpellings(path.join(corpusDir, scenario)), []);
  });
}

// --- Issue 11 item 2: short reads judged by what the caller got (samples/31, btrfs O_DIRECT into unfaulted buffers).

const s31 = path.join(samplesDir, '31-btrfs-dio-fallback');
const raw31 = (name: string): string[] => readFileSync(path.join(s31, name), 'utf8').split('\n');

/** Line numbers (1-based) of the raw lines matching `re`. */
function linesMatching(lines: readonly string[], re: RegExp): number[] {
  return lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
}

test('short-read: samples/31 without syscalls: btrfs direct reads that fault and fall back are not short (issue 11)', async () => {
  const nosys = raw31('trace-nosys.txt');
  // The false positive of the issue: iomap returns 0 (`status -14`, then `ret 0`) and btrfs reads the rest
  // through the page cache in the same call; workload-output.txt says every call returned its full count.
  const faulted = linesMatching(nosys, /iomap_iter: dev 0:40 ino 0x101 .* status -14 /);
  assert.ok(faulted.length >= 4, 'the faulting iterations are in the raw file');
  const { findings, requests } = await detect(path.join(s31, 'trace-nosys.txt'));
  assert.deepEqual(findings, []);
  const byPid = (pid: number): TestRequest => requests.find((r) => r.layer === 'fs' && r.pid === pid && r.parent < 0)!;
  // STEP 1 (pid 13160): ret 0 at the completion, then the buffered fallback's first page-cache line of ino 0x101.
  const done1 = linesMatching(nosys, /dio_fault-13160 .*iomap_dio_complete: dev 0:40 ino 0x101 .* ret 0$/)[0]!;
  const fallback1 = linesMatching(nosys, /dio_fault-13160 .*mm_filemap_add_to_page_cache: dev 0:40 ino 101 /).find((l) => l > done1)!;
  const s1 = byPid(13160);
  assert.deepEqual([s1.op, s1.offset, s1.length, s1.result, s1.details['continuedBy'], s1.details['faulted'], s1.details['dioPartial']], ['direct-read', 0, 262144, 0, 'buffered-fallback', true, true]);
  assert.equal(s1.stages.find((s) => s.name === 'buffered-fallback')?.line, fallback1);
  // STEP 4 (pid 13166): crosses EOF, ret 0, the remainder comes from pages already cached: no page-cache
  // line to see, so DIO_PARTIAL (printed in its iomap_dio_rw_begin) is what says the filesystem goes on.
  assert.ok(linesMatching(nosys, /dio_fault-13166 .*iomap_dio_rw_begin: .* dio_flags DIO_PARTIAL /).length === 1);
  const s4 = byPid(13166);
  assert.deepEqual([s4.offset, s4.length, s4.result, s4.details['continuedBy'], s4.details['dioPartial']], [786432, 524288, 0, undefined, true]);
  // STEP 5 (pid 13168): 128 KiB by DIO, fault, then `iomap_dio_rw_begin ... done_before 0x20000` at 0x20000,
  // whose completion counts the bytes done before (`ret 262144`): one request of 262144 bytes.
  const retry = linesMatching(nosys, /dio_fault-13168 .*iomap_dio_rw_begin: .* offset 0x20000 length 0x20000 done_before 0x20000 /);
  assert.equal(retry.length, 1);
  const s5 = byPid(13168);
  assert.deepEqual([s5.length, s5.result, s5.details['continuedBy'], s5.details['doneBefore']], [262144, 262144, 'dio-retry', 131072]);
  assert.equal(s5.stages.find((s) => s.name === 'dio-retry')?.line, retry[0]);
  // Steps 7-9 are O_DIRECT pwrites: their kiocb flags print only `DIRECT`, their iterations `WRITE|DIRECT (0x11)`.
  const writers = new Set(linesMatching(nosys, /iomap_iter: .* flags WRITE\|DIRECT \(0x11\)/).map((l) => Number(/dio_fault-(\d+)/.exec(nosys[l - 1]!)![1])));
  assert.deepEqual([...writers].sort(), [13174, 13176, 13178]);
  for (const pid of writers) assert.equal(byPid(pid).op, 'direct-write', `pid ${pid}`);
  assert.ok(!requests.some((r) => r.op === 'direct-read' && writers.has(r.pid)));
});

test('short-read: samples/31 with syscalls: every pread64 returned its count (0x40000), no finding in either spelling', async () => {
  const trace = raw31('trace.txt');
  const big = linesMatching(trace, /dio_fault-\d+ .*sys_pread64 -> 0x40000$/);
  assert.equal(big.length, 5, 'STEPs 1-5 return 0x40000 (STEP 4 stops at EOF: 1 MiB - 768 KiB = 0x40000)');
  assert.deepEqual(await bothSpellings(s31), []);
});

test('short-read: a direct read without DIO_PARTIAL, continuation or traced caller is an info finding that says so', async () => {
  // samples/31 trace-nosys.txt with STEP 4's `dio_flags DIO_PARTIAL` removed (the only edit): iomap returned
  // 0 of 524288 at 786432 (`size 0x100000`: 262144 bytes before EOF) and nothing shows the call going on.
  const lines = raw31('trace-nosys.txt');
  const at = linesMatching(lines, /dio_fault-13166 .*iomap_dio_rw_begin: /)[0]!;
  const edited = lines.map((l, i) => (i === at - 1 ? l.replace('dio_flags DIO_PARTIAL', 'dio_flags ') : l));
  const done = linesMatching(edited, /dio_fault-13166 .*iomap_dio_complete: .* ret 0$/)[0]!;
  const t = trackLines(edited, (rs, links) => createIoTrackers(rs, links).consumers, undefined, 'nosys-no-partial.txt');
  const f = new ShortReadDetector().findings({ file: 'nosys-no-partial.txt', store: t.store, requests: t.set });
  assert.equal(f.length, 1);
  const d = f[0]!.details;
  assert.deepEqual([f[0]!.severity, f[0]!.line, d['op'], d['requested'], d['returned'], d['i_size'], d['missing'], d['callerResult']], ['info', done, 'direct-read', 524288, 0, 1048576, 262144, 'not traced']);
  assert.match(f[0]!.message, /The caller's result is not in the trace \(no syscall or io_uring event of this read\)/);
});
