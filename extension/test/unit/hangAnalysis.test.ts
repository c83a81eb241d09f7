// The blocked-task analysis on real recordings with both a log and a trace (samples 20 and 21, corpus
// 05b): hung-task findings titled by culprit and grouped, ordered-extent waits explained in words and
// linked to the trace's open extents and outstanding bios, the wait-for graph, alignment by
// sched_process_hang, and the cases that must not be findings (S/R tasks, logs without dumps).
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeBytes, analyzeFiles, assemble } from '../../engine/analyze';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

const s20 = path.join(samplesDir, '20-btrfs-hang');
const s21 = path.join(samplesDir, '21-btrfs-ordered-wait');

function kinds(fs: readonly Finding[], kind: string): Finding[] {
  return fs.filter((f) => f.kind === kind);
}

test('sample 21: umount and sync wait for all ordered extents, flush workers for one, endio-write workers on a held metadata read', async () => {
  const { report } = await analyzeFiles([path.join(s21, 'dmesg-hung-tasks.txt'), path.join(s21, 'trace.txt')]);
  const hung = kinds(report.findings, 'hung-task');
  assert.equal(hung.length, 11);
  assert.ok(hung.every((f) => f.severity === 'error' && f.file.endsWith('dmesg-hung-tasks.txt')));
  // groups: same culprit and same stack (sync and umount share the culprit, not the stack)
  const groups = report.taskGroups.map((g) => `${g.title}×${g.tasks.length}`).sort();
  assert.deepEqual(groups, [
    'task hung in btrfs_start_ordered_extent_nowriteback×1',
    'task hung in btrfs_start_ordered_extent_nowriteback×1',
    'task hung in btrfs_start_ordered_extent_nowriteback×2',
    'task hung in btrfs_wait_ordered_extents×1',
    'task hung in btrfs_wait_ordered_extents×1',
    'task hung in read_extent_buffer_pages×5',
  ]);

  const oe = kinds(report.findings, 'ordered-extent-wait');
  const byPid = new Map(oe.map((f) => [f.details['pid'], f]));
  assert.deepEqual([...byPid.keys()].map(Number).sort((a, b) => a - b), [32, 14061, 20483, 20485, 20489, 20495]);
  const umount = byPid.get(20495)!;
  assert.equal(umount.details['role'], 'umount');
  assert.match(umount.message, /^umount:20495: Umount is syncing the filesystem and waits for all ordered extents; the flush worker kworker\/u8:1:32 itself waits for an ordered extent to complete, so neither can progress until that ordered extent's I\/O completes/);
  assert.match(umount.message, /the 5 btrfs-endio-write workers that finish them .* are blocked themselves in read_extent_buffer_pages, waiting on metadata buffer I\/O/);
  // linked to the trace: the 7 extents open during the hold (their I/O done, never completed before the release)
  const open = umount.details['openExtents'] as { ino: number; ioDoneTs: number | null; finishedTs: number | null }[];
  assert.equal(open.length, 7);
  assert.ok(open.every((x) => x.ioDoneTs !== null && x.finishedTs !== null && x.finishedTs > 2436.7));
  assert.equal(byPid.get(20483)!.details['role'], 'fsync');
  assert.match(byPid.get(20483)!.message, /1 ordered extent\(s\) of inode 1764 were open/);
  assert.equal(byPid.get(20485)!.details['role'], 'punch-hole');
  assert.equal(byPid.get(32)!.details['role'], 'flush-worker');

  // alignment by the 11 sched_process_hang events; the dmesg clock is ~30.47 ms behind the trace's
  assert.equal(report.alignments.length, 1);
  assert.equal(report.alignments[0]!.method, 'sched_process_hang');
  assert.ok(Math.abs(report.alignments[0]!.offset - 0.03047) < 0.001);
  const withHang = report.tasks.filter((t) => (t.trace?.hangEvents.length ?? 0) > 0);
  assert.equal(withHang.length, 11);

  // the held metadata reads are what everything waits for
  const stalled = kinds(report.findings, 'stalled-io');
  assert.equal(stalled.length, 1);
  assert.match(stalled[0]!.message, /RM 7:0 78096\+8/);
  assert.match(stalled[0]!.message, /RM 7:1 77088\+8/);

  // the graph: waiters → resources → flush workers (served-by) and completion workers (completed-by) → reads
  const g = report.waitGraph;
  const edge = (from: string, kind: string, to: string): boolean => g.edges.some((e) => e.from === from && e.kind === kind && e.to === to);
  assert.ok(edge('task:20495', 'waits-on', 'res:ordered-extents:btrfs'));
  assert.ok(edge('res:ordered-extents:btrfs', 'served-by', 'task:32'));
  assert.ok(edge('res:ordered-extents:btrfs', 'served-by', 'task:14061'));
  assert.ok(edge('res:ordered-extent:btrfs', 'completed-by', 'task:14566'));
  assert.ok(g.edges.some((e) => e.from === 'res:buffer:btrfs' && e.kind === 'needs-io' && g.nodes.find((n) => n.id === e.to)?.label === 'RM 7:0 78096+8'));
  assert.equal(g.cycles.length, 0);
  assert.equal(kinds(report.findings, 'wait-cycle').length, 0);
});

test('sample 20: writeback waits inside btrfs_wait_ordered_range, linked to the extent and its bios; the /proc snapshot merges by pid', async () => {
  const { report } = await analyzeFiles([path.join(s20, 'dmesg-hung-tasks.txt'), path.join(s20, 'blocked-tasks.txt'), path.join(s20, 'trace.txt')]);
  assert.equal(kinds(report.findings, 'hung-task').length, 4);
  assert.equal(report.tasks.length, 8);
  assert.ok(report.tasks.filter((t) => t.source === 'hung-task').every((t) => t.alsoReportedAt?.length === 1));
  const fsync = kinds(report.findings, 'ordered-extent-wait').find((f) => f.details['pid'] === 12012)!;
  assert.match(fsync.message, /it sleeps on page writeback, so the data writes of those ordered extents have not completed/);
  assert.match(fsync.message, /ino 259 \[0, \+1048576\)/);
  assert.match(fsync.message, /WS 7:0 29440\+1072/);
  const titles = report.taskGroups.map((g) => g.title).sort();
  assert.deepEqual(titles, ['task hung in btrfs_direct_write', 'task hung in btrfs_wait_ordered_range', 'task hung in btrfs_wait_ordered_range', 'task hung in sync_inodes_sb']);
  const noTs = report.alignments.find((a) => a.log.endsWith('blocked-tasks.txt'))!;
  assert.equal(noTs.method, 'none');
});

test('sample 20 trace alone: sched_process_hang events give hung-task findings without a stack', async () => {
  const { report } = await analyzeFiles([path.join(s20, 'trace.txt')]);
  const hung = kinds(report.findings, 'hung-task');
  assert.deepEqual(hung.map((f) => Number(f.details['pid'])).sort((a, b) => a - b), [12012, 12013, 12014, 12016]);
  assert.ok(hung.every((f) => f.evidence.length === 2 && /analyse it together with the kernel log/.test(f.message)));
});

test('corpus 05b: four tasks on the frozen filesystem, one group per stack, waiting on sb_writers', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '05b-xfs-blocked-tasks-fsfreeze');
  const { report } = await analyzeFiles([path.join(dir, 'dmesg.txt'), path.join(dir, 'report.txt')]);
  const hung = kinds(report.findings, 'hung-task');
  assert.deepEqual(hung.map((f) => `${f.details['comm']}:${f.details['pid']}`), ['fio:4317', 'fio:4319', 'touch:4339', 'xfs_io:4342']);
  assert.ok(hung.every((f) => f.details['waitKind'] === 'frozen-fs'));
  assert.equal(kinds(report.findings, 'ordered-extent-wait').length, 0);
  assert.equal(report.files[0]!.format, 'kernel-log');
});

