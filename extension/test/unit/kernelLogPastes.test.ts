// Kernel logs as people paste them (issue 12): recognised anywhere in a file (after prose, behind indentation,
// `> ` quoting, markdown fences and backticks, behind every reader prefix), lines a mail client or a console
// re-wrapped, frames of every architecture and era (arm32 `(callee) from (caller+off/len [mod])` of 3.x, 4.x and
// 6.x, ppc64 with `(unreliable)`, arm64 with `(T)` marks, faddr2line and syzkaller symbolisation), the state a
// paste gives apart from a stack (`/proc/PID/stat`, `/proc/PID/status`, `ps`), a file holding a trace and a log
// read as both, and the memory budget of dumps (a 100,000-task dump, a 10,000-frame stack).
//
// Each example is an excerpt of a public report, cited above it, trimmed to the lines the test needs (the
// whitespace, wrapping and prefixes kept as published), or says that it is constructed and from what.
import type { Finding } from '../../engine/contracts/finding';
import type { DumpedTask } from '../../engine/contracts/report';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeBytes, assemble, closeModel } from '../../engine/analyze';
import { sniffContent } from '../../engine/ingest/sniffContent';
import { sniffInput } from '../../engine/input/sniffInput';
import { culpritFrame, orderedExtentWait, waitResource } from '../../engine/hang/stackFacts';
import { KernelLogParser } from '../../engine/klog/kernelLogParser';
import { stripLogPrefix } from '../../engine/klog/logPrefix';
import { parseKernelLogText } from '../../engine/klog/readKernelLog';
import { samplesDir } from './helpers/paths';

/** Analyses text as the CLI does (sniff, then the reader it picks), in memory. */
function analyse(name: string, text: string): { findings: Finding[]; kind: string; model: string } {
  const bytes = new TextEncoder().encode(text);
  const model = analyzeBytes(name, bytes);
  const { report } = assemble([model]);
  void closeModel(model);
  return { findings: report.findings, kind: sniffInput(bytes.subarray(0, 65536), bytes.length).kind, model: model.kind };
}

const of = (fs: readonly Finding[], kind: string): Finding[] => fs.filter((f) => f.kind === kind);
const funcs = (t: DumpedTask, n = 99): string[] => t.frames.slice(0, n).map((f) => `${f.reliable ? '' : '? '}${f.func}${f.offset !== undefined ? `+0x${f.offset.toString(16)}` : ''}${f.module ? ` [${f.module}]` : ''}`);

// --- Recognised anywhere --------------------------------------------------------------------------------

// Issue 12, first failing example: a line of prose, then a log indented by two spaces (the stack is
// github.com/ocurrent/obuilder/issues/47's 5.4 flush_delalloc worker, re-indented as the issue describes).
const PROSE_INDENTED = `After the upgrade our builders hang; dmesg says:

  [5723372.036165] INFO: task kworker/u160:18:3878172 blocked for more than 120 seconds.
  [5723372.036200]       Not tainted 5.4.0-53-generic #59-Ubuntu
  [5723372.036336] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
  [5723372.036355] kworker/u160:18 D    0 3878172      2 0x00000808
  [5723372.036392] Workqueue: btrfs-flush_delalloc btrfs_work_helper [btrfs]
  [5723372.036393] Call Trace:
  [5723372.036403]  __switch_to+0x2dc/0x450
  [5723372.036407]  __schedule+0x2ec/0x930
  [5723372.036409]  schedule+0x58/0x130
  [5723372.036412]  schedule_preempt_disabled+0x20/0x30
  [5723372.036415]  __mutex_lock.isra.0+0x2b8/0x790
  [5723372.036443]  btrfs_start_delalloc_roots+0x78/0x3f0 [btrfs]
  [5723372.036471]  flush_space+0x694/0xa80 [btrfs]

Any idea?
`;

test('prose, then a log indented by two spaces: a kernel log, its task found, no parse errors', () => {
  assert.equal(sniffContent(PROSE_INDENTED), 'kernel-log');
  const r = analyse('mail.txt', PROSE_INDENTED);
  assert.equal(r.kind, 'kernel-log');
  assert.deepEqual(of(r.findings, 'hung-task').map((f) => [f.line, f.details['pid'], f.details['culprit']]), [[3, 3878172, 'btrfs_start_delalloc_roots']]);
  assert.deepEqual(of(r.findings, 'parse-error'), []);
  const t = parseKernelLogText(PROSE_INDENTED).tasks[0]!;
  assert.equal(t.ts, 5723372.036165);
  assert.equal(t.workqueue?.name, 'btrfs-flush_delalloc');
});

