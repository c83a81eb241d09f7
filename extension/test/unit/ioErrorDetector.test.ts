// io-error: failed block requests (corpus 04, faultfs EIO) and requeues; zero findings on clean recordings.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { IoErrorDetector } from '../../engine/detectors/ioErrorDetector';
import { BlockTracker } from '../../engine/lifecycle/blockTracker';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, trackLines, type Tracked } from './helpers/trackRequests';

function detect(file: string, t: Tracked): Finding[] {
  return new IoErrorDetector().findings({ file, store: t.store, requests: t.set });
}

async function findingsOf(file: string): Promise<Finding[]> {
  return detect(file, await trackFile(file, (rs, links) => [new BlockTracker(rs, links)]));
}

const skip = !haveCorpus && 'no ../shared/corpus';
const corpus04 = path.join(corpusDir, '04-btrfs-io-errors');

test('corpus 04: 11 failed block requests (-5 EIO), the same findings in trace.txt and report.txt', { skip }, async () => {
  const a = await findingsOf(path.join(corpus04, 'trace.txt'));
  const b = await findingsOf(path.join(corpus04, 'report.txt'));
  assert.equal(a.length, 11);
  assert.ok(a.every((f) => f.kind === 'io-error' && f.severity === 'error'));
  assert.ok(a.every((f) => f.details['errno'] === 'EIO' && f.details['error'] === -5 && f.details['dev'] === '7:2'));
  const first = a[0]!;
  assert.equal(first.line, 271); // block_rq_complete ... WS () 28672 + 512 ... [-5]
  assert.deepEqual([first.details['rwbs'], first.details['sector'], first.details['sectors'], first.details['bytes'], first.details['op']], ['WS', 28672, 512, 262144, 'write']);
  assert.match(first.message, /^Block write request 28672 \+ 512 \(262144 bytes, rwbs WS\) on 7:2 failed with -5 \(EIO\)/);
  assert.ok(first.evidence.some((e) => e.line === 272)); // its block_rq_error
  // Same events in two spellings: everything but the line numbers agrees.
  const strip = (fs: readonly Finding[]): unknown[] => fs.map((f) => ({ ...f.details, requestId: 0, message: f.message, n: f.evidence.length }));
  assert.deepEqual(strip(a), strip(b));
});

test('clean recordings give no io-error finding', async () => {
  const files = [path.join(samplesDir, '11-unaligned-discard', 'trace.txt'), path.join(samplesDir, '01-layouts-xfs', 'trace.txt'), path.join(samplesDir, '20-btrfs-hang', 'report.txt')];
  if (haveCorpus) {
    for (const d of ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '05b-xfs-blocked-tasks-fsfreeze']) {
      files.push(path.join(corpusDir, d, 'trace.txt'), path.join(corpusDir, d, 'report.txt'));
    }
  }
  for (const f of files) assert.deepEqual(await findingsOf(f), [], f);
});

const line = (task: string, ts: string, body: string): string => `${task.padStart(16)} [000] .....   ${ts}: ${body}`;

test('constructed: a requeue is a warning, an error names the syscall its chain starts with (evidence: both)', () => {
  const text = [
    line('dd-7', '100.000001', 'block_bio_queue: 8,0 WS 2000 + 8 [dd]'),
    line('dd-7', '100.000002', 'block_getrq: 8,0 WS 2000 + 8 [dd]'),
    line('dd-7', '100.000003', 'block_rq_issue: 8,0 WS 4096 () 2000 + 8 [dd]'),
    line('<idle>-0', '100.000004', 'block_rq_complete: 8,0 WS () 2000 + 8 [-110]'),
    line('fio-9', '100.000005', 'block_rq_issue: 8,0 R 4096 () 64 + 8 [fio]'),
    line('<idle>-0', '100.000006', 'block_rq_requeue: 8,0 R () 64 + 8 [0]'),
    line('fio-9', '100.000007', 'block_rq_issue: 8,0 R 4096 () 64 + 8 [fio]'),
    line('<idle>-0', '100.000008', 'block_rq_complete: 8,0 R () 64 + 8 [0]'),
  ];
  const tracked = trackLines(
    text,
    (requests, links) => {
      const sys = requests.create('syscall', 'pwrite64', 'enter', 0, 1);
      requests.setTask(sys, 7, requests.strings.intern('dd'));
      const fsReq = requests.create('fs', 'write', 'begin', 0, 1);
      requests.link(sys, fsReq);
      links.register(8 << 20, 2000, 2008, fsReq, 0);
      return [new BlockTracker(requests, links)];
    },
    undefined,
    'c.txt',
  );
  const fs = detect('c.txt', tracked);
  assert.equal(fs.length, 2);
  const [err, requeue] = fs;
  assert.equal(err!.severity, 'error');
  assert.equal(err!.line, 4);
  assert.deepEqual([err!.details['errno'], err!.details['dev'], err!.details['rootOp'], err!.details['rootPid']], ['ETIMEDOUT', '8:0', 'pwrite64', 7]);
  assert.match(err!.message, /failed with -110 \(ETIMEDOUT\).*It belongs to the syscall pwrite64 of pid 7 \(dd\) at line 1\./);
  assert.deepEqual(err!.evidence.map((e) => e.line), [1, 2, 3, 4]);
  assert.equal(requeue!.severity, 'warning');
  assert.equal(requeue!.line, 6);
  assert.equal(requeue!.details['requeues'], 1);
});
