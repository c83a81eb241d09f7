/**
 * fieldMeaning: turns the decoded payload fields of one event into what a kernel or storage engineer
 * wants to see in a hover: the value as the trace printed it, its unit, and what it means in words.
 *
 * Invariants:
 * - Total and pure. Values come from untrusted trace files, so any input (NaN, negative numbers, 2^64,
 *   empty or garbage strings, unknown flag names, field names such as `constructor`) gives a result and
 *   nothing throws. Lookups keyed by input text use Maps, never object literals. The output is plain text
 *   (no markdown, no HTML); the adapter that shows it must render it as text.
 * - Only certain meanings are stated. Where a meaning rests on an assumption (4 KiB pages, an era's bit
 *   layout, an architecture's flag numbering), the words say so.
 * - Meanings depend on the event, not only on the field name: `start` is a btrfs logical address in an
 *   ordered extent but a file offset in btrfs_finish_ordered_extent; `flags` are IOMAP_F_* in a mapping,
 *   IOMAP_* in iomap_iter and kiocb flags in the dio events. So each family of events (block, syscalls,
 *   io_uring, iomap, xfs, ext4, btrfs, sched, readahead, filemap, writeback, ftrace) has its own rules,
 *   and a few name rules (devices, errors, inodes) apply everywhere else.
 */
import type { FieldView } from '../contracts/query';
import { btrfsOrderedFlags, type BtrfsEra } from '../decode/btrfsOrderedFlags';
import { fittingEras } from '../decode/btrfsOrderedEra';
import { errnoNames } from '../decode/errnoNames';
import { iomapFlags, type IomapEra } from '../decode/iomapFlags';
import { iomapOpFlags } from '../decode/iomapOpFlags';
import { ioprio } from '../decode/ioprio';
import { ioUringOpcodes } from '../decode/ioUringOpcodes';
import { kiocbFlags } from '../decode/kiocbFlags';
import { isStringKind, type FieldKind } from '../decode/payloadTypes';
import { decodeRwbs, type Rwbs } from '../decode/rwbs';

/** One decoded field as the decoder produced it. */
export interface RawField {
  /** Kernel field name from the event format. */
  readonly name: string;
  /** How it was read (see decode/payloadTypes.ts). */
  readonly kind: FieldKind;
  /** Numeric value, NaN when the field is a string or absent. */
  readonly num: number;
  /** String value (interned text), undefined when numeric or absent. */
  readonly str: string | undefined;
}

/** Context that changes meanings: which btrfs ordered-extent flag era the file shows, if known. */
export interface FieldContext {
  readonly btrfsEra?: '5.4' | '5.10' | '5.15+';
}

/** The fields of one event (absent ones skipped), in the given order, each with unit and meaning where one applies. */
export function explainFields(event: string, system: string, fields: readonly RawField[], ctx: FieldContext = {}): FieldView[] {
  const present = fields.filter(isPresent);
  const scope: Scope = { event, family: familyOf(event, system), ctx, byName: new Map(present.map((f) => [f.name, f])) };
  return present.map((f) => viewOf(f, scope));
}

// ---------------------------------------------------------------------------------------------------
// The view of one field

interface Meaning {
  readonly unit?: string;
  readonly meaning?: string;
}

interface Scope {
  readonly event: string;
  readonly family: Family;
  readonly ctx: FieldContext;
  /** The present fields of the event by name, for meanings that need a sibling (ret next to offset…). */
  readonly byName: ReadonlyMap<string, RawField>;
}

type Rule = (f: RawField, s: Scope) => Meaning | undefined;

function isPresent(f: RawField): boolean {
  // `_` fields are matched and dropped by the templates; they carry nothing to show.
  if (f.name === '_') return false;
  return isStringKind(f.kind) ? f.str !== undefined : !Number.isNaN(f.num);
}

function viewOf(f: RawField, s: Scope): FieldView {
  const base: FieldView = { name: f.name, text: textOf(f), value: isStringKind(f.kind) ? (f.str ?? '') : f.num };
  let found: Meaning | undefined;
  try {
    found = meaningOf(f, s);
  } catch {
    // Untrusted input must never break a hover: a meaning that could not be computed is left out,
    // the value itself is still shown.
    found = undefined;
  }
  return {
    ...base,
    ...(found?.unit === undefined ? {} : { unit: found.unit }),
    ...(found?.meaning === undefined ? {} : { meaning: found.meaning }),
  };
}

function meaningOf(f: RawField, s: Scope): Meaning | undefined {
  const own = FAMILY_RULES.get(s.family)?.get(f.name)?.(f, s);
  if (own !== undefined) return own;
  if (f.kind === 'dev') return devRule(f, s);
  return GENERIC_RULES.get(f.name)?.(f, s);
}

/** The value as the trace printed it, normalised: decimal stays decimal, hex kinds as `0x…`, dev_t as `MAJ:MIN`. */
function textOf(f: RawField): string {
  if (isStringKind(f.kind)) return f.kind === 'p' ? pointerText(f.str ?? '') : (f.str ?? '');
  switch (f.kind) {
    case 'x':
    case 'h':
    case 'sys':
      return hex(f.num);
    case 'sx':
      return hex64(f.num);
    case 'dev':
      return devText(f.num);
    default:
      return decimal(f.num);
  }
}

function pointerText(s: string): string {
  return /^[0-9a-f]+$/i.test(s) ? `0x${s}` : s;
}

// ---------------------------------------------------------------------------------------------------
// Numbers and sizes

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
/** How the decoder stores u64 -1 (18446744073709551615 rounds to 2^64 in a double). */
const U64_MAX = 2 ** 64;
const LLONG_MAX = 2 ** 63; // 9223372036854775807 as a double
const PAGE = 4096;

/** Exact decimal text of a number; 2^64 prints as the u64 maximum it stands for. */
function decimal(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === U64_MAX) return '18446744073709551615';
  if (Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER) return BigInt(v).toString();
  return String(v);
}

function hex(v: number): string {
  if (!Number.isFinite(v) || !Number.isInteger(v)) return String(v);
  if (v === U64_MAX) return '0xffffffffffffffff';
  if (v < 0) return `-0x${(-v).toString(16)}`;
  return `0x${Number.isSafeInteger(v) ? v.toString(16) : BigInt(v).toString(16)}`;
}

/** Hex as sys_exit prints a signed return: 64-bit two's complement for negatives. */
function hex64(v: number): string {
  if (Number.isInteger(v) && v < 0 && v >= -TWO_63) return `0x${(BigInt(v) + (1n << 64n)).toString(16)}`;
  return hex(v);
}

function devText(v: number): string {
  if (!Number.isInteger(v) || v < 0) return decimal(v);
  return `${Math.floor(v / 1048576)}:${v % 1048576}`;
}

const SIZE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

function human(n: number): string {
  let v = Math.abs(n);
  let i = -1;
  while (v >= 1024 && i < SIZE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const num = Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, '');
  return `${n < 0 ? '-' : ''}${num} ${SIZE_UNITS[i] ?? 'bytes'}`;
}

/**
 * `196608 bytes (192 KiB)`; sizes from 1 KiB on get the binary-unit rendering. `withHex` leads with the hex
 * value for the events that print hex (iomap, xfs), so the words can be matched against the line.
 */
function bytesWords(n: number, withHex = false): string {
  const base = `${hexPrefix(n, withHex)}${decimal(n)} ${n === 1 ? 'byte' : 'bytes'}`;
  return Number.isFinite(n) && Math.abs(n) >= 1024 ? `${base} (${human(n)})` : base;
}

/** A byte position: `14680064 (14 MiB)`, or `0xe00000 = 14680064 (14 MiB)` with `withHex`. */
function position(n: number, withHex = false): string {
  const base = `${hexPrefix(n, withHex)}${decimal(n)}`;
  return Number.isFinite(n) && Math.abs(n) >= 1024 ? `${base} (${human(n)})` : base;
}

function hexPrefix(n: number, withHex: boolean): string {
  return withHex && Number.isInteger(n) && n >= 10 ? `${hex(n)} = ` : '';
}

function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

function m(unit: string | undefined, meaning: string | undefined): Meaning {
  return { ...(unit === undefined ? {} : { unit }), ...(meaning === undefined ? {} : { meaning }) };
}

const bytesOf: Rule = (f) => (isCount(f.num) ? m('bytes', bytesWords(f.num)) : undefined);

function bytesWith(prefix: string, withHex = false): Rule {
  return (f) => (isCount(f.num) ? m('bytes', `${prefix}${bytesWords(f.num, withHex)}`) : undefined);
}

function offsetWith(prefix: string, withHex = false): Rule {
  return (f) => (isCount(f.num) ? m('bytes', `${prefix}${position(f.num, withHex)}`) : undefined);
}

function said(words: string, unit?: string): Rule {
  return () => m(unit, words);
}

function pagesWords(n: number): string {
  return `${decimal(n)} ${n === 1 ? 'page' : 'pages'} = ${bytesWords(n * PAGE)}, assuming 4 KiB pages`;
}

function pagesWith(prefix: string): Rule {
  return (f) => (isCount(f.num) ? m('pages', `${prefix}${pagesWords(f.num)}`) : undefined);
}

const pageIndex: Rule = (f) =>
  isCount(f.num) ? m('pages', `page index ${decimal(f.num)} = byte offset ${position(f.num * PAGE)} in the file, assuming 4 KiB pages`) : undefined;

const folioOrder: Rule = (f) =>
  Number.isInteger(f.num) && f.num >= 0 && f.num < 31 ? m(undefined, `folio order ${f.num}: 2^${f.num} = ${pagesWords(2 ** f.num)}`) : undefined;

function blocksWith(prefix: string): Rule {
  return (f) => (isCount(f.num) ? m('blocks', `${prefix}${decimal(f.num)} filesystem ${f.num === 1 ? 'block' : 'blocks'} (bytes = blocks × the filesystem block size, which the trace does not show)`) : undefined);
}

function sibling(s: Scope, name: string): RawField | undefined {
  return s.byName.get(name);
}

function siblingNum(s: Scope, name: string): number {
  return s.byName.get(name)?.num ?? NaN;
}

function boolWords(one: string, zero: string): Rule {
  return (f) => (f.num === 1 ? m(undefined, one) : f.num === 0 ? m(undefined, zero) : undefined);
}

// ---------------------------------------------------------------------------------------------------
// Flags: bit tables over values up to 2^53 (JS bit operators stop at 32 bits)

type BitTable = ReadonlyArray<readonly [number, string]>;

/** Names of a value's bits in table order; unknown bits become one hex remainder, as __print_flags prints them. */
function bitNames(value: number, table: BitTable): string[] {
  if (!Number.isSafeInteger(value) || value < 0) return [];
  const hi = Math.floor(value / TWO_32);
  let lo = value % TWO_32;
  const out: string[] = [];
  for (const [bit, name] of table) {
    if (((lo & bit) >>> 0) === bit) {
      out.push(name);
      lo = (lo & ~bit) >>> 0;
    }
  }
  const rest = hi * TWO_32 + lo;
  if (rest !== 0) out.push(hex(rest));
  return out;
}

/** Builds a bit table from a decode helper that names single bits (so the helper stays the one source of truth). */
function tableFrom(nameOf: (bit: number) => string | undefined, bits = 16): BitTable {
  const t: Array<readonly [number, string]> = [];
  for (let i = 0; i < bits; i++) {
    const name = nameOf(2 ** i);
    if (name !== undefined && !name.startsWith('0x')) t.push([2 ** i, name]);
  }
  return t;
}

/** Splits printed `__print_flags` text (`REGULAR|IO_DONE|0x60`) into names and the hex remainder. */
function splitFlags(text: string): { names: string[]; rest: number; restText: string } {
  const names: string[] = [];
  let rest = 0;
  let restText = '';
  for (const part of text.split('|')) {
    const p = part.trim();
    if (p === '') continue;
    if (/^0x[0-9a-f]+$/i.test(p)) {
      const v = parseInt(p, 16);
      if (Number.isSafeInteger(v)) rest = orWide(rest, v);
      else names.push(p);
      restText = restText === '' ? p : `${restText}|${p}`;
    } else {
      names.push(p);
    }
  }
  return { names, rest, restText };
}