// github.com/raspberrypi/linux/issues/2557: `/var/log/kern.log` lines (syslog without a host name: `May 17
// 18:48:11 kernel: [ts]`) pasted as a markdown code block (four spaces), arm32 4.14 frames.
const SYSLOG_CODE_BLOCK = `Kernel issue?

    May 17 18:48:11 kernel: [ 6141.921740] INFO: task kworker/u8:0:5 blocked for more than 120 seconds.
    May 17 18:48:11 kernel: [ 6141.921764]       Tainted: G         C      4.14.17-v7+ #1090
    May 17 18:48:11 kernel: [ 6141.921774] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
    May 17 18:48:11 kernel: [ 6141.921785] kworker/u8:0    D    0     5      2 0x00000000
    May 17 18:48:11 kernel: [ 6141.921812] Workqueue: writeback wb_workfn (flush-8:1-fuseblk)
    May 17 18:48:11 kernel: [ 6141.921849] [<807762c0>] (__schedule) from [<80776938>] (schedule+0x50/0xa8)
    May 17 18:48:11 kernel: [ 6141.921868] [<80776938>] (schedule) from [<8014ac8c>] (io_schedule+0x20/0x40)
    May 17 18:48:11 kernel: [ 6141.921887] [<8014ac8c>] (io_schedule) from [<8021c4e4>] (__lock_page+0x100/0x128)
    May 17 18:48:11 kernel: [ 6141.921906] [<8021c4e4>] (__lock_page) from [<8022bb78>] (write_cache_pages+0x30c/0x4d4)
    May 17 18:48:11 kernel: [ 6141.921985] [<8022bb78>] (write_cache_pages) from [<7f4ba618>] (fuse_writepages+0x80/0xe4 [fuse])
    May 17 18:48:11 kernel: [ 6141.922075] [<7f4ba618>] (fuse_writepages [fuse]) from [<8022e284>] (do_writepages+0x30/0x8c)
    May 17 18:48:11 kernel: [ 6141.922094] [<8022e284>] (do_writepages) from [<802ba854>] (__writeback_single_inode+0x44/0x430)
`;

test('syslog lines without a host, in an indented code block after prose: read, the kernel stamp kept', () => {
  const r = analyse('kern.log', SYSLOG_CODE_BLOCK);
  assert.equal(r.kind, 'kernel-log');
  const log = parseKernelLogText(SYSLOG_CODE_BLOCK);
  assert.equal(log.tasks.length, 1);
  const t = log.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.state, t.source, t.hungSeconds, t.ts, t.kernel], ['kworker/u8:0', 5, 'D', 'hung-task', 120, 6141.92174, '4.14.17-v7+']);
  assert.equal(culpritFrame(t)?.func, 'write_cache_pages');
  assert.equal(waitResource(t).kind, 'folio-lock');
  // the callee `(fuse_writepages [fuse])` takes its module and its offset from the line above
  assert.deepEqual(funcs(t), ['__schedule', 'schedule+0x50', 'io_schedule+0x20', '__lock_page+0x100', 'write_cache_pages+0x30c', 'fuse_writepages+0x80 [fuse]', 'do_writepages+0x30', '__writeback_single_inode+0x44']);
});

// Reader prefixes behind quoting and indentation, one per line (constructed from kernel-formats.md §3.7).
test('reader prefixes are read behind `> `, `>> `, tabs, code-block indentation and markdown backticks', () => {
  const msg = 'INFO: task python3:25394 blocked for more than 8 seconds.';
  const cases: [string, number | undefined][] = [
    [`> [  446.431446] ${msg}`, 446.431446],
    [`>> > [  446.431446] ${msg}`, 446.431446],
    [`\t[  446.431446] ${msg}`, 446.431446],
    [`        Nov 21 02:02:57 host kernel: [  446.431446] ${msg}`, 446.431446],
    [`  <6>[  446.431446][T25394] ${msg}`, 446.431446],
    [`> kern  :err   : [  446.431446] ${msg}`, 446.431446],
    [`\`[  446.431446] ${msg}\``, 446.431446],
    [`jan 28 02:42:26 tuf kernel: ${msg}`, Date.UTC(2026, 0, 28, 2, 42, 26) / 1000],
    [`[So Jan  5 13:49:21 2020] ${msg}`, Date.UTC(2020, 0, 5, 13, 49, 21) / 1000],
    [`[Mon Jan 6 13:25:28 2025] ${msg}`, Date.UTC(2025, 0, 6, 13, 25, 28) / 1000],
    [`[Feb 5 15:31] ${msg}`, Date.UTC(2026, 1, 5, 15, 31) / 1000],
    [`[Sep11 18:40] ${msg}`, Date.UTC(2026, 8, 11, 18, 40) / 1000],
    [`[  +0.000015] ${msg}`, undefined],
    [`>>>> 15:52:20,316 ERR kernel:${msg}`, undefined],
    [`jan\u00a028 02:42:26 tuf kernel:\u00a0${msg}`, Date.UTC(2026, 0, 28, 2, 42, 26) / 1000],
  ];
  for (const [line, ts] of cases) {
    const m = stripLogPrefix(line, 2026);
    assert.equal(m.msg, msg, line);
    assert.equal(m.prefixed, true, line);
    assert.equal(m.ts, ts, line);
  }
  // an indented line without a reader prefix keeps its blanks (a frame's own leading blank is part of it)
  assert.deepEqual(stripLogPrefix('    __schedule+0x2ec/0x930', 2026), { msg: '    __schedule+0x2ec/0x930', timeSource: 'none', prefixed: false });
  // a markdown fence is not stripped to nothing
  assert.equal(stripLogPrefix('```', 2026).msg, '```');
});

