// Ingest on the real recordings of ../shared/corpus: the same events in three spellings (kernel trace,
// trace-cmd report, trace-cmd report -l) must give identical counts, equal to the number of records
// trace-cmd printed and to the ground truth stated in the corpus README.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ingestFile, type IngestResult } from '../../engine/ingest/ingestFile';
import { corpusDir, haveCorpus } from './helpers/paths';

interface Truth {
  dir: string;
  counts: Record<string, number>;
}

const scenarios: Truth[] = [
  { dir: '01-xfs-buffered-read-uring-eof', counts: { io_uring_submit_req: 66, io_uring_complete: 66, block_rq_issue: 42, block_rq_complete: 42 } },
  { dir: '02-xfs-ext4-odirect', counts: { io_uring_complete: 294, iomap_dio_rw_begin: 388, iomap_dio_complete: 384 } },
  { dir: '03-btrfs-ordered-extents', counts: { btrfs_ordered_extent_add: 63, btrfs_ordered_extent_remove: 63, iomap_dio_rw_begin: 1 } },
  { dir: '04-btrfs-io-errors', counts: { block_rq_error: 11, io_uring_submit_req: 8, btrfs_ordered_extent_add: 3 } },
  { dir: '05b-xfs-blocked-tasks-fsfreeze', counts: { block_rq_issue: 1057 } },
];

function countsOf(r: IngestResult): Record<string, number> {
  return Object.fromEntries([...r.eventCounts.entries()].sort());
}

/** Records trace-cmd printed: every line of report.txt except its preamble (`cpus=N`). */
function traceCmdRecords(file: string): number {
  return readFileSync(file, 'latin1')
    .split('\n')
    .filter((l) => l !== '' && !/^cpus=\d+$/.test(l)).length;
}

for (const s of scenarios) {
  test(`corpus ${s.dir}: trace.txt, report.txt and report-l.txt agree`, { skip: !haveCorpus && 'no ../shared/corpus' }, async () => {
    const dir = path.join(corpusDir, s.dir);
    const report = await ingestFile(path.join(dir, 'report.txt'));
    const latency = await ingestFile(path.join(dir, 'report-l.txt'));
    const kernel = await ingestFile(path.join(dir, 'trace.txt'));
    assert.equal(report.format, 'trace-cmd-report');
    assert.equal(latency.format, 'trace-cmd-report-latency');
    assert.equal(kernel.format, 'ftrace-kernel');
    for (const r of [report, latency, kernel]) {
      assert.equal(r.skippedLines, 0, `${r.path}: ${JSON.stringify(r.findings.slice(0, 3))}`);
      assert.deepEqual(r.findings, [], r.path);
      assert.equal(r.cpus, 2);
      assert.equal(r.lostEvents, 0);
    }
    assert.equal(report.events, traceCmdRecords(path.join(dir, 'report.txt')));
    assert.deepEqual(countsOf(kernel), countsOf(report));
    assert.deepEqual(countsOf(latency), countsOf(report));
    assert.equal(kernel.firstTimestamp, report.firstTimestamp);
    assert.equal(kernel.lastTimestamp, report.lastTimestamp);
    for (const [name, n] of Object.entries(s.counts)) assert.equal(report.eventCounts.get(name), n, name);
  });
}

test('corpus 01: per-event columns are exact (times in ns from the first event, comm, pid, cpu, line)', { skip: !haveCorpus && 'no ../shared/corpus' }, async () => {
  const r = await ingestFile(path.join(corpusDir, '01-xfs-buffered-read-uring-eof', 'trace.txt'));
  const st = r.store;
  // Line 13 is the first event: `fio-13885   [000] .....   860.731092: block_plug: [fio]`.
  assert.equal(st.lineOf(0), 13);
  assert.equal(st.ts.get(0), 0);
  assert.equal(st.strings.get(st.commAt(0)), 'fio');
  assert.equal(st.pidAt(0), 13885);
  assert.equal(st.cpu.get(0), 0);
  assert.equal(st.typeName(st.type.get(0)), 'block_plug');
  // Line 14: 860.731094 -> 2000 ns later.
  assert.equal(st.ts.get(1), 2000);
  assert.equal(r.firstTimestamp, 860731092000);
  assert.equal(st.rowOfLine(14), 1);
  assert.equal(st.rowOfLine(5), -1);
});

test('parallel ingest (worker threads, many small slices) gives exactly the inline result', { skip: !haveCorpus && 'no ../shared/corpus' }, async () => {
  for (const name of ['05b-xfs-blocked-tasks-fsfreeze/trace.txt', '01-xfs-buffered-read-uring-eof/report-l.txt']) {
    const file = path.join(corpusDir, name);
    const inline = await ingestFile(file, { workers: 0 });
    const parallel = await ingestFile(file, { workers: 2, sliceBytes: 64 * 1024 });
    assert.deepEqual(countsOf(parallel), countsOf(inline));
    assert.deepEqual(parallel.findings, inline.findings);
    assert.equal(parallel.lines, inline.lines);
    assert.equal(parallel.format, inline.format);
    assert.deepEqual(parallel.formatDetails, inline.formatDetails);
    const a = inline.store;
    const b = parallel.store;
    assert.equal(b.count, a.count);
    for (let i = 0; i < a.count; i += 97) {
      assert.equal(b.ts.get(i), a.ts.get(i));
      assert.equal(b.lineOf(i), a.lineOf(i));
      assert.equal(b.strings.get(b.commAt(i)), a.strings.get(a.commAt(i)));
      assert.equal(b.typeName(b.type.get(i)), a.typeName(a.type.get(i)));
    }
    // The line index finds every line from its checkpoint.
    for (const line of [1, 64, 65, 1000, parallel.lines]) {
      const [l, off] = b.seekLine(line);
      assert.ok(l <= line && line - l < 200, `checkpoint ${l} for line ${line}`);
      assert.ok(off >= 0);
    }
  }
});
