// IoUringTracker on real recordings: submit -> complete pairing by the req pointer (reused by the kernel
// after completion, hashed in trace.txt and raw in report.txt), lengths from the filesystem events, NOWAIT
// retries inside one request, punts to io-wq workers, errors. Ground truth: ../shared/corpus/README.md.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, type TestRequest } from './helpers/trackRequests';

async function uring(file: string): Promise<TestRequest[]> {
  const { requests } = await trackFile(file, (rs, links) => createIoTrackers(rs, links).consumers);
  return requests.filter((r) => r.layer === 'io_uring');
}

/** What must be equal between the two spellings of one recording (no lines, no pointers). */
function facts(rs: TestRequest[]): unknown[] {
  return rs.map((r) => {
    const { ring: _ring, ...d } = r.details;
    return [r.op, r.pid, r.offset, r.length, r.result, r.ino, r.stages.map((s) => s.name), d];
  });
}

const c01 = path.join(corpusDir, '01-xfs-buffered-read-uring-eof');

test('io_uring: corpus 01: 66 READ requests, all complete, per task and with the README results', { skip: !haveCorpus }, async () => {
  const rs = await uring(path.join(c01, 'trace.txt'));
  assert.equal(rs.length, 66);
  assert.ok(rs.every((r) => r.op === 'READ' && r.complete && r.result !== undefined && r.result >= 0));
  const perPid = new Map<number, number>();
  for (const r of rs) perPid.set(r.pid, (perPid.get(r.pid) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perPid), { 13992: 9, 14022: 18, 14025: 32, 14027: 2, 14045: 5 });
  const notFull = rs.filter((r) => r.result !== r.length).map((r) => [r.pid, r.offset, r.result]);
  assert.deepEqual(notFull, [
    [13992, 98304, 1696],
    [13992, 100000, 0],
    [13992, 114688, 0],
    [14022, 1048576, 13000],
    [14022, 1114112, 0],
    [14027, 4096, 904],
    [14045, 196608, 3392],
    [14045, 262144, 0],
  ]);
  // uring_read user_data 0x3: 64 KiB at 196608 of g.dat (200000 bytes) -> 3392, with the EOF signature:
  // a second xfs_file_buffered_read starting exactly at EOF inside the same request.
  const ud3 = rs.find((r) => r.pid === 14045 && r.details['user_data'] === '0x3')!;
  assert.deepEqual([ud3.offset, ud3.length, ud3.result, ud3.details['i_size'], ud3.details['eofRemainder']], [196608, 65536, 3392, 200000, true]);
  // Cold cache: the first read of a.dat shows pos 0 three times (NOWAIT -> -EAGAIN, wait-page retry, copy).
  const first = rs[0]!;
  assert.deepEqual([first.offset, first.details['retries'], first.details['attempts']], [0, 2, 3]);
  assert.equal(rs.filter((r) => typeof r.details['retries'] === 'number').length, 43);
});

test('io_uring: corpus 01: trace.txt and report.txt give the same requests', { skip: !haveCorpus }, async () => {
  const [a, b] = await Promise.all([uring(path.join(c01, 'trace.txt')), uring(path.join(c01, 'report.txt'))]);
  assert.deepEqual(facts(b), facts(a));
});

test('io_uring: samples/10: NOWAIT reads complete with 65536 and -EAGAIN, the control read is retried', async () => {
  for (const name of ['trace.txt', 'report.txt']) {
    const rs = await uring(path.join(samplesDir, '10-nowait-partial-read', name));
    assert.deepEqual(
      rs.map((r) => [r.details['user_data'], r.offset, r.length, r.result, r.details['fd'], r.details['retries'] ?? 0]),
      [
        ['0x1002', 0, 262144, 65536, 4, 0],
        ['0x1004', 524288, 262144, -11, 4, 0],
        ['0x1006', 0, 262144, 262144, 4, 2],
      ],
      name,
    );
  }
});

test('io_uring: corpus 02: 294 completions, none negative; the punted writes ran in iou-wrk workers', { skip: !haveCorpus }, async () => {
  const rs = await uring(path.join(corpusDir, '02-xfs-ext4-odirect/trace.txt'));
  assert.equal(rs.length, 294);
  assert.ok(rs.every((r) => r.complete && r.result !== undefined && r.result >= 0));
  const punted = rs.filter((r) => r.details['punted'] === true);
  assert.equal(punted.length, 20); // 20 io_uring_queue_async_work
  // Each punted request got its filesystem request from a worker (a task other than the submitter).
  assert.ok(punted.every((r) => r.children.length === 1 && r.length > 0));
});

test('io_uring: corpus 04: user_data 0x4 at 512 KiB fails with -EIO, the rest read 128 KiB', { skip: !haveCorpus }, async () => {
  for (const name of ['trace.txt', 'report.txt']) {
    const rs = (await uring(path.join(corpusDir, '04-btrfs-io-errors', name))).filter((r) => r.comm === 'uring_read');
    assert.equal(rs.length, 8, name);
    assert.deepEqual(rs.map((r) => r.result), [131072, 131072, 131072, 131072, -5, 131072, 131072, 131072], name);
    assert.equal(rs[4]!.details['user_data'], '0x4');
  }
});