// github.com/qualcomm-linux/kernel/issues/258 (6.19-rc8, arm64): the log indented by sixteen spaces, kernel
// caller ids, `Call trace:` and the 6.13+ `(T)` source mark on the first frame.
const ARM64_CALLER_IDS = `Bootup issue observed on Talos KBDev with 6.19-rc8

                [  244.878944][   T74] INFO: task swapper/0:1 blocked for more than 120 seconds.
                [  244.886342][   T74]       Not tainted 6.19.0-rc8-00567-gc10784363e6a #1
                [  244.893160][   T74] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
                [  244.901926][   T74] task:swapper/0       state:D stack:10416 pid:1     tgid:1     ppid:0      task_flags:0x0140 flags:0x00000010
                [  244.913832][   T74] Call trace:
                [  244.917082][   T74]  __switch_to+0x108/0x1c8 (T)
                [  244.921861][   T74]  __schedule+0x2fc/0x740
                [  244.926189][   T74]  schedule+0x38/0xb8
                [  244.930158][   T74]  schedule_timeout+0x130/0x148
                [  244.935020][   T74]  __wait_for_common+0xec/0x1f8
                [  244.940071][   T74]  wait_for_completion+0x28/0x40
                [  244.945016][   T74]  __flush_work+0x8c/0x110
                [  244.949409][   T74]  flush_work+0x38/0x50
                [  244.953533][   T74]  deferred_probe_initcall+0x64/0xc8
                [  244.958814][   T74]  do_one_initcall+0x60/0x2c0
`;

test('arm64 `Call trace:` with `(T)` marks and caller ids, indented by sixteen spaces', () => {
  const log = parseKernelLogText(ARM64_CALLER_IDS);
  assert.equal(log.tasks.length, 1);
  const t = log.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.tgid, t.ppid, t.state, t.hungSeconds], ['swapper/0', 1, 1, 0, 'D', 120]);
  assert.equal(t.frames.length, 10);
  assert.ok(t.frames.every((f) => f.reliable));
  assert.equal(culpritFrame(t)?.func, '__flush_work');
  assert.equal(waitResource(t).kind, 'completion');
  assert.deepEqual(log.diagnostics, []);
});

// --- Frames of every architecture and era ----------------------------------------------------------------

// Issue 12, third failing example: github.com/raspberrypi/firmware/issues/1035 (4.14 arm32, `dmesg -H`):
// callees without offsets, the module inside the parentheses.
const ARM32_DMESG_H = `I'm facing quite annoying issue with btrfs file system on external USB hard drive.

[Sep11 18:40] INFO: task btrfs-transacti:1357 blocked for more than 120 seconds.
[  +0.000015]       Not tainted 4.14.69-v7+ #1141
[  +0.000005] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[  +0.000008] btrfs-transacti D    0  1357      2 0x00000000
[  +0.000046] [<8079d990>] (__schedule) from [<8079dff8>] (schedule+0x50/0xa8)
[  +0.000558] [<8079dff8>] (schedule) from [<7f50b754>] (btrfs_start_ordered_extent+0x128/0x158 [btrfs])
[  +0.000971] [<7f50b754>] (btrfs_start_ordered_extent [btrfs]) from [<7f50bcfc>] (btrfs_wait_ordered_range+0x140/0x18c [btrfs])
[  +0.000938] [<7f50bcfc>] (btrfs_wait_ordered_range [btrfs]) from [<7f53e2a0>] (__btrfs_wait_cache_io+0x50/0x1e4 [btrfs])
[  +0.000937] [<7f53e2a0>] (__btrfs_wait_cache_io [btrfs]) from [<7f540d18>] (btrfs_wait_cache_io+0x40/0x48 [btrfs])
[  +0.000926] [<7f540d18>] (btrfs_wait_cache_io [btrfs]) from [<7f4d4470>] (btrfs_start_dirty_block_groups+0x170/0x41c [btrfs])
[  +0.000928] [<7f4d4470>] (btrfs_start_dirty_block_groups [btrfs]) from [<7f4e7f44>] (btrfs_commit_transaction+0x154/0xc2c [btrfs])
`;

