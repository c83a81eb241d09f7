/**
 * recogniseXfsLine: XFS lines about I/O errors and shutdowns (`XFS (dev): ...`, 3.10-6.18):
 *
 * - metadata I/O: `metadata I/O error in "FUNC[+0x../0x.. [xfs]]" at daddr 0xN len N error N` (4.x-6.x) and
 *   `metadata I/O error: block 0xN ("FUNC") error N numblks N` (3.10). The error is a positive errno: 5
 *   (EIO) and the other I/O errnos are device errors; 74 (EBADMSG, a CRC failure) and 117 (EUCLEAN,
 *   corruption) are verifier failures, not I/O errors. daddr and len are 512-byte sectors of the XFS
 *   device. The op follows the function (`*read*` reads; `xlog_iodone`/`xlog_ioend` are log writes).
 * - `writeback error on sector N` (4.x) and `writeback error on inode N, offset N, sector N` (5.x+):
 *   a failed data write, sector of the XFS device; `Failing async write on buffer block 0xN`.
 * - the log: `log I/O error -5` (5.15+).
 * - shutdown: `xfs_do_force_shutdown(0x2) called from line N of file ...`, `Log I/O Error Detected.
 *   Shutting down filesystem` (<= 5.14), `Filesystem has been shut down due to log error (0x2).` (5.15+),
 *   `log mount/recovery failed: error -5`, `log mount failed`.
 * - `Metadata CRC error detected at ...` and `Metadata corruption detected at ...`: integrity.
 */
import { isIoErrno, matchAt, type IoErrorLine } from './ioErrorLine';

const PREFIX = /XFS \(([^)\s]+)\): /y;
const METADATA = /metadata I\/O error in "([^"]{1,200})" at daddr 0x([0-9a-f]+) len (\d+) error (\d+)/y;
const METADATA_OLD = /metadata I\/O error: block 0x([0-9a-f]+) \("([^"]{1,200})"\) error (\d+) numblks (\d+)/y;
const WRITEBACK = /writeback error on (?:inode (\d+), offset (\d+), )?sector (\d+)/y;
const ASYNC_WRITE = /Failing async write on buffer block 0x([0-9a-f]+)/y;
const LOG_IO = /log I\/O error (-?\d+)/y;
const FORCE = /xfs_do_force_shutdown\(0x([0-9a-f]+)\) called from line (\d+)/y;
const DETECTED = /(Log )?I\/O Error Detected\. Shutting down filesystem/y;
const SHUT_DOWN = /Filesystem has been shut down due to (.{1,60}?) \(0x([0-9a-f]+)\)/y;
const MOUNT_FAILED = /log mount(?:\/recovery)? failed(?:: error (-?\d+))?/y;
const CORRUPT = /Metadata (CRC error|corruption) detected at ([\w.]+)/y;

/** The op of a metadata buffer's I/O, from the function that reported it. */
function opOfFunction(func: string): string | undefined {
  if (/read/.test(func)) return 'READ';
  if (/^xlog_(?:iodone|ioend)/.test(func)) return 'WRITE';
  return undefined;
}

function metadata(dev: string, func: string, daddr: number, len: number, error: number): IoErrorLine {
  const fn = func.replace(/\+0x.*$/, '');
  const op = opOfFunction(fn);
  const io = isIoErrno(error);
  return {
    source: 'xfs',
    kind: io ? 'io' : 'integrity',
    device: dev,
    fsDevice: dev,
    sector: daddr,
    sectors: len,
    ...(op !== undefined ? { op, opFrom: 'words' as const } : {}),
    errno: -error,
    status: io ? 'metadata I/O error' : error === 74 ? 'metadata CRC error' : 'metadata corruption',
    words: `XFS metadata ${op ?? 'I/O'} in ${fn} at daddr ${daddr} (${len} sectors) failed with error ${error}${io ? '' : ' (verifier failure, not an I/O error)'}`,
  };
}

/** An `XFS (dev): ...` line starting at `at`, or undefined. */
export function recogniseXfsLine(msg: string, at: number): IoErrorLine | undefined {
  const p = matchAt(PREFIX, msg, at);
  if (!p) return undefined;
  const dev = p[1]!;
  const rest = PREFIX.lastIndex;
  const base = { source: 'xfs' as const, device: dev, fsDevice: dev };
  let m: RegExpExecArray | null;
  if ((m = matchAt(METADATA, msg, rest))) return metadata(dev, m[1]!, parseInt(m[2]!, 16), Number(m[3]), Number(m[4]));
  if ((m = matchAt(METADATA_OLD, msg, rest))) return metadata(dev, m[2]!, parseInt(m[1]!, 16), Number(m[4]), Number(m[3]));
  if ((m = matchAt(WRITEBACK, msg, rest))) {
    return {
      ...base,
      kind: 'io',
      sector: Number(m[3]),
      ...(m[1] !== undefined ? { inode: Number(m[1]), fileOffset: Number(m[2]) } : {}),
      op: 'WRITE',
      opFrom: 'words',
      status: 'writeback error',
      words: `XFS writeback error at sector ${m[3]!}${m[1] !== undefined ? ` (inode ${m[1]}, offset ${m[2]!})` : ''}`,
    };
  }
  if ((m = matchAt(ASYNC_WRITE, msg, rest))) {
    const daddr = parseInt(m[1]!, 16);
    return { ...base, kind: 'io', sector: daddr, op: 'WRITE', opFrom: 'words', status: 'metadata write error', words: `XFS metadata write at daddr ${daddr} failed (retrying)` };
  }
  if ((m = matchAt(LOG_IO, msg, rest))) {
    const errno = Number(m[1]);
    return { ...base, kind: isIoErrno(errno) ? 'io' : 'state', op: 'WRITE', opFrom: 'words', errno, status: 'log I/O error', words: `XFS log write failed with error ${errno}` };
  }
  if ((m = matchAt(FORCE, msg, rest))) return { ...base, kind: 'state', status: 'shutdown', words: `XFS forced shutdown (0x${m[1]!}, from line ${m[2]!})` };
  if ((m = matchAt(DETECTED, msg, rest))) return { ...base, kind: 'state', status: 'shutdown', words: `XFS shut down: ${m[1] ? 'log ' : ''}I/O error detected` };
  if ((m = matchAt(SHUT_DOWN, msg, rest))) return { ...base, kind: 'state', status: 'shutdown', words: `XFS shut down due to ${m[1]!} (0x${m[2]!})` };
  if ((m = matchAt(MOUNT_FAILED, msg, rest))) {
    return { ...base, kind: 'state', status: 'mount failed', ...(m[1] !== undefined ? { errno: Number(m[1]) } : {}), words: `XFS log mount failed${m[1] !== undefined ? ` (error ${m[1]})` : ''}` };
  }
  if ((m = matchAt(CORRUPT, msg, rest))) return { ...base, kind: 'integrity', status: `metadata ${m[1]!}`, words: `XFS metadata ${m[1]!} detected at ${m[2]!}` };
  return undefined;
}
