// The kernel-log parser on real logs (corpus 05b, samples 20 and 21, checked against truth written from
// the raw files), on every reader prefix of kernel-formats.md §3.7 (one report, many spellings, one
// result), on the old and pasted forms, and on damaged input (never a crash, every damaged line reported).
import type { DumpedTask } from '../../engine/contracts/report';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSource } from '../../engine/input/byteSource';
import type { KernelLogResult } from '../../engine/klog/kernelLogParser';
import { parseKernelLogSource, parseKernelLogText } from '../../engine/klog/readKernelLog';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

/** Parses a log file streamed from disk in slices. */
async function parseKernelLogFile(file: string): Promise<KernelLogResult> {
  const source = await FileSource.open(file);
  try {
    return (await parseKernelLogSource(source)).log;
  } finally {
    await source.close();
  }
}

const s20 = path.join(samplesDir, '20-btrfs-hang');
const s21 = path.join(samplesDir, '21-btrfs-ordered-wait');

function brief(t: DumpedTask): string {
  return `${t.comm}:${t.pid}:${t.state}`;
}

test('sample 20 dmesg: four hung-task reports, each a D task with its frames, registers and line range', async () => {
  const r = await parseKernelLogFile(path.join(s20, 'dmesg-hung-tasks.txt'));
  assert.deepEqual(r.tasks.map(brief), ['xfs_io:12012:D', 'xfs_io:12013:D', 'xfs_io:12014:D', 'sync:12016:D']);
  const t = r.tasks[0]!;
  assert.equal(t.source, 'hung-task');
  assert.equal(t.hungSeconds, 4);
  assert.equal(t.kernel, '6.18.44-fc-v657');
  assert.equal(t.tgid, 12012);
  assert.equal(t.ppid, 11961);
  assert.equal(t.firstLine, 1);
  assert.equal(t.lastLine, 65);
  assert.equal(t.ts, 401.627605);
  assert.equal(t.timeSource, 'monotonic');
  // 51 frame lines, 13 of them reliable (the `? ` ones are kept, flagged)
  assert.equal(t.frames.length, 51);
  assert.equal(t.frames.filter((f) => f.reliable).length, 13);
  assert.deepEqual(t.frames.filter((f) => f.reliable).slice(0, 9).map((f) => f.func), [
    '__schedule', 'schedule', 'io_schedule', 'folio_wait_bit', 'folio_wait_writeback', '__filemap_fdatawait_range', 'filemap_fdatawait_range', 'btrfs_wait_ordered_range', 'btrfs_sync_file',
  ]);
  assert.deepEqual(t.frames[0], { func: '__schedule', offset: 0x3cc, size: 0xf50, reliable: true, line: 7 });
  // RIP and the register dump are kept with the task, not as frames
  assert.equal(t.extra.length, 7);
  assert.match(t.extra[0]!.text, /^RIP: 0033:/);
  assert.deepEqual(r.dumps.map((d) => d.kind), ['hung-task', 'hung-task', 'hung-task', 'hung-task']);
  assert.equal(r.diagnostics.length, 0);
});

test('sample 20 /proc/PID/stack snapshot: four D tasks with their ps state', async () => {
  const r = await parseKernelLogFile(path.join(s20, 'blocked-tasks.txt'));
  assert.deepEqual(r.tasks.map(brief), ['xfs_io:12012:D', 'xfs_io:12013:D', 'xfs_io:12014:D', 'sync:12016:D']);
  assert.ok(r.tasks.every((t) => t.source === 'proc-stack' && t.frames.length === 10 && t.frames.every((f) => f.reliable)));
  assert.equal(r.tasks[3]!.frames[6]!.func, 'ksys_sync');
});

interface Truth {
  comm: string;
  pid: number;
  state: string;
  hungSeconds?: number;
  firstFrame: string;
  frames: number;
  waitsIn: string;
}