test('arm32 `(callee) from (caller+off/len [mod])` frames (4.14, dmesg -H): the call chain of x86, the ordered-extent wait found', () => {
  const log = parseKernelLogText(ARM32_DMESG_H);
  assert.deepEqual(log.diagnostics, []);
  assert.equal(log.tasks.length, 1);
  const t = log.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.state, t.source, t.hungSeconds, t.firstLine, t.lastLine], ['btrfs-transacti', 1357, 'D', 'hung-task', 120, 3, 13]);
  // each function once, innermost first, with the offset and module its caller's line gives it
  assert.deepEqual(funcs(t), [
    '__schedule',
    'schedule+0x50',
    'btrfs_start_ordered_extent+0x128 [btrfs]',
    'btrfs_wait_ordered_range+0x140 [btrfs]',
    '__btrfs_wait_cache_io+0x50 [btrfs]',
    'btrfs_wait_cache_io+0x40 [btrfs]',
    'btrfs_start_dirty_block_groups+0x170 [btrfs]',
    'btrfs_commit_transaction+0x154 [btrfs]',
  ]);
  // a frame is the callee's line (the line that shows the function running)
  assert.equal(t.frames[2]!.line, 9);
  assert.equal(culpritFrame(t)?.func, 'btrfs_start_ordered_extent');
  assert.equal(orderedExtentWait(t)?.waitIn.func, 'btrfs_start_ordered_extent');
  const r = analyse('dmesg-H.txt', ARM32_DMESG_H);
  assert.deepEqual(of(r.findings, 'hung-task').map((f) => f.details['culprit']), ['btrfs_start_ordered_extent']);
  assert.deepEqual(of(r.findings, 'ordered-extent-wait').map((f) => [f.line, f.details['waitIn'], f.details['role']]), [[9, 'btrfs_start_ordered_extent', 'commit']]);
});

test('arm32 lines re-wrapped by a mail client at 72 columns are joined (the same report as above)', () => {
  const wrapped = ARM32_DMESG_H.split('\n')
    .flatMap((l) => {
      if (l.length <= 72) return [l];
      const cut = l.lastIndexOf(' ', 72);
      return [l.slice(0, cut), l.slice(cut + 1)];
    })
    .join('\n');
  assert.ok(wrapped.split('\n').length > ARM32_DMESG_H.split('\n').length + 5);
  const log = parseKernelLogText(wrapped);
  assert.deepEqual(log.diagnostics.map((d) => d.message), []);
  const t = log.tasks[0]!;
  assert.deepEqual(funcs(t), funcs(parseKernelLogText(ARM32_DMESG_H).tasks[0]!));
  assert.equal(t.hungSeconds, 120);
});

// 3.10 arm32 prints the callee with its offset: austindhkim.tistory.com/258 (a WARNING's `dump_stack`).
const ARM32_3X = `[ 7165.092596] CPU: 3 PID: 1373 Comm: mmcqd/0 Tainted: P        W  O 3.10.44+ #1
[ 7165.101579] [<c0017344>] (unwind_backtrace+0x0/0x144) from [<c0013874>] (show_stack+0x20/0x24)
[ 7165.111750] [<c0013874>] (show_stack+0x20/0x24) from [<c0936350>] (dump_stack+0x20/0x28)
[ 7165.121489] [<c0936350>] (dump_stack+0x20/0x28) from [<c0028848>] (warn_slowpath_common+0x5c/0x7c)
[ 7165.132133] [<c0028848>] (warn_slowpath_common+0x5c/0x7c) from [<c0028894>] (warn_slowpath_null+0x2c/0x34)
[ 7165.143418] [<c0028894>] (warn_slowpath_null+0x2c/0x34) from [<c0048600>] (__cancel_work_timer+0x12c/0x178)
`;

test('arm32 3.x `(callee+off/len) from (caller+off/len)` frames', () => {
  const log = parseKernelLogText(ARM32_3X);
  const t = log.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.source], ['mmcqd/0', 1373, 'dump']);
  assert.deepEqual(funcs(t), ['unwind_backtrace+0x0', 'show_stack+0x20', 'dump_stack+0x20', 'warn_slowpath_common+0x5c', 'warn_slowpath_null+0x2c', '__cancel_work_timer+0x12c']);
});

// github.com/raspberrypi/linux/issues/6960 (6.12 arm32): `Call trace: ` with a trailing blank, frames
// `callee from caller+off/len` without addresses, then the Exception stack register dump.
const ARM32_6X = `[  243.683849] INFO: task vchiq-keep/0:208 blocked for more than 122 seconds.
[  243.683904]       Not tainted 6.12.38-0-rpi #1-Alpine
[  243.683917] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[  243.683927] task:vchiq-keep/0    state:D stack:0     pid:208   tgid:208   ppid:2      flags:0x00000000
[  243.683960] Call trace: 
[  243.683977]  __schedule from schedule+0x20/0x134
[  243.684028]  schedule from schedule_preempt_disabled+0xc/0x10
[  243.684059]  schedule_preempt_disabled from kthread+0x88/0xd8
[  243.684095]  kthread from ret_from_fork+0x14/0x28
[  243.684123] Exception stack(0xdfae1fb0 to 0xdfae1ff8)
[  243.684143] 1fa0:                                     00000000 00000000 00000000 00000000
[  243.684164] 1fc0: 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
[  243.684217] 1fe0: 00000000 00000000 00000000 00000000 00000013 00000000
`;

test('arm32 6.x `callee from caller+off/len` frames and the Exception stack', () => {
  const log = parseKernelLogText(ARM32_6X);
  assert.deepEqual(log.diagnostics, []);
  const t = log.tasks[0]!;
  assert.deepEqual(funcs(t), ['__schedule', 'schedule+0x20', 'schedule_preempt_disabled+0xc', 'kthread+0x88', 'ret_from_fork+0x14']);
  assert.equal(culpritFrame(t)?.func, 'kthread');
  assert.equal(t.lastLine, 13);
});

