/**
 * ioUringOpcodes: IORING_OP_* number <-> the name the kernel prints (`opcode %s`, 5.19+).
 *
 * The enum is append-only and stable across kernels, so one table serves 5.5-6.18; older kernels print the
 * number (`op %d`) and the decoder fills the name from here so consumers see one `opcode` field. Opcode 29
 * prints `EPOLL_CTL` in 5.19 and `EPOLL` in 6.1+; both names map to 29. Out-of-range opcodes print `INVALID`.
 */
const NAMES: readonly string[] = [
  'NOP', 'READV', 'WRITEV', 'FSYNC', 'READ_FIXED', 'WRITE_FIXED', 'POLL_ADD', 'POLL_REMOVE', 'SYNC_FILE_RANGE', 'SENDMSG',
  'RECVMSG', 'TIMEOUT', 'TIMEOUT_REMOVE', 'ACCEPT', 'ASYNC_CANCEL', 'LINK_TIMEOUT', 'CONNECT', 'FALLOCATE', 'OPENAT', 'CLOSE',
  'FILES_UPDATE', 'STATX', 'READ', 'WRITE', 'FADVISE', 'MADVISE', 'SEND', 'RECV', 'OPENAT2', 'EPOLL',
  'SPLICE', 'PROVIDE_BUFFERS', 'REMOVE_BUFFERS', 'TEE', 'SHUTDOWN', 'RENAMEAT', 'UNLINKAT', 'MKDIRAT', 'SYMLINKAT', 'LINKAT',
  'MSG_RING', 'FSETXATTR', 'SETXATTR', 'FGETXATTR', 'GETXATTR', 'SOCKET', 'URING_CMD', 'SEND_ZC', 'SENDMSG_ZC', 'READ_MULTISHOT',
  'WAITID', 'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_WAITV', 'FIXED_FD_INSTALL', 'FTRUNCATE', 'BIND', 'LISTEN', 'RECV_ZC', 'EPOLL_WAIT',
  'READV_FIXED', 'WRITEV_FIXED', 'PIPE',
];

const BY_NAME = new Map<string, number>(NAMES.map((n, i) => [n, i]));
BY_NAME.set('EPOLL_CTL', 29);

/** io_uring opcode names and numbers. */
export const ioUringOpcodes = {
  /** The name printed for an opcode number (`INVALID` when out of range, as the kernel prints). */
  name(op: number): string {
    return NAMES[op] ?? 'INVALID';
  },
  /** The opcode number of a printed name, or -1 (`INVALID` and unknown names). */
  number(name: string): number {
    return BY_NAME.get(name) ?? -1;
  },
  /** Number of opcodes known (6.18: 63). */
  count: NAMES.length,
} as const;
