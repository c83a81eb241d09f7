// FsTracker on real recordings: filesystem requests under their syscall / io_uring parents, direct I/O
// begin -> complete pairing (the completion prints the end position and often runs in a kworker), direct
// reads at EOF that never reach iomap_dio_complete, i_size per file, disk ranges registered for the block
// tracker, and the cost on corpus 06 (50,000 direct + 20,000 buffered reads).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createIoTrackers, type IoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { LinkIndex } from '../../engine/lifecycle/linkIndex';
import { corpusDir, haveCorpus } from './helpers/paths';
import { rootOf, trackFile, type TestRequest } from './helpers/trackRequests';

/** A LinkIndex that remembers what was registered. */
class RecordingLinks extends LinkIndex {
  readonly registered: Array<{ dev: number; start: number; end: number; request: number; ts: number }> = [];
  override register(dev: number, start: number, end: number, request: number, ts: number): void {
    this.registered.push({ dev, start, end, request, ts });
    super.register(dev, start, end, request, ts);
  }
}

async function track(file: string): Promise<{ requests: TestRequest[]; links: RecordingLinks; trackers: IoTrackers }> {
  const links = new RecordingLinks();
  let trackers: IoTrackers | undefined;
  const t = await trackFile(file, (rs, l) => (trackers = createIoTrackers(rs, l)).consumers, links);
  return { requests: t.requests, links, trackers: trackers! };
}

const DEV_7_0 = 7 << 20;

test('fs: corpus 01: buffered reads under their io_uring / syscall parents, readahead mapped for the block layer', { skip: !haveCorpus }, async () => {
  const { requests, links, trackers } = await track(path.join(corpusDir, '01-xfs-buffered-read-uring-eof/trace.txt'));
  const fs = requests.filter((r) => r.layer === 'fs');
  assert.equal(fs.length, 75);
  assert.ok(fs.every((r) => r.op === 'buffered-read' && r.parent >= 0 && r.complete));
  // 158 xfs_file_buffered_read events = 75 requests + 83 retry / EOF-remainder stages.
  const extra = fs.reduce((n, r) => n + r.stages.filter((s) => s.name === 'retry' || s.name === 'eof-remainder').length, 0);
  assert.equal(extra, 158 - 75);
  // The first readahead of a.dat (dstmap addr 0x18000 -> sector 192) belongs to the first io_uring read.
  const reg = links.registered[0]!;
  assert.deepEqual([reg.dev, reg.start, reg.end], [DEV_7_0, 192, 192 + 128]);
  const owner = requests[links.find(DEV_7_0, 192, reg.ts)]!;
  assert.equal(owner.layer, 'fs');
  assert.equal(rootOf(requests, owner).layer, 'io_uring');
  assert.equal(rootOf(requests, owner).details['user_data'], '0x55a92e6ba9c0');
  // i_size per file, as the README's file table says.
  const sizes = trackers.fs.files.lastSizes();
  assert.deepEqual(
    [0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89].map((ino) => sizes.get(`${DEV_7_0}:${ino}`)),
    [100000, 1061576, 4194304, 5000, 300000, 150000, 200000],
  );
});

for (const name of ['trace.txt', 'report.txt']) {
  test(`fs: corpus 02 ${name}: 388 direct I/O begins, 384 completions, 4 EOF reads that return 0, 2 EINVAL`, { skip: !haveCorpus }, async () => {
    const { requests, trackers } = await track(path.join(corpusDir, '02-xfs-ext4-odirect', name));
    const dio = requests.filter((r) => r.layer === 'fs' && r.op.startsWith('direct-'));
    assert.equal(dio.length, 388);
    assert.equal(trackers.fs.dio.paired, 384);
    const unpaired = dio.filter((r) => !r.stages.some((s) => s.name === 'dio-complete'));
    assert.equal(unpaired.length, 4);
    // Direct reads starting at/after EOF (0x20000 >= 0x186a0): the caller returns 0, no iomap_dio_complete.
    assert.ok(unpaired.every((r) => r.op === 'direct-read' && r.offset === 0x20000 && r.result === 0 && r.complete && r.details['i_size'] === 100000));
    const einval = dio.filter((r) => r.result === -22);
    assert.deepEqual(einval.map((r) => [r.offset, r.details['error']]), [[513, -22], [513, -22]]);
    assert.ok(dio.every((r) => r.parent >= 0), 'every direct I/O has its pread64/pwrite64 or io_uring parent');
    // ext4 (dev 7:4) has no xfs_file_* events: its requests start at iomap_dio_rw_begin.
    assert.equal(dio.filter((r) => r.dev === (7 << 20 | 4)).length, 194);
  });
}

test('fs: corpus 06: 50,000 direct reads all paired, 20,000 buffered reads (59,976 events with their NOWAIT retries)', { skip: !existsSync('/tmp/r06.txt') }, async () => {
  const { requests, trackers } = await track('/tmp/r06.txt');
  const byOp = new Map<string, number>();
  for (const r of requests) byOp.set(r.op, (byOp.get(r.op) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byOp), { 'direct-read': 50000, 'buffered-read': 20000 });
  assert.equal(trackers.fs.dio.paired, 50000);
  assert.equal(trackers.fs.dio.openCount(), 0);
  assert.ok(requests.filter((r) => r.op === 'direct-read').every((r) => r.complete && r.result === 4096));
});