// github.com/ocurrent/obuilder/issues/47 (5.4 ppc64le): `[sp] [pc] func+off/len`, the first frame a bare
// address marked `(unreliable)`.
const PPC64 = `[5723372.036165] INFO: task kworker/u160:18:3878172 blocked for more than 120 seconds.
[5723372.036200]       Not tainted 5.4.0-53-generic #59-Ubuntu
[5723372.036336] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[5723372.036355] kworker/u160:18 D    0 3878172      2 0x00000808
[5723372.036392] Workqueue: btrfs-flush_delalloc btrfs_work_helper [btrfs]
[5723372.036393] Call Trace:
[5723372.036397] [c000000a65f872d0] [c000000a65f87380] 0xc000000a65f87380 (unreliable)
[5723372.036403] [c000000a65f874b0] [c000000000021a1c] __switch_to+0x2dc/0x450
[5723372.036407] [c000000a65f87520] [c000000000eebd7c] __schedule+0x2ec/0x930
[5723372.036409] [c000000a65f87600] [c000000000eec418] schedule+0x58/0x130
[5723372.036412] [c000000a65f87630] [c000000000eeca30] schedule_preempt_disabled+0x20/0x30
[5723372.036415] [c000000a65f87650] [c000000000eeed48] __mutex_lock.isra.0+0x2b8/0x790
[5723372.036443] [c000000a65f87710] [c008000001e112c0] btrfs_start_delalloc_roots+0x78/0x3f0 [btrfs]
[5723372.036471] [c000000a65f877c0] [c008000001eb72ec] flush_space+0x694/0xa80 [btrfs]
`;

test('ppc64 `[sp] [pc] func+off/len` frames: `(unreliable)` is not reliable, the rest is', () => {
  const log = parseKernelLogText(PPC64);
  assert.deepEqual(log.diagnostics, []);
  const t = log.tasks[0]!;
  assert.deepEqual(funcs(t, 4), ['? 0xc000000a65f87380', '__switch_to+0x2dc', '__schedule+0x2ec', 'schedule+0x58']);
  assert.equal(t.frames.length, 8);
  assert.equal(culpritFrame(t)?.func, 'btrfs_start_delalloc_roots');
  assert.equal(waitResource(t).kind, 'mutex');
});

// Symbolised stacks. faddr2line output with `(inlined by)` lines without a prefix, under `dmesg -H` stamps:
// github.com/koverstreet/bcachefs/issues/648 (6.7). syzkaller's `func file:line [inline]` frames:
// github.com/sched-ext/sched_ext/issues/131 (6.7).
const FADDR2LINE = `[Feb 5 15:31] INFO: task kworker/u16:1:13 blocked for more than 122 seconds.
[  +0.000005]       Not tainted 6.7.3-zen1-2-zen #1
[  +0.000002] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
[  +0.000001] task:kworker/u16:1   state:D stack:0     pid:13    tgid:13    ppid:2      flags:0x00004000
[  +0.000004] Workqueue: btree_update btree_interior_update_work [bcachefs]
[  +0.000043] Call Trace:
[  +0.000001]  <TASK>
[  +0.000003]  context_switch at kernel/sched/core.c:5376
                    (inlined by) __schedule at kernel/sched/core.c:6688
[  +0.000006]  ? srso_alias_return_thunk at arch/x86/lib/retpoline.S:181
[  +0.000003]  ? __bch2_time_stats_update at fs/bcachefs/util.c:403 (discriminator 1)
[  +0.000040]  __preempt_count_sub at arch/x86/include/asm/preempt.h:85 (discriminator 13)
                    (inlined by) __schedule_loop at kernel/sched/core.c:6764 (discriminator 13)
                    (inlined by) schedule at kernel/sched/core.c:6778 (discriminator 13)
[  +0.000003]  __closure_sync at lib/closure.c:132 (discriminator 4)
`;
const SYZ_INLINE = `INFO: task kworker/u4:5:1105 blocked for more than 143 seconds.
      Not tainted 6.7.0-g65c265174d11 #7
"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
task:kworker/u4:5    state:D stack:11608 pid:1105  tgid:1105  ppid:2      flags:0x00004000
Workqueue: events_unbound bpf_map_free_deferred
Call Trace:
 <TASK>
 context_switch home/xingyi/fuzz/externals/sched_ext/kernel/sched/core.c:5446 [inline]
 __schedule+0x3ff/0xfc0 home/xingyi/fuzz/externals/sched_ext/kernel/sched/core.c:6766
 __schedule_loop home/xingyi/fuzz/externals/sched_ext/kernel/sched/core.c:6841 [inline]
 schedule+0x44/0x140 home/xingyi/fuzz/externals/sched_ext/kernel/sched/core.c:6856
 schedule_timeout+0x1bb/0x1d0 home/xingyi/fuzz/externals/sched_ext/kernel/time/timer.c:2143
 do_wait_for_common home/xingyi/fuzz/externals/sched_ext/kernel/sched/completion.c:95 [inline]
 __wait_for_common+0xbc/0x1e0 home/xingyi/fuzz/externals/sched_ext/kernel/sched/completion.c:116
`;

