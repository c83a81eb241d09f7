/**
 * stackFacts: what a blocked task's stack says: its culprit frame (the first meaningful caller, skipping
 * scheduler, wait, lock-primitive and completion frames, as syzkaller titles hangs), the resource it
 * sleeps on (ordered extents, folio writeback, an inode lock, a frozen filesystem, a transaction, the
 * journal, request-queue throttling…), and, for btrfs ordered-extent waits, the role of the waiter.
 *
 * Only reliable frames count: `? ` frames are stack-scan noise.
 */
import type { DumpedTask, StackFrame } from '../contracts/report';

/** Strips compiler suffixes: `foo.isra.0`, `foo.constprop.0`, `foo.cold`, `foo.part.1`. */
export function baseName(func: string): string {
  const i = func.indexOf('.');
  return i > 0 ? func.slice(0, i) : func;
}

const SKIP: readonly RegExp[] = [
  // scheduler and context switch
  /^(?:__)?schedule(?:_timeout\w*|_preempt_disabled|_hrtimeout\w*|_idle|_rtlock)?$/,
  /^io_schedule(?:_timeout)?$/,
  /^(?:preempt_schedule\w*|__switch_to\w*|context_switch|__cond_resched|_cond_resched|do_nanosleep|usleep_range\w*|msleep\w*)$/,
  // inline helpers of schedule() that symbolised stacks (faddr2line, syzkaller) print as frames of their own
  /^(?:__schedule_loop|__preempt_count_\w+|preempt_count_\w+)$/,
  // waits and completions
  /^(?:__)?wait_for_(?:completion\w*|common\w*)$/,
  /^(?:do_)?wait_for_common\w*$/,
  /^(?:__)?wait_event\w*$/,
  /^(?:prepare_to_wait\w*|finish_wait|autoremove_wake_function|woken_wake_function|wait_woken)$/,
  /^(?:__|out_of_line_)?wait_on_bit\w*$/,
  /^bit_wait\w*$/,
  /^(?:__)?(?:folio_wait_bit\w*|folio_wait_writeback\w*|folio_wait_stable|__folio_lock\w*|folio_lock\w*|lock_page\w*|__lock_page\w*|wait_on_page_\w+|__wait_on_page_\w+)$/,
  /^(?:__)?filemap_fdatawait\w*$/,
  /^(?:filemap_write_and_wait\w*|file_write_and_wait\w*|__filemap_fdatawrite\w*|filemap_fdatawrite\w*)$/,
  /^(?:__)?wait_on_buffer$/,
  // 3.x: the bit-wait action of __wait_on_buffer
  /^sleep_on_buffer$/,
  // bcachefs closures
  /^(?:__)?closure_sync\w*$/,
  /^(?:synchronize_rcu\w*|rcu_barrier\w*|__synchronize_srcu\w*|synchronize_srcu\w*|rcu_sync_\w+)$/,
  /^(?:wake_page_function|__pfx_\w+|srso_\w+|__x86_return_thunk|return_to_handler)$/,
  // lock primitives
  /^(?:__)?mutex_lock\w*$/,
  /^__mutex_lock\w*$/,
  /^(?:__)?ww_mutex_lock\w*$/,
  /^rwsem_down_\w+$/,
  // 4.x: the assembly thunk between down_read/down_write and rwsem_down_*_failed
  /^call_rwsem_down_\w+$/,
  /^(?:__)?down(?:_read|_write)?(?:_killable|_interruptible|_trylock|_nested|_common|_timeout)?\w*$/,
  /^(?:__)?percpu_(?:rwsem_wait|down_read\w*|down_write|rwsem_down_\w+)$/,
  /^(?:__)?rt_(?:mutex|spin|read|write)\w*$/,
  /^(?:_raw_\w*lock\w*|queued_\w*lock\w*|native_queued_spin_lock_slowpath|osq_lock|__lock_sock|lock_sock_nested)$/,
  // bcachefs six locks
  /^(?:__)?six_lock_\w+$/,
  // generic rq-qos throttling wait: the policy that called it (wbt_wait, ioc_rqos_throttle…) is the culprit
  /^rq_qos_wait$/,
];

