// unaligned-discard on the real recording samples/11-unaligned-discard (6.18: a sector-aligned, page-unaligned
// punch hole on a raw loop device returns 0 and is issued as write-zeroes `NS 3 + 8`), plus constructed
// negatives (aligned range, regular file, no buffered write) and an -EBUSY return (what kernels < 5.11 did).
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { UnalignedDiscardDetector } from '../../engine/detectors/unalignedDiscardDetector';
import { BlockTracker } from '../../engine/lifecycle/blockTracker';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, trackLines } from './helpers/trackRequests';

async function findingsOf(file: string): Promise<Finding[]> {
  const det = new UnalignedDiscardDetector();
  const t = await trackFile(file, (requests, links) => [new BlockTracker(requests, links), det]);
  return det.findings({ file, store: t.store, requests: t.set });
}

function findingsOfText(lines: readonly string[]): Finding[] {
  const det = new UnalignedDiscardDetector();
  const t = trackLines(lines, (requests, links) => [new BlockTracker(requests, links), det], undefined, 'c.txt');
  return det.findings({ file: 'c.txt', store: t.store, requests: t.set });
}

const sample = path.join(samplesDir, '11-unaligned-discard');

test('sample 11: the page-unaligned punch holes next to buffered pwrites are found (warning, 6.18 returns 0)', async () => {
  const fs = await findingsOf(path.join(sample, 'trace.txt'));
  // Steps 1 and 2 (punch hole with a pwrite of page 0 before / after), step 4 (blkdiscard `D 3 + 8`) and
  // step 5 (ZERO_RANGE), the last two next to the 16 KiB pwrite of step 3.
  assert.deepEqual(fs.map((f) => f.line), [21, 65, 554, 585]);
  assert.ok(fs.every((f) => f.kind === 'unaligned-discard' && f.severity === 'warning'));
  const [step1, step2, step4, step5] = fs;
  assert.match(step1!.message, /^fallocate\(PUNCH_HOLE\|KEEP_SIZE, offset 1536, len 4096\) on the block device 7:0 is sector-aligned but not page-aligned/);
  assert.match(step1!.message, /buffered pwrite64 at line 18 \(before, page still dirty\) writes page 0\./);
  assert.match(step1!.message, /It returned 0 and was issued as NS 3 \+ 8; kernels before 5\.11 returned -EBUSY\.$/);
  assert.deepEqual(
    [step1!.details['start'], step1!.details['end'], step1!.details['pages'], step1!.details['requests'], step1!.details['ret'], step1!.details['pageDirty']],
    [1536, 5632, [0, 1], ['NS 3 + 8'], 0, true],
  );
  for (const l of [18, 20, 21, 22, 28, 29, 31]) assert.ok(step1!.evidence.some((e) => e.line === l), `evidence line ${l}`);
  assert.deepEqual([step2!.details['writeLine'], step2!.details['writeRelation'], step2!.details['pageDirty']], [76, 'after', false]);
  assert.match(step4!.message, /^discard D 3 \+ 8 \(bytes \[1536, 5632\)\) on 7:0 is sector-aligned but not page-aligned/);
  assert.equal(step4!.details['syscall'], undefined); // BLKDISCARD ioctl: no fallocate
  assert.equal(step5!.details['modeName'], 'ZERO_RANGE|KEEP_SIZE');
});

test('sample 11: trace.txt and report.txt give the same findings (lines differ)', async () => {
  const a = await findingsOf(path.join(sample, 'trace.txt'));
  const b = await findingsOf(path.join(sample, 'report.txt'));
  const strip = (fs: readonly Finding[]): unknown[] =>
    fs.map((f) => ({ ...f.details, writeLine: 0, message: f.message.replace(/line \d+/g, 'line N'), n: f.evidence.length }));
  assert.deepEqual(strip(a), strip(b));
});

const ev = (task: string, ts: string, body: string): string => `${task.padStart(16)} [000] .....   ${ts}: ${body}`;

/** A pwrite of page 0 of /dev/sdb, then a fallocate of `mode` at [offset, offset+len) issued as `rq`. */
function punch(offset: string, len: string, rq: string, ret = '0x0'): string[] {
  return [
    ev('app-5', '10.000001', 'sys_pwrite64(fd: 3, buf: 0x5600, count: 0x1000, pos: 0)'),
    ev('app-5', '10.000002', 'block_dirty_buffer: 8,16 sector=0 size=4096'),
    ev('app-5', '10.000003', 'sys_pwrite64 -> 0x1000'),
    ev('app-5', '10.000004', `sys_fallocate(fd: 3, mode: 3, offset: ${offset}, len: ${len})`),
    ...(rq ? [ev('app-5', '10.000005', `block_bio_queue: 8,16 NS ${rq} [app]`), ev('app-5', '10.000006', `block_rq_issue: 8,16 NS 4096 () ${rq} [app]`), ev('<idle>-0', '10.000007', `block_rq_complete: 8,16 NS () ${rq} [0]`)] : []),
    ev('app-5', '10.000008', `sys_fallocate -> ${ret}`),
  ];
}

test('constructed: the same shape on sdb is found; a page-aligned punch hole is not', () => {
  const hit = findingsOfText(punch('0x600', '0x1000', '3 + 8'));
  assert.equal(hit.length, 1);
  assert.equal(hit[0]!.details['dev'], '8:16');
  assert.deepEqual(findingsOfText(punch('0x1000', '0x1000', '8 + 8')), []);
});

test('constructed: an unaligned fallocate on a regular file (no block request) and a lone unaligned discard are not findings', () => {
  assert.deepEqual(findingsOfText(punch('0x600', '0x1000', '')), []);
  const lone = [
    ev('blkdiscard-9', '10.000001', 'block_bio_queue: 8,16 D 3 + 8 [blkdiscard]'),
    ev('blkdiscard-9', '10.000002', 'block_rq_issue: 8,16 D 4096 () 3 + 8 [blkdiscard]'),
    ev('<idle>-0', '10.000003', 'block_rq_complete: 8,16 D () 3 + 8 [0]'),
  ];
  assert.deepEqual(findingsOfText(lone), []);
});

test('constructed: fallocate returning -EBUSY is an error finding', () => {
  const fs = findingsOfText(punch('0x600', '0x1000', '', '0xfffffffffffffff0'));
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.severity, 'error');
  assert.equal(fs[0]!.line, 5);
  assert.deepEqual([fs[0]!.details['ret'], fs[0]!.details['errno'], fs[0]!.details['modeName']], [-16, 'EBUSY', 'PUNCH_HOLE|KEEP_SIZE']);
  assert.match(fs[0]!.message, /returned -16 \(EBUSY\)/);
});

test('recordings without discards give no finding', { skip: !haveCorpus && 'no ../shared/corpus' }, async () => {
  for (const d of ['01-xfs-buffered-read-uring-eof', '03-btrfs-ordered-extents', '04-btrfs-io-errors']) {
    assert.deepEqual(await findingsOf(path.join(corpusDir, d, 'trace.txt')), [], d);
  }
  assert.deepEqual(await findingsOf(path.join(samplesDir, '20-btrfs-hang', 'trace.txt')), []);
});
