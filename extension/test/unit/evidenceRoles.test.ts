// Evidence roles: every evidence line of every finding (and of every wait-for edge and repeated task report)
// of every golden input says what it is, in short plain text; and known findings of real recordings name
// specific raw lines with the expected words. Lines are found in the raw files by regexes (helpers/rawTrace),
// and the words follow from what each raw event is (a `block_rq_issue` is the request issued to the driver,
// `sys_preadv2 -> 0x10000` is preadv2 returning 65536 of the 262144 the README says it asked for).
//
// samples/10-nowait-partial-read (README): preadv2 RWF_NOWAIT of 262144 at 0 by pid 3039 returns 65536; the
// io_uring READ user_data 0x1002 the same; 0x1004 at 512 KiB gets -EAGAIN; the control io_uring READ 0x1006 reads
// the range again (io_uring's own retry after its inline NOWAIT attempt).
// ../shared/corpus/04-btrfs-io-errors (README): the WS 28672 + 512 write of the ordered extent of ino 258
// fails with -5; the extent finishes with IOERR; fsync returns -EIO; a later read returns -EIO.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeFiles, closeModel } from '../../engine/analyze';
import type { EvidenceRef, Finding } from '../../engine/contracts/finding';
import type { AnalysisReport } from '../../engine/contracts/report';
import { relatedLines } from '../../engine/query/requestChains';
import { formatDuration } from '../../engine/report/formatDuration';
import { renderSarif } from '../../engine/report/renderSarif';
import { renderText } from '../../engine/report/renderText';
import { goldenInputs } from './helpers/goldenInputs';
import { corpusDir, haveCorpus, repoRoot, samplesDir } from './helpers/paths';
import { blockAddr, only, raw, retOf, type RawEvent, type RawFile } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const C04 = path.join(corpusDir, '04-btrfs-io-errors');
const S21 = path.join(samplesDir, '21-btrfs-ordered-wait');
const SPELLINGS = ['trace.txt', 'report.txt'] as const;
const MAX_ROLE = 80;

async function reportOf(files: readonly string[]): Promise<AnalysisReport> {
  const { report, models } = await analyzeFiles(files);
  await Promise.all(models.map(closeModel));
  return report;
}

