/**
 * recogniseAtaLine: libata error-handling lines (`ataN.DD: ...`, 3.x-6.x):
 *
 * - `failed command: READ FPDMA QUEUED` names the command that failed (the record of the failure);
 * - `cmd 60/08:00:90:e3:57/00:00:14:00:00/40 tag 0 ncq dma 4096 in` is its taskfile: command code,
 *   feature, count, LBA low/mid/high, the HOB registers, device. NCQ commands (FPDMA) carry the count in
 *   the feature registers and the tag in count >> 3; LBA48 = hob_lbah hob_lbam hob_lbal lbah lbam lbal;
 * - `res 41/40:00:90:e3:57/00:00:14:00:00/40 Emask 0x409 (media error) <F>` (the continuation line of the
 *   same printk, usually without a prefix) is the result: status, error, and, when the error register
 *   says UNC or IDNF, the LBA that failed;
 * - `exception Emask ...`, `status: { DRDY ERR }`, `error: { UNC }`, `SError: { ... }` and `hard
 *   resetting link` are details of the port's error handling.
 *
 * ATA LBAs are the drive's logical sectors; the log does not print their size (512 bytes on all but
 * 4Kn drives), so they are kept as `lba`, and the port (`ata3.00`) is not a disk name: which sdX it is
 * the log does not state.
 */
import { matchAt, type IoErrorLine } from './ioErrorLine';

const PREFIX = /ata(\d+)(?:\.(\d+))?: /y;
const H = '([0-9a-f]{2})';
const TASKFILE = `${H}/${H}:${H}:${H}:${H}:${H}/${H}:${H}:${H}:${H}:${H}/${H}`;
const CMD = new RegExp(`cmd ${TASKFILE} tag (\\d+)((?: [a-z]+)*)(?: (\\d+) (in|out))?`, 'y');
const RES = new RegExp(`res ${TASKFILE} Emask 0x([0-9a-f]+)(?: \\(([^)]{1,40})\\))?`, 'y');
const FAILED = /failed command: ([A-Z][A-Z0-9 ()_-]{1,60})/y;
const EXCEPTION = /exception Emask 0x([0-9a-f]+) SAct 0x([0-9a-f]+) SErr 0x([0-9a-f]+) action 0x([0-9a-f]+)/y;
const FLAGS = /(status|error|SError): \{ ?([^}]{0,80})\}/y;

/** ATA command codes the block layer issues, to the op it names them by. */
const ATA_OPS: ReadonlyMap<number, string> = new Map([
  [0x60, 'READ'], [0x25, 'READ'], [0xc8, 'READ'], [0x24, 'READ'], [0x20, 'READ'], [0x29, 'READ'], [0xc4, 'READ'],
  [0x61, 'WRITE'], [0x35, 'WRITE'], [0x3d, 'WRITE'], [0xca, 'WRITE'], [0x34, 'WRITE'], [0x30, 'WRITE'], [0x39, 'WRITE'], [0xc5, 'WRITE'],
  [0xe7, 'FLUSH'], [0xea, 'FLUSH'],
  [0x06, 'DISCARD'],
]);

/** The op of a command name as `failed command:` prints it. */
function opOfName(name: string): string | undefined {
  if (name.startsWith('READ')) return 'READ';
  if (name.startsWith('WRITE')) return 'WRITE';
  if (name.startsWith('FLUSH')) return 'FLUSH';
  if (name.startsWith('DATA SET MANAGEMENT') || name.startsWith('SEND FPDMA')) return 'DISCARD';
  return undefined;
}

function hex(s: string | undefined): number {
  return parseInt(s ?? '0', 16);
}

/** LBA48 of a taskfile match whose 12 registers start at group 1. */
function lba48(m: RegExpExecArray): number {
  // command feature nsect lbal lbam lbah / hob_feature hob_nsect hob_lbal hob_lbam hob_lbah / device
  return ((hex(m[11]) * 256 + hex(m[10])) * 256 + hex(m[9])) * 16777216 + (hex(m[6]) * 256 + hex(m[5])) * 256 + hex(m[4]);
}

