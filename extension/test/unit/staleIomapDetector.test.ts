// stale-iomap on lines built from the 6.18 and 5.15-6.14 format strings (kernel-formats.md §2.2, §2.3),
// each written in both spellings (kernel trace and trace-cmd report) which must give identical findings,
// and zero findings on the real xfs / btrfs recordings of the corpus (no stale map was ever recorded).
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { StaleIomapDetector } from '../../engine/detectors/staleIomapDetector';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile } from './helpers/trackRequests';

/** One event: task, timestamp, event name, payload; syscalls as [enter args] or [exit value]. */
type Ev = readonly [task: string, ts: string, name: string, payload: string];

function kernelText(evs: readonly Ev[]): string {
  let s = '# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n#              | |         |   |||||     |         |\n';
  for (const [task, ts, name, payload] of evs) {
    const body = name.startsWith('sys_enter_') ? `sys_${name.slice(10)}(${payload})` : name.startsWith('sys_exit_') ? `sys_${name.slice(9)} -> ${payload}` : `${name}: ${payload}`;
    s += `${task.padStart(24)} [001] .....   ${ts}: ${body}\n`;
  }
  return s;
}

function traceCmdText(evs: readonly Ev[]): string {
  let s = 'cpus=2\n';
  for (const [task, ts, name, payload] of evs) s += `${task.padStart(20)} [001]   ${ts}: ${`${name}:`.padEnd(21)} ${payload.replace(/\/0x[0-9a-f]+$/, '')}\n`;
  return s;
}

async function findings(file: string, frequent?: number): Promise<Finding[]> {
  const d = new StaleIomapDetector(frequent === undefined ? {} : { frequent });
  const t = await trackFile(file, () => [d]);
  return d.findings({ file, store: t.store, requests: t.set });
}

async function both(name: string, evs: readonly Ev[], frequent?: number): Promise<[Finding[], Finding[]]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-stale-'));
  const a = path.join(dir, `${name}.trace.txt`);
  const b = path.join(dir, `${name}.report.txt`);
  writeFileSync(a, kernelText(evs));
  writeFileSync(b, traceCmdText(evs));
  return [await findings(a, frequent), await findings(b, frequent)];
}

const portable = (f: Finding): unknown => ({ kind: f.kind, severity: f.severity, message: f.message, details: f.details, evidence: f.evidence.length });

const W = 'xfs_io-200';
const ITER = 'ops xfs_buffered_write_iomap_ops caller iomap_file_buffered_write+0x8c/0x2e0';

/** A 6.18 buffered write whose delalloc mapping is invalidated at 0x10000 and remapped. */
function write618(ino: string, t: number): Ev[] {
  const ts = (n: number): string => (20 + t + n / 1e6).toFixed(6);
  return [
    [W, ts(1), 'sys_enter_pwrite64', 'fd: 3, buf: 0x7f0000000000, count: 0x20000, pos: 0'],
    [W, ts(2), 'xfs_file_buffered_write', `dev 7:1 ino ${ino} disize 0x0 pos 0x0 bytecount 0x20000`],
    [W, ts(3), 'iomap_iter', `dev 7:1 ino ${ino} pos 0x0 length 0x20000 status 0 flags WRITE (0x1) ${ITER}`],
    [W, ts(4), 'iomap_iter_dstmap', `dev 7:1 ino ${ino} bdev 7:1 addr 0xffffffffffffffff offset 0x0 length 0x20000 type DELALLOC (0x1) flags  (0x0)`],
    [W, ts(5), 'xfs_iomap_invalid', `dev 7:1 ino ${ino} pos 0x10000 addr 0xffffffffffffffff bytecount 0x20000 type 0x1 flags 0x0 validity_cookie 0x5 inodeseq 0x6`],
    [W, ts(6), 'iomap_iter', `dev 7:1 ino ${ino} pos 0x10000 length 0x10000 status 0 flags WRITE (0x1) ${ITER}`],
    [W, ts(7), 'iomap_iter_dstmap', `dev 7:1 ino ${ino} bdev 7:1 addr 0x908000 offset 0x10000 length 0x10000 type MAPPED (0x2) flags  (0x0)`],
    [W, ts(8), 'sys_exit_pwrite64', '0x20000'],
  ];
}

test('6.18: xfs_iomap_invalid under a pwrite64 is one info finding with the write, its iter and the remap', async () => {
  const [a, b] = await both('invalid', write618('0x83', 0));
  for (const fs of [a, b]) {
    assert.equal(fs.length, 1);
    const f = fs[0]!;
    assert.equal(f.kind, 'stale-iomap');
    assert.equal(f.severity, 'info');
    assert.equal(f.line, fs === a ? 9 : 6); // the xfs_iomap_invalid line
    assert.deepEqual(f.evidence.map((e) => e.line), fs === a ? [5, 7, 9, 10] : [2, 4, 6, 7]); // write, iter, invalid, remap
    assert.deepEqual(f.details, { dev: '7:1', ino: 0x83, count: 1, bySource: { xfs_iomap_invalid: 1 }, remaps: 1, positions: [0x10000], remapPositions: [0x10000], writers: ['pwrite64 by xfs_io-200'] });
    assert.match(f.message, /stale iomap\(s\) on ino 0x83 on 7:1, the first \(xfs_iomap_invalid\) for the mapping at 0x10000, where the write resumed at 0x10000: the mapping changed under a buffered write/);
  }
  assert.deepEqual(a.map(portable), b.map(portable));
});