/** True for frames that never name the culprit: scheduler, waits, locks, completions, thunks. */
export function isPrimitive(func: string): boolean {
  const b = baseName(func);
  return SKIP.some((re) => re.test(b));
}

export function reliableFrames(t: DumpedTask): StackFrame[] {
  return t.frames.filter((f) => f.reliable && !f.func.startsWith('0x'));
}

/** The first reliable frame that is not a primitive; the first reliable frame when all are. */
export function culpritFrame(t: DumpedTask): StackFrame | undefined {
  const frames = reliableFrames(t);
  return frames.find((f) => !isPrimitive(f.func)) ?? frames[0];
}

/** `task hung in btrfs_start_ordered_extent` (syzkaller style). */
export function hangTitle(t: DumpedTask): string {
  const c = culpritFrame(t);
  return c ? `task hung in ${baseName(c.func)}` : 'task hung (no stack)';
}

/** Culprit plus the reliable stack: tasks with equal signatures are grouped. */
export function stackSignature(t: DumpedTask): string {
  return `${culpritFrame(t)?.func ?? '?'}|${reliableFrames(t)
    .map((f) => baseName(f.func))
    .join('<')}`;
}

export type WaitKind =
  | 'ordered-extent'
  | 'ordered-extents'
  | 'folio-writeback'
  | 'folio-lock'
  | 'inode-lock'
  | 'frozen-fs'
  | 'mutex'
  | 'rwsem'
  | 'transaction'
  | 'journal'
  | 'log-force'
  | 'wbt-throttle'
  | 'request-queue'
  | 'bio'
  | 'direct-io'
  | 'fs-writeback'
  | 'buffer'
  | 'completion'
  | 'rcu'
  | 'other';

/** Wait kinds that end when I/O completes. */
export const IO_WAITS: ReadonlySet<WaitKind> = new Set<WaitKind>([
  'ordered-extent',
  'ordered-extents',
  'folio-writeback',
  'bio',
  'direct-io',
  'fs-writeback',
  'buffer',
  'wbt-throttle',
  'request-queue',
]);

export interface WaitResource {
  readonly kind: WaitKind;
  /** Node key in the wait-for graph: tasks waiting on the same key wait on the same resource. */
  readonly key: string;
  /** Words: `ordered extents of btrfs`, `writeback of btrfs folios`… */
  readonly label: string;
  /** Filesystem guessed from the frames (`btrfs`, `xfs`, `ext4`…), if any. */
  readonly fs?: string;
  /** The frame that decided the kind. */
  readonly frame?: StackFrame;
}

const FS_PREFIX = /^(btrfs|xfs|ext4|jbd2|f2fs|nfs|cifs|smb2|ceph|fuse|ocfs2|gfs2|bcachefs|zonefs|erofs|overlayfs|ovl)_/;

export function filesystemOf(t: DumpedTask): string | undefined {
  for (const f of reliableFrames(t)) {
    const m = FS_PREFIX.exec(baseName(f.func));
    if (m) return m[1] === 'jbd2' ? 'ext4' : m[1] === 'ovl' ? 'overlayfs' : m[1];
    if (f.module && /^(btrfs|xfs|ext4|f2fs|nfs|fuse)$/.test(f.module)) return f.module;
  }
  if (t.workqueue) {
    const m = /^(btrfs|xfs|ext4|jbd2|f2fs|nfs)/.exec(t.workqueue.name);
    if (m) return m[1] === 'jbd2' ? 'ext4' : m[1];
  }
  return undefined;
}

interface Rule {
  readonly kind: WaitKind;
  readonly re: RegExp;
  readonly label: (fs: string, f: StackFrame, next: StackFrame | undefined) => string;
}

const on = (fs: string): string => (fs ? ` (${fs})` : '');