function orWide(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) | Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a % TWO_32) | (b % TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}

/** `NAME (words), NAME (words)`; `none` for no names; unknown names and hex bits are said to be unknown. */
function describeNames(names: readonly string[], words: ReadonlyMap<string, string>): string {
  if (names.length === 0) return 'none';
  return names
    .map((n) => {
      const w = words.get(n);
      if (w !== undefined) return `${n} (${w})`;
      return /^0x[0-9a-f]+$/i.test(n) ? `${n} (bits without a known name)` : `${n} (not a known flag name)`;
    })
    .join(', ');
}

function numericFlags(table: BitTable, words: ReadonlyMap<string, string>, zero = 'none'): Rule {
  return (f) => {
    if (!isCount(f.num)) return undefined;
    return m(undefined, f.num === 0 ? zero : describeNames(bitNames(f.num, table), words));
  };
}

// ---------------------------------------------------------------------------------------------------
// Errors

/** strerror texts (glibc) of the errnos traces show; kernel-internal codes say so. */
const ERRNO_TEXT: ReadonlyMap<number, string> = new Map([
  [1, 'Operation not permitted'], [2, 'No such file or directory'], [3, 'No such process'], [4, 'Interrupted system call'],
  [5, 'Input/output error'], [6, 'No such device or address'], [7, 'Argument list too long'], [9, 'Bad file descriptor'],
  [11, 'Resource temporarily unavailable'], [12, 'Cannot allocate memory'], [13, 'Permission denied'], [14, 'Bad address'],
  [16, 'Device or resource busy'], [17, 'File exists'], [18, 'Invalid cross-device link'], [19, 'No such device'],
  [20, 'Not a directory'], [21, 'Is a directory'], [22, 'Invalid argument'], [23, 'Too many open files in system'],
  [24, 'Too many open files'], [25, 'Inappropriate ioctl for device'], [26, 'Text file busy'], [27, 'File too large'],
  [28, 'No space left on device'], [29, 'Illegal seek'], [30, 'Read-only file system'], [32, 'Broken pipe'],
  [34, 'Numerical result out of range'], [35, 'Resource deadlock avoided'], [36, 'File name too long'],
  [38, 'Function not implemented'], [39, 'Directory not empty'], [52, 'Invalid exchange'], [61, 'No data available'],
  [62, 'Timer expired'], [67, 'Link has been severed'], [74, 'Bad message'], [75, 'Value too large for defined data type'],
  [78, 'Remote address changed'], [84, 'Invalid or incomplete multibyte or wide character'], [95, 'Operation not supported'],
  [103, 'Software caused connection abort'], [104, 'Connection reset by peer'], [109, 'Too many references: cannot splice'],
  [110, 'Connection timed out'], [117, 'Structure needs cleaning'], [121, 'Remote I/O error'], [122, 'Disk quota exceeded'],
  [125, 'Operation canceled'],
  [512, 'kernel-internal: restart the system call after the signal'], [513, 'kernel-internal: restart the system call'],
  [514, 'kernel-internal: restart the system call if no signal handler ran'],
  [516, 'kernel-internal: restart through restart_syscall'], [524, 'kernel-internal: operation not supported'],
  [529, 'kernel-internal: the I/O was queued and completes asynchronously'],
]);
/** `-EIO (Input/output error)` for -4095..-1; undefined otherwise. */
function errnoWords(v: number): string | undefined {
  if (!Number.isInteger(v) || v >= 0 || v < -4095) return undefined;
  const n = -v;
  const name = errnoNames.name(n);
  if (name === undefined) return `errno ${n} (no name known)`;
  const text = ERRNO_TEXT.get(n);
  return text === undefined ? `-${name}` : `-${name} (${text})`;
}

/** 0 = success, negative = a named errno; positive values have no general meaning. */
const errorOrSuccess: Rule = (f) => {
  if (f.num === 0) return m(undefined, 'success');
  const e = errnoWords(f.num);
  return e === undefined ? undefined : m(undefined, e);
};

/** The errno each block status is turned into (block/blk-core.c blk_errors), so an errno names its status. */
const BLK_STATUS: ReadonlyMap<number, string> = new Map([
  [5, 'BLK_STS_IOERR (I/O error)'], [95, 'BLK_STS_NOTSUPP (operation not supported)'], [110, 'BLK_STS_TIMEOUT (timeout)'],
  [28, 'BLK_STS_NOSPC (critical space allocation)'], [67, 'BLK_STS_TRANSPORT (recoverable transport error)'],
  [121, 'BLK_STS_TARGET (critical target error)'], [52, 'BLK_STS_NEXUS / BLK_STS_RESV_CONFLICT (reservation conflict)'],
  [61, 'BLK_STS_MEDIUM (critical medium error)'], [84, 'BLK_STS_PROTECTION (integrity protection error)'],
  [12, 'BLK_STS_RESOURCE (kernel resource shortage)'], [16, 'BLK_STS_DEV_RESOURCE (device resource shortage)'],
  [11, 'BLK_STS_AGAIN (a REQ_NOWAIT request would have blocked)'], [19, 'BLK_STS_OFFLINE (device offline)'],
  [109, 'BLK_STS_ZONE_OPEN_RESOURCE (too many open zones)'], [75, 'BLK_STS_ZONE_ACTIVE_RESOURCE (too many active zones)'],
  [62, 'BLK_STS_DURATION_LIMIT (command duration limit exceeded)'], [22, 'BLK_STS_INVAL (invalid request)'],
  [78, 'BLK_STS_DM_REQUEUE (device-mapper internal retry)'],
]);

const blockError: Rule = (f, s) => {
  if (f.num === 0) return m(undefined, s.event === 'block_rq_requeue' ? '0 (block_rq_requeue always prints 0)' : 'success');
  const e = errnoWords(f.num);
  if (e === undefined) return undefined;
  const status = BLK_STATUS.get(-f.num);
  return m(undefined, status === undefined ? e : `${e}: block status ${status}`);
};

// ---------------------------------------------------------------------------------------------------
// Devices, inodes, pointers

/** A dev_t as `MAJ:MIN, <what the major is>`; only the majors registered in devices.txt are named. */
function devWords(v: number): string {
  if (!Number.isInteger(v) || v < 0 || v >= TWO_32) return 'not a valid dev_t';
  const major = Math.floor(v / 1048576);
  const minor = v % 1048576;
  return `${major}:${minor}, ${majorWords(major, minor)}`;
}

function majorWords(major: number, minor: number): string {
  if (major === 0) return minor === 0 ? 'no device (0:0 is reserved as the null device number)' : 'anonymous device number: a filesystem without a block device of its own (e.g. a btrfs subvolume, tmpfs, overlayfs)';
  if (major === 7) return `loop device (normally /dev/loop${minor})`;
  if (major === 8) return `SCSI disk (normally ${sdName(Math.floor(minor / 16), minor % 16)})`;
  if (major >= 65 && major <= 71) return `SCSI disk (normally ${sdName(16 * (major - 64) + Math.floor(minor / 16), minor % 16)})`;
  if (major >= 128 && major <= 135) return `SCSI disk (normally ${sdName(128 + 16 * (major - 128) + Math.floor(minor / 16), minor % 16)})`;
  if (major === 259) return 'block extended major (blkext): dynamically numbered disks and partitions, e.g. NVMe namespaces';
  if (major >= 240 && major <= 254) return 'block device with a dynamically assigned major (/proc/devices of the traced machine names its driver, e.g. device-mapper or virtio-blk)';
  const fixed = FIXED_MAJORS.get(major);
  return fixed === undefined ? `block device (major ${major})` : fixed(minor);
}

const FIXED_MAJORS: ReadonlyMap<number, (minor: number) => string> = new Map([
  [1, (n: number) => `RAM disk (normally /dev/ram${n})`],
  [2, () => 'floppy disk'],
  [3, () => 'first IDE/MFM disk interface (hda, hdb)'],
  [9, (n: number) => `MD (software RAID) device (normally /dev/md${n})`],
  [11, (n: number) => `SCSI CD-ROM (normally /dev/sr${n})`],
  [43, () => 'network block device (nbd)'],
  [202, () => 'Xen virtual block device (xvd)'],
]);

/** The kernel's sd name of a disk index (sd_format_disk_name: a..z, aa..zz, …) and partition. */
function sdName(index: number, partition: number): string {
  let letters = '';
  let i = index;
  do {
    letters = String.fromCharCode(97 + (i % 26)) + letters;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return `/dev/sd${letters}${partition === 0 ? '' : partition}`;
}

const DEV_ROLE: ReadonlyMap<string, string> = new Map([
  ['bdev', 'block device the mapping points to: '],
  ['old_dev', 'device before the remap: '],
  ['sb_dev', 'device of the superblock: '],
]);

const devRule: Rule = (f) => m(undefined, `${DEV_ROLE.get(f.name) ?? ''}${devWords(f.num)}`);

/** Inode numbers: ext4/btrfs/writeback print decimal, iomap/xfs/filemap hex; say both to join layers. */
const inodeRule: Rule = (f) => {
  if (!isCount(f.num)) return undefined;
  const printedHex = f.kind === 'x' || f.kind === 'h';
  return m(undefined, printedHex ? `inode ${decimal(f.num)} (printed in hex, ${hex(f.num)})` : `inode ${decimal(f.num)} (${hex(f.num)} in hex, as iomap, xfs and filemap print it)`);
};

/** How a %p value was printed: the kernel hashes it (32 bits, zero-extended), trace-cmd prints the address. */
function pointerWords(role: string, text: string): string {
  const t = text.replace(/^0x/i, '');
  let how = 'hashed in the kernel\'s text output, the raw address in trace-cmd\'s';
  if (/^0{8}[0-9a-f]{8}$/i.test(t)) how = 'hashed here, as the kernel\'s text output prints %p (trace-cmd prints the raw address)';
  else if (/^ffff[0-9a-f]{12}$/i.test(t)) how = 'the raw address here, as trace-cmd prints %p (the kernel\'s text output hashes it)';
  return `kernel pointer to ${role}: ${how}; only comparable within one file`;
}

function pointerTo(role: string): Rule {
  return (f) => m(undefined, pointerWords(role, f.str ?? ''));
}

// ---------------------------------------------------------------------------------------------------
// Block layer

const RWBS_OP: Readonly<Record<Rwbs['op'], string>> = {
  READ: 'read',
  WRITE: 'write',
  DISCARD: 'discard',
  SECURE_ERASE: 'secure erase',
  FLUSH: 'flush',
  OTHER: 'other op (N: write-zeroes, a zone op on kernels up to 6.14, or a driver-private/passthrough op)',
  ZONE_APPEND: 'zone append',
  ZONE_RESET: 'zone reset',
  ZONE_RESET_ALL: 'reset all zones',
  ZONE_FINISH: 'zone finish',
  ZONE_OPEN: 'zone open',
  ZONE_CLOSE: 'zone close',
};

function rwbsWords(text: string): string {
  const r = decodeRwbs(text);
  if (r === undefined) return 'not a valid rwbs string';
  const parts: string[] = [];
  if (r.preflush) parts.push('preflush');
  parts.push(RWBS_OP[r.op]);
  if (r.fua) parts.push('FUA');
  if (r.readahead) parts.push('readahead');
  if (r.sync) parts.push('sync');
  if (r.meta) parts.push('metadata');
  if (r.atomic) parts.push('atomic');
  return parts.join(', ');
}

function sectorWords(v: number): string | undefined {
  if (!isCount(v)) return undefined;
  if (v === U64_MAX) return '(sector_t)-1: the request has no position (e.g. an empty flush)';
  if (v >= TWO_63) return 'not a device position (a marker value above 2^63)';
  return `byte offset ${position(v * 512)} on the device (512-byte sectors)`;
}

function sectorWith(prefix: string): Rule {
  return (f) => {
    const w = sectorWords(f.num);
    return w === undefined ? undefined : m('sectors', `${prefix}${w}`);
  };
}

const blockSector: Rule = (f, s) => {
  if (s.event === 'block_touch_buffer' || s.event === 'block_dirty_buffer') return bufferBlock(f, s);
  return sectorWith('')(f, s);
};

/** block_buffer events store bh->b_blocknr in `sector`: a block number in units of the buffer size. */
const bufferBlock: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (f.num >= TWO_63) return m('blocks', 'not a mapped block (a marker value above 2^63, e.g. a buffer not yet allocated on disk)');
  const size = siblingNum(s, 'size');
  const where = isCount(size) && size > 0 ? `: byte offset ${position(f.num * size)}` : '';
  return m('blocks', `buffer block number (b_blocknr, in units of the buffer size, not 512-byte sectors)${where}`);
};

