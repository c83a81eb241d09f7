/**
 * The typed facts of each request layer: what only that layer knows (an io_uring request's user_data, a
 * block request's rwbs and btt stage latencies, a filesystem request's DIO flags…). Each schema is a
 * FactTable layout (see factTable.ts); `requestJson.ts` renders each layer's facts to the JSON `details`
 * of `iolens request`, and detectors read them through the read-only RequestView.
 *
 * Ordered extents keep their richer typed state (`OrderedExtent`, lifecycle/orderedExtentState.ts)
 * instead of a fact table: they are few, and their byte-range sets do not fit columns.
 */
import type { FactSchema } from './factTable';

export const SYSCALL_FACTS = {
  fd: 'i32',
  /** RWF_* flags of preadv2/pwritev2. */
  flags: 'f64',
  nowait: 'bool',
  /** fallocate mode. */
  mode: 'i32',
  /** read/write/readv/writev name no position: it was inferred from the previous call on the fd. */
  offsetFromPrevious: 'bool',
} as const satisfies FactSchema;

export const URING_FACTS = {
  userData: 'f64',
  /** The ring (ctx pointer, opaque text valid within one file). */
  ring: 'str',
  flags: 'f64',
  fd: 'i32',
  error: 'f64',
  failedLink: 'bool',
  cqeOverflow: 'bool',
  /** NOWAIT -EAGAIN retries (task work or an io-wq punt) and attempts. */
  retries: 'i32',
  attempts: 'i32',
  /** First attempt to completion, for retried requests. */
  addedLatencyNs: 'f64',
  punted: 'bool',
  /** io_uring read the rest of a short buffered read, starting at EOF. */
  eofRemainder: 'bool',
} as const satisfies FactSchema;

export const FS_FACTS = {
  /** The filesystem event that opened the request (`xfs_file_buffered_read`…). */
  event: 'str',
  eofRemainder: 'bool',
  retries: 'i32',
  /** kiocb flags of iomap_dio_rw_begin (`DIRECT|WRITE|NOWAIT`). */
  dioFlags: 'str',
  nowait: 'bool',
  aio: 'bool',
  error: 'f64',
  readaheadPages: 'f64',
  /** The layer whose completion ended this request (no completion event of its own). */
  endedWith: 'str',
  /** iomap_dio_rw_begin `dio_flags` had DIO_PARTIAL: the filesystem takes a partial completion and continues the rest itself. */
  dioPartial: 'bool',
  /** An iomap iteration of the request ended with -EFAULT (`status -14`): the user buffer faulted. */
  faulted: 'bool',
  /** `done_before` of the last direct I/O retry: bytes an earlier attempt of the same call had done. */
  doneBefore: 'f64',
  /**
   * How a short direct read was continued in the same call: `dio-retry` (iomap_dio_rw_begin again at the
   * position reached, with done_before) or `buffered-fallback` (page-cache reads of the file by the same
   * task right after, as btrfs does).
   */
  continuedBy: 'str',
} as const satisfies FactSchema;

/** Block flags of the rwbs, as bits of the `flags` fact (in print order). */
export const BLOCK_FLAG_NAMES = ['preflush', 'fua', 'readahead', 'sync', 'meta', 'atomic'] as const;

export const BLOCK_FACTS = {
  rwbs: 'str',
  /** Bits of BLOCK_FLAG_NAMES. */
  flags: 'i32',
  /** `7:0 123456`: the device and sector a remap moved the bio from. */
  remappedFrom: 'str',
  /** Other upper requests whose bios were merged into this one. */
  alsoFor: 'ids',
  mergedBios: 'i32',
  /** The request this one was merged into (block_rq_merge). */
  mergedInto: 'i32',
  bytes: 'f64',
  requeues: 'i32',
  /** A completion whose issue was before the trace began. */
  orphan: 'bool',
  error: 'f64',
  Q2G: 'f64',
  G2I: 'f64',
  I2D: 'f64',
  Q2D: 'f64',
  D2C: 'f64',
  Q2C: 'f64',
} as const satisfies FactSchema;

export type SyscallFacts = typeof SYSCALL_FACTS;
export type UringFacts = typeof URING_FACTS;
export type FsFacts = typeof FS_FACTS;
export type BlockFacts = typeof BLOCK_FACTS;