/** In stack order: the first rule matching a frame, from the top of the stack, decides. */
const RULES: readonly Rule[] = [
  { kind: 'ordered-extents', re: /^btrfs_wait_ordered_(?:extents|roots)$/, label: (fs) => `all ordered extents of the filesystem${on(fs)}` },
  { kind: 'ordered-extent', re: /^btrfs_start_ordered_extent\w*$/, label: (fs) => `an ordered extent${on(fs)}` },
  { kind: 'folio-writeback', re: /^(?:folio_wait_writeback|wait_on_page_writeback|__filemap_fdatawait_range|filemap_fdatawait\w*|folio_wait_stable)$/, label: (fs) => `writeback of file pages${on(fs)}` },
  { kind: 'folio-lock', re: /^(?:__folio_lock\w*|folio_lock\w*|__lock_page\w*|lock_page\w*)$/, label: (fs) => `a page (folio) lock${on(fs)}` },
  { kind: 'frozen-fs', re: /^(?:percpu_rwsem_wait|__percpu_down_read|percpu_down_read\w*|__sb_start_write\w*|sb_start_write\w*)$/, label: (fs) => `sb_writers of a frozen filesystem${on(fs)}` },
  { kind: 'wbt-throttle', re: /^(?:rq_qos_wait|wbt_wait|__wbt_wait|blk_throtl\w*|iocost\w*|ioc_rqos_throttle)$/, label: () => 'request-queue throttling (wbt / rq-qos)' },
  { kind: 'request-queue', re: /^(?:blk_mq_get_tag|blk_queue_enter|bio_queue_enter|__bio_queue_enter|blk_mq_freeze_queue_wait\w*)$/, label: () => 'the request queue (tags, or a frozen queue)' },
  { kind: 'transaction', re: /^(?:wait_current_trans|wait_for_commit|btrfs_wait_for_commit|btrfs_commit_transaction|wait_trans_state\w*|btrfs_wait_tree_log\w*|xfs_trans_alloc\w*|xfs_trans_reserve)$/, label: (fs) => `the transaction commit${on(fs)}` },
  { kind: 'journal', re: /^(?:jbd2_log_wait_commit|jbd2_\w*wait\w*|wait_transaction_\w+|start_this_handle|add_transaction_credits|jbd2_journal_lock_updates|__jbd2_log_wait_for_space)$/, label: () => 'the ext4 journal (jbd2)' },
  { kind: 'log-force', re: /^(?:xlog_wait\w*|xlog_grant_head_wait|_xfs_log_force\w*|xfs_log_force\w*|xlog_cil_force\w*|xfs_ail_push_all_sync)$/, label: () => 'the xfs log' },
  { kind: 'direct-io', re: /^(?:inode_dio_wait\w*|__iomap_dio_rw|iomap_dio_rw|__blockdev_direct_IO|blkdev_direct_IO\w*)$/, label: (fs) => `direct I/O completion${on(fs)}` },
  { kind: 'bio', re: /^(?:submit_bio_wait|blk_execute_rq|blk_wait_io|__submit_bio_wait)$/, label: () => 'a bio to complete' },
  { kind: 'buffer', re: /^(?:__wait_on_buffer|wait_on_buffer|sleep_on_buffer|__bread_slow|xfs_buf_iowait|xfs_buf_lock|read_extent_buffer_pages\w*|btrfs_read_extent_buffer|wait_on_extent_buffer_writeback)$/, label: (fs) => `metadata buffer I/O${on(fs)}` },
  { kind: 'fs-writeback', re: /^(?:wb_wait_for_completion|sync_inodes_sb|writeback_inodes_sb\w*|sync_inodes_one_sb)$/, label: (fs) => `writeback of the whole filesystem${on(fs)}` },
  {
    kind: 'inode-lock',
    re: /^(?:inode_lock\w*|xfs_ilock\w*|btrfs_inode_lock|ext4_\w*inode_lock\w*|lock_two_nondirectories|filemap_invalidate_lock\w*)$/,
    label: (fs, f) => `an inode lock (${baseName(f.func)})${fs ? ` on ${fs}` : ''}`,
  },
  { kind: 'rcu', re: /^(?:synchronize_rcu\w*|rcu_barrier\w*|synchronize_srcu\w*)$/, label: () => 'an RCU grace period' },
];

const MUTEX = /^(?:__mutex_lock\w*|mutex_lock\w*|ww_mutex_lock\w*)$/;
const RWSEM = /^(?:rwsem_down_\w+|call_rwsem_down_\w+|down_read\w*|down_write\w*)$/;
const COMPLETION = /^(?:wait_for_completion\w*|__wait_for_common|wait_for_common\w*)$/;