const nrSector: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  const size = bytesWords(f.num * 512);
  if (s.event === 'block_io_done') return m('sectors', `${size}: block_io_done prints 0 because the data was already consumed; block_rq_complete has the size`);
  if (s.event === 'block_rq_complete' || s.event === 'block_rq_error') return m('sectors', `${size} completed by this call (a request can complete in several pieces)`);
  return m('sectors', size);
};

const blockBytes: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (s.event === 'block_io_done') return m('bytes', `${bytesWords(f.num)}: block_io_done prints 0 because the data was already consumed`);
  return m('bytes', bytesWords(f.num));
};

const CLASS_WORDS: ReadonlyMap<number, string> = new Map([
  [0, 'NONE (no priority set on the request)'],
  [1, 'RT (real-time)'],
  [2, 'BE (best-effort)'],
  [3, 'IDLE (only when the device is otherwise idle)'],
  [7, 'INVALID'],
]);

/** `class BE (best-effort)`; class numbers 4-6 are unassigned (the class is 3 bits, 7 is INVALID). */
function classWords(cls: number): string {
  const w = CLASS_WORDS.get(cls);
  return w !== undefined ? `class ${w}` : `class ${cls} (no class has this number)`;
}

const ioprioClass: Rule = (f) => {
  const text = (f.str ?? '').trim();
  const cls = ioprio.classNumber(text);
  if (cls < 0) return m(undefined, 'not a known I/O priority class');
  return m(undefined, /^0x/i.test(text) ? `I/O priority ${classWords(cls)}; trace-cmd prints the class number` : `I/O priority ${classWords(cls)}`);
};

function hintWords(v: number): string | undefined {
  if (v === 0) return 'no I/O priority hint';
  if (Number.isInteger(v) && v >= 1 && v <= 7) return `I/O priority hint ${v}: command duration limit descriptor ${v} (IOPRIO_HINT_DEV_DURATION_LIMIT_${v})`;
  return undefined;
}

function levelWords(v: number): string | undefined {
  return Number.isInteger(v) && v >= 0 && v <= 7 ? `priority level ${v} of 0-7 (0 is the highest; used by the RT and BE classes)` : undefined;
}

const ioprioHint: Rule = (f) => m(undefined, hintWords(f.num));
const ioprioLevel: Rule = (f) => m(undefined, levelWords(f.num));

/** A raw ioprio value (`-R` output, io_uring `prio=`): class << 13 | hint << 3 | level. */
const rawIoprio: Rule = (f) => {
  if (!Number.isInteger(f.num) || f.num < 0 || f.num > 0xffff) return undefined;
  const p = ioprio.split(f.num);
  return m(undefined, `${classWords(p.cls)}, hint ${p.hint}, level ${p.level}`);
};

const blockCmd: Rule = (f) =>
  m(undefined, (f.str ?? '') === '' ? 'always empty on kernels 5.4+ (older kernels printed the SCSI command of passthrough requests here)' : 'command bytes of a passthrough request (printed by kernels older than 5.4 only)');

const BLOCK: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['rwbs', (f) => m(undefined, rwbsWords(f.str ?? ''))],
  ['sector', blockSector],
  ['new_sector', sectorWith('where the rest of the bio starts after the split: ')],
  ['old_sector', sectorWith('sector on the device before the remap: ')],
  ['nr_sector', nrSector],
  ['nr_sectors', nrSector],
  ['bytes', blockBytes],
  ['size', bytesWith('buffer size ')],
  ['cmd', blockCmd],
  ['ioprio_class', ioprioClass],
  ['ioprio_hint', ioprioHint],
  ['ioprio_level', ioprioLevel],
  ['error', blockError],
  ['comm', said('the task that was current when the event fired (current->comm; not necessarily the task that submitted the I/O)')],
  ['nr_rq', (f) => (isCount(f.num) ? m('requests', `${decimal(f.num)} request(s) on the plug list when it was flushed`) : undefined)],
  ['nr_bios', (f) => (isCount(f.num) ? m('bios', `${decimal(f.num)} bio(s) in the remapped request`) : undefined)],
  ['zno', (f) => (isCount(f.num) ? m(undefined, `zone number ${decimal(f.num)}`) : undefined)],
]);

// ---------------------------------------------------------------------------------------------------
// Syscalls

const READ_CALLS = new Set(['read', 'pread64', 'readv', 'preadv', 'preadv2', 'sendfile64', 'copy_file_range', 'splice', 'tee', 'getdents64']);
const WRITE_CALLS = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const FD_RETURNING = new Set([
  'open', 'openat', 'openat2', 'creat', 'dup', 'dup2', 'dup3', 'socket', 'accept', 'accept4', 'eventfd', 'eventfd2', 'epoll_create',
  'epoll_create1', 'io_uring_setup', 'memfd_create', 'pidfd_open', 'signalfd4', 'timerfd_create', 'inotify_init1', 'fanotify_init',
  'open_by_handle_at', 'userfaultfd', 'fsopen', 'fsmount', 'open_tree',
]);
const ZERO_ON_SUCCESS = new Set([
  'close', 'fsync', 'fdatasync', 'syncfs', 'fallocate', 'sync_file_range', 'ftruncate', 'truncate', 'fadvise64', 'readahead', 'ioctl',
  'io_uring_register', 'madvise', 'munmap', 'msync', 'mkdir', 'mkdirat', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
  'newfstatat', 'fstat', 'statx', 'umount', 'mount',
]);

function syscallOf(event: string): { name: string; exit: boolean } {
  if (event.startsWith('sys_exit_')) return { name: event.slice(9), exit: true };
  if (event.startsWith('sys_enter_')) return { name: event.slice(10), exit: false };
  return { name: event, exit: false };
}

const syscallRet: Rule = (f, s) => {
  const v = f.num;
  if (!Number.isInteger(v)) return undefined;
  if (v < 0) {
    const e = errnoWords(v);
    return m(undefined, e === undefined ? 'a negative value that is not an errno (errors are -4095..-1)' : `error ${e}`);
  }
  const call = syscallOf(s.event).name;
  if (READ_CALLS.has(call)) return m('bytes', v === 0 ? '0 bytes: end of file (or nothing was requested)' : `${bytesWords(v)} transferred`);
  if (WRITE_CALLS.has(call)) return m('bytes', `${bytesWords(v)} written`);
  if (FD_RETURNING.has(call)) return m(undefined, `file descriptor ${decimal(v)}`);
  if (call === 'io_uring_enter') return m(undefined, `${decimal(v)} SQE(s) consumed (submitted)`);
  if (call === 'lseek') return m('bytes', `new file offset ${position(v)}`);
  if (v === 0 && ZERO_ON_SUCCESS.has(call)) return m(undefined, 'success');
  return undefined;
};

const AT_FDCWD_U32 = 0xffffff9c;

const fdArg: Rule = (f, s) => {
  const v = f.num;
  if (v === AT_FDCWD_U32 || v === -100) return m(undefined, 'AT_FDCWD (-100): relative to the current working directory');
  if (v === 0xffffffff || v === U64_MAX || v === -1) return m(undefined, '-1: no file descriptor');
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) return m(undefined, 'not a valid file descriptor');
  const call = syscallOf(s.event).name;
  if (call === 'io_uring_enter' && (siblingNum(s, 'flags') & 16) === 16) return m(undefined, `index ${decimal(v)} of a registered ring fd (IORING_ENTER_REGISTERED_RING)`);
  const std = v === 0 ? ' (standard input by convention)' : v === 1 ? ' (standard output by convention)' : v === 2 ? ' (standard error by convention)' : '';
  return m(undefined, `file descriptor ${decimal(v)}${std}`);
};

/** Byte-count arguments, by syscall (the same name means other things in other calls). */
const BYTE_ARGS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['count', new Set(['read', 'write', 'pread64', 'pwrite64', 'readahead', 'sendfile64', 'getdents64'])],
  ['len', new Set(['fallocate', 'fadvise64', 'copy_file_range', 'splice', 'tee', 'mmap', 'munmap', 'msync', 'mprotect', 'mlock', 'munlock'])],
  ['len_in', new Set(['madvise'])],
  ['nbytes', new Set(['sync_file_range'])],
]);

function byteArg(name: string): Rule {
  return (f, s) => {
    const call = syscallOf(s.event).name;
    if (!(BYTE_ARGS.get(name)?.has(call) ?? false) || !isCount(f.num)) return undefined;
    if (call === 'sync_file_range' && f.num === 0) return m('bytes', '0: to the end of the file');
    return m('bytes', bytesWords(f.num));
  };
}

const OFFSET_CALLS = new Set(['pread64', 'pwrite64', 'fallocate', 'fadvise64', 'sync_file_range', 'readahead', 'lseek']);

const offsetArg: Rule = (f, s) => {
  const call = syscallOf(s.event).name;
  if (!OFFSET_CALLS.has(call) || !isCount(f.num)) return undefined;
  if (f.num >= TWO_63) return m('bytes', call === 'lseek' ? 'a negative offset (two\'s complement), relative to whence' : 'a negative offset: the call fails with EINVAL');
  return m('bytes', `file offset ${position(f.num)}`);
};

const VECTOR_CALLS = new Set(['preadv', 'pwritev', 'preadv2', 'pwritev2']);

/** preadv/pwritev split the position in two longs; 64-bit kernels take all of it from pos_l. */
const posLow: Rule = (f, s) => {
  const call = syscallOf(s.event).name;
  if (!VECTOR_CALLS.has(call) || !isCount(f.num)) return undefined;
  const flexible = call.endsWith('2');
  if (f.num === U64_MAX || (f.num === 0xffffffff && siblingNum(s, 'pos_h') === 0xffffffff)) {
    return m('bytes', flexible ? '-1: use and advance the current file position (like readv/writev)' : '-1: invalid position (only preadv2/pwritev2 accept -1)');
  }
  return m('bytes', `file position ${position(f.num)} (low half; a 64-bit kernel takes the whole position from pos_l)`);
};

const posHigh: Rule = (f, s) => {
  const call = syscallOf(s.event).name;
  if (!VECTOR_CALLS.has(call) || !isCount(f.num)) return undefined;
  if (f.num === 0xffffffff || f.num === U64_MAX) return m(undefined, 'high half of -1 (the C library splits -1 into both halves): the current file position');
  return m(undefined, 'high half of the file position (ignored by 64-bit kernels, which take the whole position from pos_l)');
};

const RWF: BitTable = [[1, 'RWF_HIPRI'], [2, 'RWF_DSYNC'], [4, 'RWF_SYNC'], [8, 'RWF_NOWAIT'], [16, 'RWF_APPEND'], [32, 'RWF_NOAPPEND'], [64, 'RWF_ATOMIC'], [128, 'RWF_DONTCACHE']];
const RWF_WORDS: ReadonlyMap<string, string> = new Map([
  ['RWF_HIPRI', 'polled I/O'],
  ['RWF_DSYNC', 'per-I/O O_DSYNC'],
  ['RWF_SYNC', 'per-I/O O_SYNC'],
  ['RWF_NOWAIT', 'fail with EAGAIN instead of blocking'],
  ['RWF_APPEND', 'per-I/O O_APPEND'],
  ['RWF_NOAPPEND', 'ignore O_APPEND'],
  ['RWF_ATOMIC', 'atomic (untorn) write'],
  ['RWF_DONTCACHE', 'drop the pages from the page cache after the I/O'],
]);