test('6.18 raw flags decide: STALE (0x8000) is stale; SIZE_CHANGED (0x4000) and an unnamed 0x200 are not', async () => {
  const map = (ino: string, flags: string, n: number): Ev => [W, `21.00000${n}`, 'iomap_iter_dstmap', `dev 7:1 ino ${ino} bdev 7:1 addr 0x908000 offset 0x0 length 0x10000 type MAPPED (0x2) flags ${flags}`];
  const [a, b] = await both('raw618', [map('0x90', 'STALE (0x8000)', 1), map('0x91', 'SIZE_CHANGED (0x4000)', 2), map('0x92', '0x200 (0x200)', 3), map('0x93', 'NEW|DIRTY (0x3)', 4)]);
  for (const fs of [a, b]) assert.deepEqual(fs.map((f) => [f.details['ino'], f.details['bySource']]), [[0x90, { iomap_f_stale: 1 }]]);
  assert.deepEqual(a.map(portable), b.map(portable));
});

test('5.15-6.14 text: the 0x200 remainder is STALE; SIZE_CHANGED (0x100 there) and PRIVATE 0x1000 are not', async () => {
  const iter = (ino: string, pos: string, n: number): Ev => [W, `22.00000${n}`, 'iomap_iter', `dev 253:0 ino ${ino} pos ${pos} length 0x10000 flags WRITE (0x1) ${ITER}`];
  const map = (ino: string, flags: string, n: number): Ev => [W, `22.00000${n}`, 'iomap_iter_dstmap', `dev 253:0 ino ${ino} bdev 253:0 addr 0x908000 offset 0x0 length 0x10000 type MAPPED flags ${flags}`];
  const [a, b] = await both('old', [
    iter('0xa0', '0x0', 1), map('0xa0', 'NEW|0x200', 2), iter('0xa0', '0x0', 3),
    map('0xa1', 'NEW|SIZE_CHANGED', 4), map('0xa2', '0x1000', 5), map('0xa3', 'DIRTY', 6),
  ]);
  for (const fs of [a, b]) {
    assert.deepEqual(fs.map((f) => [f.details['dev'], f.details['ino'], f.details['remaps']]), [['253:0', 0xa0, 1]]);
    assert.equal(fs[0]!.severity, 'info');
  }
  assert.deepEqual(a.map(portable), b.map(portable));
});

test('writeback revalidation (xfs_wb_data_iomap_invalid) is reported without a writer', async () => {
  const [a, b] = await both('wb', [['kworker/u8:1-50', '23.000001', 'xfs_wb_data_iomap_invalid', 'dev 7:1 ino 0x84 pos 0x0 addr 0x908000 bytecount 0x10000 type 0x2 flags 0x0 wpcseq 0x3 forkseq 0x4']]);
  for (const fs of [a, b]) {
    assert.equal(fs.length, 1);
    assert.deepEqual([fs[0]!.details['writers'], fs[0]!.details['bySource']], [[], { xfs_wb_iomap_invalid: 1 }]);
    assert.match(fs[0]!.message, /writeback found its cached mapping invalid/);
  }
  assert.deepEqual(a.map(portable), b.map(portable));
});

test('frequent stale maps on one inode are a warning naming the race', async () => {
  const evs: Ev[] = [];
  for (let i = 0; i < 8; i++) evs.push(...write618('0x87', i));
  const [a, b] = await both('frequent', evs);
  for (const fs of [a, b]) {
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.severity, 'warning');
    assert.deepEqual([fs[0]!.details['count'], fs[0]!.details['remaps']], [8, 8]);
    assert.match(fs[0]!.message, /racing with buffered writes/);
  }
  assert.deepEqual(a.map(portable), b.map(portable));
});

test('no stale-iomap findings on the real xfs and btrfs recordings', { skip: !haveCorpus }, async () => {
  for (const dir of ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '05b-xfs-blocked-tasks-fsfreeze']) {
    for (const name of ['trace.txt', 'report.txt']) assert.deepEqual(await findings(path.join(corpusDir, dir, name)), [], `${dir}/${name}`);
  }
});

test('real recording (samples/12-stale-iomap): 11 xfs_iomap_invalid under racing writeback, one warning, identical in both spellings', async () => {
  const dir = path.join(samplesDir, '12-stale-iomap');
  const out = [];
  for (const name of ['trace.txt', 'report.txt']) {
    const det = new StaleIomapDetector();
    const t = await trackFile(path.join(dir, name), () => [det]);
    const fs = det.findings({ file: name, store: t.store, requests: t.set });
    assert.equal(fs.length, 1);
    out.push(fs[0]!);
  }
  const [k, t] = out as [Finding, Finding];
  assert.equal(k.severity, 'warning');
  assert.equal(k.details['count'], 11);
  assert.equal(k.details['remaps'], 11);
  assert.deepEqual(k.details['bySource'], { xfs_iomap_invalid: 11 });
  assert.equal(k.line, 190); // the first xfs_iomap_invalid in trace.txt
  assert.equal(t.line, 179); // and in report.txt (11 header lines fewer)
  assert.match(k.message, /ino 0x83 on 7:0, the first \(xfs_iomap_invalid\) for the mapping at 0x0, where the write resumed at 0xa00000/);
  assert.match(k.message, /pwrite64 by siom-write-24589/);
  assert.equal(k.message, t.message);
  assert.deepEqual(k.details, t.details);
  assert.equal(k.evidence.length, t.evidence.length);
});
