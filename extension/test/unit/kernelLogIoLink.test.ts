// Kernel-log I/O errors linked to the trace of the same window (issue 11 item 1): on
// ../shared/corpus/04-btrfs-io-errors (dmesg.txt + trace.txt, btrfs on loop2 = 7:2 over faultfs) and on
// samples/36-klog-io-errors (btrfs on loop0 = 7:0, ext4 on loop1 = 7:1), whose expected.json pairs every
// dmesg `I/O error` line with its trace request (truth.dmesgTracePairs, written from the raw files).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../engine/contracts/finding';
import { analyzeBytes, analyzeFile, assemble, closeModel } from '../../engine/analyze';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

interface Link {
  logLine: number;
  traceLine: number;
  requestId: number;
}

async function analyzePair(log: string, trace: string, logText?: string): Promise<Finding[]> {
  const lm = logText !== undefined ? analyzeBytes(log, new TextEncoder().encode(logText)) : await analyzeFile(log);
  const tm = await analyzeFile(trace);
  try {
    return assemble([lm, tm]).report.findings;
  } finally {
    await closeModel(lm);
    await closeModel(tm);
  }
}

function logFindings(fs: readonly Finding[]): Finding[] {
  return fs.filter((f) => f.kind === 'io-error' && f.details['source'] === 'kernel-log');
}

function linksOf(f: Finding): [number, number][] {
  return (f.details['links'] as unknown as Link[]).map((l) => [l.logLine, l.traceLine]);
}

const c04 = path.join(corpusDir, '04-btrfs-io-errors');
// The dmesg `I/O error` lines and the trace's `block_rq_complete 7,2 ... [-5]` line of the same request,
// read from the two files: same sector (the log prints the request's start), same direction, and the
// trace time is the log time + 0.027116 s for every pair. The trace's last failure (line 2287, RA 27648 + 8
// at 956.926461) has no log line: dmesg.txt ends at 956.899347.
const C04_PAIRS: [number, number][] = [
  [1, 271], // W 28672 / WS 28672 + 512
  [4, 400], // R 26624 / RA 26624 + 1144
  [5, 403], // R 27768 / RA 27768 + 904
  [6, 1436], // R 27648 / R 27648 + 8
  [8, 1449], // R 27648 / R 27648 + 8
  [11, 1511], // R 27648 / RA 27648 + 1024
  [12, 1520], // R 27648 / R 27648 + 8
  [14, 2178], // R 26624 / RS 26624 + 1032 (the O_DIRECT pread64)
  [15, 2179], // R 27656 / RS 27656 + 1016
  [19, 2253], // R 27648 / RA 27648 + 1024
];

test('corpus 04: the dmesg alone gives one io-error finding on loop2 with counts, times and what btrfs says', { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
  const m = await analyzeFile(path.join(c04, 'dmesg.txt'));
  try {
    const fs = logFindings(assemble([m]).report.findings);
    assert.equal(fs.length, 1);
    const f = fs[0]!;
    assert.equal(f.line, 1);
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.details['requests'], { total: 10, byOp: { WRITE: 1, READ: 9 } });
    assert.deepEqual(f.details['inodes'], [257]);
    assert.equal(f.details['firstTs'], 956.608008);
    assert.match(f.message, /^loop2: 10 failed block requests \(9 READ, 1 WRITE; I\/O error\)/);
    assert.match(f.message, /direct I\/O failure \(READ of inode 257 at file offset 0 \(1048576 bytes\): I\/O error\)/);
    assert.match(f.message, /wr 1, rd 5, flush 0, corrupt 0, gen 0/);
  } finally {
    await closeModel(m);
  }
});

for (const trace of ['trace.txt', 'report.txt']) {
  test(`corpus 04 with ${trace}: each log line linked to its failed request by sector, op and time, and back`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const findings = await analyzePair(path.join(c04, 'dmesg.txt'), path.join(c04, trace));
    const [f] = logFindings(findings);
    assert.ok(f);
    assert.equal(f.details['traceDevice'], '7:2');
    assert.equal(f.details['linkedBy'], 'sector and op');
    assert.equal(f.details['clockOffset'], 0.027116);
    assert.equal(f.details['linkedRequests'], 10);
    assert.equal(f.details['unlinkedLines'], 0);
    assert.equal(f.details['otherFailedRequests'], 1);
    if (trace === 'trace.txt') assert.deepEqual(linksOf(f), C04_PAIRS);
    else assert.deepEqual(linksOf(f).map(([l]) => l), C04_PAIRS.map(([l]) => l));
    assert.match(f.message, /loop2 is 7:2: its failed requests have the sectors and ops of the log's lines, matched in time with the trace clock = log clock \+0\.027116 s/);
    // The btrfs direct I/O failure of inode 257 is the trace's failed O_DIRECT pread64 of inode 257.
    const file = f.details['fileLinks'] as unknown as { logLine: number; inode: number }[];
    assert.deepEqual(file.map((x) => [x.logLine, x.inode]), [[17, 257]]);
    // The trace side: every linked request's io-error finding names the log line.
    const traceFile = path.join(c04, trace);
    const byRequest = new Map((f.details['links'] as unknown as Link[]).map((l) => [l.requestId, l.logLine]));
    let amended = 0;
    for (const t of findings.filter((x) => x.kind === 'io-error' && x.file === traceFile)) {
      const id = t.details['requestId'] as number;
      const logLine = byRequest.get(id);
      if (logLine === undefined) {
        assert.equal(t.details['kernelLog'], undefined, `request ${id} has no log line`);
        continue;
      }
      amended++;
      assert.ok(t.evidence.some((e) => e.file === path.join(c04, 'dmesg.txt') && e.line === logLine), `request ${id}: evidence dmesg.txt:${logLine}`);
      assert.match(t.message, /The kernel log reports it \(.*dmesg\.txt:\d+: block (READ|WRITE) error at sector \d+ \(I\/O\); matched by sector and op at clock offset \+0\.027116 s\)/);
    }
    assert.equal(amended, 10);
  });
}