for (const file of ['dmesg-hung-tasks.txt', 'blocked-tasks.txt']) {
  test(`sample 21 ${file}: every task as the truth written from the raw log says`, async () => {
    const truth = (JSON.parse(readFileSync(path.join(s21, 'tasks-truth.json'), 'utf8')) as Record<string, Truth[]>)[file]!;
    const r = await parseKernelLogFile(path.join(s21, file));
    assert.equal(r.tasks.length, truth.length);
    for (const [i, exp] of truth.entries()) {
      const t = r.tasks[i]!;
      assert.equal(t.pid, exp.pid);
      assert.equal(t.comm, exp.comm);
      assert.equal(t.state, exp.state);
      if (exp.hungSeconds !== undefined) assert.equal(t.hungSeconds, exp.hungSeconds);
      assert.equal(t.frames.length, exp.frames, `${exp.comm}:${exp.pid} frames`);
      assert.equal(t.frames.find((f) => f.reliable)?.func, exp.firstFrame);
      assert.ok(t.frames.some((f) => f.reliable && f.func === exp.waitsIn), `${exp.pid} waits in ${exp.waitsIn}`);
    }
    assert.equal(r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  });
}

test('corpus 05b: the four tasks blocked on the frozen xfs, from dmesg and from the /proc snapshot', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '05b-xfs-blocked-tasks-fsfreeze');
  const d = await parseKernelLogFile(path.join(dir, 'dmesg.txt'));
  assert.deepEqual(d.tasks.map(brief), ['fio:4317:D', 'fio:4319:D', 'touch:4339:D', 'xfs_io:4342:D']);
  assert.ok(d.tasks.every((t) => t.ts !== undefined && t.ts > 1059.55 && t.ts < 1059.56));
  assert.ok(d.tasks.every((t) => t.frames.some((f) => f.func === 'percpu_rwsem_wait' && f.reliable)));
  const s = await parseKernelLogFile(path.join(dir, 'blocked-tasks-snapshot.txt'));
  assert.deepEqual(s.tasks.map(brief), ['fio:4317:D', 'fio:4319:D', 'touch:4339:D', 'xfs_io:4342:D']);
});

test('corpus: logs without dumps give no tasks and no diagnostics', { skip: !haveCorpus }, async () => {
  for (const f of ['04-btrfs-io-errors/dmesg.txt', '04-btrfs-io-errors/faultfs-daemon.log']) {
    const r = await parseKernelLogFile(path.join(corpusDir, f));
    assert.equal(r.tasks.length, 0, f);
    assert.equal(r.diagnostics.length, 0, f);
  }
});

// One 6.18 hung-task report; each reader prefix of kernel-formats.md §3.7 applied to every line.
const REPORT = [
  'INFO: task my io-worker 1:20379 blocked for more than 122 seconds.',
  '      Tainted: G        W  OE      6.18.44-fc-v657 #1',
  '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
  'task:my io-worker 1  state:D stack:0     pid:20379 tgid:20370 ppid:1      task_flags:0x400040 flags:0x00004000',
  'Workqueue: btrfs-flush_delalloc btrfs_work_helper [btrfs]',
  'Call Trace:',
  ' <TASK>',
  ' __schedule+0x3cc/0xf50',
  ' ? srso_return_thunk+0x5/0x5f',
  ' schedule+0x23/0xa0',
  ' btrfs_start_ordered_extent_nowriteback+0x1a2/0x1f0 [btrfs 3b1c0f6f2a1d4e5f60718293a4b5c6d7e8f90a1b]',
  ' btrfs_run_ordered_extent_work+0x1a/0x30 [btrfs]',
  ' btrfs_work_helper+0xd8/0x340 [btrfs]',
  ' process_one_work+0x176/0x330',
  ' worker_thread+0x252/0x390',
  ' kthread+0xf4/0x200',
  ' ret_from_fork+0x1a9/0x1e0',
  ' </TASK>',
];
const PREFIXES: [string, (i: number) => string][] = [
  ['dmesg', (i) => `[  446.${String(431446 + i).padStart(6, '0')}] `],
  ['console with caller id', (i) => `[  446.${String(431446 + i).padStart(6, '0')}][T20379] `],
  ['dmesg 2.40 caller id', (i) => `[  446.${String(431446 + i).padStart(6, '0')}] [T20379] `],
  ['dmesg -T', () => '[Sat Nov 21 02:02:57 2026] '],
  ['dmesg -x', (i) => `kern  :err   : [  446.${String(431446 + i).padStart(6, '0')}] `],
  ['dmesg -r', (i) => `<3>[  446.${String(431446 + i).padStart(6, '0')}] `],
  ['dmesg iso', () => '2026-11-21T02:02:57,431446+00:00 '],
  ['dmesg -d', (i) => `[  446.${String(431446 + i).padStart(6, '0')} <    0.000006>] `],
  ['/dev/kmsg', (i) => `3,${368 + i},${446431446 + i},-;`],
  ['journalctl -k', () => 'Nov 21 02:02:57 host kernel: '],
  ['journalctl short-precise', () => 'Nov 21 02:02:57.431446 host kernel: '],
  ['journalctl short-iso-precise', () => '2026-11-21T02:02:57.431446+00:00 host kernel: '],
  ['journalctl short-monotonic', (i) => `[  446.${String(431446 + i).padStart(6, '0')}] host kernel: `],
  ['rsyslog traditional', (i) => `Nov  1 02:02:57 host kernel: [  446.${String(431446 + i).padStart(6, '0')}] `],
  ['mail quote', () => '> '],
  ['indentation lost', () => ''],
];

