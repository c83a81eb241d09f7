/**
 * recogniseBlockLine: the block layer's own I/O error lines, in every era, and the buffer-head, loop and
 * rate-limit lines that go with them.
 *
 * - Requests: `end_request:` (<= 3.x), `blk_update_request:` (3.19-4.12 and 5.3-5.15), `print_req_error:`
 *   (4.13-5.2, ` flags <hex>` from 4.18, the op only in the flags' low byte) and the bare 5.16+ form,
 *   each `<status> error, dev <name>, sector <n>` with, from 5.3, ` op 0x<n>:(<OP>) flags 0x<n> phys_seg <n>
 *   prio class <n>`. A line cut short by console output keeps what it has (the sector is enough).
 * - Buffer heads: `Buffer I/O error on dev <name>, logical block <n>, lost async page write` (fs/buffer.c)
 *   and ext4's suffix-less `Buffer I/O error on device <name>, logical block <n>`; the old second line
 *   `lost page write due to I/O error on <name>`. Blocks are buffer-head blocks (size not printed).
 * - loop: `loop: Write error at byte offset <n>, length <n>.` (the backing file's I/O).
 * - Rate limits: `<printer>: <n> callbacks suppressed` of the printers above and of the drivers and
 *   filesystems the other recognisers read; the counts of a finding are then lower bounds.
 *
 * Anchored at the message's first non-blank character; every pattern is linear (no nested quantifiers).
 */
import { blkStatusOfName, matchAt, reqOpName, type IoErrorLine, type IoErrorSource } from './ioErrorLine';

const REQUEST =
  /(?:(blk_update_request|print_req_error|end_request|blk_print_req_error): )?([A-Za-z/][\w/ ]{0,40}?) error, dev ([^\s,]+), sector (\d+)(?: op 0x([0-9a-f]+):\((\w+)\))?(?: flags (0x)?([0-9a-f]+))?/y;
const BUFFER = /Buffer I\/O error on dev(?:ice)? ([^\s,]+), logical block (\d+)(?:, (lost async page write|lost sync page write|async page read|sync page read|lost page write))?/y;
const LOST_PAGE = /lost page write due to I\/O error on ([^\s,]+)/y;
const LOOP = /loop(\d*): (Write|Read) error at byte offset (\d+), length (\d+)/y;
const SUPPRESSED = /([\w.-]+(?: error)?): (\d+) callbacks suppressed/y;

/** The printers whose `callbacks suppressed` lines count dropped I/O error messages, by name prefix. */
function familyOf(name: string): IoErrorSource | 'any' | undefined {
  if (name === 'blk_update_request' || name === 'print_req_error' || name === 'blk_print_req_error' || name === 'end_request') return 'block';
  if (name === 'buffer_io_error') return 'buffer';
  if (name === '__ratelimit') return 'any';
  if (name === 'EXT4-fs error' || name.startsWith('ext4_') || name.startsWith('__ext4_')) return 'ext4';
  if (name.startsWith('btrfs_') || name.startsWith('__btrfs_')) return 'btrfs';
  if (name.startsWith('xfs_') || name.startsWith('xlog_')) return 'xfs';
  if (name.startsWith('jbd2_')) return 'jbd2';
  if (name.startsWith('scsi_') || name.startsWith('sd_') || name.startsWith('__scsi_')) return 'scsi';
  if (name.startsWith('ata_')) return 'ata';
  if (name.startsWith('nvme_')) return 'nvme';
  if (name.startsWith('md_') || name.startsWith('raid')) return 'md';
  if (name.startsWith('loop_') || name.startsWith('lo_')) return 'loop';
  return undefined;
}

/** A block request, buffer-head, loop or rate-limit error line starting at `at`, or undefined. */
export function recogniseBlockLine(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  const c = msg.charCodeAt(at);
  if (c === 0x42 /* B */ && (m = matchAt(BUFFER, msg, at))) {
    const what = m[3];
    const op = what === undefined ? undefined : what.includes('write') ? 'WRITE' : 'READ';
    return {
      source: 'buffer',
      kind: 'buffer',
      device: m[1]!,
      at: { value: Number(m[2]), unit: 'block' },
      ...(op !== undefined ? { op, opFrom: 'words' as const } : {}),
      // fs/buffer.c prints no errno, only what was lost; ext4's page-io form prints no suffix at all.
      ...(what !== undefined ? { status: what } : {}),
      words: `buffer ${what ?? 'I/O error'} of block ${m[2]!} on ${m[1]!}`,
    };
  }
  if (c === 0x6c /* l */) {
    if ((m = matchAt(LOST_PAGE, msg, at))) return { source: 'buffer', kind: 'detail', device: m[1]!, op: 'WRITE', opFrom: 'words', words: `lost page write on ${m[1]!}` };
    if ((m = matchAt(LOOP, msg, at))) {
      const op = m[2] === 'Write' ? 'WRITE' : 'READ';
      return {
        source: 'loop',
        kind: 'command',
        ...(m[1] ? { device: `loop${m[1]}` } : {}),
        at: { value: Number(m[3]), unit: 'byte' },
        bytes: Number(m[4]),
        op,
        opFrom: 'printed',
        status: 'backing file I/O error',
        words: `loop ${op} error on the backing file at byte ${m[3]!} (${m[4]!} bytes)`,
      };
    }
  }
  if ((m = matchAt(REQUEST, msg, at))) {
    const status = m[2]!;
    const known = blkStatusOfName(status);
    let op: string | undefined;
    let opFrom: 'printed' | 'flags' | undefined;
    if (m[6] !== undefined) {
      op = m[6];
      opFrom = 'printed';
    } else if (m[8] !== undefined && m[7] === undefined) {
      // 4.18-5.2 print_req_error: `flags 100001` holds the op in its low byte.
      op = reqOpName(parseInt(m[8], 16));
      if (op !== undefined) opFrom = 'flags';
    }
    // A flush has no data: the sector it prints (0) is no position.
    const flush = op === 'FLUSH';
    return {
      source: 'block',
      kind: 'request',
      device: m[3]!,
      ...(flush ? {} : { sector: Number(m[4]) }),
      ...(op !== undefined ? { op, opFrom: opFrom! } : {}),
      status,
      ...(known?.status !== undefined ? { blkStatus: known.status } : {}),
      ...(known ? { errno: known.errno } : {}),
      words: `block ${op ?? 'request'} error${flush ? '' : ` at sector ${m[4]!}`} (${status})`,
    };
  }
  if ((m = matchAt(SUPPRESSED, msg, at))) {
    const family = familyOf(m[1]!);
    if (family === undefined) return undefined;
    return { source: family === 'any' ? 'block' : family, kind: 'suppressed', count: Number(m[2]), family, words: `${m[1]!}: ${m[2]!} messages suppressed by the rate limit` };
  }
  return undefined;
}
