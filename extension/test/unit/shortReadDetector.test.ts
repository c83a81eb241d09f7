// short-read on real recordings. Positives: samples/10 (preadv2 RWF_NOWAIT and io_uring NOWAIT reads return
// 65536 of 262144 with i_size 1 MiB) and corpus 04 (dd reads 524288 of 1 MiB, then -EIO). Negatives:
// corpus 01 (every short read is at EOF), corpus 02 (EOF reads, direct reads past EOF returning 0, the
// misaligned read's -EINVAL), 03 and 05b. Kernel text and trace-cmd output give the same findings.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ShortReadDetector } from '../../engine/detectors/shortReadDetector';
import { createIoTrackers } from '../../engine/lifecycle/fsTrackerChain';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, type TestRequest } from './helpers/trackRequests';

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