/** What the task sleeps on, from its stack. */
export function waitResource(t: DumpedTask): WaitResource {
  const frames = reliableFrames(t);
  const fs = filesystemOf(t) ?? '';
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const b = baseName(f.func);
    for (const r of RULES) {
      if (r.re.test(b)) {
        const key = r.kind === 'inode-lock' ? `${r.kind}:${fs}:${b}` : `${r.kind}:${fs}`;
        return { kind: r.kind, key, label: r.label(fs, f, frames[i + 1]), ...(fs ? { fs } : {}), frame: f };
      }
    }
    if (MUTEX.test(b) || RWSEM.test(b) || COMPLETION.test(b)) {
      const caller = frames.slice(i + 1).find((g) => !isPrimitive(g.func));
      const who = caller ? baseName(caller.func) : b;
      const kind: WaitKind = MUTEX.test(b) ? 'mutex' : RWSEM.test(b) ? 'rwsem' : 'completion';
      const what = kind === 'mutex' ? 'a mutex' : kind === 'rwsem' ? 'an rw-semaphore' : 'a completion';
      // The lock or completion is named by the function that takes it; look further for a known resource.
      const deeper = caller ? RULES.find((r) => r.re.test(baseName(caller.func))) : undefined;
      if (deeper) return { kind: deeper.kind, key: deeper.kind === 'inode-lock' ? `${deeper.kind}:${fs}:${who}` : `${deeper.kind}:${fs}`, label: deeper.label(fs, caller!, undefined), ...(fs ? { fs } : {}), frame: caller! };
      return { kind, key: `${kind}:${who}`, label: `${what} taken in ${who}`, ...(fs ? { fs } : {}), ...(caller ? { frame: caller } : { frame: f }) };
    }
  }
  const c = culpritFrame(t);
  return { kind: 'other', key: `other:${c ? baseName(c.func) : '?'}`, label: c ? `something in ${baseName(c.func)}` : 'an unknown resource', ...(fs ? { fs } : {}), ...(c ? { frame: c } : {}) };
}

/** btrfs functions that wait for ordered extents (the issue's list, plus their 5.x spellings). */
const OE_WAIT = /^(?:btrfs_start_ordered_extent\w*|btrfs_wait_ordered_range|btrfs_wait_ordered_extents|btrfs_wait_ordered_roots|btrfs_lock_and_flush_ordered_range|btrfs_wait_ordered_(?:inode|extent))$/;

export interface OrderedExtentWait {
  /** The btrfs wait function on the stack. */
  readonly waitIn: StackFrame;
  /** fsync, sync, umount, direct-io, punch-hole, truncate, flush-worker, buffered-write, mmap, reflink, relocation, other. */
  readonly role: string;
  /** `umount is syncing the filesystem and waits for all ordered extents`. */
  readonly words: string;
  /** True for waits on every ordered extent of the filesystem (not one inode's range). */
  readonly all: boolean;
  /** The task sleeps on page writeback inside the ordered-extent wait (the data bios are not done). */
  readonly onWriteback: boolean;
}

