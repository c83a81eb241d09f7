// BlockTracker on real recordings (samples/ and ../shared/corpus) and on small constructed traces for the
// shapes the recordings lack (partial completions, requeues, front merges, remaps, issue+complete only).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { blockLatencyStats } from '../../engine/lifecycle/blockLatency';
import { BlockTracker } from '../../engine/lifecycle/blockTracker';
import { LinkIndex } from '../../engine/lifecycle/linkIndex';
import { RequestSet } from '../../engine/requests/requestSet';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile as track, trackLines, type TestRequest } from './helpers/trackRequests';

interface Tracked {
  readonly requests: RequestSet;
  readonly tracker: BlockTracker;
  readonly block: TestRequest[];
}

async function trackFile(file: string, links = new LinkIndex()): Promise<Tracked> {
  let tracker: BlockTracker | undefined;
  const t = await track(file, (rs, l) => [(tracker = new BlockTracker(rs, l))], links);
  return { requests: t.set, tracker: tracker!, block: t.requests.filter((r) => r.layer === 'block') };
}

function trackText(lines: readonly string[], links = new LinkIndex(), before?: (rs: RequestSet, links: LinkIndex) => void): Tracked {
  let tracker: BlockTracker | undefined;
  const t = trackLines(
    lines,
    (rs, l) => {
      before?.(rs, l);
      return [(tracker = new BlockTracker(rs, l))];
    },
    links,
  );
  return { requests: t.set, tracker: tracker!, block: t.requests.filter((r) => r.layer === 'block') };
}

/** A kernel-format event line (5.4-6.8 block formats, no ioprio). */
function ev(task: string, ts: string, body: string): string {
  return `${task.padStart(16)} [000] .....   ${ts}: ${body}`;
}

const issued = (rs: readonly TestRequest[]): TestRequest[] => rs.filter((r) => r.stages.some((s) => s.name === 'issue'));
const count = (rs: readonly TestRequest[], op: string): number => rs.filter((r) => r.op === op).length;

const sample11 = path.join(samplesDir, '11-unaligned-discard');

for (const name of ['trace.txt', 'report.txt']) {
  test(`sample 11 ${name}: every request pairs, ops from rwbs, merges, empty preflush and flush requests`, async () => {
    const { block, tracker } = await trackFile(path.join(sample11, name));
    // 63 getrq + 4 flush requests (FF issues); 4 bios back-merged into the 16 KiB write.
    assert.equal(block.length, 67);
    assert.equal(block.filter((r) => !r.complete).length, 0);
    assert.deepEqual({ rz: count(block, 'write-zeroes'), d: count(block, 'discard'), f: count(block, 'flush'), r: count(block, 'read'), w: count(block, 'write') }, { rz: 3, d: 1, f: 4, r: 52, w: 7 });
    assert.equal(issued(block).length, 63);
    assert.deepEqual(tracker.stats, { orphanCompletions: 0, unmatched: 0, flushEnds: 0 });
    const merged = block.find((r) => r.details['mergedBios'] === 3)!;
    assert.deepEqual([merged.sector, merged.sectors, merged.details['bytes']], [0, 32, 16384]);
    assert.deepEqual(merged.stages.filter((s) => s.name === 'backmerge').length, 3);
    const wz = block.find((r) => r.op === 'write-zeroes')!;
    assert.deepEqual([wz.sector, wz.sectors, wz.details['rwbs'], wz.details['flags']], [3, 8, 'NS', ['sync']]);
    assert.deepEqual(wz.stages.map((s) => s.name), ['queue', 'getrq', 'io-start', 'insert', 'issue', 'complete', 'io-done']);
    for (const k of ['Q2G', 'G2I', 'I2D', 'D2C', 'Q2C']) assert.equal(typeof wz.details[k], 'number', k);
    // The empty preflush bio (FWS 0 + 0) ends with `WS () 0 + 0` after its flush request completed.
    const empty = block.filter((r) => r.sectors === 0 && r.op === 'write');
    assert.equal(empty.length, 4); // one per fsync
    for (const r of empty) assert.equal(r.stages.filter((s) => s.name === 'complete').length, 1);
    for (const r of block) assert.deepEqual([...r.lines].sort((a, b) => a - b), r.lines);
  });
}

