// Kernel-log I/O errors (issue 11 item 1) on samples/23-kernel-log-io-errors: 54 real excerpts of every
// era (block layer, buffer heads, SCSI, ATA, NVMe, md, dm, btrfs, XFS, ext4/jbd2, bcachefs) and their
// decoys, checked line by line and finding by finding against truth.json, which was written by hand from
// each excerpt's lines and the ground truth of its .source.md (not from iolens).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../engine/contracts/finding';
import { analyzeBytes, assemble } from '../../engine/analyze';
import { readKernelLogBytes } from '../../engine/klog/readKernelLog';
import { recogniseIoError } from '../../engine/klog/recogniseIoError';
import { stripLogPrefix } from '../../engine/klog/logPrefix';
import { groupIoErrors } from '../../engine/logio/ioErrorGroups';
import { samplesDir } from './helpers/paths';

const dir = path.join(samplesDir, '23-kernel-log-io-errors');

type Failure = [number, string, string | null, number | null, string | null, number | null, number | null];
interface TruthFinding {
  device: string;
  severity: string;
  requests: Record<string, number>;
  commands: number;
  timeouts: number;
  buffers: number;
  filesystem: number;
  lowerBound: boolean;
}
interface FileTruth {
  formats: string[];
  decoy: boolean;
  failures: Failure[];
  findings: TruthFinding[];
}
const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { files: Record<string, FileTruth> };

/** The failures iolens reads in a log, as truth tuples. */
function failuresOf(bytes: Uint8Array): Failure[] {
  const { log } = readKernelLogBytes(bytes);
  const out: Failure[] = [];
  for (const g of groupIoErrors(log.ioErrors)) {
    for (const l of g.lines) {
      const r = l.rec;
      if (l.cls !== 'io' || r.kind === 'counters') continue;
      out.push([r.line, r.kind, r.device ?? r.port ?? r.devNum ?? null, r.sector ?? null, l.op ?? null, r.errno ?? null, r.at?.unit === 'lba' ? r.at.value : null]);
    }
  }
  return out.sort((a, b) => a[0] - b[0] || String(a[2]).localeCompare(String(b[2])));
}

/** The kernel-log io-error findings of a log analysed alone, as truth objects. */
function findingsOf(name: string, bytes: Uint8Array): { truth: TruthFinding[]; findings: Finding[] } {
  const { report } = assemble([analyzeBytes(name, bytes)]);
  const findings = report.findings.filter((f) => f.kind === 'io-error' && f.details['source'] === 'kernel-log');
  const truthOf = (f: Finding): TruthFinding => {
    const d = f.details as Record<string, unknown>;
    const n = (k: string): number => (d[k] as { total: number }).total;
    return {
      device: d['device'] as string,
      severity: f.severity,
      requests: (d['requests'] as { byOp: Record<string, number> }).byOp,
      commands: n('commands'),
      timeouts: d['timeouts'] as number,
      buffers: n('buffers'),
      filesystem: n('filesystem'),
      lowerBound: d['lowerBound'] as boolean,
    };
  };
  return { truth: findings.map(truthOf).sort((a, b) => a.device.localeCompare(b.device)), findings };
}

for (const [name, t] of Object.entries(truth.files)) {
  test(`${name} (${t.decoy ? 'decoy: ' : ''}${t.formats.join('; ')}): failures and findings as in truth.json`, () => {
    const bytes = readFileSync(path.join(dir, name));
    assert.deepEqual(failuresOf(bytes), t.failures, 'failure lines: [line, kind, device, sector, op, errno, lba]');
    const { truth: got, findings } = findingsOf(name, bytes);
    assert.deepEqual(got, [...t.findings].sort((a, b) => a.device.localeCompare(b.device)), 'io-error findings per device');
    for (const f of findings) {
      // The decisive line is a failure, every other line of the group is evidence with its role.
      assert.ok(t.failures.some((x) => x[0] === f.line), `decisive line ${f.line} is a failure`);
      assert.ok(f.evidence.every((e) => e.file === name && e.role.length > 0));
      assert.equal(f.evidence[0]!.line, f.line);
    }
  });
}

test('decoys (checksum, verifier, mount-time counters, bit flip, manual md fail, DIO buffer race) give no io-error finding', () => {
  const decoys = Object.entries(truth.files).filter(([, t]) => t.decoy);
  assert.equal(decoys.length, 7);
  for (const [name] of decoys) assert.deepEqual(findingsOf(name, readFileSync(path.join(dir, name))).truth, [], name);
});

test('the NOSPC, NVMe Access Denied and FLUSH cases say what they are', () => {
  const msg = (name: string): string => findingsOf(name, readFileSync(path.join(dir, name))).findings.map((f) => f.message).join('\n');
  assert.match(msg('ext4-end-bio-03.log'), /BLK_STS_NOSPC.*not a media failure/);
  assert.match(msg('nvme-io-cmd-error-02.log'), /Access Denied \(sct 0x2 \/ sc 0x86\), not proof of bad media/);
  const flush = msg('block-critical-target-01.log');
  assert.match(flush, /FLUSH; critical target error/);
  assert.doesNotMatch(flush, /sector 0/);
  assert.match(msg('btrfs-errs-01.log'), /wr \+1, corrupt \+3/);
  assert.match(msg('block-critical-medium-01.log'), /rate limit dropped 20039 messages.*lower bounds/);
});

