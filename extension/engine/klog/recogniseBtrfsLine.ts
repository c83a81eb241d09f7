/**
 * recogniseBtrfsLine: btrfs lines about I/O errors and what followed them (`BTRFS <level> (device X[:
 * state S]): ...`, 4.x-6.18):
 *
 * - `bdev /dev/X errs: wr N, rd N, flush N, corrupt N, gen N` at error level: the device's error
 *   counters after an increment (the analysis compares consecutive lines to see which one grew). At info
 *   level the same line is the mount-time print of counters stored on disk (history, not an event): not
 *   recognised.
 * - `direct IO failed ino N rw OP,FLAGS sector 0xS len N err no N` (<= ~6.0; the sector is the bio's, in
 *   btrfs's logical address space) and `direct IO failed [root N] ino N op 0xN offset 0xOFF len N err no N`
 *   (6.x; a file offset). `err no` is a blk_status_t (10 = I/O error) since 4.13.
 * - `csum failed root N ino N off N csum 0x.. expected csum 0x.. mirror N`, `parent transid verify
 *   failed`, `unable to fixup ... error`: integrity failures, not I/O errors; `fixed up error at logical
 *   N on dev /dev/X` is a repaired one.
 * - scrub's `i/o error at logical N on dev /dev/X, physical N...` and super block write errors.
 * - Transaction aborts: `BTRFS: error (device X[: state S]) in FUNC:LINE: errno=-5 IO failure`, the WARN
 *   text `BTRFS: Transaction aborted (error -5)` and its `WARNING: ... __btrfs_abort_transaction` header,
 *   `forced readonly`, `Skipping commit of aborted transaction.`
 * - `BTRFS: device fsid UUID devid N transid N /dev/loop6 (7:6) scanned by ...`: the number of a device
 *   name (6.x), which links the log's names to a trace's `7:6`.
 */
import { errnoNames } from '../decode/errnoNames';
import { blkStatusErrno, blkStatusName, kernelNameOfPath, matchAt, reqOpName, type IoErrorLine } from './ioErrorLine';

