/**
 * The file I/O syscalls the syscall tracker follows, with the argument names (as in the 6.18 tracefs
 * format files, `grammars/events/syscalls.json`) that hold the fd, the byte count and the position.
 * Syscalls that only name an iovec (`readv`, `preadv*`, `writev`, `pwritev*`) have no byte count: the
 * filesystem events inside the call supply it.
 */

export type SyscallDirection = 'read' | 'write' | 'sync' | 'space' | 'submit';

export interface SyscallSpec {
  readonly name: string;
  readonly direction: SyscallDirection;
  readonly fdField: string;
  /** Argument with the byte count, or '' when the call names an iovec. */
  readonly countField: string;
  /** Argument with the file position (`pos_l` = preadv-style halves), or '' for the current position. */
  readonly posField: string;
  /** True for preadv2/pwritev2 (RWF_* flags). */
  readonly hasRwFlags: boolean;
}

/** RWF_NOWAIT (include/uapi/linux/fs.h). */
export const RWF_NOWAIT = 0x8;

function spec(name: string, direction: SyscallDirection, fdField: string, countField: string, posField: string, hasRwFlags = false): SyscallSpec {
  return { name, direction, fdField, countField, posField, hasRwFlags };
}

const LIST: readonly SyscallSpec[] = [
  spec('read', 'read', 'fd', 'count', ''),
  spec('pread64', 'read', 'fd', 'count', 'pos'),
  spec('readv', 'read', 'fd', '', ''),
  spec('preadv', 'read', 'fd', '', 'pos_l'),
  spec('preadv2', 'read', 'fd', '', 'pos_l', true),
  spec('write', 'write', 'fd', 'count', ''),
  spec('pwrite64', 'write', 'fd', 'count', 'pos'),
  spec('writev', 'write', 'fd', '', ''),
  spec('pwritev', 'write', 'fd', '', 'pos_l'),
  spec('pwritev2', 'write', 'fd', '', 'pos_l', true),
  spec('fallocate', 'space', 'fd', 'len', 'offset'),
  spec('ftruncate', 'space', 'fd', '', ''),
  spec('fsync', 'sync', 'fd', '', ''),
  spec('fdatasync', 'sync', 'fd', '', ''),
  spec('sync_file_range', 'sync', 'fd', 'nbytes', 'offset'),
  spec('copy_file_range', 'write', 'fd_out', 'len', ''),
  spec('splice', 'read', 'fd_in', 'len', ''),
  spec('sendfile64', 'read', 'in_fd', 'count', ''),
  spec('io_uring_enter', 'submit', 'fd', '', ''),
];

/** Syscall name (without `sys_enter_`) -> its spec. */
export const SYSCALL_SPECS: ReadonlyMap<string, SyscallSpec> = new Map(LIST.map((s) => [s.name, s]));

/** True for a syscall request that reads file data. */
export function isReadSyscall(op: string): boolean {
  return SYSCALL_SPECS.get(op)?.direction === 'read';
}