test('one block error line in every reader prefix style gives the same record and its time', () => {
  const body = 'I/O error, dev loop6, sector 37888 op 0x1:(WRITE) flags 0x800 phys_seg 61 prio class 2';
  const forms: [string, number | undefined][] = [
    [`[  956.608008] ${body}`, 956.608008],
    [`[  956.608008] [ T1234] ${body}`, 956.608008],
    [`[Tue Dec  8 13:04:24 2020] ${body}`, Date.UTC(2020, 11, 8, 13, 4, 24) / 1000],
    [`Dec  8 13:04:24 host kernel: [  956.608008] ${body}`, 956.608008],
    [`Dec 08 13:04:24.123456 host kernel: ${body}`, Date.UTC(2026, 11, 8, 13, 4, 24) / 1000 + 0.123456],
    [`2020-12-08T13:04:24.123456+00:00 host kernel: ${body}`, Date.UTC(2020, 11, 8, 13, 4, 24) / 1000 + 0.123456],
    [`kern  :err   : [  956.608008] ${body}`, 956.608008],
    [`<3>[  956.608008] ${body}`, 956.608008],
    [`3,1872,956608008,-;${body}`, 956.608008],
    [`2025 Jul  2 06:56:57.749644 sonic ERR kernel: [  956.608008] ${body}`, 956.608008],
    [`10.0.0.1: kern:   alert: [2024-05-13T15:13:11.99476118Z]: ${body}`, Date.UTC(2024, 4, 13, 15, 13, 11) / 1000 + 0.99476118],
    [`  ${body}`, undefined],
  ];
  for (const [line, ts] of forms) {
    const msg = stripLogPrefix(line, 2026);
    const r = recogniseIoError(msg.msg);
    assert.ok(r, line);
    assert.deepEqual([r.kind, r.device, r.sector, r.op, r.errno], ['request', 'loop6', 37888, 'WRITE', -5], line);
    if (ts === undefined) assert.equal(msg.ts, undefined, line);
    else assert.ok(Math.abs(msg.ts! - ts) < 1e-6, `${line}: ${msg.ts} vs ${ts}`);
  }
});

test('lines that only look like I/O errors are not read as failures', () => {
  const none = [
    'BTRFS info (device dm-1): bdev /dev/mapper/AM-2 errs: wr 29, rd 0, flush 0, corrupt 21, gen 0',
    'loop0: detected capacity change from 2048 to 0',
    'device-mapper: multipath: Reinstating path 8:16.',
    'device-mapper: thin: 253:4: switching pool to write mode',
    'nvme nvme0: I/O tag 3 (0003) QID 1 timeout, completion polled',
    'EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)',
    'XFS (dm-0): Mounting V5 Filesystem',
    'sd 0:0:0:0: [sda] Attached SCSI disk',
    'ata1: SATA link up 6.0 Gbps (SStatus 133 SControl 300)',
    'foo_bar: 12 callbacks suppressed',
    'I/O error',
  ];
  for (const line of none) {
    const r = recogniseIoError(line);
    assert.ok(r === undefined || !['request', 'command', 'buffer', 'io', 'timeout'].includes(r.kind), line);
  }
});

test('the recogniser is linear on hostile lines (no backtracking blow-up)', () => {
  const hostile = [
    `${'critical '.repeat(450)} error, dev`,
    `I/O error, dev ${'a'.repeat(4000)}`,
    `EXT4-fs error (device sda): f:1: comm ${'x: '.repeat(1300)}`,
    `bcachefs (sda1): ${' offset 1'.repeat(400)}: data read error: x`,
    `JBD2: Error -5 detected when updating journal superblock for ${'dm-1-'.repeat(800)}8.`,
    `BTRFS: error (device sda) in f:1: errno=-5 ${'('.repeat(2000)}`,
    `sd 0:0:0:0: [sda] Sense Key : ${'Medium '.repeat(500)}`,
    `ata1.00: cmd ${'60/'.repeat(1300)}`,
    `nvme0n1: ${'I/O Cmd'.repeat(500)}(0x2) @ LBA 0, 8 blocks, ${'x'.repeat(2000)}`,
  ];
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) for (const h of hostile) recogniseIoError(h);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${ms.toFixed(0)} ms for ${200 * hostile.length} hostile lines`);
});

test('a log without I/O errors costs the recogniser little (cheap prefilter)', () => {
  const lines = [
    'EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)',
    'usb 1-1: new high-speed USB device number 2 using xhci_hcd',
    'audit: type=1400 audit(1700000000.000:42): apparmor="STATUS" operation="profile_load"',
    '    __schedule+0x2c5/0x770',
    'sd 0:0:0:0: [sda] 976773168 512-byte logical blocks: (500 GB/466 GiB)',
  ];
  const n = 200_000;
  const t0 = performance.now();
  let hits = 0;
  for (let i = 0; i < n; i++) if (recogniseIoError(lines[i % lines.length]!) !== undefined) hits++;
  const ms = performance.now() - t0;
  assert.equal(hits, 0);
  assert.ok(ms < 1500, `${ms.toFixed(0)} ms for ${n} lines`);
});

test('a flood of error lines keeps 20,000 records and says the counts are lower bounds', () => {
  const lines: string[] = [];
  for (let i = 0; i < 25_000; i++) lines.push(`[${(100 + i / 1000).toFixed(6)}] I/O error, dev sdz, sector ${i * 8} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0`);
  const bytes = new TextEncoder().encode(lines.join('\n'));
  const { log } = readKernelLogBytes(bytes);
  assert.equal(log.ioErrors.records.length, 20_000);
  assert.equal(log.ioErrors.dropped.get('sdz'), 5_000);
  const { findings } = findingsOf('flood.log', bytes);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.details['lowerBound'], true);
  assert.match(findings[0]!.message, /5000 more lines of this device were not kept by iolens: the counts are lower bounds/);
  assert.equal(findings[0]!.evidence.length, 201);
});