for (const [name, prefix] of PREFIXES) {
  test(`reader prefix: ${name}`, () => {
    const lines = REPORT.map((l, i) => prefix(i) + (name === 'indentation lost' ? l.trimStart() : l));
    const r = parseKernelLogText(['some unrelated line', ...lines, 'another unrelated line'].join('\n') + '\n');
    assert.equal(r.tasks.length, 1, JSON.stringify(r.diagnostics));
    const t = r.tasks[0]!;
    assert.equal(t.comm, 'my io-worker 1');
    assert.equal(t.pid, 20379);
    assert.equal(t.tgid, 20370);
    assert.equal(t.state, 'D');
    assert.equal(t.hungSeconds, 122);
    assert.equal(t.kernel, '6.18.44-fc-v657');
    assert.deepEqual(t.workqueue, { name: 'btrfs-flush_delalloc', func: 'btrfs_work_helper', module: 'btrfs' });
    assert.equal(t.frames.length, 10);
    assert.equal(t.frames.filter((f) => f.reliable).length, 9);
    assert.equal(t.frames[3]!.module, 'btrfs');
    assert.equal(t.firstLine, 2);
    assert.equal(t.lastLine, 19);
    assert.equal(r.diagnostics.length, 0);
    if (/dmesg$|caller|-x|-r|-d|kmsg|monotonic|rsyslog/.test(name)) {
      assert.equal(t.timeSource, 'monotonic');
      assert.ok(Math.abs(t.ts! - 446.431446) < 1e-6, `ts ${t.ts}`);
    } else if (/-T|iso|journalctl/.test(name)) {
      assert.equal(t.timeSource, 'wall-clock');
    }
  });
}

test('5.4 column header with a comm that has spaces; sysrq-w; no <TASK> markers; old address frames', () => {
  const r = parseKernelLogText(
    [
      '[ 9001.000001] sysrq: Show Blocked State',
      '[ 9001.000002]   task                        PC stack   pid father',
      '[ 9001.000003] kworker/u20:31  D    0 1457865      2 0x80000000',
      '[ 9001.000004] Workqueue: btrfs-flush_delalloc btrfs_work_helper [btrfs]',
      '[ 9001.000005] Call Trace:',
      '[ 9001.000006]  __schedule+0x2e3/0x740',
      '[ 9001.000007]  schedule+0x42/0xb0',
      '[ 9001.000008]  btrfs_start_ordered_extent+0x10c/0x150 [btrfs]',
      '[ 9001.000009]  btrfs_run_ordered_extent_work+0x1a/0x30 [btrfs]',
      '[ 9001.000010] my worker 2     D    0  4242   4200 0x00000000',
      '[ 9001.000011] Call Trace:',
      '[ 9001.000012]  [<ffffffff810a6c1d>] ? schedule+0x3d/0x90',
      '[ 9001.000013]  [<ffffffff810a6c1d>] schedule+0x3d/0x90',
      '[ 9001.000014]  [<ffffffffa0123456>] btrfs_wait_ordered_extents+0x1f0/0x230 [btrfs]',
    ].join('\n'),
  );
  assert.deepEqual(r.tasks.map(brief), ['kworker/u20:31:1457865:D', 'my worker 2:4242:D']);
  assert.ok(r.tasks.every((t) => t.source === 'sysrq-w'));
  assert.equal(r.tasks[0]!.ppid, 2);
  assert.equal(r.tasks[0]!.frames.length, 4);
  assert.deepEqual(r.tasks[1]!.frames.map((f) => `${f.reliable ? '' : '? '}${f.func}`), ['? schedule', 'schedule', 'btrfs_wait_ordered_extents']);
  assert.deepEqual(r.dumps.map((d) => [d.kind, d.taskIndexes.length]), [['sysrq-w', 2]]);
});

