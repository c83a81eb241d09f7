/**
 * ioErrorLine: what one kernel-log line says about an I/O error, as the recognisers read it (one typed
 * record per line, no state). The collector (ioErrorCollector.ts) adds the line number and time and ties
 * detail lines (SCSI sense and CDB, ATA taskfiles) to the failure they describe; the analysis in `logio/`
 * groups the records by device and turns them into findings.
 *
 * Units are stated, never guessed: `sector` is set only where the line's position is in 512-byte sectors
 * of the named device (block layer, XFS daddr and writeback sectors, loop byte offsets); positions in
 * other units (device LBAs of unknown block size, filesystem or buffer-head blocks, btrfs logical
 * sectors) are kept in `at` with their unit.
 */

/** Which printer wrote the line. */
export type IoErrorSource = 'block' | 'buffer' | 'loop' | 'scsi' | 'ata' | 'nvme' | 'md' | 'dm' | 'btrfs' | 'xfs' | 'ext4' | 'jbd2' | 'bcachefs';

/**
 * What the line reports:
 * - `request`: the block layer ended a request with an error (`I/O error, dev sda, sector N ...`);
 * - `command`: a driver command failed (SCSI result, ATA taskfile, NVMe status, a multipath path);
 * - `buffer`: a buffer head's I/O failed (`Buffer I/O error on dev sda8, logical block N, ...`);
 * - `io`: a filesystem, md or a dm target reports an I/O of its own that failed (ext4_end_bio, XFS
 *   writeback and metadata EIO, btrfs direct I/O, jbd2 superblock, md superblock, an invalidated snapshot);
 * - `timeout`: a command timed out and was aborted or reset (NVMe);
 * - `counters`: btrfs device error counters at error level (runtime increments);
 * - `integrity`: a checksum or verifier failure (data or metadata corruption), not an I/O error;
 * - `state`: what followed (journal aborted, read-only, shutdown, member disabled, controller reset or
 *   removed, transaction aborted, pool out of space);
 * - `recovered`: an error that was corrected (md read error corrected, btrfs fixed up);
 * - `detail`: more about a failure printed on another line (SCSI sense and CDB, ATA status and error
 *   bits, NVMe abort status);
 * - `suppressed`: a rate-limit line (`blk_update_request: 59 callbacks suppressed`);
 * - `device`: a line that states a device's number (btrfs `device fsid ... /dev/loop6 (7:6)`).
 */
export type IoErrorKind = 'request' | 'command' | 'buffer' | 'io' | 'timeout' | 'counters' | 'integrity' | 'state' | 'recovered' | 'detail' | 'suppressed' | 'device';

/**
 * Units of a printed position: `sector` (512 bytes of the named device), `lba` (logical blocks of the
 * device, size not printed), `block` (filesystem or buffer-head blocks, size not printed), `byte`,
 * `fs-sector` (512-byte units of a filesystem's own address space, e.g. btrfs logical addresses).
 */
export type PositionUnit = 'sector' | 'lba' | 'block' | 'byte' | 'fs-sector';

export interface Position {
  readonly value: number;
  readonly unit: PositionUnit;
}

/** btrfs device error counters (`errs: wr N, rd N, flush N, corrupt N, gen N`). */
export interface BtrfsCounters {
  readonly wr: number;
  readonly rd: number;
  readonly flush: number;
  readonly corrupt: number;
  readonly gen: number;
}

/** How the op of a line was known. */
export type OpSource = 'printed' | 'flags' | 'command' | 'words';

export interface IoErrorLine {
  readonly source: IoErrorSource;
  readonly kind: IoErrorKind;
  /** Kernel name of the device the line is about (`sda`, `nvme0n1p2`, `dm-3`), when it names one. */
  readonly device?: string;
  /** The filesystem's device as its message prefix names it (btrfs `(device X)`, `XFS (X)`, ext4 `(device X)`), when the line is a filesystem's. */
  readonly fsDevice?: string;
  /** `maj:min` when the line gives the number (multipath paths, btrfs device lines, dm-thin pools). */
  readonly devNum?: string;
  /** A port, controller or address the line names besides or instead of a disk: `ata3.00`, `nvme0`, SCSI `2:0:0:1`, `md126`. */
  readonly port?: string;
  /** Command tag (SCSI `tag#N`, ATA `tag N`), to tie detail lines to their command. */
  readonly tag?: number;
  /** Position in 512-byte sectors of `device`, only when the line's unit is known to be that. */
  readonly sector?: number;
  /** Length in 512-byte sectors, when known. */
  readonly sectors?: number;
  /** The position as printed when it is not (only) a device sector: LBA, block, byte offset, btrfs logical sector. */
  readonly at?: Position;
  /** Length in the unit of `at` (LBAs, blocks). */
  readonly atCount?: number;
  /** `READ`, `WRITE`, `FLUSH`, `DISCARD`, `WRITE_ZEROES`, `SECURE_ERASE`, … (upper case, as the block layer names them). */
  readonly op?: string;
  readonly opFrom?: OpSource;
  /** The failure in the kernel's words: `I/O`, `critical medium`, `Medium Error`, `timeout`, `Data Transfer Error`. */
  readonly status?: string;
  /** Negative errno, printed or implied by a block status. */
  readonly errno?: number;
  /** blk_status_t as printed (ext4 `I/O error 10`, btrfs `err no 10`) or implied by the status name. */
  readonly blkStatus?: number;
  readonly inode?: number;
  /** Byte offset in the file. */
  readonly fileOffset?: number;
  readonly bytes?: number;
  /** A path the line names (btrfs `bdev /dev/mapper/root_1`, a bcachefs file). */
  readonly path?: string;
  /** `callbacks suppressed`: how many messages the rate limit dropped. */
  readonly count?: number;
  /** What a `suppressed` line's printer reports (`block`, `buffer`, `btrfs`, `ext4`, `xfs`, `any`). */
  readonly family?: IoErrorSource | 'any';
  readonly counters?: BtrfsCounters;
  /** The printk level word the line shows (`error`, `warning`, `info`), where the format has one. */
  readonly level?: string;
  /** NVMe status code type and code (`sct 0x2 / sc 0x86`). */
  readonly nvme?: { readonly sct: number; readonly sc: number; readonly dnr: boolean };
  /** The line in a few words, for evidence roles: `block WRITE error at sector 28672 (I/O)`. */
  readonly words: string;
}