test('symbolised frames: faddr2line `func at file:line` with `(inlined by)`, syzkaller `func file:line [inline]`', () => {
  const a = parseKernelLogText(FADDR2LINE);
  assert.deepEqual(a.diagnostics, []);
  const t = a.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.hungSeconds, t.workqueue?.module], ['kworker/u16:1', 13, 122, 'bcachefs']);
  assert.deepEqual(funcs(t), ['context_switch', '__schedule', '? srso_alias_return_thunk', '? __bch2_time_stats_update', '__preempt_count_sub', '__schedule_loop', 'schedule', '__closure_sync']);
  // the scheduler's inline helpers and the closure wait are primitives: no culprit among the printed frames
  assert.equal(culpritFrame(t)?.func, 'context_switch');
  const b = parseKernelLogText(SYZ_INLINE);
  assert.deepEqual(b.diagnostics, []);
  assert.deepEqual(funcs(b.tasks[0]!), ['context_switch', '__schedule+0x3ff', '__schedule_loop', 'schedule+0x44', 'schedule_timeout+0x1bb', 'do_wait_for_common', '__wait_for_common+0xbc']);
});

// --- State from the paste ---------------------------------------------------------------------------------

// Issue 12, fourth failing example: github.com/btrfs/linux/issues/313 (5.14): a /proc/PID/stack paste whose
// command computes the pid (`pidof`), then the same task's /proc/PID/stat and /proc/PID/status.
const PROC_STAT_STATUS = `I found that \`systemd-sleep\` is in uninterruptible sleep:
\`
# cat /proc/\`pidof systemd-sleep\`/stack
[<0>] btrfs_wait_ordered_roots+0x59/0x210
[<0>] btrfs_sync_fs+0x3d/0x180
[<0>] iterate_supers+0x98/0xf0
[<0>] ksys_sync+0x60/0xb0
[<0>] ksys_sync_helper+0x13/0x80
[<0>] pm_suspend.cold+0x235/0x374
[<0>] state_store+0x71/0xd0
[<0>] kernfs_fop_write_iter+0x11c/0x1b0
[<0>] new_sync_write+0x11c/0x1b0
[<0>] vfs_write+0x203/0x2a0
[<0>] ksys_write+0x5f/0xe0
[<0>] do_syscall_64+0x40/0x80
[<0>] entry_SYSCALL_64_after_hwframe+0x44/0xae

# cat /proc/\`pidof systemd-sleep\`/stat
638591 (systemd-sleep) D 1 638591 638591 0 -1 4194560 454 893 0 0 0 0 0 1 20 0 1 0 84971203 14434304 1361 18446744073709551615 94196019257344 94196019262629 140729509966368 0 0 256 0 4096 0 0 0 0 17 0 0 0 0 0 0 94196019276752 94196019277848 94196027453440 140729509973780 140729509973819 140729509973819 140729509973977 0

# cat /proc/\`pidof systemd-sleep\`/status
Name:	systemd-sleep
Umask:	0022
State:	D (disk sleep)
Tgid:	638591
Ngid:	0
Pid:	638591
PPid:	1
`;

test('/proc/PID/stack with the same task\'s /proc/PID/stat and status: pid, comm and state D from the paste, said in the finding', () => {
  const log = parseKernelLogText(PROC_STAT_STATUS);
  assert.equal(log.tasks.length, 1);
  const t = log.tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.state, t.source, t.stateFrom], ['systemd-sleep', 638591, 'D', 'proc-stack', { how: 'proc-stat', line: 19 }]);
  assert.equal(t.frames.length, 13);
  const r = analyse('paste.txt', PROC_STAT_STATUS);
  assert.equal(r.kind, 'kernel-log');
  const hung = of(r.findings, 'hung-task');
  assert.equal(hung.length, 1);
  assert.match(hung[0]!.message, /^task hung in btrfs_wait_ordered_roots: systemd-sleep:638591 waits on all ordered extents of the filesystem \(btrfs\) \(state D from \/proc\/638591\/stat, line 19\)/);
  assert.ok(hung[0]!.evidence.some((e) => e.line === 19 && /state D of systemd-sleep \(pid 638591\)/.test(e.role)));
  assert.deepEqual([hung[0]!.details['stateFrom'], hung[0]!.details['stateLine']], ['proc-stat', 19]);
  assert.deepEqual(of(r.findings, 'ordered-extent-wait').map((f) => [f.details['waitIn'], f.details['role']]), [['btrfs_wait_ordered_roots', 'sync']]);
});