/** A role is there, short, one line of plain text. */
function checkRole(e: EvidenceRef, where: string): void {
  assert.equal(typeof e.role, 'string', where);
  assert.ok(e.role.trim().length > 0, `${where}: empty role`);
  assert.ok(e.role.length <= MAX_ROLE, `${where}: role of ${e.role.length} chars: ${e.role}`);
  assert.doesNotMatch(e.role, /[\u0000-\u001f\u007f]/, `${where}: control character in ${JSON.stringify(e.role)}`);
  assert.doesNotMatch(e.role, /`|\*\*|\]\(/, `${where}: markdown in ${e.role}`);
}

test('every evidence line of every finding of every golden input has a role (and so do wait-for edges and repeated reports)', async () => {
  let refs = 0;
  for (const input of goldenInputs()) {
    if (input.paths.some((p) => p.endsWith('.dat'))) continue; // refused before analysis
    const report = await reportOf(input.paths.map((p) => path.join(repoRoot, p)));
    for (const f of report.findings) {
      assert.ok(f.evidence.length > 0, `${input.name}: ${f.kind} at ${f.line} has evidence`);
      for (const e of f.evidence) {
        checkRole(e, `${input.name}: ${f.kind} at ${f.line}, evidence line ${e.line}`);
        refs++;
      }
    }
    for (const edge of report.waitGraph.edges) for (const e of edge.evidence) checkRole(e, `${input.name}: ${edge.kind} edge ${edge.from} -> ${edge.to}`);
    for (const t of report.tasks) for (const e of t.alsoReportedAt ?? []) checkRole(e, `${input.name}: task ${t.comm}:${t.pid ?? '?'} also reported at ${e.line}`);
  }
  assert.ok(refs > 1000, `${refs} evidence lines checked`);
});

/** The role of `line` in a finding's evidence (asserts the line is evidence). */
function roleAt(f: Finding, line: number, file = f.file): string {
  const e = f.evidence.find((x) => x.line === line && x.file === file);
  assert.ok(e, `${f.kind} at ${f.line}: line ${line} of ${path.basename(file)} is evidence`);
  return e.role;
}

function findingAt(report: AnalysisReport, kind: string, line: number): Finding {
  const f = report.findings.find((x) => x.kind === kind && x.line === line);
  assert.ok(f, `a ${kind} finding at line ${line} (found ${report.findings.map((x) => `${x.kind}@${x.line}`).join(', ')})`);
  return f;
}

/** The next raw event after `after` satisfying `pred`. */
function nextAfter(r: RawFile, after: RawEvent, pred: (e: RawEvent) => boolean): RawEvent {
  const e = r.events.find((x) => x.line > after.line && pred(x));
  assert.ok(e, `an event after line ${after.line}`);
  return e;
}

for (const spelling of SPELLINGS) {
  test(`samples/10 ${spelling}: the short preadv2's evidence: its enter and exit, its buffered read, readahead and the block request`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const enter = only(r, (e) => e.name === 'sys_enter_preadv2' && e.pid === 3039, 'preadv2 enter of pid 3039');
    const exit = only(r, (e) => e.name === 'sys_exit_preadv2' && e.pid === 3039, 'preadv2 exit of pid 3039');
    assert.equal(retOf(exit), 65536);
    const read = nextAfter(r, enter, (e) => e.name === 'xfs_file_buffered_read' && e.pid === 3039);
    const ra = nextAfter(r, enter, (e) => e.name === 'iomap_readahead' && e.pid === 3039);
    const queue = nextAfter(r, enter, (e) => e.name === 'block_bio_queue' && e.pid === 3039);
    const bio = blockAddr(queue)!;
    const issue = nextAfter(r, queue, (e) => e.name === 'block_rq_issue' && blockAddr(e)?.sector === bio.sector);
    const complete = nextAfter(r, issue, (e) => e.name === 'block_rq_complete' && blockAddr(e)?.sector === bio.sector);
    const f = findingAt(await reportOf([file]), 'short-read', exit.line);
    assert.equal(roleAt(f, enter.line), 'preadv2 entered');
    assert.equal(roleAt(f, exit.line), 'preadv2 returned: 65536 of 262144');
    assert.equal(roleAt(f, read.line), 'buffered-read started');
    assert.equal(roleAt(f, ra.line), 'buffered-read: readahead');
    assert.equal(roleAt(f, queue.line), 'block read bio queued');
    assert.equal(roleAt(f, issue.line), 'block read request issued to the driver');
    assert.equal(roleAt(f, complete.line), 'block read request completed');
  });

  test(`samples/10 ${spelling}: io_uring: the short READ 0x1002 completes with 65536 of 262144; READ 0x1004 got -EAGAIN; READ 0x1006's repeated buffered reads are retries`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const { report, models } = await analyzeFiles([file]);
    try {
      const short = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1002,/.test(e.payload), 'completion of 0x1002');
      const f = findingAt(report, 'short-read', short.line);
      assert.equal(roleAt(f, short.line), 'io_uring READ completed: 65536 of 262144');
      assert.equal(roleAt(f, only(r, (e) => e.name === 'io_uring_submit_req' && /user_data 0x1002,/.test(e.payload), 'submission of 0x1002').line), 'io_uring READ submitted');

      // 0x1004 (RWF_NOWAIT, nothing cached): -EAGAIN reaches the application, nothing reads the range again
      const eagain = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1004, result -11,/.test(e.payload), 'completion of 0x1004');
      const nw = findingAt(report, 'nowait-retry', eagain.line);
      assert.equal(roleAt(nw, eagain.line), 'io_uring READ completed: -11 EAGAIN to the application');
      assert.equal(roleAt(nw, only(r, (e) => e.name === 'io_uring_submit_req' && /user_data 0x1004,/.test(e.payload), 'submission of 0x1004').line), 'io_uring READ submitted');

      // 0x1006 (control, no RWF_NOWAIT): io_uring's own inline NOWAIT attempt, then the retry. No finding; the
      // request's related lines (hover, Find All References) name the retries.
      const submit = only(r, (e) => e.name === 'io_uring_submit_req' && /user_data 0x1006,/.test(e.payload), 'submission of 0x1006');
      const done = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1006,/.test(e.payload), 'completion of 0x1006');
      const reads = r.events.filter((e) => e.name === 'xfs_file_buffered_read' && e.pid === submit.pid && e.line > submit.line && e.line < done.line);
      assert.equal(reads.length, 3, 'the first read and two of the remainder');
      assert.ok(!report.findings.some((x) => x.evidence.some((e) => e.line === done.line)), 'no finding cites the completion of 0x1006');
      const m = models.find((x) => x.kind === 'trace')!;
      assert.ok(m.kind === 'trace');
      const related = new Map(relatedLines(m.requests, done.line, 4096, m.events).map((x) => [x.line, x.role]));
      assert.equal(related.get(reads[0]!.line), 'buffered-read started');
      for (const again of reads.slice(1)) assert.equal(related.get(again.line), 'buffered-read: retry of the same range');
      assert.equal(related.get(done.line), 'io_uring READ completed: 262144 of 262144');
      assert.equal(related.get(submit.line), 'io_uring READ submitted');
    } finally {
      await Promise.all(models.map(closeModel));
    }
  });

  test(`corpus 04 ${spelling}: the failed write, the ordered extent dropped with IOERR, the fsync and the read after the short read`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const report = await reportOf([file]);
    const complete = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion');
    const error = only(r, (e) => e.name === 'block_rq_error' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'block_rq_error');
    const issue = only(r, (e) => e.name === 'block_rq_issue' && /^7,2 WS \d+ \(\) 28672 \+ 512 /.test(e.payload), 'issue');
    const fsyncExit = only(r, (e) => e.name === 'sys_exit_fsync' && retOf(e) === -5, 'failing fsync exit');
    const io = findingAt(report, 'io-error', complete.line);
    assert.equal(roleAt(io, complete.line), 'block write request completed: -5 EIO');
    assert.equal(roleAt(io, error.line), 'block write request failed: -5 EIO');
    assert.equal(roleAt(io, issue.line), 'block write request issued to the driver');
    assert.equal(roleAt(io, fsyncExit.line), 'fsync returned: -5 EIO');

    const oeEvents = r.events.filter((e) => /^btrfs_ordered_extent_/.test(e.name) && / ino=258 file_offset=0 start=14680064 /.test(e.payload));
    const added = oeEvents.find((e) => e.name === 'btrfs_ordered_extent_add')!;
    // IOERR first shows when the extent is marked finished: by name in the kernel's text, as the hex
    // remainder `REGULAR|0xa0` (IO_DONE|IOERR) in trace-cmd's.
    const firstIoerr = oeEvents.find((e) => e.name === 'btrfs_ordered_extent_mark_finished')!;
    assert.ok(oeEvents.filter((e) => e.line < firstIoerr.line).every((e) => / flags=REGULAR /.test(e.payload)), 'no flag before it');
    if (spelling === 'trace.txt') assert.match(firstIoerr.payload, / flags=REGULAR\|IO_DONE\|IOERR /);
    const removed = oeEvents.find((e) => e.name === 'btrfs_ordered_extent_remove')!;
    const failedRange = only(r, (e) => e.name === 'btrfs_finish_ordered_extent' && / ino=258 start=0 len=262144 uptodate=0$/.test(e.payload), 'uptodate=0 completion');
    const oe = findingAt(report, 'ordered-extent-ioerr', firstIoerr.line);
    assert.equal(roleAt(oe, added.line), 'ordered extent added');
    assert.equal(roleAt(oe, firstIoerr.line), 'ordered extent finished with IOERR');
    assert.equal(roleAt(oe, removed.line), 'ordered extent removed');
    assert.equal(roleAt(oe, failedRange.line), 'write of a range failed (uptodate=0)');
    assert.equal(roleAt(oe, complete.line), 'block write request completed: -5 EIO');

    // The short read is followed by a read of the same file that fails: its exit is named for what it proves.
    const short = report.findings.find((x) => x.kind === 'short-read')!;
    assert.ok(short);
    const failedRead = r.events.find((e) => e.line > short.line && e.name === 'sys_exit_read' && retOf(e) === -5)!;
    assert.equal(roleAt(short, failedRead.line), 'next read of the file failed: -5 EIO');
    assert.equal(roleAt(short, short.line), `read returned: ${retOf(r.byLine.get(short.line)!)} of 1048576`);
  });
}

