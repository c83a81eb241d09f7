/**
 * recogniseNvmeLine: NVMe error lines.
 *
 * - Command status (nvme_log_error, 5.18+ and the RHEL 8 backport): `nvme0n1: Read(0x2) @ LBA 131209936,
 *   200 blocks, Unrecovered Read Error (sct 0x2 / sc 0x81) DNR` (`I/O Cmd(0x2)` and the generic `I/O Error`
 *   without CONFIG_NVME_VERBOSE_ERRORS). The op is the NVMe opcode's; the status is named from sct/sc,
 *   not from the printed text, which is generic on many kernels. LBAs are namespace blocks (size not
 *   printed).
 * - Timeouts: `nvme nvme0: I/O 528 QID 10 timeout, aborting` (to 6.5) and `nvme nvme1: I/O tag 0 (3000)
 *   opcode 0x1 (I/O Cmd) QID 1 timeout, aborting req_op:WRITE(1) size:131072` (6.6+), then `reset
 *   controller`; QID 0 is the admin queue. `Abort status: 0x0` is a detail.
 * - Controller failure: `controller is down; will reset: CSTS=0x3, ...`, `Device not ready; aborting
 *   reset`, `Removing after probe failure status: -19`, `Disabling device after reset failure: -19`, and
 *   the namespace going away (`nvme0n1: detected capacity change from N to 0`).
 */
import { matchAt, type IoErrorLine } from './ioErrorLine';

const NS_STATUS = /(nvme\d+(?:c\d+)?n\d+): ([A-Za-z][\w /-]{0,30}?)\(0x([0-9a-f]+)\) @ LBA (\d+), (\d+) blocks, (.{1,80}?) \(sct 0x([0-9a-f]+) \/ sc 0x([0-9a-f]+)\)( MORE)?( DNR)?/y;
const GONE = /(nvme\d+(?:c\d+)?n\d+): detected capacity change from (\d+) to 0\b/y;
const CTRL = /nvme (nvme\d+): /y;
const TIMEOUT_OLD = /I\/O (\d+) QID (\d+) timeout, (aborting|reset controller|disable controller|completion polled)/y;
const TIMEOUT_NEW = /I\/O tag (\d+) \(([0-9a-f]+)\) opcode 0x([0-9a-f]+) \(([\w/ ]{1,20})\) QID (\d+) timeout, (aborting|reset controller|disable controller|completion polled)(?: req_op:(\w+)\(\d+\) size:(\d+))?/y;
const ABORT_STATUS = /Abort status: 0x([0-9a-f]+)/y;
const DOWN = /controller is down; will reset: CSTS=0x([0-9a-f]+)/y;
const NOT_READY = /Device not ready; aborting (reset|initiali[sz]ation)/y;
const REMOVING = /(Removing after probe failure|Disabling device after reset failure) status: (-?\d+)|Disabling device after reset failure: (-?\d+)/y;

/** NVMe I/O opcodes to the block op they carry. */
const NVME_OPS: ReadonlyMap<number, string> = new Map([
  [0x00, 'FLUSH'],
  [0x01, 'WRITE'],
  [0x02, 'READ'],
  [0x08, 'WRITE_ZEROES'],
  [0x09, 'DISCARD'],
  [0x7d, 'ZONE_APPEND'],
]);

/** NVMe status names by (sct, sc), from the NVMe base specification, for the codes a failed I/O gets. */
const NVME_STATUS: ReadonlyMap<number, string> = new Map([
  [0x0002, 'Invalid Field in Command'],
  [0x0004, 'Data Transfer Error'],
  [0x0005, 'Power Loss Abort'],
  [0x0006, 'Internal Error'],
  [0x0007, 'Command Abort Requested'],
  [0x0008, 'Command Aborted due to SQ Deletion'],
  [0x000b, 'Invalid Namespace or Format'],
  [0x0080, 'LBA Out of Range'],
  [0x0081, 'Capacity Exceeded'],
  [0x0082, 'Namespace Not Ready'],
  [0x0280, 'Write Fault'],
  [0x0281, 'Unrecovered Read Error'],
  [0x0282, 'End-to-end Guard Check Error'],
  [0x0283, 'End-to-end Application Tag Check Error'],
  [0x0284, 'End-to-end Reference Tag Check Error'],
  [0x0285, 'Compare Failure'],
  [0x0286, 'Access Denied'],
  [0x0287, 'Deallocated or Unwritten Logical Block'],
  [0x0300, 'Internal Path Error'],
  [0x0301, 'Asymmetric Access Persistent Loss'],
  [0x0302, 'Asymmetric Access Inaccessible'],
  [0x0303, 'Asymmetric Access Transition'],
  [0x0360, 'Controller Pathing Error'],
  [0x0370, 'Host Pathing Error'],
  [0x0371, 'Command Aborted By Host'],
]);

