// nowait-retry on real recordings: io_uring reads tried with IOCB_NOWAIT, -EAGAIN, then retried (the same
// position read again inside one request, or a punt to io-wq), one info finding per task and file with
// the added latency. Positives: corpus 01 (cold cache), samples/10 (the control read), corpus 06
// (filesystem events only). Negative: samples/10's NOWAIT reads that returned 65536 / -EAGAIN to the
// application were not retried; corpus 05b has no io_uring.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { NowaitRetryDetector } from '../../engine/detectors/nowaitRetryDetector';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile } from './helpers/trackRequests';

async function detect(file: string): Promise<Finding[]> {
  const t = await trackFile(file, (rs, links) => createIoTrackers(rs, links).consumers);
  return new NowaitRetryDetector().findings({ file, store: t.store, requests: t.set });
}

const summary = (f: Finding): unknown => [f.details['comm'], f.details['pid'], f.details['ino'], f.details['requests'], f.details['retries']];

test('nowait-retry: corpus 01: cold-cache io_uring reads of each fio job and of uring_read', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '01-xfs-buffered-read-uring-eof');
  const a = await detect(path.join(dir, 'trace.txt'));
  assert.deepEqual(a.map(summary), [
    ['fio', 13992, 0x83, 2, 4],
    ['fio', 14022, 0x84, 4, 8],
    ['fio', 14025, 0x85, 32, 57],
    ['fio', 14027, 0x86, 1, 2],
    ['uring_read', 14045, 0x89, 4, 8],
  ]);
  assert.ok(a.every((f) => f.kind === 'nowait-retry' && f.severity === 'info'));
  // a.dat's first 16 KiB: attempts at lines 523, 534, 540; completion at 541 (342 us after the first attempt).
  assert.equal(a[0]!.line, 534);
  const listed = a[0]!.details['listed'] as Array<Record<string, unknown>>;
  assert.deepEqual([listed[0]!['offset'], listed[0]!['retries'], listed[0]!['addedLatencyNs']], [0, 2, 342000]);
  const b = await detect(path.join(dir, 'report.txt'));
  assert.deepEqual(b.map((f) => [f.message, f.details]), a.map((f) => [f.message, f.details]));
});

test('nowait-retry: samples/10: only the control io_uring read (user_data 0x1006) was retried', async () => {
  const f = await detect(path.join(samplesDir, '10-nowait-partial-read/trace.txt'));
  assert.equal(f.length, 1);
  const listed = f[0]!.details['listed'] as Array<Record<string, unknown>>;
  assert.deepEqual([listed.length, listed[0]!['user_data'], listed[0]!['retries'], listed[0]!['result']], [1, '0x1006', 2, 262144]);
});

test('nowait-retry: corpus 04: io_uring buffered reads on btrfs punted to io-wq after -EAGAIN', { skip: !haveCorpus }, async () => {
  const f = await detect(path.join(corpusDir, '04-btrfs-io-errors/trace.txt'));
  assert.deepEqual(f.map(summary), [['uring_read', 27614, -1, 4, 4]]);
  const listed = f[0]!.details['listed'] as Array<Record<string, unknown>>;
  assert.deepEqual(listed.map((l) => [l['user_data'], l['punted'], l['result']]), [['0x4', true, -5], ['0x5', true, 131072], ['0x6', true, 131072], ['0x7', true, 131072]]);
});

test('nowait-retry: corpus 05b: no io_uring, no NOWAIT retries', { skip: !haveCorpus }, async () => {
  assert.deepEqual(await detect(path.join(corpusDir, '05b-xfs-blocked-tasks-fsfreeze/trace.txt')), []);
});

test('nowait-retry: corpus 06: 39,976 retries of 20,000 buffered reads seen from the filesystem alone', { skip: !existsSync('/tmp/r06.txt') }, async () => {
  const f = await detect('/tmp/r06.txt');
  const fs = f.filter((x) => x.details['layer'] === 'fs');
  assert.equal(fs.reduce((n, x) => n + (x.details['retries'] as number), 0), 39976);
});