test('samples/21 log + trace: each hung task is named by its report header, its culprit frame and its sched_process_hang', async () => {
  const log = path.join(S21, 'dmesg-hung-tasks.txt');
  const trace = path.join(S21, 'trace.txt');
  const logLines = readFileSync(log, 'utf8').split('\n');
  const report = await reportOf([log, trace]);
  const r = raw(trace);
  let checked = 0;
  logLines.forEach((text, i) => {
    const m = /INFO: task (.+):(\d+) blocked for more than \d+ seconds/.exec(text);
    if (!m) return;
    const [comm, pid] = [m[1]!, Number(m[2])];
    const f = findingAt(report, 'hung-task', i + 1);
    assert.equal(roleAt(f, i + 1), `hung-task report of ${comm} (pid ${pid})`);
    const culprit = f.evidence.find((e) => e.role.startsWith('culprit frame: '));
    assert.ok(culprit, `${comm}:${pid} has a culprit frame`);
    assert.ok(logLines[culprit.line - 1]!.includes(`${culprit.role.slice('culprit frame: '.length)}+`), `line ${culprit.line} is that frame`);
    // khungtaskd traced each round of reports; the round of this report is cited.
    const hangs = r.events.filter((e) => e.name === 'sched_process_hang' && new RegExp(`\\bpid=${pid}$`).test(e.payload));
    const cited = hangs.filter((h) => f.evidence.some((e) => e.file === trace && e.line === h.line));
    assert.ok(cited.length >= 1, `a sched_process_hang of ${pid} is evidence`);
    for (const h of cited) assert.equal(roleAt(f, h.line, trace), `sched_process_hang of ${comm} (pid ${pid})`);
    checked++;
  });
  assert.equal(checked, 11);
  for (const edge of report.waitGraph.edges.filter((e) => e.kind === 'waits-on')) {
    const e = edge.evidence[0]!;
    const m = /^sleeps in (\S+)$/.exec(e.role);
    if (m) assert.ok(logLines[e.line - 1]!.includes(`${m[1]}+`), `waits-on evidence line ${e.line} is the frame ${m[1]}`);
  }
});

