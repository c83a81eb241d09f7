/**
 * recogniseExt4Line: ext4 and jbd2 lines about I/O errors and what followed them:
 *
 * - `EXT4-fs warning (device X): ext4_end_bio:N: I/O error E writing to inode N starting block N)`
 *   (5.x/6.x: E is a blk_status_t, 10 = I/O, 3 = no space; the stray `)` is the kernel's) and the older
 *   `... I/O error -5 writing to inode N (offset N size N starting block N)` (errno, file offset and size);
 * - `EXT4-fs error (device X): FUNC:LINE: [inode #N: ][block N: ]comm C: TEXT` and `EXT4-fs error (device
 *   X) in FUNC:LINE: TEXT`: an I/O error when TEXT says one (`Error -5 reading block bitmap`, `Error while
 *   async write back metadata`, `IO failure`), the journal's state when it says it aborted, otherwise a
 *   corruption report (integrity);
 * - `EXT4-fs (X): I/O error while writing superblock`, `unable to read superblock`, `Delayed block
 *   allocation failed ... with error -5` (I/O), `previous I/O error to superblock detected` and
 *   `Remounting filesystem read-only` (state);
 * - jbd2: `JBD2: Error -5 detected when updating journal superblock for sdk-8.` (old), `JBD2: I/O error
 *   when updating journal superblock for dm-6-8.` (6.x), `JBD2: Detected IO errors while flushing file
 *   data on X-8`, and `Aborting journal on device X-8.`; `-8` is the journal inode, stripped to get the
 *   device.
 */
import { errnoNames } from '../decode/errnoNames';
import { blkStatusErrno, blkStatusName, isIoErrno, matchAt, type IoErrorLine } from './ioErrorLine';

const EXT4 = /EXT4-fs (error|warning|critical|crit)(?: \(device ([^)\s]+)\))?(: | in )/y;
const END_BIO = /ext4_end_bio:\d+: I\/O error (-?\d+) writing to inode (\d+) (?:\(offset (\d+) size (\d+) starting block (\d+)\)|starting block (\d+)\))/y;
const ERROR_BODY = /([\w.]+):(\d+): (?:inode #(\d+): )?(?:block (\d+): )?comm (.{1,64}?): (.{1,200})/y;
const IN_BODY = /([\w.]+):(\d+): (.{1,200})/y;
const FS = /EXT4-fs \(([^)\s]+)\): /y;
const DELAYED = /Delayed block allocation failed for inode (\d+) at logical offset (\d+) with max blocks (\d+) with error (-?\d+)/y;
const JBD2 = /JBD2: (?:Error (-?\d+) detected when updating journal superblock|I\/O error when updating journal superblock|Detected IO errors (?:-?\d+ )?while flushing file data) (?:for|on) (\S+)/y;
const ABORTING = /Aborting journal on device (\S+)/y;
const ERRNO_TEXT = /[Ee]rror (-\d+)/;
const ABORTED_TEXT = /aborted journal|Journal has aborted|clean up the journal/;

/** `sdk-8.` -> `sdk`, `dm-70-8.` -> `dm-70`: a journal's device from jbd2's `<dev>-<inode>`. */
function journalDevice(s: string): string {
  const t = s.endsWith('.') ? s.slice(0, -1) : s;
  const dash = t.lastIndexOf('-');
  return dash > 0 && /^\d+$/.test(t.slice(dash + 1)) ? t.slice(0, dash) : t;
}

/** What an `EXT4-fs error` text says: an I/O error (with its op and errno), the journal's state, or corruption. */
function errorText(text: string): { kind: 'io' | 'state' | 'integrity'; op?: string; errno?: number } {
  if (ABORTED_TEXT.test(text)) return { kind: 'state' };
  const e = ERRNO_TEXT.exec(text);
  const errno = e ? Number(e[1]) : undefined;
  const op = /read/i.test(text) ? 'READ' : /writ/i.test(text) ? 'WRITE' : undefined;
  if (errno !== undefined) return isIoErrno(errno) ? { kind: 'io', errno, ...(op ? { op } : {}) } : { kind: 'integrity', errno };
  if (/I\/O error|IO failure/i.test(text)) return { kind: 'io', errno: -5, ...(op ? { op } : {}) };
  if (/async write back metadata|unable to read/i.test(text)) return { kind: 'io', ...(op ? { op } : {}) };
  return { kind: 'integrity' };
}