const CYCLE = [
  'INFO: task a:100 blocked for more than 120 seconds.',
  'task:a               state:D stack:0     pid:100   tgid:100   ppid:1      flags:0x00004000',
  'Call Trace:',
  ' __schedule+0x1/0x2',
  ' __mutex_lock.constprop.0+0x1/0x2',
  ' foo_ioctl+0x1/0x2',
  'INFO: task a:100 is blocked on a mutex likely owned by task b:200.',
  'INFO: task b:200 blocked for more than 120 seconds.',
  'task:b               state:D stack:0     pid:200   tgid:200   ppid:1      flags:0x00004000',
  'Call Trace:',
  ' __schedule+0x1/0x2',
  ' __mutex_lock.constprop.0+0x1/0x2',
  ' bar_release+0x1/0x2',
  'INFO: task b:200 is blocked on a mutex likely owned by task a:100.',
  'task:c               state:S stack:0     pid:300   ppid:1      flags:0x00004000',
  'Call Trace:',
  ' __schedule+0x1/0x2',
  ' do_wait+0x1/0x2',
].join('\n');

test('blocker hints that point at each other are a wait-for cycle; a sleeping task is never blocked', () => {
  const { report } = assemble([analyzeBytes('cycle.log', new TextEncoder().encode(CYCLE))]);
  const cyc = kinds(report.findings, 'wait-cycle');
  assert.equal(cyc.length, 1);
  assert.match(cyc[0]!.message, /a:100 .* b:200|b:200 .* a:100/);
  const hung = kinds(report.findings, 'hung-task');
  assert.deepEqual(hung.map((f) => f.details['title']), ['task hung in foo_ioctl', 'task hung in bar_release']);
  assert.ok(report.tasks.some((t) => t.pid === 300 && !t.blocked));
  assert.ok(!report.waitGraph.nodes.some((n) => n.id === 'task:300'));
});

test('text with no dump stays a non-trace with no findings of the hang kinds', () => {
  const { report } = assemble([analyzeBytes('notes.txt', new TextEncoder().encode('hello\nworld\n'))]);
  assert.equal(report.tasks.length, 0);
  assert.equal(report.findings.filter((f) => f.kind !== 'parse-error').length, 0);
});