/** open(2) flags as numbered on x86-64 (asm-generic); arm64 numbers four of them differently. */
const O_FLAGS: BitTable = [
  // O_SYNC and O_TMPFILE include O_DSYNC and O_DIRECTORY: they come first so that they take their bits.
  [0x101000, 'O_SYNC'], [0x410000, 'O_TMPFILE'],
  [0x40, 'O_CREAT'], [0x80, 'O_EXCL'], [0x100, 'O_NOCTTY'], [0x200, 'O_TRUNC'], [0x400, 'O_APPEND'], [0x800, 'O_NONBLOCK'],
  [0x1000, 'O_DSYNC'], [0x2000, 'O_ASYNC'], [0x4000, 'O_DIRECT'], [0x8000, 'O_LARGEFILE'], [0x10000, 'O_DIRECTORY'],
  [0x20000, 'O_NOFOLLOW'], [0x40000, 'O_NOATIME'], [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH'],
];
const ACCESS_MODES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE (invalid access mode 3)'] as const;

const openFlags: Rule = (f) => {
  if (!Number.isSafeInteger(f.num) || f.num < 0) return undefined;
  const names = [ACCESS_MODES[f.num % 4] ?? 'O_RDONLY', ...bitNames(f.num - (f.num % 4), O_FLAGS)];
  return m(undefined, `${names.join(', ')} (x86-64 numbering; arm64 numbers O_DIRECT, O_DIRECTORY, O_NOFOLLOW and O_LARGEFILE differently)`);
};

const permissionMode: Rule = (f) => {
  if (!isCount(f.num) || f.num > 0o7777) return undefined;
  if (f.num === 0) return m(undefined, '0: no permission bits (they are used only with O_CREAT or O_TMPFILE)');
  return m(undefined, `permission bits 0${f.num.toString(8).padStart(3, '0')} (used only with O_CREAT or O_TMPFILE)`);
};

const FALLOC: BitTable = [
  [1, 'FALLOC_FL_KEEP_SIZE'], [2, 'FALLOC_FL_PUNCH_HOLE'], [4, 'FALLOC_FL_NO_HIDE_STALE'], [8, 'FALLOC_FL_COLLAPSE_RANGE'],
  [16, 'FALLOC_FL_ZERO_RANGE'], [32, 'FALLOC_FL_INSERT_RANGE'], [64, 'FALLOC_FL_UNSHARE_RANGE'], [128, 'FALLOC_FL_WRITE_ZEROES'],
];
const FALLOC_WORDS: ReadonlyMap<string, string> = new Map([
  ['FALLOC_FL_KEEP_SIZE', 'do not change the file size'],
  ['FALLOC_FL_PUNCH_HOLE', 'deallocate the range'],
  ['FALLOC_FL_NO_HIDE_STALE', 'reserved, rejected by the kernel'],
  ['FALLOC_FL_COLLAPSE_RANGE', 'remove the range and shift the rest of the file down'],
  ['FALLOC_FL_ZERO_RANGE', 'zero the range'],
  ['FALLOC_FL_INSERT_RANGE', 'insert a hole and shift the rest of the file up'],
  ['FALLOC_FL_UNSHARE_RANGE', 'unshare blocks shared with other files'],
  ['FALLOC_FL_WRITE_ZEROES', 'zero the range by writing zeroes on the device'],
]);
const PLAIN_ALLOCATION = '0: allocate the range (the file size grows if the range ends past EOF)';

const SFR: BitTable = [[1, 'SYNC_FILE_RANGE_WAIT_BEFORE'], [2, 'SYNC_FILE_RANGE_WRITE'], [4, 'SYNC_FILE_RANGE_WAIT_AFTER']];
const SFR_WORDS: ReadonlyMap<string, string> = new Map([
  ['SYNC_FILE_RANGE_WAIT_BEFORE', 'wait for writeback already under way'],
  ['SYNC_FILE_RANGE_WRITE', 'start writeback of the dirty pages'],
  ['SYNC_FILE_RANGE_WAIT_AFTER', 'wait for that writeback to finish'],
]);

const ENTER: BitTable = [[1, 'IORING_ENTER_GETEVENTS'], [2, 'IORING_ENTER_SQ_WAKEUP'], [4, 'IORING_ENTER_SQ_WAIT'], [8, 'IORING_ENTER_EXT_ARG'], [16, 'IORING_ENTER_REGISTERED_RING']];
const ENTER_WORDS: ReadonlyMap<string, string> = new Map([
  ['IORING_ENTER_GETEVENTS', 'wait for min_complete completions'],
  ['IORING_ENTER_SQ_WAKEUP', 'wake the SQPOLL thread'],
  ['IORING_ENTER_SQ_WAIT', 'wait for room in the SQ ring'],
  ['IORING_ENTER_EXT_ARG', 'argp points to struct io_uring_getevents_arg'],
  ['IORING_ENTER_REGISTERED_RING', 'fd is a registered-ring index'],
]);

const syscallFlags: Rule = (f, s) => {
  const call = syscallOf(s.event).name;
  if (call === 'preadv2' || call === 'pwritev2') return numericFlags(RWF, RWF_WORDS)(f, s);
  if (call === 'open' || call === 'openat') return openFlags(f, s);
  if (call === 'sync_file_range') return numericFlags(SFR, SFR_WORDS, '0: no operation')(f, s);
  if (call === 'io_uring_enter') return numericFlags(ENTER, ENTER_WORDS)(f, s);
  return undefined;
};

const syscallMode: Rule = (f, s) => {
  const call = syscallOf(s.event).name;
  if (call === 'fallocate') return numericFlags(FALLOC, FALLOC_WORDS, PLAIN_ALLOCATION)(f, s);
  if (call === 'open' || call === 'openat' || call === 'creat' || call === 'mkdir' || call === 'mkdirat' || call === 'chmod' || call === 'fchmod' || call === 'fchmodat') {
    return permissionMode(f, s);
  }
  return undefined;
};

const WHENCE: readonly string[] = ['SEEK_SET (from the start of the file)', 'SEEK_CUR (from the current position)', 'SEEK_END (from the end of the file)', 'SEEK_DATA (next data at or after offset)', 'SEEK_HOLE (next hole at or after offset)'];

/** Well-known ioctl numbers (asm-generic _IOC encoding, as on x86-64 and arm64). */
const IOCTL_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1261, 'BLKFLSBUF'], [0x1268, 'BLKSSZGET'], [0x1277, 'BLKDISCARD'], [0x1278, 'BLKIOMIN'], [0x1279, 'BLKIOOPT'],
  [0x127b, 'BLKPBSZGET'], [0x127d, 'BLKSECDISCARD'], [0x127f, 'BLKZEROOUT'], [0x80081270, 'BLKBSZGET'], [0x80081272, 'BLKGETSIZE64'],
  [0x80041284, 'BLKGETZONESZ'], [0x80041285, 'BLKGETNRZONES'], [0xc0101282, 'BLKREPORTZONE'], [0x40101283, 'BLKRESETZONE'],
  [0xc0045877, 'FIFREEZE'], [0xc0045878, 'FITHAW'], [0xc0185879, 'FITRIM'], [0x40049409, 'FICLONE'], [0x4020940d, 'FICLONERANGE'],
  [0xc020660b, 'FS_IOC_FIEMAP'], [0x5401, 'TCGETS'],
]);
const IOC_DIR = ['_IO', '_IOW', '_IOR', '_IOWR'] as const;

const ioctlCmd: Rule = (f, s) => {
  if (syscallOf(s.event).name !== 'ioctl' || !Number.isInteger(f.num) || f.num < 0 || f.num >= TWO_32) return undefined;
  const v = f.num;
  const dir = IOC_DIR[Math.floor(v / 2 ** 30)] ?? '_IO';
  const size = Math.floor(v / 65536) % 16384;
  const type = Math.floor(v / 256) % 256;
  const nr = v % 256;
  const enc = `${dir}(0x${type.toString(16)}, ${nr}${size === 0 ? '' : `, ${size}-byte argument`})`;
  const name = IOCTL_NAMES.get(v);
  return m(undefined, `${name === undefined ? '' : `${name}: `}${enc} in the asm-generic ioctl encoding`);
};

/** io_uring_register(2) opcodes (include/uapi/linux/io_uring.h). */
const REGISTER_OPS: readonly string[] = [
  'REGISTER_BUFFERS', 'UNREGISTER_BUFFERS', 'REGISTER_FILES', 'UNREGISTER_FILES', 'REGISTER_EVENTFD', 'UNREGISTER_EVENTFD',
  'REGISTER_FILES_UPDATE', 'REGISTER_EVENTFD_ASYNC', 'REGISTER_PROBE', 'REGISTER_PERSONALITY', 'UNREGISTER_PERSONALITY',
  'REGISTER_RESTRICTIONS', 'REGISTER_ENABLE_RINGS', 'REGISTER_FILES2', 'REGISTER_FILES_UPDATE2', 'REGISTER_BUFFERS2',
  'REGISTER_BUFFERS_UPDATE', 'REGISTER_IOWQ_AFF', 'UNREGISTER_IOWQ_AFF', 'REGISTER_IOWQ_MAX_WORKERS', 'REGISTER_RING_FDS',
  'UNREGISTER_RING_FDS', 'REGISTER_PBUF_RING', 'UNREGISTER_PBUF_RING', 'REGISTER_SYNC_CANCEL', 'REGISTER_FILE_ALLOC_RANGE',
];

function registerOpWords(v: number): string | undefined {
  if (!Number.isInteger(v)) return undefined;
  // IORING_REGISTER_USE_REGISTERED_RING is bit 31: negative when printed with %d.
  const viaRing = v < 0 || v >= 2 ** 31;
  const op = viaRing ? (v < 0 ? v + 2 ** 31 : v - 2 ** 31) : v;
  const name = REGISTER_OPS[op];
  const base = name === undefined ? `io_uring_register opcode ${op} (not in the table of kernels up to 6.1)` : `IORING_${name} (${op})`;
  return viaRing ? `${base}, through a registered ring fd (IORING_REGISTER_USE_REGISTERED_RING)` : base;
}

const USER_POINTER = said('user-space address (the memory it points to is not traced)');

