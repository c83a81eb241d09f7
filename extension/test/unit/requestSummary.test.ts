// The requests section of the report and `iolens request`: counts, percentiles and the request tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyStats, summarizeRequests } from '../../engine/lifecycle/requestSummary';
import { renderRequestText } from '../../engine/report/renderRequest';
import { requestsAtLine } from '../../engine/requests/requestJson';
import { RequestSet } from '../../engine/requests/requestSet';

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
  const sys = set.create('syscall', 'read', 'enter', 1000, 10);
  set.setTask(sys, 42, set.strings.intern('dd'));
  set.setLength(sys, 8192);
  const blk = set.create('block', 'read', 'queue', 2000, 11);
  set.setDev(blk, 7 * 1048576 + 1);
  set.setSectors(blk, 2048, 16);
  set.addStage(blk, 'issue', 3000, 12);
  set.addStage(blk, 'complete', 9000, 14);
  set.complete(blk);
  set.setResult(blk, 0);
  set.link(sys, blk);
  set.addStage(sys, 'exit', 10_000, 15);
  set.complete(sys);
  set.setResult(sys, 8192);
  set.create('block', 'write', 'queue', 5000, 13); // incomplete
  set.seal();
  return set;
}

test('summary counts layers, ops, completion, and latency from first to last stage', () => {
  const s = summarizeRequests([chain()]);
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