const ROLES: readonly { role: string; re: RegExp; words: string }[] = [
  { role: 'umount', re: /^(?:generic_shutdown_super|kill_anon_super|btrfs_kill_super|deactivate_locked_super|deactivate_super|cleanup_mnt|__x64_sys_umount|ksys_umount|path_umount|close_ctree)$/, words: 'umount is syncing the filesystem' },
  { role: 'freeze', re: /^(?:freeze_super|btrfs_freeze|ioctl_fsfreeze)$/, words: 'a filesystem freeze is syncing the filesystem' },
  { role: 'sync', re: /^(?:ksys_sync|__do_sys_sync|__x64_sys_sync|sync_filesystem|__x64_sys_syncfs|sync_fs_one_sb|btrfs_sync_fs|iterate_supers)$/, words: 'sync is flushing the filesystem' },
  { role: 'fsync', re: /^(?:btrfs_sync_file|vfs_fsync_range|do_fsync|__x64_sys_fsync|__x64_sys_fdatasync|__x64_sys_sync_file_range)$/, words: 'fsync is writing back the file' },
  { role: 'direct-io', re: /^(?:btrfs_direct_write|btrfs_direct_read|btrfs_direct_IO|btrfs_dio_iomap_begin|lock_extent_direct|btrfs_dio_\w+)$/, words: 'an O_DIRECT access must first write back and wait for the ordered extents in its range' },
  { role: 'punch-hole', re: /^(?:btrfs_punch_hole|btrfs_punch_hole_lock_range|btrfs_zero_range|btrfs_fallocate)$/, words: 'fallocate (punch hole / zero range) waits for the ordered extents in its range' },
  { role: 'truncate', re: /^(?:btrfs_setattr|btrfs_truncate|btrfs_cont_expand|btrfs_evict_inode|btrfs_truncate_inode_items)$/, words: 'truncate waits for the ordered extents past the new size' },
  { role: 'reflink', re: /^(?:btrfs_remap_file_range|btrfs_clone_files|btrfs_extent_same\w*|btrfs_remap_\w+)$/, words: 'a reflink/dedupe waits for the ordered extents of both ranges' },
  { role: 'mmap', re: /^(?:btrfs_page_mkwrite|do_page_mkwrite|handle_mm_fault)$/, words: 'a write fault on a mapped page waits for the ordered extent over it' },
  { role: 'flush-worker', re: /^(?:btrfs_run_ordered_extent_work|btrfs_wait_ordered_extents_work)$/, words: 'the flush worker waits for one ordered extent to complete' },
  { role: 'delalloc-flush', re: /^(?:btrfs_start_delalloc_roots|btrfs_start_delalloc_snapshot|start_delalloc_inodes|flush_space|btrfs_reserve_metadata_bytes|btrfs_delalloc_reserve_metadata)$/, words: 'space reservation is flushing delalloc and waits for ordered extents' },
  { role: 'buffered-write', re: /^(?:btrfs_buffered_write|lock_and_cleanup_extent_if_need|prepare_pages|btrfs_do_write_iter)$/, words: 'a buffered write waits for an ordered extent over the pages it is preparing' },
  { role: 'relocation', re: /^(?:relocate_file_extent_cluster|btrfs_relocate_block_group|relocate_block_group|btrfs_balance)$/, words: 'balance/relocation waits for ordered extents' },
  { role: 'snapshot', re: /^(?:btrfs_mksnapshot|create_snapshot|btrfs_ioctl_snap_create\w*)$/, words: 'snapshot creation waits for ordered extents' },
  { role: 'commit', re: /^(?:btrfs_commit_transaction|transaction_kthread|btrfs_start_dirty_block_groups)$/, words: 'the transaction commit is writing out the filesystem' },
];

/** The btrfs ordered-extent wait of a task, if its stack has one. */
export function orderedExtentWait(t: DumpedTask): OrderedExtentWait | undefined {
  const frames = reliableFrames(t);
  const i = frames.findIndex((f) => OE_WAIT.test(baseName(f.func)));
  if (i < 0) return undefined;
  const waitIn = frames[i]!;
  const b = baseName(waitIn.func);
  const all = b === 'btrfs_wait_ordered_extents' || b === 'btrfs_wait_ordered_roots';
  const onWriteback = frames.slice(0, i).some((f) => /^(?:folio_wait_writeback|wait_on_page_writeback|__filemap_fdatawait_range|filemap_fdatawait\w*)$/.test(baseName(f.func)));
  let role = ROLES.find((r) => frames.slice(i).some((f) => r.re.test(baseName(f.func))));
  if (!role && t.workqueue && /flush_delalloc|btrfs-flush/.test(t.workqueue.name)) role = ROLES.find((r) => r.role === 'flush-worker');
  if (!role && /^umount/.test(t.comm)) role = ROLES[0];
  const what = all
    ? 'waits for all ordered extents'
    : b.startsWith('btrfs_start_ordered_extent')
      ? 'waits for an ordered extent to complete'
      : 'waits for the ordered extents of a file range';
  const base = role ? role.words : `${t.comm} ${what}`;
  const words = role && role.role !== 'flush-worker' && !role.words.includes('wait') ? `${base} and ${what}` : base;
  return { waitIn, role: role?.role ?? 'other', words, all, onWriteback };
}