const SYSCALLS: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['ret', syscallRet],
  ['fd', fdArg], ['dfd', fdArg], ['fd_in', fdArg], ['fd_out', fdArg], ['in_fd', fdArg], ['out_fd', fdArg], ['epfd', fdArg],
  ['oldfd', fdArg], ['newfd', fdArg], ['fildes', fdArg],
  ['count', byteArg('count')], ['len', byteArg('len')], ['len_in', byteArg('len_in')], ['nbytes', byteArg('nbytes')],
  ['pos', offsetArg], ['offset', offsetArg],
  ['length', (f, s) => (syscallOf(s.event).name.endsWith('truncate') && isCount(f.num) ? m('bytes', `new file size ${bytesWords(f.num)}`) : undefined)],
  ['pos_l', posLow], ['pos_h', posHigh],
  ['vlen', (f) => (isCount(f.num) ? m('iovecs', `${decimal(f.num)} iovec ${f.num === 1 ? 'entry' : 'entries'} (buffers)`) : undefined)],
  ['flags', syscallFlags],
  ['mode', syscallMode],
  ['whence', (f, s) => (syscallOf(s.event).name === 'lseek' && isCount(f.num) ? m(undefined, WHENCE[f.num]) : undefined)],
  ['cmd', ioctlCmd],
  ['to_submit', (f) => (isCount(f.num) ? m('SQEs', `submit up to ${decimal(f.num)} SQE(s)`) : undefined)],
  ['min_complete', (f) => (isCount(f.num) ? m('CQEs', `wait for ${decimal(f.num)} completion(s) when IORING_ENTER_GETEVENTS is set`) : undefined)],
  ['entries', (f, s) => (syscallOf(s.event).name === 'io_uring_setup' && isCount(f.num) ? m('entries', `${decimal(f.num)} SQ entries requested (rounded up to a power of 2)`) : undefined)],
  ['opcode', (f, s) => (syscallOf(s.event).name === 'io_uring_register' ? m(undefined, registerOpWords(f.num)) : undefined)],
  ['ctx_id', said('Linux AIO context id (from io_setup)')],
  ['__syscall_nr', (f) => (isCount(f.num) ? m(undefined, `system call number ${decimal(f.num)} (architecture-specific numbering)`) : undefined)],
  ['buf', USER_POINTER], ['vec', USER_POINTER], ['filename', USER_POINTER], ['pathname', USER_POINTER], ['path', USER_POINTER],
  ['argp', USER_POINTER], ['params', USER_POINTER], ['iocbpp', USER_POINTER], ['events', USER_POINTER], ['statbuf', USER_POINTER],
  ['off_in', USER_POINTER], ['off_out', USER_POINTER], ['dirent', USER_POINTER], ['how', USER_POINTER], ['buffer', USER_POINTER],
]);

// ---------------------------------------------------------------------------------------------------
// io_uring

/** `user_data 0x4 = 4`: the application's cookie, and where its value is unreliable (above 2^53). */
const userData: Rule = (f) => {
  if (!isCount(f.num)) return undefined;
  const other = f.kind === 'u' || f.kind === 'd' ? `${hex(f.num)} in hex` : `${decimal(f.num)} in decimal`;
  const rounded = f.num > Number.MAX_SAFE_INTEGER ? '; above 2^53, so the low digits shown here are rounded' : '';
  return m(undefined, `${other}: the application's cookie (sqe->user_data), returned unchanged in the completion (CQE)${rounded}`);
};

const cqeRes: Rule = (f) => {
  if (!Number.isInteger(f.num)) return undefined;
  if (f.num < 0) {
    const e = errnoWords(f.num);
    return e === undefined ? undefined : m(undefined, `error ${e}`);
  }
  return m(undefined, `${bytesWords(f.num)} if the op is a read or write (other opcodes return their own result: an fd, a poll mask, 0 for success)`);
};

const CQE_FLAGS: BitTable = [[1, 'IORING_CQE_F_BUFFER'], [2, 'IORING_CQE_F_MORE'], [4, 'IORING_CQE_F_SOCK_NONEMPTY'], [8, 'IORING_CQE_F_NOTIF']];
const CQE_WORDS: ReadonlyMap<string, string> = new Map([
  ['IORING_CQE_F_BUFFER', 'a provided buffer was used; its id is in the upper 16 bits'],
  ['IORING_CQE_F_MORE', 'more completions will follow for this SQE (multishot)'],
  ['IORING_CQE_F_SOCK_NONEMPTY', 'more data is waiting in the socket'],
  ['IORING_CQE_F_NOTIF', 'a zero-copy send notification'],
]);

const cqeFlags: Rule = (f) => {
  if (!isCount(f.num) || f.num >= TWO_32) return undefined;
  if (f.num === 0) return m(undefined, 'none');
  const low = f.num % 65536;
  const names = describeNames(bitNames(low, CQE_FLAGS), CQE_WORDS);
  return m(undefined, (low & 1) === 1 ? `${names}; buffer id ${Math.floor(f.num / 65536)}` : f.num >= 65536 ? `${names}; upper bits ${hex(f.num - low)}` : names);
};

const SETUP: BitTable = [
  [0x1, 'IORING_SETUP_IOPOLL'], [0x2, 'IORING_SETUP_SQPOLL'], [0x4, 'IORING_SETUP_SQ_AFF'], [0x8, 'IORING_SETUP_CQSIZE'],
  [0x10, 'IORING_SETUP_CLAMP'], [0x20, 'IORING_SETUP_ATTACH_WQ'], [0x40, 'IORING_SETUP_R_DISABLED'], [0x80, 'IORING_SETUP_SUBMIT_ALL'],
  [0x100, 'IORING_SETUP_COOP_TASKRUN'], [0x200, 'IORING_SETUP_TASKRUN_FLAG'], [0x400, 'IORING_SETUP_SQE128'], [0x800, 'IORING_SETUP_CQE32'],
  [0x1000, 'IORING_SETUP_SINGLE_ISSUER'], [0x2000, 'IORING_SETUP_DEFER_TASKRUN'], [0x4000, 'IORING_SETUP_NO_MMAP'],
  [0x8000, 'IORING_SETUP_REGISTERED_FD_ONLY'], [0x10000, 'IORING_SETUP_NO_SQARRAY'],
];
const SETUP_WORDS: ReadonlyMap<string, string> = new Map([
  ['IORING_SETUP_IOPOLL', 'completions are polled'],
  ['IORING_SETUP_SQPOLL', 'a kernel thread polls the SQ'],
  ['IORING_SETUP_SQ_AFF', 'the SQPOLL thread is bound to a CPU'],
  ['IORING_SETUP_CQSIZE', 'the application chose the CQ size'],
  ['IORING_SETUP_CLAMP', 'ring sizes clamped to the maximum'],
  ['IORING_SETUP_ATTACH_WQ', 'shares the io-wq of another ring'],
  ['IORING_SETUP_R_DISABLED', 'created disabled'],
  ['IORING_SETUP_SUBMIT_ALL', 'keep submitting after an error'],
  ['IORING_SETUP_COOP_TASKRUN', 'task work runs cooperatively, without an IPI'],
  ['IORING_SETUP_TASKRUN_FLAG', 'flag pending task work in the SQ ring'],
  ['IORING_SETUP_SQE128', '128-byte SQEs'],
  ['IORING_SETUP_CQE32', '32-byte CQEs'],
  ['IORING_SETUP_SINGLE_ISSUER', 'only one task submits'],
  ['IORING_SETUP_DEFER_TASKRUN', 'task work deferred until the task waits for completions'],
  ['IORING_SETUP_NO_MMAP', 'the application provides the ring memory'],
  ['IORING_SETUP_REGISTERED_FD_ONLY', 'returns a registered ring index, not an fd'],
  ['IORING_SETUP_NO_SQARRAY', 'no SQ index array'],
]);

const ioUringFlags: Rule = (f, s) => {
  if (s.event === 'io_uring_create') return numericFlags(SETUP, SETUP_WORDS)(f, s);
  return isCount(f.num) ? m(undefined, `${hex(f.num)}: internal REQ_F_* request flags; their bit layout changes between kernels, so they are not decoded`) : undefined;
};

/** Poll event bits (asm-generic values, as on x86-64 and arm64). */
const POLL: BitTable = [
  [0x1, 'EPOLLIN'], [0x2, 'EPOLLPRI'], [0x4, 'EPOLLOUT'], [0x8, 'EPOLLERR'], [0x10, 'EPOLLHUP'], [0x20, 'EPOLLNVAL'], [0x40, 'EPOLLRDNORM'],
  [0x80, 'EPOLLRDBAND'], [0x100, 'EPOLLWRNORM'], [0x200, 'EPOLLWRBAND'], [0x400, 'EPOLLMSG'], [0x2000, 'EPOLLRDHUP'],
  [0x10000000, 'EPOLLEXCLUSIVE'], [0x20000000, 'EPOLLWAKEUP'], [0x40000000, 'EPOLLONESHOT'], [0x80000000, 'EPOLLET'],
];

const pollMask: Rule = (f) => {
  if (!isCount(f.num) || f.num >= TWO_32) return undefined;
  return m(undefined, f.num === 0 ? 'none' : `${bitNames(f.num, POLL).join(', ')} (asm-generic poll bits)`);
};

const opcodeName: Rule = (f, s) => {
  if (s.event === 'io_uring_register') return m(undefined, registerOpWords(f.num));
  if (f.str === undefined) return undefined;
  const n = ioUringOpcodes.number(f.str);
  return m(undefined, n < 0 ? (f.str === 'INVALID' ? 'INVALID: an opcode number out of range (the request is rejected)' : 'not a known io_uring opcode name') : `IORING_OP_${f.str} (opcode ${n})`);
};

const opcodeNumber: Rule = (f) =>
  Number.isInteger(f.num) && f.num >= 0 && f.num < 256 ? m(undefined, `IORING_OP_${ioUringOpcodes.name(f.num)} (opcode ${f.num})`) : undefined;

const sqeFd: Rule = (f, s) => {
  if (!Number.isInteger(f.num)) return undefined;
  if (s.event === 'io_uring_create') return m(undefined, `file descriptor ${decimal(f.num)} of the new ring`);
  return m(undefined, `file descriptor ${decimal(f.num)} from the SQE (an index into the registered files when the SQE has IOSQE_FIXED_FILE)`);
};

const IO_URING: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['ctx', pointerTo('the ring (struct io_ring_ctx)')],
  ['req', pointerTo('the request (struct io_kiocb)')],
  ['target_req', pointerTo('the request this one is linked after')],
  ['link', pointerTo('the linked request')],
  ['work', pointerTo('the io-wq work item')],
  ['tctx', pointerTo('the task\'s io_uring context (struct io_uring_task)')],
  ['ocqe', pointerTo('the overflowed CQE')],
  ['opcode', opcodeName],
  ['op', opcodeNumber],
  ['user_data', userData],
  ['res', cqeRes],
  ['cflags', cqeFlags],
  ['flags', ioUringFlags],
  ['fd', sqeFd],
  ['sq_entries', (f) => (isCount(f.num) ? m('entries', `${decimal(f.num)} submission queue entries`) : undefined)],
  ['cq_entries', (f) => (isCount(f.num) ? m('entries', `${decimal(f.num)} completion queue entries`) : undefined)],
  ['force_nonblock', boolWords('issued non-blocking (inline, in the submitting task)', 'issued in a context that may block (io-wq worker)')],
  ['sq_thread', boolWords('submitted by the SQPOLL kernel thread', 'submitted by the task itself (io_uring_enter)')],
  ['rw', (f) => m(undefined, f.str === 'hashed' ? 'hashed: serialised with other writes to the same file in io-wq' : f.str === 'normal' ? 'normal: may run in parallel in io-wq' : undefined)],
  ['mask', pollMask],
  ['events', pollMask],
  ['min_events', (f) => (isCount(f.num) ? m('CQEs', `waits for ${decimal(f.num)} completion(s)`) : undefined)],
  ['count', (f) => (isCount(f.num) ? m(undefined, `${decimal(f.num)} task-work item(s) run`) : undefined)],
  ['loops', (f) => (isCount(f.num) ? m(undefined, `in ${decimal(f.num)} loop(s)`) : undefined)],
  ['fpos', offsetWith('file position ')],
  ['wanted', bytesWith('requested ')],
  ['got', bytesWith('written ')],
  ['ret', errorOrSuccess],
  ['error', errorOrSuccess],
  ['off', offsetWith('SQE offset (file position for reads and writes) ')],
  ['addr', said('SQE address (a user-space buffer for reads and writes)')],
  ['len', (f) => (isCount(f.num) ? m(undefined, `SQE length: ${bytesWords(f.num)} for READ/WRITE, the number of iovecs for READV/WRITEV`) : undefined)],
  ['ioprio', rawIoprio],
  ['op_flags', numericFlags(RWF, RWF_WORDS)],
  ['extra1', said('extra CQE field (filled only on rings with 32-byte CQEs)')],
  ['extra2', said('extra CQE field (filled only on rings with 32-byte CQEs)')],
]);

// ---------------------------------------------------------------------------------------------------
// iomap