// github.com/microsoft/wslg/issues/991: ` cat /proc/9/status` without a prompt and `State:  D (disk sleep)`
// with blanks instead of a tab. The stack is constructed (a stack paste beside it, as its thread asks for).
test('/proc/PID/status alone gives the state (and its Name: the comm) of the stack of its pid', () => {
  const text = ` cat /proc/9/status
Name:   weston
Umask:  0000
State:  D (disk sleep)
Tgid:   9
Ngid:   0
Pid:    9
PPid:   6

 cat /proc/9/stack
[<0>] io_schedule+0x46/0x70
[<0>] folio_wait_bit_common+0x13d/0x350
[<0>] filemap_fault+0x3c8/0xb00
[<0>] __do_fault+0x39/0x120
`;
  const t = parseKernelLogText(text).tasks[0]!;
  assert.deepEqual([t.comm, t.pid, t.state, t.stateFrom], ['weston', 9, 'D', { how: 'proc-status', line: 4 }]);
});

// github.com/raspberrypi/linux/issues/1777: `ps ax` behind a shell prompt, with its header; the /proc stack
// of pid 1 after it is constructed.
test('a ps table (header, BSD STAT letters) gives the state of a /proc stack of the same pid', () => {
  const text = `root@wifibroadcast(ro):~# ps ax
  PID TTY      STAT   TIME COMMAND
    1 ?        Ds     0:01 /sbin/init nofsck noswap
    2 ?        S      0:00 [kthreadd]
    5 ?        S<     0:00 [kworker/0:0H]
root@wifibroadcast(ro):~# cat /proc/1/stack
[<0>] __lock_page+0x100/0x128
[<0>] write_cache_pages+0x30c/0x4d4
`;
  const t = parseKernelLogText(text).tasks[0]!;
  assert.deepEqual([t.pid, t.state, t.stateFrom], [1, 'D', { how: 'ps', line: 3 }]);
});

// github.com/cloudfoundry/garden-runc-release/issues/141: `ps -eLo pid,tid,ppid,user:11,comm,state,wchan`,
// the state in an `S` column before WCHAN; the thread id is the task. The /proc stack is constructed.
test('a ps table with a TID column and an S column reads each row by its header', () => {
  const text = `# ps -eLo pid,tid,ppid,user:11,comm,state,wchan | grep "D "
    PID     TID    PPID USER        COMMAND         S WCHAN
    141     141       2 root        kswapd0         D xfs_reclaim_inodes_ag
3862146 3899178       1 root        gdn             D xfs_reclaim_inodes_ag
3863259 3863276       1 vcap        loggregator-age D call_rwsem_down_write_failed_killable
# cat /proc/3899178/stack
[<0>] xfs_reclaim_inodes_ag+0x1f2/0x300 [xfs]
[<0>] xfs_reclaim_inodes_nr+0x31/0x40 [xfs]
`;
  const t = parseKernelLogText(text).tasks[0]!;
  assert.deepEqual([t.pid, t.state, t.stateFrom?.how], [3899178, 'D', 'ps']);
});

test('prose that says "D state" is not a state source (samples/22 pasted-mail.txt: pid 4321 stays without a state)', () => {
  const text = readFileSync(path.join(samplesDir, '22-kernel-log-forms', 'pasted-mail.txt'), 'utf8');
  const t = parseKernelLogText(text).tasks.find((x) => x.pid === 4321)!;
  assert.equal(t.state, '?');
  assert.equal(t.stateFrom, undefined);
});

// --- A file with a trace and a log ------------------------------------------------------------------------

test('a trace with a kernel log pasted in its middle is read as both, in one pass', () => {
  const trace = readFileSync(path.join(samplesDir, '20-btrfs-hang', 'trace.txt'), 'utf8').split('\n');
  const text = [...trace.slice(0, 120), ...ARM32_DMESG_H.split('\n'), ...trace.slice(120)].join('\n');
  const bytes = new TextEncoder().encode(text);
  assert.equal(sniffInput(bytes.subarray(0, 65536), bytes.length).kind, 'text');
  const model = analyzeBytes('mixed.txt', bytes);
  try {
    assert.equal(model.kind, 'trace');
    if (model.kind !== 'trace') return;
    assert.ok(model.ingest.events > 200);
    assert.equal(model.log?.tasks.length, 1);
    const { report } = assemble([model]);
    assert.deepEqual(of(report.findings, 'ordered-extent-wait').map((f) => [f.file, f.line]), [['mixed.txt', 129]]);
    // the log's lines are not reported as trace lines that could not be read (its prose line is)
    assert.deepEqual(of(report.findings, 'parse-error').filter((f) => f.line > 121 && f.line < 135), []);
  } finally {
    void closeModel(model);
  }
});

test('a file whose head is a log and which holds trace events further down says so', () => {
  const trace = readFileSync(path.join(samplesDir, '20-btrfs-hang', 'trace.txt'), 'utf8').split('\n').slice(1, 40).filter((l) => !l.startsWith('#'));
  const filler = Array.from({ length: 3000 }, (_, i) => `[ ${String(100 + i).padStart(5)}.000000] usb 1-1: new high-speed USB device number ${i} using xhci_hcd`);
  const text = [...ARM32_DMESG_H.split('\n'), ...filler, ...trace].join('\n');
  const bytes = new TextEncoder().encode(text);
  assert.equal(sniffInput(bytes.subarray(0, 65536), bytes.length).kind, 'kernel-log');
  const log = parseKernelLogText(text);
  const d = log.diagnostics.find((x) => x.what === 'trace event lines in a kernel log');
  assert.ok(d, log.diagnostics.map((x) => x.message).join('\n'));
  assert.match(d.message, /look like trace events/);
});