/** blk_status_t names as block-layer error lines print them, with their number (1-13 are stable from 4.13 to 6.18) and errno. */
const BLK_STATUS: ReadonlyMap<string, { readonly status?: number; readonly errno: number }> = new Map([
  ['operation not supported', { status: 1, errno: -95 }],
  ['timeout', { status: 2, errno: -110 }],
  ['critical space allocation', { status: 3, errno: -28 }],
  ['recoverable transport', { status: 4, errno: -67 }],
  ['critical target', { status: 5, errno: -121 }],
  ['critical nexus', { status: 6, errno: -52 }],
  ['reservation conflict', { status: 6, errno: -52 }],
  ['critical medium', { status: 7, errno: -61 }],
  ['protection', { status: 8, errno: -84 }],
  ['kernel resource', { status: 9, errno: -12 }],
  ['I/O', { status: 10, errno: -5 }],
  ['dm internal retry', { status: 11, errno: -78 }],
  ['nonblocking retry', { status: 12, errno: -11 }],
  ['device resource', { status: 13, errno: -16 }],
  ['open zones exceeded', { errno: -109 }],
  ['active zones exceeded', { errno: -75 }],
  ['device offline', { errno: -19 }],
  ['duration limit exceeded', { errno: -62 }],
  ['invalid', { errno: -22 }],
]);

const BLK_STATUS_BY_NUMBER: ReadonlyMap<number, string> = new Map([...BLK_STATUS].filter(([name, v]) => v.status !== undefined && name !== 'reservation conflict').map(([name, v]) => [v.status!, name]));

/** The number and errno of a block-layer status name (`critical medium` -> 7, -ENODATA). */
export function blkStatusOfName(name: string): { readonly status?: number; readonly errno: number } | undefined {
  return BLK_STATUS.get(name);
}

/** The block-layer name of a blk_status_t number (10 -> `I/O`), for kernels 4.13-6.18. */
export function blkStatusName(status: number): string | undefined {
  return BLK_STATUS_BY_NUMBER.get(status);
}

/** The errno a blk_status_t number stands for (10 -> -5). */
export function blkStatusErrno(status: number): number | undefined {
  const name = BLK_STATUS_BY_NUMBER.get(status);
  return name === undefined ? undefined : BLK_STATUS.get(name)?.errno;
}

/** REQ_OP_* numbers of 4.10-6.18 (low 8 bits of the request flags) to the names the block layer prints. */
const REQ_OPS: ReadonlyMap<number, string> = new Map([
  [0, 'READ'],
  [1, 'WRITE'],
  [2, 'FLUSH'],
  [3, 'DISCARD'],
  [5, 'SECURE_ERASE'],
  [9, 'WRITE_ZEROES'],
  [34, 'DRV_IN'],
  [35, 'DRV_OUT'],
]);

/** The op of request flags (`flags 100001` of 4.18-5.2 print_req_error, btrfs `op 0x8800`): the low 8 bits. */
export function reqOpName(flags: number): string | undefined {
  return REQ_OPS.get(flags & 0xff);
}

/** Error numbers that say the data could not be read or written (not corruption, not a full filesystem). */
const IO_ERRNOS: ReadonlySet<number> = new Set([5, 6, 19, 61, 62, 67, 110, 121]);

/** True for an errno (either sign) that reports a failed I/O rather than corruption (EBADMSG, EUCLEAN) or another condition. */
export function isIoErrno(errno: number): boolean {
  return IO_ERRNOS.has(Math.abs(errno));
}

/**
 * Runs a sticky (`y`) regular expression at one position of a string: the recognisers' anchored match.
 * The expression's `lastIndex` is reset every call, so one module-level expression serves every line.
 */
export function matchAt(re: RegExp, s: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(s);
}

/** `sdb8` -> `sdb8`, `/dev/loop2` -> `loop2`, `/dev/dm-10` -> `dm-10`; undefined for paths that are not kernel names (`/dev/mapper/root_1`). */
export function kernelNameOfPath(path: string): string | undefined {
  const m = /^\/dev\/([A-Za-z][\w.+-]*)$/.exec(path);
  return m ? m[1] : undefined;
}