/** The record of a `res ...` line: the result of the taskfile above it (`port` comes from the collector). */
function resRecord(m: RegExpExecArray, port: string | undefined): IoErrorLine {
  const status = hex(m[1]);
  const error = hex(m[2]);
  // ERR set and UNC (0x40) or IDNF (0x10): the result registers hold the LBA that failed.
  const failedLba = (status & 0x01) !== 0 && (error & 0x50) !== 0 ? lba48(m) : undefined;
  const desc = m[14] ?? `Emask 0x${m[13]!}`;
  return {
    source: 'ata',
    kind: 'detail',
    ...(port !== undefined ? { port } : {}),
    ...(failedLba !== undefined ? { at: { value: failedLba, unit: 'lba' as const } } : {}),
    status: desc,
    words: `ATA result: ${desc}${failedLba !== undefined ? ` at LBA ${failedLba}` : ''} (status 0x${m[1]!}, error 0x${m[2]!})`,
  };
}

/** An ATA result continuation line (`res ...`, any indentation already skipped), or undefined. */
export function recogniseAtaResult(msg: string, at: number): IoErrorLine | undefined {
  const m = matchAt(RES, msg, at);
  return m ? resRecord(m, undefined) : undefined;
}

/** An `ataN[.DD]: ...` error line starting at `at`, or undefined. */
export function recogniseAtaLine(msg: string, at: number): IoErrorLine | undefined {
  const p = matchAt(PREFIX, msg, at);
  if (!p) return undefined;
  const port = p[2] !== undefined ? `ata${p[1]!}.${p[2]}` : `ata${p[1]!}`;
  const rest = PREFIX.lastIndex;
  let m: RegExpExecArray | null;
  if ((m = matchAt(FAILED, msg, rest))) {
    const name = m[1]!.trim();
    const op = opOfName(name);
    return { source: 'ata', kind: 'command', port, ...(op !== undefined ? { op, opFrom: 'command' as const } : {}), status: 'failed command', words: `ATA command ${name} failed on ${port}` };
  }
  if ((m = matchAt(CMD, msg, rest))) {
    const code = hex(m[1]);
    const ncq = code === 0x60 || code === 0x61 || code === 0x64 || code === 0x65;
    const count = ncq ? hex(m[7]) * 256 + hex(m[2]) : hex(m[8]) * 256 + hex(m[3]);
    const tag = Number(m[13]);
    const op = ATA_OPS.get(code);
    const data = op === 'READ' || op === 'WRITE';
    const lba = lba48(m);
    return {
      source: 'ata',
      kind: 'detail',
      port,
      tag,
      ...(op !== undefined ? { op, opFrom: 'command' as const } : {}),
      ...(data ? { at: { value: lba, unit: 'lba' as const }, atCount: count === 0 && ncq ? 65536 : count } : {}),
      ...(m[15] !== undefined ? { bytes: Number(m[15]) } : {}),
      words: `ATA command 0x${m[1]!}${op !== undefined ? ` (${op})` : ''} tag ${tag}${data ? ` at LBA ${lba}, ${count} sectors` : ''}`,
    };
  }
  if ((m = matchAt(RES, msg, rest))) return resRecord(m, port);
  if ((m = matchAt(EXCEPTION, msg, rest))) return { source: 'ata', kind: 'detail', port, status: `Emask 0x${m[1]!}`, words: `ATA exception on ${port}: Emask 0x${m[1]!} SAct 0x${m[2]!} SErr 0x${m[3]!} action 0x${m[4]!}` };
  if ((m = matchAt(FLAGS, msg, rest))) {
    const flags = m[2]!.trim();
    return { source: 'ata', kind: 'detail', port, status: flags, words: `ATA ${m[1]!}: { ${flags} }` };
  }
  if (msg.startsWith('hard resetting link', rest)) return { source: 'ata', kind: 'detail', port, status: 'link reset', words: `ATA link ${port} reset` };
  if (msg.startsWith('COMRESET failed', rest)) return { source: 'ata', kind: 'state', port, status: 'link reset failed', words: `ATA link ${port} reset failed` };
  return undefined;
}