// --- Bounded memory -----------------------------------------------------------------------------------------

test('a sysrq-t dump of 100,000 tasks keeps every blocked task and at most 20,000 others, and says what it cut', () => {
  const p = new KernelLogParser();
  let line = 0;
  p.pushLine('[    1.000000] sysrq: Show State', ++line);
  for (let i = 0; i < 100_000; i++) {
    const st = i % 50 === 0 ? 'D' : 'S';
    p.pushLine(`[    1.000000] task:worker${i % 997}      state:${st} stack:0     pid:${1000 + i} tgid:${1000 + i} ppid:2      flags:0x00004000`, ++line);
    p.pushLine(`[    1.000000]  io_schedule+0x${(i % 4096).toString(16)}/0x100`, ++line);
  }
  const r = p.finish();
  assert.equal(r.tasks.filter((t) => t.state === 'D').length, 2000);
  assert.equal(r.tasks.filter((t) => t.state !== 'D').length, 20_000);
  const cut = r.diagnostics.filter((d) => d.what === 'tasks not kept (memory budget)');
  assert.equal(cut.length, 1);
  assert.match(cut[0]!.message, /^78000 task\(s\) from here on were counted, not kept/);
  assert.equal(r.dumps.length, 1);
});

test('a stack of 10,000 frames keeps its top and bottom and says what it cut; a 100,000-line item is cut at the region budget', () => {
  const frames = (n: number): string[] => Array.from({ length: n }, (_, i) => ` recurse_${i % 7}+0x${(16 + i).toString(16)}/0x200`);
  const head = ['INFO: task deep:42 blocked for more than 120 seconds.', 'task:deep            state:D stack:0     pid:42    tgid:42    ppid:2      flags:0x00004000', 'Call Trace:'];
  const a = parseKernelLogText([...head, ' __schedule+0x10/0x100', ' btrfs_start_ordered_extent+0x10/0x100 [btrfs]', ...frames(10_000), ' ret_from_fork+0x1f/0x30'].join('\n'));
  const t = a.tasks[0]!;
  assert.equal(t.frames.length, 256);
  assert.deepEqual(funcs(t, 2), ['__schedule+0x10', 'btrfs_start_ordered_extent+0x10 [btrfs]']);
  assert.equal(t.frames.at(-1)!.func, 'ret_from_fork');
  assert.equal(orderedExtentWait(t)?.waitIn.func, 'btrfs_start_ordered_extent');
  assert.deepEqual(a.diagnostics.map((d) => [d.severity, d.message]), [['info', 'the stack of deep:42 has 10003 frames: its top 192 and bottom 64 are kept, the 9747 between them are not (memory budget)']]);
  const b = parseKernelLogText([...head, ...frames(100_000)].join('\n'));
  assert.equal(b.tasks[0]!.frames.length, 256);
  const cut = b.diagnostics.find((d) => d.what === 'dump lines not kept (memory budget)')!;
  assert.deepEqual([cut.line, cut.endLine], [20_001, 100_003]);
});

test('interned names and comms are capped in length; diagnostics are capped in number', () => {
  const long = `f${'x'.repeat(3000)}`;
  const log = parseKernelLogText([`INFO: task ${'c'.repeat(3000)}:7 blocked for more than 120 seconds.`, 'Call Trace:', ` __schedule+0x10/0x100`, ` ${long}+0x10/0x100`].join('\n'));
  const t = log.tasks[0]!;
  assert.equal(t.comm.length, 65);
  assert.equal(t.frames[1]!.func.length, 257);
  assert.ok(t.frames[1]!.func.endsWith('…'));
  const junk = Array.from({ length: 12_000 }, (_, i) => `task:broken${i} state:D`).join('\nplain text between\nmore text\nand more\n');
  const d = parseKernelLogText(junk).diagnostics;
  assert.equal(d.length, 5001);
  assert.match(d.at(-1)!.message, /^7000 more diagnostic\(s\) not listed/);
});

test('hostile lines stay linear: 4,000-character lines of header fragments parse in milliseconds', () => {
  const pieces = ['task: ', 'task:\t', 'INFO: task a:1 ', '[<0>] (a) from ', '+0x1/0x2 [', '> ', '` ', 'State: ', 'PID STAT ', '1 (a) D ', '\u00a0'];
  for (const piece of pieces) {
    const line = piece.repeat(Math.ceil(4000 / piece.length));
    const p = new KernelLogParser();
    const t0 = performance.now();
    for (let i = 1; i <= 40; i++) p.pushLine(i % 2 === 0 ? line : `task:${line}`, i);
    p.finish();
    assert.ok(performance.now() - t0 < 400, `${JSON.stringify(piece)}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
});