test('samples/03 trace_pipe: each `CPU:N [LOST M EVENTS]` line says how many events of which CPU were lost', async () => {
  const file = path.join(samplesDir, '03-trace-pipe-lost', 'trace_pipe.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const report = await reportOf([file]);
  let n = 0;
  lines.forEach((text, i) => {
    const m = /^CPU:(\d+) \[LOST (\d+) EVENTS\]$/.exec(text);
    if (!m) return;
    assert.equal(roleAt(findingAt(report, 'lost-events', i + 1), i + 1), `${m[2]} events lost on CPU ${m[1]}`);
    n++;
  });
  assert.equal(n, 3);
});

test('samples/90 m07: the line where time goes back and the later line before it', async () => {
  const file = path.join(samplesDir, '90-malformed', 'm07-timestamp-backwards.txt');
  const r = raw(file);
  const back = r.events.find((e, i) => i > 0 && r.events.slice(0, i).some((p) => p.cpu === e.cpu && p.ns > e.ns))!;
  const prev = [...r.events.filter((p) => p.cpu === back.cpu && p.line < back.line)].pop()!;
  const f = findingAt(await reportOf([file]), 'timestamp-disorder', back.line);
  assert.equal(roleAt(f, back.line), `time goes back ${formatDuration(prev.ns - back.ns)} on CPU ${back.cpu}`);
  assert.equal(roleAt(f, prev.line), `later timestamp on CPU ${back.cpu}`);
});

/** fallocate mode bits of include/uapi/linux/falloc.h, in the order iolens prints them. */
function modeName(mode: number): string {
  const bits: [number, string][] = [[0x02, 'PUNCH_HOLE'], [0x10, 'ZERO_RANGE'], [0x01, 'KEEP_SIZE']];
  return bits.filter(([b]) => (mode & b) !== 0).map(([, n]) => n).join('|');
}

for (const spelling of SPELLINGS) {
  test(`samples/11 ${spelling}: the punch hole's fallocate enter and exit, its write-zeroes request and the buffered write`, async () => {
    const file = path.join(samplesDir, '11-unaligned-discard', spelling);
    const r = raw(file);
    const report = await reportOf([file]);
    const enters = r.events.filter((e) => e.name === 'sys_enter_fallocate');
    assert.ok(enters.length >= 2);
    for (const enter of enters.slice(0, 2)) {
      const f = report.findings.find((x) => x.kind === 'unaligned-discard' && x.evidence.some((e) => e.line === enter.line));
      assert.ok(f, `a finding cites the fallocate at line ${enter.line}`);
      const m = /mode: (0x)?([0-9a-f]+), offset: (0x)?([0-9a-f]+), len: (0x)?([0-9a-f]+)/.exec(enter.payload)!;
      const [mode, offset, len] = [Number.parseInt(m[2]!, 16), Number.parseInt(m[4]!, 16), Number.parseInt(m[6]!, 16)];
      assert.equal(roleAt(f, enter.line), `fallocate(${modeName(mode)}, ${offset}, ${len}) entered`);
      const exit = nextAfter(r, enter, (e) => e.name === 'sys_exit_fallocate' && e.pid === enter.pid);
      assert.equal(roleAt(f, exit.line), `fallocate returned ${retOf(exit)}`);
      const queue = nextAfter(r, enter, (e) => e.name === 'block_bio_queue' && e.pid === enter.pid);
      assert.equal(blockAddr(queue)!.rwbs, 'NS');
      assert.equal(roleAt(f, queue.line), 'block write-zeroes bio queued');
      const write = r.events.find((e) => e.name === 'sys_enter_pwrite64' && f.evidence.some((x) => x.line === e.line));
      assert.ok(write, 'the buffered write is evidence');
      assert.match(roleAt(f, write.line), /^buffered pwrite64 on a partial page \((before|after)\)$/);
    }
  });

  test(`samples/12 ${spelling}: every xfs_iomap_invalid is the mapping going stale under the write`, async () => {
    const file = path.join(samplesDir, '12-stale-iomap', spelling);
    const r = raw(file);
    const stale = r.events.filter((e) => e.name === 'xfs_iomap_invalid');
    assert.equal(stale.length, 11);
    const f = findingAt(await reportOf([file]), 'stale-iomap', stale[0]!.line);
    for (const e of stale) assert.equal(roleAt(f, e.line), 'mapping went stale under the write (xfs_iomap_invalid)');
  });
}

test('SARIF related locations carry the roles; the text report lists the first evidence lines with theirs', async () => {
  const file = path.join(S10, 'trace.txt');
  const report = await reportOf([file]);
  const sarif = JSON.parse(renderSarif(report, '0')) as { runs: { results: { relatedLocations: { id: number; message: { text: string }; physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  const results = sarif.runs[0]!.results;
  assert.equal(results.length, report.findings.length);
  results.forEach((res, i) => {
    const f = report.findings[i]!;
    assert.deepEqual(
      res.relatedLocations.map((l) => [l.physicalLocation.region.startLine, l.message.text]),
      f.evidence.map((e) => [e.line, e.role]),
    );
  });
  const exit = only(raw(file), (e) => e.name === 'sys_exit_preadv2' && e.pid === 3039, 'preadv2 exit');
  const text = renderText(report);
  const f = findingAt(report, 'short-read', exit.line);
  const first = f.evidence[0]!;
  assert.ok(text.includes(`      evidence: ${first.line} ${first.role}; `), 'the evidence line follows the finding');
  assert.ok(text.includes(`; … (+${f.evidence.length - 6} more)`));
});