test('sample 11: trace.txt and report.txt give the same requests (lines differ)', async () => {
  const shape = (rs: readonly TestRequest[]): string[] => rs.map((r) => `${r.op} ${r.sector}+${r.sectors} ${r.stages.map((s) => s.name).join(',')} ${String(r.details['Q2C'])}`);
  const a = await trackFile(path.join(sample11, 'trace.txt'));
  const b = await trackFile(path.join(sample11, 'report.txt'));
  assert.deepEqual(shape(a.block), shape(b.block));
});

test('blockLatencyStats: all devices first, then per device, with btt stage percentiles', async () => {
  const { requests } = await trackFile(path.join(sample11, 'trace.txt'));
  const stats = blockLatencyStats([requests]);
  assert.deepEqual(stats.map((s) => s.device), ['all', '7:0']);
  assert.equal(stats[0]!.requests, 67);
  const q2c = stats[0]!.stages['Q2C']!;
  assert.equal(q2c.count, 63); // flush requests have no Q
  assert.ok(q2c.p50 <= q2c.p90 && q2c.p90 <= q2c.p99 && q2c.p99 <= q2c.max);
  assert.equal(stats[0]!.stages['G2I']!.count, 4); // only the 4 inserted requests
  assert.deepEqual(blockLatencyStats([new RequestSet()]), []);
});

const corpus = (dir: string, file: string): string => path.join(corpusDir, dir, file);
const skip = !haveCorpus && 'no ../shared/corpus';

for (const name of ['trace.txt', 'report.txt']) {
  test(`corpus 01 ${name}: 42 read requests, all complete with error 0`, { skip }, async () => {
    const { block } = await trackFile(corpus('01-xfs-buffered-read-uring-eof', name));
    assert.equal(block.length, 42);
    assert.ok(block.every((r) => r.op === 'read' && r.complete && r.details['error'] === 0 && typeof r.details['D2C'] === 'number'));
    assert.equal(block.filter((r) => (r.details['flags'] as string[]).includes('readahead')).length, 41);
  });

  test(`corpus 04 ${name}: 11 failed requests (-5 EIO), block_rq_error joins its completion`, { skip }, async () => {
    const { block } = await trackFile(corpus('04-btrfs-io-errors', name));
    const failed = block.filter((r) => r.details['error'] !== 0);
    assert.equal(failed.length, 11);
    assert.ok(failed.every((r) => r.details['error'] === -5 && r.details['errno'] === 'EIO' && r.result === -5));
    assert.ok(failed.every((r) => r.stages.filter((s) => s.name === 'error').length === 1));
    assert.deepEqual(failed.map((r) => `${String(r.details['rwbs'])} ${r.sector}+${r.sectors}`).slice(0, 3), ['WS 28672+512', 'RA 26624+1144', 'RA 27768+904']);
    assert.equal(block.filter((r) => !r.complete).length, 0);
    assert.equal(block.filter((r) => r.details['requeues'] !== undefined).length, 0);
  });
}

test('corpus 03: split bios become two requests that both complete', { skip }, async () => {
  const { block, tracker } = await trackFile(corpus('03-btrfs-ordered-extents', 'trace.txt'));
  assert.equal(issued(block).length, 170);
  assert.equal(block.filter((r) => !r.complete).length, 0);
  const split = block.filter((r) => r.stages.some((s) => s.name === 'split'));
  assert.ok(split.length >= 28); // 14 splits, each giving a front and a remainder request
  const front = block.find((r) => r.sector === 26624 && r.stages.some((s) => s.name === 'split'))!;
  assert.equal(front.sectors, 27672 - 26624);
  assert.equal(tracker.stats.unmatched, 0);
});

test('corpus 05b: preflush/FUA writes end after their post-flush (`+ 0`), flushes pair per device', { skip }, async () => {
  const { block, tracker } = await trackFile(corpus('05b-xfs-blocked-tasks-fsfreeze', 'trace.txt'));
  assert.equal(block.length, 1057);
  assert.equal(count(block, 'flush'), 484);
  assert.equal(block.filter((r) => !r.complete).length, 0);
  assert.equal(tracker.stats.flushEnds, 242);
  const fua = block.find((r) => r.details['rwbs'] === 'FWFSM')!;
  assert.deepEqual(fua.stages.map((s) => s.name).slice(-4), ['complete', 'io-done', 'end', 'io-done']);
});

