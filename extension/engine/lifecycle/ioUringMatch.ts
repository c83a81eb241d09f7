/**
 * The vocabulary shared by the io_uring and filesystem trackers when a filesystem event is attributed to
 * an io_uring request: the event's facts (`FsIssue`, one reused record), how it relates to the request,
 * and which opcodes read or write file data.
 */

/** A filesystem read/write event as the io_uring tracker sees it (reused: copy what you keep). */
export interface FsIssue {
  pid: number;
  /** The io-wq worker's process (from the comm `iou-wrk-<tgid>`), or -1 when the task is no worker. */
  workerTgid: number;
  direction: 'read' | 'write';
  dev: number;
  ino: number;
  pos: number;
  count: number;
  /** i_size printed by the event, -1 when unknown. */
  size: number;
  ts: number;
}

/** `issue`: the request's first filesystem event; `retry`: again after -EAGAIN; `eof-remainder`: the rest at EOF. */
export type UringRelation = 'issue' | 'retry' | 'eof-remainder';

/** `any` when the opcode is unknown (it may be either). */
export type UringDirection = 'read' | 'write' | 'other' | 'any';

const READS = new Set(['READV', 'READ_FIXED', 'READ', 'READ_MULTISHOT', 'READV_FIXED', 'SPLICE', 'TEE']);
const WRITES = new Set(['WRITEV', 'WRITE_FIXED', 'WRITE', 'WRITEV_FIXED']);

export function ioUringDirection(opcode: string): UringDirection {
  if (READS.has(opcode)) return 'read';
  if (WRITES.has(opcode)) return 'write';
  return opcode === 'UNKNOWN' || opcode === 'INVALID' ? 'any' : 'other';
}

/** True for opcodes that read file data into user memory. */
export function isReadOpcode(opcode: string): boolean {
  return READS.has(opcode) && opcode !== 'SPLICE' && opcode !== 'TEE';
}

/** The io-wq worker's process id from a task comm `iou-wrk-<tgid>`, or -1. */
export function workerTgidOf(comm: string): number {
  if (!comm.startsWith('iou-wrk-')) return -1;
  const n = Number.parseInt(comm.slice(8), 10);
  return Number.isNaN(n) ? -1 : n;
}