/** `Access Denied (sct 0x2 / sc 0x86)`: the status named from its codes, with the codes. */
export function nvmeStatusName(sct: number, sc: number): string {
  const name = NVME_STATUS.get(sct * 256 + sc);
  return `${name ?? 'status'} (sct 0x${sct.toString(16)} / sc 0x${sc.toString(16)})`;
}

/** An NVMe error line starting at `at`, or undefined. */
export function recogniseNvmeLine(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  if ((m = matchAt(NS_STATUS, msg, at))) {
    const opcode = parseInt(m[3]!, 16);
    const op = NVME_OPS.get(opcode);
    const sct = parseInt(m[7]!, 16);
    const sc = parseInt(m[8]!, 16);
    const dnr = m[10] !== undefined;
    const status = nvmeStatusName(sct, sc);
    return {
      source: 'nvme',
      kind: 'command',
      device: m[1]!,
      ...(op !== undefined ? { op, opFrom: 'command' as const } : {}),
      at: { value: Number(m[4]), unit: 'lba' },
      atCount: Number(m[5]),
      status,
      nvme: { sct, sc, dnr },
      words: `NVMe ${m[2]!.trim()} at LBA ${m[4]!} (${m[5]!} blocks) failed: ${status}${dnr ? ', do not retry' : ''}`,
    };
  }
  if ((m = matchAt(GONE, msg, at))) return { source: 'nvme', kind: 'state', device: m[1]!, status: 'removed', words: `namespace ${m[1]!} removed (capacity 0)` };
  const p = matchAt(CTRL, msg, at);
  if (!p) return undefined;
  const port = p[1]!;
  const rest = CTRL.lastIndex;
  if ((m = matchAt(TIMEOUT_OLD, msg, rest))) {
    const qid = Number(m[2]);
    const queue = qid === 0 ? 'admin queue' : `queue ${qid}`;
    if (m[3] === 'completion polled') return { source: 'nvme', kind: 'detail', port, status: 'completion polled', words: `NVMe command ${m[1]!} on ${queue} of ${port} completed by polling after a timeout` };
    return { source: 'nvme', kind: 'timeout', port, tag: Number(m[1]), status: `timeout, ${m[3]!}`, words: `NVMe command ${m[1]!} on ${queue} of ${port} timed out: ${m[3]!}` };
  }
  if ((m = matchAt(TIMEOUT_NEW, msg, rest))) {
    const qid = Number(m[5]);
    const queue = qid === 0 ? 'admin queue' : `queue ${qid}`;
    if (m[6] === 'completion polled') return { source: 'nvme', kind: 'detail', port, status: 'completion polled', words: `NVMe command tag ${m[1]!} on ${queue} of ${port} completed by polling after a timeout` };
    const op = m[7] ?? (m[4] === 'I/O Cmd' ? NVME_OPS.get(parseInt(m[3]!, 16)) : undefined);
    return {
      source: 'nvme',
      kind: 'timeout',
      port,
      tag: Number(m[1]),
      ...(op !== undefined ? { op, opFrom: 'printed' as const } : {}),
      ...(m[8] !== undefined ? { bytes: Number(m[8]) } : {}),
      status: `timeout, ${m[6]!}`,
      words: `NVMe ${op ?? m[4]!} tag ${m[1]!} on ${queue} of ${port}${m[8] !== undefined ? ` (${m[8]} bytes)` : ''} timed out: ${m[6]!}`,
    };
  }
  if ((m = matchAt(ABORT_STATUS, msg, rest))) return { source: 'nvme', kind: 'detail', port, status: `abort status 0x${m[1]!}`, words: `NVMe abort of ${port} completed with status 0x${m[1]!}` };
  if ((m = matchAt(DOWN, msg, rest))) return { source: 'nvme', kind: 'state', port, status: 'controller down', words: `NVMe controller ${port} is down (CSTS 0x${m[1]!}): reset` };
  if ((m = matchAt(NOT_READY, msg, rest))) return { source: 'nvme', kind: 'state', port, status: 'not ready', words: `NVMe controller ${port} not ready: ${m[1]!} aborted` };
  if ((m = matchAt(REMOVING, msg, rest))) {
    const errno = Number(m[2] ?? m[3]);
    return { source: 'nvme', kind: 'state', port, status: 'removed', errno, words: `NVMe controller ${port} removed (${errno})` };
  }
  return undefined;
}
