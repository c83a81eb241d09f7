// SyscallTracker on real recordings: enter/exit pairing per task, hex returns (-EIO, -EAGAIN), preadv2
// RWF_NOWAIT flags, lengths and files learnt from the filesystem events inside the call, and read(2)
// positions inferred from the previous call on the fd. Kernel text and trace-cmd output agree.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, type TestRequest } from './helpers/trackRequests';

async function syscalls(file: string): Promise<TestRequest[]> {
  const { requests } = await trackFile(file, (rs, links) => createIoTrackers(rs, links).consumers);
  return requests.filter((r) => r.layer === 'syscall');
}

const nowaitDir = path.join(samplesDir, '10-nowait-partial-read');

for (const name of ['trace.txt', 'report.txt']) {
  test(`syscalls: samples/10 ${name}: preadv2 RWF_NOWAIT calls with their results, lengths and files`, async () => {
    const all = await syscalls(path.join(nowaitDir, name));
    assert.equal(all.filter((r) => r.op === 'pread64').length, 120);
    assert.equal(all.filter((r) => r.op === 'io_uring_enter').length, 4);
    assert.ok(all.every((r) => r.complete), 'every enter has its exit');
    const pv = all.filter((r) => r.op === 'preadv2');
    assert.deepEqual(
      pv.map((r) => [r.pid, r.offset, r.length, r.result, r.details['flags'], r.details['nowait'] === true, r.ino, r.details['i_size']]),
      [
        [3039, 0, 262144, 65536, 8, true, 131, 1048576],
        [3055, 524288, 262144, -11, 8, true, 131, 1048576],
        [3067, 0, 262144, 262144, 0, false, 131, 1048576],
      ],
    );
    // The length (preadv2 names only an iovec) comes from the xfs_file_buffered_read inside the call.
    assert.ok(pv.every((r) => r.children.length === 1));
  });
}

test('syscalls: corpus 01: fio psync pread64 and dd read(2) with positions inferred along the fd', { skip: !haveCorpus }, async () => {
  const all = await syscalls(path.join(corpusDir, '01-xfs-buffered-read-uring-eof/trace.txt'));
  const fio = all.filter((r) => r.pid === 14036 && r.op === 'pread64' && r.length === 65536);
  assert.deepEqual(fio.map((r) => [r.offset, r.result]), [[0, 65536], [65536, 65536], [131072, 65536], [196608, 65536], [262144, 37856]]);
  assert.ok(fio.every((r) => r.details['i_size'] === 300000 && r.ino === 0x87));
  const dd = all.filter((r) => r.pid === 14039 && r.op === 'read' && r.details['fd'] === 0);
  assert.deepEqual(dd.map((r) => [r.offset, r.result]), [[0, 65536], [65536, 65536], [131072, 18928], [150000, 0]]);
  assert.equal(dd[3]!.details['offsetFrom'], undefined, 'the last read has its own xfs event at pos 150000');
  assert.equal(all.filter((r) => r.op === 'read').length, 113);
  assert.equal(all.filter((r) => r.op === 'pread64').length, 11);
});

for (const name of ['trace.txt', 'report.txt']) {
  test(`syscalls: corpus 04 ${name}: fsync -EIO, dd short read then -EIO, preadv2 -EIO at 512 KiB`, { skip: !haveCorpus }, async () => {
    const all = await syscalls(path.join(corpusDir, '04-btrfs-io-errors', name));
    assert.deepEqual(all.filter((r) => r.op === 'fsync').map((r) => r.result), [0, -5]);
    const dd = all.filter((r) => r.comm === 'dd' && r.op === 'read' && r.details['fd'] === 0);
    assert.deepEqual(dd.map((r) => [r.length, r.result]), [[1048576, 524288], [1048576, -5]]);
    const pv = all.filter((r) => r.op === 'preadv2');
    assert.deepEqual(pv.map((r) => [r.offset, r.result, r.details['flags']]), [[0, 262144, 0], [262144, 262144, 0], [524288, -5, 0], [786432, 262144, 0], [1048576, 0, 0]]);
    assert.ok(pv.every((r) => r.length === -1), 'btrfs buffered reads print no fs event: the iovec length stays unknown');
  });
}