test('constructed: issue + complete only, partial completions, requeue, orphan completion', () => {
  const { block, tracker } = trackText([
    ev('fio-10', '100.000001', 'block_rq_issue: 8,0 R 8192 () 1000 + 16 [fio]'),
    ev('fio-10', '100.000002', 'block_rq_issue: 8,0 W 4096 () 5000 + 8 [fio]'),
    ev('<idle>-0', '100.000010', 'block_rq_complete: 8,0 R () 1000 + 8 [0]'),
    ev('<idle>-0', '100.000011', 'block_rq_requeue: 8,0 W () 5000 + 8 [0]'),
    ev('kworker/0:1H-44', '100.000012', 'block_rq_insert: 8,0 W 4096 () 5000 + 8 [kworker/0:1H]'),
    ev('kworker/0:1H-44', '100.000013', 'block_rq_issue: 8,0 W 4096 () 5000 + 8 [kworker/0:1H]'),
    ev('<idle>-0', '100.000020', 'block_rq_complete: 8,0 R () 1008 + 8 [0]'),
    ev('<idle>-0', '100.000021', 'block_rq_complete: 8,0 W () 5000 + 8 [0]'),
    ev('<idle>-0', '100.000022', 'block_rq_complete: 8,0 W () 7777 + 8 [-5]'),
  ]);
  assert.equal(block.length, 3);
  const [read, write, orphan] = block;
  assert.deepEqual(read!.stages.map((s) => s.name), ['issue', 'partial-complete', 'complete']);
  assert.equal(read!.complete, true);
  assert.equal(read!.details['D2C'], 19_000);
  assert.deepEqual(write!.stages.map((s) => s.name), ['issue', 'requeue', 'insert', 'issue', 'complete']);
  assert.equal(write!.details['requeues'], 1);
  assert.equal(write!.details['D2C'], 8_000); // from the re-issue
  assert.equal(orphan!.details['orphan'], true);
  assert.equal(orphan!.details['error'], -5);
  assert.equal(tracker.stats.orphanCompletions, 1);
});

test('constructed: front merge, two requests at one sector, remap, rq_error without rq_complete, parent link', () => {
  const { block, requests } = trackText(
    [
      ev('dd-7', '100.000000', 'block_bio_queue: 8,0 W 2008 + 8 [dd]'),
      ev('dd-7', '100.000001', 'block_getrq: 8,0 W 2008 + 8 [dd]'),
      ev('dd-7', '100.000002', 'block_bio_queue: 8,0 W 2000 + 8 [dd]'),
      ev('dd-7', '100.000003', 'block_bio_frontmerge: 8,0 W 2000 + 8 [dd]'),
      ev('dd-7', '100.000004', 'block_rq_issue: 8,0 W 8192 () 2000 + 16 [dd]'),
      ev('a-8', '100.000005', 'block_rq_issue: 8,0 R 4096 () 64 + 8 [a]'),
      ev('b-9', '100.000006', 'block_rq_issue: 8,0 R 4096 () 64 + 8 [b]'),
      ev('<idle>-0', '100.000007', 'block_rq_complete: 8,0 R () 64 + 8 [0]'),
      ev('<idle>-0', '100.000008', 'block_rq_error: 8,0 W () 2000 + 16 [-61]'),
      ev('<idle>-0', '100.000009', 'block_rq_complete: 8,0 R () 64 + 8 [0]'),
      ev('dd-7', '100.000010', 'block_bio_remap: 8,0 R 4196 + 8 <- (8,1) 100'),
      ev('dd-7', '100.000011', 'block_bio_queue: 8,0 R 4196 + 8 [dd]'),
      ev('dd-7', '100.000012', 'block_rq_issue: 8,0 R 4096 () 4196 + 8 [dd]'),
      ev('<idle>-0', '100.000013', 'block_rq_complete: 8,0 R () 4196 + 8 [0]'),
    ],
    new LinkIndex(),
    (rs, links) => {
      const fsReq = rs.create('fs', 'write', 'begin', 0, 1);
      links.register(8 << 20, 2000, 2016, fsReq, 0);
    },
  );
  assert.equal(block.length, 4);
  const [w, a, b, remapped] = block;
  assert.deepEqual([w!.sector, w!.sectors, w!.details['mergedBios'], w!.complete], [2000, 16, 1, true]);
  assert.deepEqual([w!.details['error'], w!.details['errno']], [-61, 'ENODATA']);
  assert.equal(w!.details['Q2C'], 8_000); // from the first bio's queue
  assert.equal(requests.layer(requests.root(w!.id)), 'fs');
  assert.ok(a!.complete && b!.complete && a!.pid === 8 && b!.pid === 9);
  assert.equal(remapped!.details['remappedFrom'], '8:1 100');
  assert.deepEqual(remapped!.stages.map((s) => s.name), ['remap', 'queue', 'issue', 'complete']);
});