const TYPE_WORDS: ReadonlyMap<string, string> = new Map([
  ['HOLE', 'no blocks allocated: reads return zeroes'],
  ['DELALLOC', 'delayed allocation: space reserved, no disk blocks yet'],
  ['MAPPED', 'allocated blocks with written data'],
  ['UNWRITTEN', 'allocated but unwritten (preallocated): reads return zeroes until the extent is converted'],
  ['INLINE', 'data stored inline in the filesystem metadata'],
]);

function typeWords(name: string): string {
  const w = TYPE_WORDS.get(name);
  return w === undefined ? 'not a known iomap type' : `${name}: ${w}`;
}

const MAP_FLAG_WORDS: ReadonlyMap<string, string> = new Map([
  ['NEW', 'blocks newly allocated for this operation'],
  ['DIRTY', 'uncommitted metadata: fdatasync must commit it for the data to be durable'],
  ['SHARED', 'blocks shared with another file (reflink): writes go copy-on-write'],
  ['MERGED', 'merged from several contiguous mappings'],
  ['BH', 'uses buffer heads'],
  ['SIZE_CHANGED', 'the filesystem changed the file size for this write'],
  ['STALE', 'the mapping is stale: iomap must map the range again'],
  ['XATTR', 'extended-attribute data'],
  ['BOUNDARY', 'no I/O merging across this mapping'],
  ['ANON_WRITE', 'no disk address yet: the filesystem assigns it when the bio is submitted'],
  ['ATOMIC_BIO', 'atomic (untorn) write bio'],
  ['PRIVATE', 'filesystem-private flag'],
]);

const OP_FLAG_WORDS: ReadonlyMap<string, string> = new Map([
  ['WRITE', 'write'],
  ['ZERO', 'zeroing'],
  ['REPORT', 'report extents (fiemap)'],
  ['FAULT', 'page fault'],
  ['DIRECT', 'direct I/O'],
  ['NOWAIT', 'must not block'],
  ['OVERWRITE_ONLY', 'only pure overwrites, no allocation'],
  ['UNSHARE', 'unshare shared blocks'],
  ['DAX', 'DAX'],
  ['ATOMIC', 'atomic write'],
  ['DONTCACHE', 'uncached buffered I/O'],
]);

const KIOCB_WORDS: ReadonlyMap<string, string> = new Map([
  ['HIPRI', 'polled I/O'],
  ['DSYNC', 'O_DSYNC semantics'],
  ['SYNC', 'O_SYNC semantics'],
  ['NOWAIT', 'must not block (RWF_NOWAIT or a non-blocking io_uring attempt)'],
  ['APPEND', 'append'],
  ['EVENTFD', 'signals an eventfd (Linux AIO)'],
  ['DIRECT', 'O_DIRECT'],
  ['WRITE', 'write'],
  ['WAITQ', 'asynchronous buffered read with a wait queue (io_uring)'],
  ['NOIO', 'only cached data may be used, no I/O is issued'],
  ['ALLOC_CACHE', 'may use the bio allocation cache'],
  ['ATOMIC', 'atomic (untorn) write'],
  ['DONTCACHE', 'drop the pages from the page cache after the I/O'],
  ['CALLER_COMP', 'the caller completes the I/O'],
  ['AIO_RW', 'a Linux AIO (io_submit) read or write'],
  ['AIO_HAS_METADATA', 'carries integrity metadata'],
]);

const DIO_FLAG_WORDS: ReadonlyMap<string, string> = new Map([
  ['DIO_FORCE_WAIT', 'wait for completion even for an asynchronous kiocb'],
  ['DIO_OVERWRITE_ONLY', 'only pure overwrites, no allocation'],
  ['DIO_PARTIAL', 'a short I/O may be returned instead of an error'],
]);

const MAP_TABLE: Readonly<Record<IomapEra, BitTable>> = {
  '<=6.14': tableFrom((b) => iomapFlags.names(b, '<=6.14')[0]),
  '6.18': tableFrom((b) => iomapFlags.names(b, '6.18')[0]),
};
const OP_TABLE: BitTable = tableFrom((b) => iomapOpFlags.names(b)[0]);

/**
 * Raw IOMAP_F values. SIZE_CHANGED and STALE moved in 6.18, so an unknown era is read from the bits that
 * exist in one era only (0x80, 0x4000, 0x8000: 6.18; 0x200: up to 6.14); 0x100 alone stays ambiguous.
 */
function rawMapFlagsWords(v: number, known?: IomapEra): string {
  if (v === 0) return 'none';
  const era: IomapEra = known ?? ((v & 0xc080) !== 0 ? '6.18' : '<=6.14');
  const words = describeNames(bitNames(v, MAP_TABLE[era]), MAP_FLAG_WORDS);
  if (known !== undefined || (v & 0xc380) === 0) return words;
  if (era === '6.18') return `${words}; 6.18 bit values (0x80, 0x4000 and 0x8000 exist only there)`;
  if ((v & 0x200) !== 0) return `${words}; bit values of kernels up to 6.14 (6.18 has no 0x200 flag)`;
  return `${words}; bit values of kernels up to 6.14 assumed (on 6.18, 0x100 is ATOMIC_BIO)`;
}

/** Printed IOMAP_F text: <=6.14 names six flags and prints the rest as hex (0x200 = STALE). */
function mapFlagsText(text: string, raw: number): string {
  if (Number.isSafeInteger(raw) && raw >= 0) return rawMapFlagsWords(raw, '6.18');
  const { names, rest } = splitFlags(text);
  const all = [...names, ...bitNames(rest, MAP_TABLE['<=6.14'])];
  const words = describeNames(all, MAP_FLAG_WORDS);
  return (rest & 0x20) !== 0 ? `${words}; 0x20 was ZONE_APPEND on 5.15-6.1 kernels` : words;
}

/** IOMAP_* operation flags: the raw `(0x%x)` beside the names spells every bit, whatever the kernel named. */
function opFlagsText(text: string, raw: number): string {
  if (Number.isSafeInteger(raw) && raw >= 0) return describeNames(bitNames(raw, OP_TABLE), OP_FLAG_WORDS);
  const { names, rest } = splitFlags(text);
  return describeNames([...names, ...bitNames(rest, OP_TABLE)], OP_FLAG_WORDS);
}

const ITER_EVENTS = new Set(['iomap_iter', 'iomap_apply']);
const DIO_EVENTS = new Set(['iomap_dio_rw_begin', 'iomap_dio_complete']);

const iomapFlagsRule: Rule = (f, s) => {
  const text = f.str ?? '';
  const raw = siblingNum(s, 'flags_raw');
  if (ITER_EVENTS.has(s.event)) return m(undefined, opFlagsText(text, raw));
  if (DIO_EVENTS.has(s.event)) return m(undefined, describeNames(kiocbFlags.split(text), KIOCB_WORDS));
  return m(undefined, mapFlagsText(text, raw));
};

const iomapFlagsRaw: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (ITER_EVENTS.has(s.event)) return m(undefined, describeNames(bitNames(f.num, OP_TABLE), OP_FLAG_WORDS));
  return m(undefined, rawMapFlagsWords(f.num, '6.18'));
};

const diskAddress: Rule = (f, s) => {
  if (f.num === U64_MAX || f.num === -1) return m('bytes', 'IOMAP_NULL_ADDR: no disk address (a hole, delayed allocation or inline data)');
  if (!isCount(f.num)) return undefined;
  const bdev = sibling(s, 'bdev');
  const on = bdev === undefined ? '' : ` on ${devText(bdev.num)}`;
  const sector = f.num % 512 === 0 ? ` = 512-byte sector ${decimal(f.num / 512)}` : ' (not 512-byte aligned)';
  return m('bytes', `disk byte address ${position(f.num, true)}${on}${sector}`);
};

const iomapOffset: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (s.event === 'iomap_dio_complete') {
    const ret = siblingNum(s, 'ret');
    const start = Number.isInteger(ret) && ret > 0 && ret <= f.num ? `; this I/O started at ${position(f.num - ret, true)}` : '';
    return m('bytes', `file position after the I/O (iomap_dio_complete prints ki_pos after the update): ${position(f.num, true)}${start}`);
  }
  if (sibling(s, 'addr') !== undefined) return m('bytes', `file offset where the mapping starts: ${position(f.num, true)}`);
  return m('bytes', `file offset ${position(f.num, true)}`);
};

const dioRet: Rule = (f) => {
  if (!Number.isInteger(f.num)) return undefined;
  if (f.num === -529) return m(undefined, '-EIOCBQUEUED: queued, completes asynchronously');
  if (f.num < 0) {
    const e = errnoWords(f.num);
    return e === undefined ? undefined : m(undefined, `error ${e}`);
  }
  return m('bytes', `${bytesWords(f.num)} done`);
};

/** A `%ps`/`%pS` symbol; a bare address means the kernel could not name it. `named` is said of a resolved name. */
const symbolRule = (what: string, named = ''): Rule => (f) => {
  const t = f.str ?? '';
  if (/^0x[0-9a-f]+$/i.test(t)) return m(undefined, `${what}: an unresolved kernel address (the kernel has no symbol for it, e.g. without CONFIG_KALLSYMS_ALL)`);
  return m(undefined, `${what}${named}`);
};

const IOMAP: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['size', bytesWith('file size (i_size) ', true)],
  ['offset', iomapOffset],
  ['length', bytesWith('', true)],
  ['pos', offsetWith('file position ', true)],
  ['dirty_len', bytesWith('dirty range ', true)],
  ['done_before', bytesWith('already done by an earlier call (a resumed partial direct I/O): ', true)],
  ['addr', diskAddress],
  ['type', (f) => m(undefined, typeWords(f.str ?? ''))],
  ['type_raw', (f) => (isCount(f.num) ? m(undefined, typeWords(iomapFlags.typeName(f.num))) : undefined)],
  ['flags', iomapFlagsRule],
  ['flags_raw', iomapFlagsRaw],
  ['dio_flags', (f) => m(undefined, describeNames(kiocbFlags.split(f.str ?? ''), DIO_FLAG_WORDS))],
  ['aio', boolWords('asynchronous kiocb (io_uring or Linux AIO): the I/O may complete later, in another context', 'synchronous kiocb: the caller waits for the I/O')],
  ['ret', dioRet],
  ['status', errorOrSuccess],
  ['processed', (f, s) => (Number.isInteger(f.num) && f.num < 0 ? errorOrSuccess(f, s) : bytesWith('processed by the previous iteration: ')(f, s))],
  ['nr_pages', pagesWith('')],
  ['ops', symbolRule('the filesystem\'s iomap_ops', ' (trace-cmd shows the nearest symbol, which can be wrong, e.g. __start_rodata)')],
  ['caller', symbolRule('the function that called in (func+offset/size)')],
  ['actor', symbolRule('the actor function')],
]);

// ---------------------------------------------------------------------------------------------------
// xfs

/** XFS nullstartblock: STARTBLOCKMASK (bits 17..51) set means delayed allocation, not a disk block. */
function isNullStartBlock(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0 && Math.floor(v / 2 ** 17) % 2 ** 35 === 2 ** 35 - 1;
}

const startBlock: Rule = (f) => {
  if (!Number.isInteger(f.num)) return undefined;
  if (isNullStartBlock(f.num)) return m('blocks', 'delayed allocation (a null startblock): no disk block assigned yet');
  return m('blocks', `XFS filesystem block ${decimal(f.num)} (AG number and block within the AG packed by the filesystem geometry, not a linear disk address)`);
};

const FORK_WORDS: ReadonlyMap<string, string> = new Map([
  ['data', 'the data fork (the file\'s contents)'],
  ['cow', 'the copy-on-write fork (staging extents for shared blocks)'],
  ['attr', 'the attribute fork (extended attributes)'],
]);