/** An ext4 or jbd2 line starting at `at`, or undefined. */
export function recogniseExt4Line(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  const c = msg.charCodeAt(at);
  if (c === 0x4a /* J */) {
    if (!(m = matchAt(JBD2, msg, at))) return undefined;
    const dev = journalDevice(m[2]!);
    const errno = m[1] !== undefined ? Number(m[1]) : -5;
    const what = msg.includes('flushing file data', at) ? 'flushing file data' : 'journal superblock write';
    return { source: 'jbd2', kind: 'io', device: dev, fsDevice: dev, op: 'WRITE', opFrom: 'words', errno, status: `${what} failed`, words: `jbd2 ${what} on ${dev} failed (error ${errno})` };
  }
  if (c === 0x41 /* A */) {
    if (!(m = matchAt(ABORTING, msg, at))) return undefined;
    const dev = journalDevice(m[1]!);
    return { source: 'jbd2', kind: 'state', device: dev, fsDevice: dev, status: 'journal aborted', words: `ext4 journal on ${dev} aborted` };
  }
  if ((m = matchAt(EXT4, msg, at))) {
    const level = m[1]!;
    const dev = m[2];
    const inForm = m[3] === ' in ';
    const rest = EXT4.lastIndex;
    const base = { source: 'ext4' as const, level, ...(dev !== undefined ? { device: dev, fsDevice: dev } : {}) };
    if (!inForm && (m = matchAt(END_BIO, msg, rest))) {
      const e = Number(m[1]);
      const name = e >= 0 ? blkStatusName(e) : undefined;
      const errno = e < 0 ? e : blkStatusErrno(e);
      const status = name !== undefined ? name : e < 0 ? (errnoNames.name(e) ?? `error ${e}`) : `status ${e}`;
      const block = m[5] ?? m[6]!;
      return {
        ...base,
        kind: 'io',
        inode: Number(m[2]),
        ...(m[3] !== undefined ? { fileOffset: Number(m[3]), bytes: Number(m[4]) } : {}),
        at: { value: Number(block), unit: 'block' },
        op: 'WRITE',
        opFrom: 'words',
        ...(e >= 0 ? { blkStatus: e } : {}),
        ...(errno !== undefined ? { errno } : {}),
        status,
        words: `ext4 write of inode ${m[2]!}${m[3] !== undefined ? ` at offset ${m[3]} (${m[4]!} bytes)` : ''} failed at block ${block}: ${name !== undefined ? `${name} error` : status}`,
      };
    }
    if (level === 'warning') return undefined;
    const body = inForm ? matchAt(IN_BODY, msg, rest) : matchAt(ERROR_BODY, msg, rest);
    if (!body) return undefined;
    const inBody = inForm;
    const text = (inBody ? body[3]! : body[6]!).trim();
    const t = errorText(text);
    const inode = !inBody && body[3] !== undefined ? Number(body[3]) : undefined;
    return {
      ...base,
      kind: t.kind,
      ...(inode !== undefined ? { inode } : {}),
      ...(t.op !== undefined ? { op: t.op, opFrom: 'words' as const } : {}),
      ...(t.errno !== undefined ? { errno: t.errno } : {}),
      status: t.kind === 'state' ? 'journal aborted' : text.length > 80 ? `${text.slice(0, 79)}…` : text,
      words: `ext4 error in ${body[1]!}${!inBody ? ` (comm ${body[5]!})` : ''}: ${text}`,
    };
  }
  if (!(m = matchAt(FS, msg, at))) return undefined;
  const dev = m[1]!;
  const rest = FS.lastIndex;
  const base = { source: 'ext4' as const, device: dev, fsDevice: dev };
  if (msg.startsWith('I/O error while writing superblock', rest)) return { ...base, kind: 'io', op: 'WRITE', opFrom: 'words', errno: -5, status: 'superblock write failed', words: `ext4 superblock write on ${dev} failed` };
  if (msg.startsWith('unable to read superblock', rest)) return { ...base, kind: 'io', op: 'READ', opFrom: 'words', status: 'superblock read failed', words: `ext4 could not read the superblock of ${dev}` };
  if (msg.startsWith('previous I/O error to superblock detected', rest)) return { ...base, kind: 'state', status: 'superblock error', words: `ext4 on ${dev} noticed an earlier superblock write error` };
  if (msg.startsWith('Remounting filesystem read-only', rest)) return { ...base, kind: 'state', status: 'read-only', words: `ext4 on ${dev} remounted read-only` };
  if ((m = matchAt(DELAYED, msg, rest))) {
    const errno = Number(m[4]);
    return {
      ...base,
      kind: isIoErrno(errno) ? 'io' : 'state',
      inode: Number(m[1]),
      op: 'WRITE',
      opFrom: 'words',
      errno,
      status: 'delayed allocation failed',
      words: `ext4 delayed allocation of inode ${m[1]!} at logical block ${m[2]!} failed with error ${errno} (data will be lost)`,
    };
  }
  return undefined;
}