test('corpus 04: a device number stated by the log is used; a wrong one links nothing', { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
  const dmesg = readFileSync(path.join(c04, 'dmesg.txt'), 'utf8');
  const stated = `[  950.000000] BTRFS: device fsid 0bd6a1ba-8a11-4e5f-9e53-32fa1f3e83c0 devid 1 transid 9 /dev/loop2 (7:2) scanned by mount (27590)\n${dmesg}`;
  const [f] = logFindings(await analyzePair(path.join(c04, 'stated-dmesg.txt'), path.join(c04, 'trace.txt'), stated));
  assert.ok(f);
  assert.equal(f.details['devNum'], '7:2');
  assert.equal(f.details['linkedBy'], 'device number stated in the log');
  assert.equal(f.details['linkedRequests'], 10);
  assert.match(f.message, /^loop2 \(7:2\): /);
  assert.match(f.message, /the log states that loop2 is 7:2 \(line 1\)/);
  const wrong = stated.replace('(7:2)', '(7:9)');
  const [g] = logFindings(await analyzePair(path.join(c04, 'wrong-dmesg.txt'), path.join(c04, 'trace.txt'), wrong));
  assert.ok(g);
  assert.equal(g.details['trace'], undefined, 'no failed request of the trace is on 7:9');
});

test('corpus 04: a log without time stamps is linked in order', { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
  const bare = readFileSync(path.join(c04, 'dmesg.txt'), 'utf8').replace(/^\[\s*\d+\.\d+\] /gm, '');
  const [f] = logFindings(await analyzePair(path.join(c04, 'bare-dmesg.txt'), path.join(c04, 'trace.txt'), bare));
  assert.ok(f);
  assert.equal(f.details['timing'], 'order');
  assert.equal(f.details['clockOffset'], null);
  assert.deepEqual(linksOf(f), C04_PAIRS);
  assert.match(f.message, /matched in order \(the log has no usable time stamps\)/);
});

const s36 = path.join(samplesDir, '36-klog-io-errors');
const have36 = existsSync(path.join(s36, 'expected.json'));

for (const trace of ['trace.txt', 'report.txt']) {
  test(`sample 36 with ${trace}: every dmesg I/O error line is linked to the request of truth.dmesgTracePairs`, { skip: !have36 && 'needs samples/36-klog-io-errors' }, async () => {
    const truth = JSON.parse(readFileSync(path.join(s36, 'expected.json'), 'utf8')) as { truth: { dmesgTracePairs: { dmesgLine: number; dev: string; majMin: string; traceLine: number }[] } };
    const pairs = truth.truth.dmesgTracePairs;
    const fs = logFindings(await analyzePair(path.join(s36, 'dmesg.txt'), path.join(s36, trace)));
    assert.deepEqual(fs.map((f) => [f.details['device'], f.details['traceDevice']]), [['loop0', '7:0'], ['loop1', '7:1']]);
    const got = fs.flatMap(linksOf);
    if (trace === 'trace.txt') assert.deepEqual(got, pairs.map((p) => [p.dmesgLine, p.traceLine]));
    else assert.deepEqual(got.map(([l]) => l), pairs.map((p) => p.dmesgLine));
    for (const f of fs) {
      assert.equal(f.details['unlinkedLines'], 0);
      assert.ok(Math.abs((f.details['clockOffset'] as number) - 0.0292) < 0.001, 'the printk clock runs about 30 ms behind the trace clock (README)');
    }
  });
}

test('sample 36: dmesg.txt alone gives loop0 (btrfs) and loop1 (ext4) findings', { skip: !have36 && 'needs samples/36-klog-io-errors' }, async () => {
  const m = await analyzeFile(path.join(s36, 'dmesg.txt'));
  try {
    const fs = logFindings(assemble([m]).report.findings);
    assert.deepEqual(
      fs.map((f) => [f.line, f.details['device'], f.details['requests']]),
      [
        [2, 'loop0', { total: 5, byOp: { WRITE: 1, READ: 4 } }],
        [14, 'loop1', { total: 4, byOp: { READ: 3, WRITE: 1 } }],
      ],
    );
    assert.deepEqual(fs[1]!.details['inodes'], [12]);
    assert.deepEqual(fs[1]!.details['buffers'], { total: 10, byOp: { WRITE: 10 } });
  } finally {
    await closeModel(m);
  }
});
