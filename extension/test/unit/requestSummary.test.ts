// The requests section of the report and `iolens request`: counts, percentiles and the request tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestSet } from '../../engine/lifecycle/ioRequest';
import { latencyStats, summarizeRequests } from '../../engine/lifecycle/requestSummary';
import { renderRequestText, requestsAtLine } from '../../engine/report/renderRequest';

test('latency percentiles use nearest-rank on sorted values', () => {
  const v = Float64Array.from({ length: 100 }, (_, i) => (100 - i) * 1000); // 1000 .. 100000, unsorted
  const s = latencyStats(v)!;
  assert.equal(s.count, 100);
  assert.equal(s.p50, 50_000);
  assert.equal(s.p90, 90_000);
  assert.equal(s.p99, 99_000);
  assert.equal(s.max, 100_000);
  assert.equal(s.mean, 50_500);
  assert.equal(latencyStats(new Float64Array(0)), null);
});

function chain(): RequestSet {
  const set = new RequestSet();
  const sys = set.create('syscall', 'read', { name: 'enter', ts: 1000, line: 10 });
  sys.pid = 42;
  sys.comm = 'dd';
  sys.length = 8192;
  const blk = set.create('block', 'read', { name: 'queue', ts: 2000, line: 11 });
  blk.dev = 7 * 1048576 + 1;
  blk.sector = 2048;
  blk.sectors = 16;
  set.addStage(blk, { name: 'issue', ts: 3000, line: 12 });
  set.addStage(blk, { name: 'complete', ts: 9000, line: 14 });
  blk.complete = true;
  blk.result = 0;
  set.link(sys, blk);
  set.addStage(sys, { name: 'exit', ts: 10_000, line: 15 });
  sys.complete = true;
  sys.result = 8192;
  set.create('block', 'write', { name: 'queue', ts: 5000, line: 13 }); // incomplete
  return set;
}

test('summary counts layers, ops, completion, and latency from first to last stage', () => {
  const s = summarizeRequests(chain());
  assert.equal(s.total, 3);
  assert.deepEqual(s.byLayer.block?.byOp, { read: 1, write: 1 });
  assert.equal(s.byLayer.block?.complete, 1);
  assert.equal(s.byLayer.block?.incomplete, 1);
  assert.equal(s.byLayer.block?.latency?.p50, 7000);
  assert.equal(s.byLayer.syscall?.latency?.max, 9000);
});

test('a line leads to its whole chain, from the root down', () => {
  const set = chain();
  const trees = requestsAtLine(set, 12); // the block issue line
  assert.equal(trees.length, 1);
  const root = trees[0]!;
  assert.equal(root.layer, 'syscall');
  assert.equal(root.result, 8192);
  assert.equal(root.latencyNs, 9000);
  assert.equal(root.children.length, 1);
  const blk = root.children[0]!;
  assert.equal(blk.dev, '7:1');
  assert.equal(blk.sector, 2048);
  assert.deepEqual(
    blk.stages.map((s) => s.line),
    [11, 12, 14],
  );
  const text = renderRequestText(trees, 't.trace', 12);
  assert.match(text, /^syscall read by dd-42 \(length 8192\) -> 8192, 9\.0 µs/);
  assert.match(text, / {4}block read by \?--1 \(dev 7:1, sector 2048 \+ 16\) -> 0, 7\.0 µs/);
  assert.equal(requestsAtLine(set, 99).length, 0);
  assert.match(renderRequestText([], 't.trace', 99), /no I\/O request uses this line/);
});