test('sysrq-t: running and sleeping tasks are parsed with their state, an <IRQ> stack is marked', () => {
  const r = parseKernelLogText(
    [
      'sysrq: Show State',
      'task:bash            state:S stack:0     pid:1000  ppid:999    flags:0x00000002',
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x3cc/0xf50',
      ' do_wait+0x5b/0xf0',
      ' </TASK>',
      'task:fio             state:R  running task     stack:0     pid:1001  ppid:1000   flags:0x00004000',
      'Call Trace:',
      ' <IRQ>',
      ' sysrq_handle_showstate+0x10/0x20',
      ' </IRQ>',
      ' <TASK>',
      ' blk_mq_submit_bio+0x1/0x2',
      ' </TASK>',
      'task:kworker/0:1     state:I stack:0     pid:1002  ppid:2      flags:0x00004000',
      'task:xfs_io          state:D stack:0     pid:1003  ppid:1000   flags:0x00004000',
      'Call Trace:',
      ' __schedule+0x3cc/0xf50',
    ].join('\n'),
  );
  assert.deepEqual(r.tasks.map(brief), ['bash:1000:S', 'fio:1001:R', 'kworker/0:1:1002:I', 'xfs_io:1003:D']);
  assert.equal(r.tasks[1]!.running, true);
  assert.equal(r.tasks[1]!.frames[0]!.stack, 'IRQ');
  assert.equal(r.tasks[1]!.frames[1]!.stack, undefined);
  assert.ok(r.tasks.every((t) => t.source === 'sysrq-t'));
});

test('pasted in a mail: re-wrapped header lines are joined, quoting and prose are skipped', () => {
  const r = parseKernelLogText(
    [
      'Hi all,',
      '',
      'after upgrading we see this hang on umount:',
      '',
      '> INFO: task umount:7731 blocked for more',
      '> than 120 seconds.',
      '> task:umount          state:D stack:0     pid:7731  tgid:7731',
      '> ppid:7700   flags:0x00004002',
      '> Call Trace:',
      '> <TASK>',
      '> __schedule+0x3cc/0xf50',
      '> schedule+0x23/0xa0',
      '> schedule_timeout+0x11e/0x160',
      '> wait_for_completion+0x8a/0x160',
      '> btrfs_wait_ordered_extents+0x3b1/0x430 [btrfs]',
      '> btrfs_wait_ordered_roots+0x172/0x1c0 [btrfs]',
      '> btrfs_sync_fs+0x4f/0x1c0 [btrfs]',
      '> sync_filesystem+0x6e/0x90',
      '> generic_shutdown_super+0x22/0x110',
      '> </TASK>',
      '',
      'Any idea? Thanks,',
      'A. Developer',
    ].join('\n'),
  );
  assert.deepEqual(r.tasks.map(brief), ['umount:7731:D']);
  const t = r.tasks[0]!;
  assert.equal(t.hungSeconds, 120);
  assert.equal(t.ppid, 7700);
  assert.equal(t.firstLine, 5);
  assert.equal(t.lastLine, 20);
  assert.equal(t.frames.length, 9);
});

test('arm32 "(A) from (B)" and arm64 "Call trace:" frames', () => {
  const r = parseKernelLogText(
    [
      'task:kworker/u4:2    state:D stack:0     pid:77    ppid:2      flags:0x00000000',
      'Backtrace: ',
      '[<c0a1b2c3>] (__schedule) from [<c0a1b2d0>] (schedule+0x48/0xa0)',
      '[<c0a1b2d0>] (schedule) from [<c0a1b2e0>] (io_schedule+0x20/0x40)',
      '[<c0a1b2e0>] (io_schedule) from [<c0a1b2f0>] (folio_wait_bit_common+0x150/0x2f0)',
      'task:sync            state:D stack:0     pid:78    ppid:1      flags:0x00000000',
      'Call trace:',
      '  __switch_to+0x9c/0xc0',
      '  __schedule+0x2c4/0x6c0',
      '  schedule+0x40/0xd0',
      '  wb_wait_for_completion+0x88/0xc0',
      'pc : __switch_to+0x9c/0xc0',
    ].join('\n'),
  );
  assert.deepEqual(r.tasks.map(brief), ['kworker/u4:2:77:D', 'sync:78:D']);
  assert.deepEqual(r.tasks[0]!.frames.map((f) => f.func), ['__schedule', 'schedule', 'io_schedule', 'folio_wait_bit_common']);
  assert.deepEqual(r.tasks[1]!.frames.map((f) => f.func), ['__switch_to', '__schedule', 'schedule', 'wb_wait_for_completion']);
  assert.equal(r.tasks[1]!.extra.length, 1);
});