const LOCK_WORDS: ReadonlyMap<string, string> = new Map([
  ['IOLOCK_EXCL', 'I/O lock (i_rwsem), exclusive'],
  ['IOLOCK_SHARED', 'I/O lock (i_rwsem), shared'],
  ['MMAPLOCK_EXCL', 'page-fault lock (invalidate_lock), exclusive'],
  ['MMAPLOCK_SHARED', 'page-fault lock (invalidate_lock), shared'],
  ['ILOCK_EXCL', 'inode metadata lock, exclusive'],
  ['ILOCK_SHARED', 'inode metadata lock, shared'],
]);

const lsnRule: Rule = (f) => {
  if (!isCount(f.num) || f.num >= TWO_63) return undefined;
  return m(undefined, `log sequence number: cycle ${Math.floor(f.num / TWO_32)}, block ${f.num % TWO_32}`);
};

const xfsAddr: Rule = (f, s) => diskAddress(f, s);

const invalidSeq = (what: string): Rule => (f, s) =>
  isCount(f.num) ? m(undefined, `${what}; ${s.event.includes('_wb_') ? 'xfs_wb_*_iomap_invalid' : 'xfs_iomap_invalid'} fires because the two differ`) : undefined;

const XFS: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['disize', bytesWith('on-disk file size (di_size) ', true)],
  ['isize', bytesWith('in-memory file size (i_size) ', true)],
  ['pos', offsetWith('file offset ', true)],
  ['bytecount', bytesWith('', true)],
  ['fork', (f) => m(undefined, FORK_WORDS.get(f.str ?? '') ?? 'not a known fork')],
  ['startoff', blocksWith('file offset in filesystem blocks: ')],
  ['startblock', startBlock],
  ['fsbcount', blocksWith('')],
  ['iflags', said('in-core inode flags (XFS_I*)')],
  ['lock_flags', (f) => m(undefined, describeNames(splitFlags(f.str ?? '').names, LOCK_WORDS))],
  ['caller_ip', symbolRule('the calling function')],
  ['lsn', lsnRule],
  ['addr', xfsAddr],
  ['type', (f) => (isCount(f.num) ? m(undefined, typeWords(iomapFlags.typeName(f.num))) : undefined)],
  ['flags', (f) => (isCount(f.num) ? m(undefined, `IOMAP_F flags: ${rawMapFlagsWords(f.num)}`) : undefined)],
  ['validity_cookie', invalidSeq('fork sequence number recorded when the mapping was made')],
  ['inodeseq', invalidSeq('the inode\'s current fork sequence number')],
  ['wpcseq', invalidSeq('fork sequence number cached by writeback')],
  ['forkseq', invalidSeq('the fork\'s current sequence number')],
]);

// ---------------------------------------------------------------------------------------------------
// ext4

const BLOCK_UNIT_EVENTS = new Set(['ext4_es_insert_extent', 'ext4_es_cache_extent', 'ext4_es_insert_delayed_block', 'ext4_es_insert_delayed_extent', 'ext4_ext_map_blocks_enter', 'ext4_ind_map_blocks_enter', 'ext4_ext_map_blocks_exit', 'ext4_ind_map_blocks_exit', 'ext4_da_write_pages_extent']);

const ext4Len: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (BLOCK_UNIT_EVENTS.has(s.event)) {
    if (f.num === 0xffffffff) return m('blocks', '4294967295 blocks: to the end of the file\'s logical block range (EXT_MAX_BLOCKS)');
    return blocksWith('')(f, s);
  }
  return m('bytes', bytesWords(f.num));
};

const ES_STATUS: ReadonlyMap<string, string> = new Map([['W', 'written'], ['U', 'unwritten'], ['D', 'delayed (no block allocated yet)'], ['H', 'hole'], ['R', 'referenced']]);

const esStatus: Rule = (f) => {
  const text = f.str ?? '';
  const at = text.search(/0x/i);
  const letters = at < 0 ? text : text.slice(0, at);
  const parts = [...letters].map((c) => `${c} (${ES_STATUS.get(c) ?? 'unknown'})`);
  if (at >= 0) parts.push(`${text.slice(at)} (bits without a known name)`);
  return m(undefined, parts.length === 0 ? 'none' : parts.join(', '));
};

const ext4Mode: Rule = (f, s) => {
  const text = f.str ?? '';
  if (text.trim() === '') return m(undefined, s.event === 'ext4_punch_hole' ? 'empty (mode 0): 6.18 traces ext4_punch_hole with mode 0, the event itself is the punch' : PLAIN_ALLOCATION);
  const names = splitFlags(text).names.map((n) => `FALLOC_FL_${n}`);
  return m(undefined, describeNames(names, FALLOC_WORDS));
};

const copiedRule: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  const len = siblingNum(s, 'len');
  const short = Number.isInteger(len) && f.num < len ? `: a short copy, ${decimal(len - f.num)} of ${decimal(len)} bytes not copied` : '';
  return m('bytes', `${bytesWords(f.num)} copied${short}`);
};

const ext4Ret: Rule = (f, s) => {
  if (Number.isInteger(f.num) && f.num > 0 && s.event.includes('map_blocks_exit')) return m('blocks', `${decimal(f.num)} block(s) mapped`);
  return errorOrSuccess(f, s);
};

const rangeEnd: Rule = (f, s) => {
  if (f.num === LLONG_MAX || f.num === U64_MAX) return m('bytes', 'LLONG_MAX: to the end of the file');
  return offsetWith('')(f, s);
};

const SYNC_MODE: readonly string[] = ['WB_SYNC_NONE: background writeback, does not wait', 'WB_SYNC_ALL: data-integrity writeback, waits for every page'];

const EXT4: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['pos', offsetWith('file offset ')],
  ['offset', offsetWith('file offset ')],
  ['len', ext4Len],
  ['copied', copiedRule],
  ['lblk', (f) => (isCount(f.num) ? m('blocks', `logical block ${decimal(f.num)} (the file offset in filesystem blocks)`) : undefined)],
  ['pblk', (f) => (isCount(f.num) ? m('blocks', f.num === 0 ? '0: no physical block (a hole or a delayed extent)' : `physical block ${decimal(f.num)} (byte offset = block × the filesystem block size)`) : undefined)],
  ['status', esStatus],
  ['mode', ext4Mode],
  ['blocks', blocksWith('')],
  ['ret', ext4Ret],
  ['parent', (f) => (isCount(f.num) ? m(undefined, `parent directory inode ${decimal(f.num)}`) : undefined)],
  ['datasync', boolWords('fdatasync: data (and the metadata needed to read it)', 'fsync: data and all metadata')],
  ['new_size', bytesWith('new file size ')],
  ['nr_to_write', pagesWith('')],
  ['pages_skipped', pagesWith('')],
  ['pages_written', pagesWith('')],
  ['range_start', offsetWith('')],
  ['range_end', rangeEnd],
  ['sync_mode', (f) => m(undefined, Number.isInteger(f.num) ? SYNC_MODE[f.num] : undefined)],
  ['writeback_index', pageIndex],
  ['start_pos', offsetWith('file offset ')],
  ['next_pos', offsetWith('file offset ')],
  ['rw', (f) => m(undefined, f.num === 0 ? 'read' : f.num === 1 ? 'write' : undefined)],
]);

// ---------------------------------------------------------------------------------------------------
// btrfs

const ROOT_WORDS: ReadonlyMap<string, string> = new Map([
  ['ROOT_TREE', 'the tree of tree roots'], ['EXTENT_TREE', 'the extent tree'], ['CHUNK_TREE', 'the chunk tree'],
  ['DEV_TREE', 'the device tree'], ['FS_TREE', 'the top-level subvolume (id 5)'], ['ROOT_TREE_DIR', 'the root tree directory'],
  ['CSUM_TREE', 'the checksum tree'], ['QUOTA_TREE', 'the quota tree'], ['TREE_LOG', 'the fsync log tree'],
  ['TREE_RELOC', 'a relocation tree'], ['DATA_RELOC_TREE', 'the data relocation tree (balance)'],
]);

const rootObjectId: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  const name = sibling(s, 'root_name')?.str;
  const known = name === undefined ? undefined : ROOT_WORDS.get(name);
  if (known !== undefined && name !== undefined) return m(undefined, `root ${name}: ${known}`);
  if (f.num >= 256 && f.num < TWO_63) return m(undefined, `subvolume or snapshot id ${decimal(f.num)}`);
  return undefined;
};

const rootName: Rule = (f) => {
  const t = f.str ?? '';
  if (t === '-') return m(undefined, 'no well-known name: a subvolume or snapshot (or a tree btrfs prints without a name)');
  return m(undefined, ROOT_WORDS.get(t));
};

const ORDERED_WORDS: ReadonlyMap<string, string> = new Map([
  ['REGULAR', 'regular copy-on-write data'],
  ['NOCOW', 'NOCOW: written in place'],
  ['PREALLOC', 'written into a preallocated extent'],
  ['COMPRESSED', 'compressed'],
  ['DIRECT', 'direct I/O'],
  ['IO_DONE', 'all of its I/O has finished'],
  ['COMPLETE', 'finished and removed from the inode\'s tree: waiters are woken'],
  ['IOERR', 'a write error: the range\'s I/O failed'],
  ['UPDATED_ISIZE', 'i_size updated'],
  ['TRUNCATED', 'truncated'],
  ['LOGGED', 'logged by fsync (tree log)'],
  ['LOGGED_CSUM', 'its checksums were logged'],
  ['PENDING', 'on a log transaction\'s pending list'],
  ['ENCODED', 'an encoded (pre-compressed) write'],
]);

const ORDERED_TABLE: Readonly<Record<BtrfsEra, BitTable>> = {
  '5.4': tableFrom((b) => btrfsOrderedFlags.names(b, '5.4')[0]),
  '5.10': tableFrom((b) => btrfsOrderedFlags.names(b, '5.10')[0]),
  '5.15+': tableFrom((b) => btrfsOrderedFlags.names(b, '5.15+')[0]),
};
const orderedFlags: Rule = (f, s) => {
  const text = f.str ?? '';
  const { names, rest, restText } = splitFlags(text);
  if (rest === 0) return m(undefined, describeNames(names, ORDERED_WORDS));
  const given = s.ctx.btrfsEra;
  const fitting = fittingEras(text);
  const era = given ?? fitting[0] ?? '5.15+';
  const all = [...names, ...bitNames(rest, ORDERED_TABLE[era])];
  const how =
    given !== undefined
      ? `${restText} spelled with the ${era} bit layout of this file`
      : fitting.length === 1
        ? `${restText} spelled with the ${era} bit layout (the only one under which this text is a valid ordered-extent state)`
        : `${restText} spelled assuming the ${era} bit layout (kernels 5.4 and 5.10 number the bits differently)`;
  const traceCmd = names.length <= 1 ? '; trace-cmd names only bit 0 and prints the rest in hex' : '';
  return m(undefined, `${describeNames(all, ORDERED_WORDS)}; ${how}${traceCmd}`);
};

const COMPRESS: readonly string[] = ['none', 'zlib', 'lzo', 'zstd'];

const btrfsStart: Rule = (f, s) => {
  if (!isCount(f.num)) return undefined;
  if (s.event === 'btrfs_finish_ordered_extent' || s.event === 'btrfs_writepage_end_io_hook') return m('bytes', `file offset ${position(f.num)}`);
  return m('bytes', `btrfs logical address ${position(f.num)}: an address in the filesystem's logical space (mapped to devices by the chunk tree), not a device offset`);
};

const truncatedLen: Rule = (f, s) => {
  if (f.num === U64_MAX) return m('bytes', '(u64)-1: not truncated');
  return bytesWith('truncated to ')(f, s);
};