const PREFIX = /BTRFS(?: (error|warning|info|critical|crit|err|alert|emerg|notice|debug))? \(device ([^\s:)]+)(?:: state (\w+))?\): /y;
const ABORT = /BTRFS: error \(device ([^\s:)]+)(?:: state (\w+))?\) in ([\w.]+):(\d+): errno=(-?\d+)([^(]{0,60})(?:\((.{1,120})\))?/y;
const ABORT_WARN = /BTRFS: Transaction aborted \(error (-?\d+)\)/y;
const DEVICE = /BTRFS: device (?:fsid [0-9a-f-]+|label .{0,256}?) devid (\d+) transid (\d+) (\S+) \((\d+):(\d+)\)/y;
const WARNING = /WARNING: CPU: \d+ PID: \d+ at \S+ __btrfs_abort_transaction\b/y;
const ERRS = /bdev (\S+) errs: wr (\d+), rd (\d+), flush (\d+), corrupt (\d+), gen (\d+)/y;
const DIO = /direct IO failed(?: root \d+)? ino (\d+) (?:rw (\d+)(?:,\d+)? sector 0x([0-9a-f]+)|op 0x([0-9a-f]+) offset 0x([0-9a-f]+)) len (\d+) err no (-?\d+)/y;
const CSUM = /csum failed(?: root (-?\d+))? ino (\d+) off (\d+) csum 0x([0-9a-f]+) expected csum 0x([0-9a-f]+)/y;
const FIXED = /fixed up error at logical (\d+) on dev (\S+)/y;
const UNFIXED = /unable to fixup \(regular\) error at logical (\d+) on dev (\S+)/y;
const TRANSID = /parent transid verify failed on (?:logical )?(\d+)/y;
const SCRUB_IO = /i\/o error at logical (\d+) on dev (\S+?),? physical (\d+)/y;
const SUPER = /(?:error writing primary super block to device (\d+)|lost page write due to IO error on (\S+))/y;

/** A btrfs line starting at `at`, or undefined. */
export function recogniseBtrfsLine(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  if (msg.charCodeAt(at) === 0x57 /* W */) {
    return matchAt(WARNING, msg, at) ? { source: 'btrfs', kind: 'state', status: 'transaction aborted', words: 'btrfs transaction aborted (WARNING in __btrfs_abort_transaction)' } : undefined;
  }
  if (msg.startsWith('BTRFS: ', at)) {
    if ((m = matchAt(ABORT, msg, at))) {
      const errno = Number(m[5]);
      const text = m[6]!.trim();
      const why = m[7] !== undefined ? ` (${m[7]})` : '';
      return { source: 'btrfs', kind: 'state', device: m[1]!, fsDevice: m[1]!, errno, status: 'transaction aborted', words: `btrfs aborted a transaction in ${m[3]!}: errno ${errno}${text ? ` ${text}` : ''}${why}` };
    }
    if ((m = matchAt(ABORT_WARN, msg, at))) return { source: 'btrfs', kind: 'state', errno: Number(m[1]), status: 'transaction aborted', words: `btrfs transaction aborted (error ${m[1]!})` };
    if ((m = matchAt(DEVICE, msg, at))) {
      const name = kernelNameOfPath(m[3]!);
      if (name === undefined) return undefined;
      return { source: 'btrfs', kind: 'device', device: name, devNum: `${m[4]!}:${m[5]!}`, path: m[3]!, words: `btrfs device ${m[3]!} is ${m[4]!}:${m[5]!}` };
    }
    return undefined;
  }
  const p = matchAt(PREFIX, msg, at);
  if (!p) return undefined;
  const level = p[1] ?? 'error';
  const fsDevice = p[2]!;
  const rest = PREFIX.lastIndex;
  const base = { source: 'btrfs' as const, fsDevice, level };
  if ((m = matchAt(ERRS, msg, rest))) {
    // At info level these are the counters stored on disk, printed at mount: history, not an event.
    if (level === 'info' || level === 'notice' || level === 'debug') return undefined;
    const counters = { wr: Number(m[2]), rd: Number(m[3]), flush: Number(m[4]), corrupt: Number(m[5]), gen: Number(m[6]) };
    return {
      ...base,
      kind: 'counters',
      device: kernelNameOfPath(m[1]!) ?? fsDevice,
      path: m[1]!,
      counters,
      words: `btrfs error counters of ${m[1]!}: wr ${counters.wr}, rd ${counters.rd}, flush ${counters.flush}, corrupt ${counters.corrupt}, gen ${counters.gen}`,
    };
  }
  if ((m = matchAt(DIO, msg, rest))) {
    const opNum = m[2] !== undefined ? Number(m[2]) : parseInt(m[4]!, 16);
    const op = reqOpName(opNum);
    const err = Number(m[7]);
    const name = err >= 0 ? blkStatusName(err) : undefined;
    const errno = err < 0 ? err : blkStatusErrno(err);
    const status = name !== undefined ? name : err < 0 ? (errnoNames.name(err) ?? `error ${err}`) : `status ${err}`;
    const where = m[3] !== undefined ? `btrfs sector 0x${m[3]}` : `file offset ${parseInt(m[5]!, 16)}`;
    return {
      ...base,
      kind: 'io',
      device: fsDevice,
      inode: Number(m[1]),
      ...(m[3] !== undefined ? { at: { value: parseInt(m[3], 16), unit: 'fs-sector' as const } } : { fileOffset: parseInt(m[5]!, 16) }),
      bytes: Number(m[6]),
      ...(op !== undefined ? { op, opFrom: 'printed' as const } : {}),
      ...(err >= 0 ? { blkStatus: err } : {}),
      ...(errno !== undefined ? { errno } : {}),
      status,
      words: `btrfs direct I/O ${op !== undefined ? `${op} ` : ''}of inode ${m[1]!} at ${where} (${m[6]!} bytes) failed: ${name !== undefined ? `${name} error` : status}`,
    };
  }
  if ((m = matchAt(CSUM, msg, rest))) {
    return {
      ...base,
      kind: 'integrity',
      device: fsDevice,
      inode: Number(m[2]),
      fileOffset: Number(m[3]),
      op: 'READ',
      opFrom: 'words',
      status: 'checksum mismatch',
      words: `btrfs checksum mismatch in inode ${m[2]!}${m[1] !== undefined ? ` (root ${m[1]})` : ''} at offset ${m[3]!}`,
    };
  }
  if ((m = matchAt(SCRUB_IO, msg, rest))) {
    const dev = kernelNameOfPath(m[2]!) ?? fsDevice;
    return { ...base, kind: 'io', device: dev, path: m[2]!, at: { value: Number(m[3]), unit: 'byte' }, op: 'READ', opFrom: 'words', errno: -5, status: 'scrub read error', words: `btrfs scrub: read error on ${m[2]!} at byte ${m[3]!}` };
  }
  if ((m = matchAt(FIXED, msg, rest))) return { ...base, kind: 'recovered', device: kernelNameOfPath(m[2]!) ?? fsDevice, path: m[2]!, words: `btrfs repaired an error at logical ${m[1]!} on ${m[2]!}` };
  if ((m = matchAt(UNFIXED, msg, rest))) return { ...base, kind: 'integrity', device: kernelNameOfPath(m[2]!) ?? fsDevice, path: m[2]!, status: 'unrepaired', words: `btrfs could not repair an error at logical ${m[1]!} on ${m[2]!}` };
  if ((m = matchAt(TRANSID, msg, rest))) return { ...base, kind: 'integrity', device: fsDevice, status: 'transid mismatch', words: `btrfs metadata verification failed at logical ${m[1]!} (parent transid)` };
  if ((m = matchAt(SUPER, msg, rest))) {
    const dev = m[2] !== undefined ? (kernelNameOfPath(m[2]) ?? fsDevice) : fsDevice;
    return { ...base, kind: 'io', device: dev, op: 'WRITE', opFrom: 'words', errno: -5, status: 'super block write failed', words: `btrfs super block write failed on ${m[2] ?? `device ${m[1]!}`}` };
  }
  if (msg.startsWith('forced readonly', rest)) return { ...base, kind: 'state', device: fsDevice, status: 'read-only', words: `btrfs on ${fsDevice} forced read-only` };
  if (msg.startsWith('Skipping commit of aborted transaction', rest)) return { ...base, kind: 'state', device: fsDevice, status: 'transaction aborted', words: 'btrfs skipped the commit of the aborted transaction' };
  return undefined;
}