test('blocker hints attach to the hung task; the owner printed after them is a task of its own', () => {
  const r = parseKernelLogText(
    [
      '[  446.431446] INFO: task python3:25394 blocked for more than 8 seconds.',
      '[  446.432373]       Not tainted 6.18.44-fc-v657 #1',
      '[  446.432936] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      '[  446.433863] task:python3         state:D stack:0     pid:25394 tgid:25394 ppid:1      task_flags:0x400000 flags:0x00080001',
      '[  446.433876] Call Trace:',
      '[  446.433926]  __schedule+0x3cc/0xf50',
      '[  446.433927]  rwsem_down_write_slowpath+0x1e0/0x6c0',
      '[  446.433928]  down_write+0x66/0x70',
      '[  446.433929]  xfs_ilock+0xf7/0x100',
      '[  446.434681] INFO: task python3:25394 <writer> blocked on an rw-semaphore likely owned by task dd:25386 <reader>',
      '[  446.435931] task:dd              state:D stack:0     pid:25386 tgid:25386 ppid:1      task_flags:0x400000 flags:0x00080001',
      '[  446.435935] Call Trace:',
      '[  446.435940]  __schedule+0x3cc/0xf50',
      '[  446.435965]  __iomap_dio_rw+0x5ea/0x8d0',
      '[  454.623453] Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings',
    ].join('\n'),
  );
  assert.deepEqual(r.tasks.map(brief), ['python3:25394:D', 'dd:25386:D']);
  assert.deepEqual(r.tasks[0]!.blocker, { lock: 'rw-semaphore', role: 'writer', ownerComm: 'dd', ownerPid: 25386, ownerRole: 'reader', line: 10 });
  assert.equal(r.tasks[1]!.source, 'blocker');
  assert.equal(r.diagnostics.length, 0);
});

test('damaged input: truncated frames, junk inside a stack, orphan frames, CRLF, a megabyte line, binary garbage', () => {
  const lines = [
    '[  1.000000] INFO: task fsync-er:42 blocked for more than 120 seconds.\r',
    '[  1.000001] task:fsync-er        state:D stack:0     pid:42    ppid:1      flags:0x00004000\r',
    '[  1.000002] Call Trace:\r',
    '[  1.000003]  __schedule+0x3cc/0xf50',
    '[  1.000004]  \u0001\u0002\u0003\ufffd\ufffd garbage',
    '[  1.000005]  btrfs_wait_ordered_range+0x7b/0x110',
    '[  1.000006]  btrfs_sync_fi',
    'x'.repeat(2 * 1024 * 1024),
    'prose 1',
    'prose 2',
    'prose 3',
    '[  2.000000]  schedule+0x23/0xa0',
    '[  2.000001]  io_schedule+0x3f/0x60',
    '\u0000\u0000\u0000\u0000',
  ];
  const r = parseKernelLogText(lines.join('\n'));
  assert.deepEqual(r.tasks.map(brief), ['fsync-er:42:D']);
  assert.equal(r.tasks[0]!.frames.length, 2);
  const warned = r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.line);
  assert.ok(warned.includes(5), `junk line: ${JSON.stringify(r.diagnostics)}`);
  assert.ok(warned.includes(7), 'truncated frame');
  assert.ok(warned.includes(8), 'megabyte line');
  assert.ok(warned.includes(12), 'orphan frames');
  assert.equal(r.lines, 14);
});

test('empty input and text without dumps', () => {
  assert.equal(parseKernelLogText('').tasks.length, 0);
  const r = parseKernelLogText('hello\nworld\n[ 1.0] usb 1-1: new device\n');
  assert.equal(r.tasks.length, 0);
  assert.equal(r.diagnostics.length, 0);
});