const BTRFS: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['fsid', said('the filesystem UUID (every btrfs event starts with it)')],
  ['root_objectid', rootObjectId],
  ['root_name', rootName],
  ['ino', (f, s) => (f.num === 256 ? m(undefined, 'inode 256: the root directory of the subvolume') : inodeRule(f, s))],
  ['file_offset', offsetWith('file offset ')],
  ['start', btrfsStart],
  ['len', bytesOf],
  ['disk_len', bytesWith('on disk (smaller than len when compressed): ')],
  ['truncated_len', truncatedLen],
  ['bytes_left', (f, s) => (f.num === 0 ? m('bytes', '0: all of the ordered extent\'s I/O has finished') : bytesWith('I/O still outstanding: ')(f, s))],
  ['flags', orderedFlags],
  ['compress_type', (f) => m(undefined, Number.isInteger(f.num) && f.num >= 0 ? (COMPRESS[f.num] ?? 'not a known compression type') : undefined)],
  ['refs', (f) => (Number.isInteger(f.num) ? m(undefined, `reference count after this operation: ${decimal(f.num)}`) : undefined)],
  ['uptodate', boolWords('the I/O succeeded', 'the I/O failed')],
  ['end', offsetWith('last byte of the range (inclusive): ')],
  ['index', pageIndex],
  ['parent', (f) => (isCount(f.num) ? m(undefined, `parent directory inode ${decimal(f.num)}`) : undefined)],
  ['datasync', boolWords('fdatasync', 'fsync')],
  ['generation', (f) => (isCount(f.num) ? m(undefined, `transaction id (generation) ${decimal(f.num)}`) : undefined)],
  ['nr_to_write', pagesWith('')],
  ['range_start', offsetWith('')],
  ['range_end', rangeEnd],
  ['writeback_index', pageIndex],
  ['work', pointerTo('the work item')],
  ['normal_work', pointerTo('the work item\'s normal work')],
  ['wq', pointerTo('the workqueue')],
  ['ordered_func', pointerTo('the ordered function')],
]);

// ---------------------------------------------------------------------------------------------------
// sched

const TASK_STATE: ReadonlyMap<string, string> = new Map([
  ['R', 'running or runnable'],
  ['S', 'interruptible sleep (waiting for an event)'],
  ['D', 'uninterruptible sleep (typically waiting for I/O or a lock; counts in the load average and for the hung-task check)'],
  ['T', 'stopped by a signal'],
  ['t', 'stopped by a debugger (traced)'],
  ['X', 'dead'],
  ['Z', 'zombie: exited, not yet reaped'],
  ['P', 'parked kernel thread'],
  ['I', 'idle kernel thread (sleeps without counting in the load average)'],
  ['x', 'parked (P) as trace-cmd\'s sched_switch plugin names bit 0x40'],
  ['W', 'idle (I) as trace-cmd\'s sched_switch plugin names bit 0x80'],
]);

/** prev_state: `|`-joined letters, `+` when preempted while runnable (kernel text only). */
const taskState: Rule = (f) => {
  let t = (f.str ?? '').trim();
  const preempted = t.endsWith('+');
  if (preempted) t = t.slice(0, -1);
  const parts = (t === '' ? [] : t.split('|')).map((l) => `${l}: ${TASK_STATE.get(l) ?? 'not a known state letter'}`);
  if (preempted) parts.push('+: preempted (switched out while still runnable)');
  if (t === 'X' || t === 'Z') parts.push('trace-cmd\'s sched_switch plugin swaps X and Z (an older letter table)');
  return m(undefined, parts.length === 0 ? 'empty' : parts.join('; '));
};

const prioRule: Rule = (f) => {
  const v = f.num;
  if (v === -1) return m(undefined, 'SCHED_DEADLINE task (kernel prio -1)');
  if (Number.isInteger(v) && v >= 0 && v <= 99) return m(undefined, `real-time task (SCHED_FIFO/SCHED_RR), rt_priority ${99 - v}`);
  if (Number.isInteger(v) && v >= 100 && v <= 139) return m(undefined, `normal task, nice ${v - 120} (kernel prio ${v})`);
  return undefined;
};

const pidRule: Rule = (f) => (f.num === 0 ? m(undefined, 'pid 0: the idle task (swapper)') : undefined);
const cpuRule: Rule = (f) => (isCount(f.num) ? m(undefined, `CPU ${decimal(f.num)}`) : undefined);

const nsRule: Rule = (f) => {
  if (!isCount(f.num)) return undefined;
  const us = f.num >= 1000 ? ` (${(f.num / 1000).toFixed(3).replace(/\.?0+$/, '')} µs)` : '';
  return m('ns', `${decimal(f.num)} ns${us}`);
};

const SCHED: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['prev_state', taskState],
  ['prio', prioRule], ['prev_prio', prioRule], ['next_prio', prioRule],
  ['pid', pidRule], ['prev_pid', pidRule], ['next_pid', pidRule],
  ['target_cpu', cpuRule], ['orig_cpu', cpuRule], ['dest_cpu', cpuRule],
  ['runtime', nsRule], ['vruntime', nsRule],
]);

// ---------------------------------------------------------------------------------------------------
// readahead, filemap, writeback, ftrace

const READAHEAD: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['index', pageIndex],
  ['req_count', pagesWith('requested: ')],
  ['size', pagesWith('readahead window: ')],
  ['async_size', pagesWith('the next readahead starts when this many pages of the window are left: ')],
  ['ra_pages', pagesWith('maximum readahead window: ')],
  ['nr_to_read', pagesWith('')],
  ['lookahead_size', pagesWith('')],
  ['order', folioOrder],
  ['prev_pos', (f, s) => (f.num === -1 ? m('bytes', '-1: no previous read') : offsetWith('end of the previous read: ')(f, s))],
]);

/** errseq_t: the errno in the low 12 bits, a SEEN flag at bit 12, a change counter above. */
const errseq: Rule = (f) => {
  if (!isCount(f.num) || f.num >= TWO_32) return undefined;
  const errno = f.num % 4096;
  const seen = Math.floor(f.num / 4096) % 2 === 1;
  const counter = Math.floor(f.num / 8192);
  const err = errno === 0 ? 'no error recorded' : `error ${errnoWords(-errno) ?? `errno ${errno}`}`;
  return m(undefined, `errseq: ${err}, ${seen ? 'seen' : 'not yet seen'} by a reader, counter ${counter}`);
};

const FILEMAP: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['ofs', offsetWith('file offset ')],
  ['ofs_end', (f, s) => {
    const start = siblingNum(s, 'ofs');
    if (!isCount(f.num)) return undefined;
    const len = isCount(start) && f.num >= start ? `; the range is ${bytesWords(f.num - start + 1)}` : '';
    return m('bytes', `last byte of the range (inclusive): ${position(f.num)}${len}`);
  }],
  ['order', folioOrder],
  ['pfn', said('page frame number of the page (physical memory)')],
  ['errseq', errseq], ['old', errseq], ['new', errseq],
  ['page', pointerTo('the struct page')],
  ['file', pointerTo('the struct file')],
]);

const REASONS: ReadonlyMap<string, string> = new Map([
  ['background', 'dirty memory above the background threshold'],
  ['vmscan', 'memory reclaim'],
  ['sync', 'sync(2), syncfs(2) or a filesystem sync'],
  ['periodic', 'periodic writeback of data dirty for longer than dirty_expire_centisecs'],
  ['laptop_timer', 'laptop mode timer'],
  ['fs_free_space', 'the filesystem needs free space'],
  ['forker_thread', 'the bdi forker thread'],
  ['foreign_flush', 'flushing inodes of another cgroup'],
]);

const bdiName: Rule = (f) => {
  const mm = /^(\d{1,7}):(\d{1,7})$/.exec(f.str ?? '');
  if (mm === null) return m(undefined, 'backing device');
  const major = Number(mm[1]);
  const minor = Number(mm[2]);
  return m(undefined, `backing device ${major}:${minor}, ${majorWords(major, minor)}`);
};

const wbPages: Rule = (f, s) => (f.num === LLONG_MAX ? m('pages', 'LONG_MAX: everything') : pagesWith('')(f, s));

const WRITEBACK: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['name', bdiName],
  ['index', pageIndex],
  ['writeback_index', pageIndex],
  ['nr_pages', wbPages],
  ['nr_to_write', wbPages],
  ['wrote', pagesWith('')],
  ['pages_skipped', pagesWith('')],
  ['sync_mode', (f) => m(undefined, Number.isInteger(f.num) ? SYNC_MODE[f.num] : undefined)],
  ['for_kupdate', boolWords('periodic (kupdate-style) writeback', 'not periodic writeback')],
  ['for_background', boolWords('background writeback', 'not background writeback')],
  ['range_cyclic', boolWords('cyclic: continues where the last writeback stopped', 'an explicit range')],
  ['reason', (f) => m(undefined, REASONS.get(f.str ?? ''))],
  ['dirtied_when', (f) => (isCount(f.num) ? m('jiffies', 'time the inode was first dirtied, in jiffies') : undefined)],
  ['age', (f) => (isCount(f.num) ? m('ms', `dirty for ${decimal(f.num)} ms`) : undefined)],
  ['range_start', offsetWith('')],
  ['range_end', rangeEnd],
  ['cgroup_ino', (f) => (f.num === 1 ? m(undefined, '1: the root cgroup') : isCount(f.num) ? m(undefined, 'inode number of the cgroup\'s directory') : undefined)],
  ['nr_dirty', pagesWith('')], ['nr_writeback', pagesWith('')], ['background_thresh', pagesWith('')], ['dirty_thresh', pagesWith('')],
  ['dirty_limit', pagesWith('')], ['nr_dirtied', pagesWith('')], ['nr_written', pagesWith('')],
]);

const FTRACE: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['ip', (f) => m(undefined, f.str === 'tracing_mark_write' ? 'tracing_mark_write: text written to trace_marker by user space' : 'the function that wrote the message')],
  ['buf', said('free text written by the traced program (not parsed)')],
]);

// ---------------------------------------------------------------------------------------------------
// Families and rules that apply everywhere

type Family = 'block' | 'syscalls' | 'io_uring' | 'iomap' | 'xfs' | 'ext4' | 'btrfs' | 'sched' | 'readahead' | 'filemap' | 'writeback' | 'ftrace' | 'other';

const SYSTEMS: ReadonlyMap<string, Family> = new Map<string, Family>([
  ['block', 'block'], ['syscalls', 'syscalls'], ['io_uring', 'io_uring'], ['iomap', 'iomap'], ['xfs', 'xfs'], ['ext4', 'ext4'],
  ['btrfs', 'btrfs'], ['sched', 'sched'], ['readahead', 'readahead'], ['filemap', 'filemap'], ['writeback', 'writeback'], ['ftrace', 'ftrace'],
]);

const PREFIXES: ReadonlyArray<readonly [string, Family]> = [
  ['sys_enter_', 'syscalls'], ['sys_exit_', 'syscalls'], ['block_', 'block'], ['blk_', 'block'], ['io_uring_', 'io_uring'],
  ['iomap_', 'iomap'], ['xfs_', 'xfs'], ['ext4_', 'ext4'], ['btrfs_', 'btrfs'], ['sched_', 'sched'], ['page_cache_', 'readahead'],
  ['mm_filemap_', 'filemap'], ['writeback_', 'writeback'], ['wbc_', 'writeback'],
];

/** The system names the family; an unknown system falls back to the event name's prefix. */
function familyOf(event: string, system: string): Family {
  return SYSTEMS.get(system) ?? PREFIXES.find(([p]) => event.startsWith(p))?.[1] ?? 'other';
}

const FAMILY_RULES: ReadonlyMap<Family, ReadonlyMap<string, Rule>> = new Map<Family, ReadonlyMap<string, Rule>>([
  ['block', BLOCK], ['syscalls', SYSCALLS], ['io_uring', IO_URING], ['iomap', IOMAP], ['xfs', XFS], ['ext4', EXT4], ['btrfs', BTRFS],
  ['sched', SCHED], ['readahead', READAHEAD], ['filemap', FILEMAP], ['writeback', WRITEBACK], ['ftrace', FTRACE],
]);

const GENERIC_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['ino', inodeRule],
  ['i_ino', inodeRule],
  ['error', errorOrSuccess],
  ['ret', errorOrSuccess],
  ['res', errorOrSuccess],
  ['ioprio', rawIoprio],
]);
