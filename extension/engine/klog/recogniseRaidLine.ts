/**
 * recogniseRaidLine: md and device-mapper lines about failed I/O and failed members.
 *
 * md: `md/raid1:md126: Disk failure on sdb, disabling device.` with `Operation continuing on 1 devices.`
 * (also `md/raid:` of raid4/5/6 and the old `raid5:` form), raid10's `sdc2: Raid device exceeded
 * read_error threshold [cur 21:max 20]` / `Failing raid device`, `read error corrected (8 sectors at N on
 * sdc2)` and `read error not correctable (sector N on sdb1)`, and the superblock write error
 * `md: super_written gets error=-5` (a blk_status number on 4.x). A member failure alone is not an I/O
 * error (an administrator's `mdadm --fail` prints the same line).
 *
 * device-mapper: multipath `Failing path 8:128.` (by device number), the snapshot target's `Invalidating
 * snapshot: Error reading/writing.` / `Unable to allocate exception.` (after which every I/O to the
 * snapshot fails), the mirror target's recovery and read errors (kcopyd clients; dm-kcopyd prints no
 * error of its own), any `kcopyd` error line, and thin pools switching to out-of-data-space, read-only or
 * fail mode.
 */
import { matchAt, type IoErrorLine } from './ioErrorLine';

const MD = /md\/raid(\d*):([^:\s]+): /y;
const OLD_RAID = /raid(\d+): (Disk failure on ([^\s,]+), disabling device|Operation continuing on (\d+) devices)/y;
const DISK_FAILURE = /Disk failure on ([^\s,]+), disabling device/y;
const CONTINUING = /Operation continuing on (\d+) devices/y;
const MEMBER = /([^:\s]+): (Raid device exceeded read_error threshold \[cur (\d+):max (\d+)\]|Failing raid device)/y;
const CORRECTED = /read error corrected \((\d+) sectors at (\d+) on ([^\s)]+)\)/y;
const NOT_CORRECTABLE = /read error not correctable \(sector (\d+) on ([^\s)]+)\)/y;
const SUPER = /md: super_written gets error=(-?\d+)/y;
const DM = /device-mapper: ([\w-]+): /y;
const PATH = /Failing path (\d+:\d+)/y;
const SNAPSHOT = /Invalidating snapshot: (.{1,80})/y;
const THIN = /(\d+:\d+): switching pool to (out-of-data-space(?: \((?:queue|error) IO\))?|read-only|fail) mode/y;
const DEVNUM = /\b(\d+:\d+)\b/;

/** An md or device-mapper line starting at `at`, or undefined. */
export function recogniseRaidLine(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  if (msg.charCodeAt(at) === 0x6d /* m */) {
    if ((m = matchAt(SUPER, msg, at))) {
      const n = Number(m[1]);
      return {
        source: 'md',
        kind: 'io',
        op: 'WRITE',
        opFrom: 'words',
        ...(n < 0 ? { errno: n } : { blkStatus: n }),
        status: 'superblock write failed',
        words: `md superblock write failed (error ${n})`,
      };
    }
    const p = matchAt(MD, msg, at);
    if (!p) return undefined;
    const array = p[2]!;
    const level = p[1] ? `raid${p[1]}` : 'raid';
    const rest = MD.lastIndex;
    if ((m = matchAt(DISK_FAILURE, msg, rest))) return { source: 'md', kind: 'state', device: m[1]!, port: array, status: 'member failed', words: `md ${level} ${array} disabled member ${m[1]!}` };
    if ((m = matchAt(CONTINUING, msg, rest))) return { source: 'md', kind: 'state', port: array, status: 'degraded', words: `md ${array} continues on ${m[1]!} device(s)` };
    if ((m = matchAt(CORRECTED, msg, rest))) {
      return { source: 'md', kind: 'recovered', device: m[3]!, port: array, sector: Number(m[2]), sectors: Number(m[1]), op: 'READ', opFrom: 'words', words: `md ${array} corrected a read error (${m[1]!} sectors at ${m[2]!} on ${m[3]!})` };
    }
    if ((m = matchAt(NOT_CORRECTABLE, msg, rest))) {
      return { source: 'md', kind: 'io', device: m[2]!, port: array, sector: Number(m[1]), op: 'READ', opFrom: 'words', status: 'read error not correctable', words: `md ${array}: read error not correctable at sector ${m[1]!} of ${m[2]!}` };
    }
    if ((m = matchAt(MEMBER, msg, rest))) {
      if (m[3] !== undefined) {
        return { source: 'md', kind: 'io', device: m[1]!, port: array, op: 'READ', opFrom: 'words', count: Number(m[3]), status: 'read error threshold exceeded', words: `md ${array}: ${m[1]!} exceeded the read error threshold (${m[3]!} of at most ${m[4]!})` };
      }
      return { source: 'md', kind: 'state', device: m[1]!, port: array, status: 'member failed', words: `md ${array} failing member ${m[1]!}` };
    }
    return undefined;
  }
  if (msg.charCodeAt(at) === 0x72 /* r */) {
    if (!(m = matchAt(OLD_RAID, msg, at))) return undefined;
    if (m[3] !== undefined) return { source: 'md', kind: 'state', device: m[3], status: 'member failed', words: `md raid${m[1]!} disabled member ${m[3]}` };
    return { source: 'md', kind: 'state', status: 'degraded', words: `md raid${m[1]!} continues on ${m[4]!} device(s)` };
  }
  const d = matchAt(DM, msg, at);
  if (!d) return undefined;
  const target = d[1]!;
  const rest = DM.lastIndex;
  if (target === 'multipath') {
    if (!(m = matchAt(PATH, msg, rest))) return undefined;
    return { source: 'dm', kind: 'command', devNum: m[1]!, status: 'path failed', words: `multipath path ${m[1]!} failed` };
  }
  if (target === 'snapshots') {
    if (!(m = matchAt(SNAPSHOT, msg, rest))) return undefined;
    const why = m[1]!.trim();
    const cause = /allocate/.test(why) ? 'its exception store is full' : /read|writ/.test(why) ? 'copying to its exception store failed' : why;
    return { source: 'dm', kind: 'io', status: 'snapshot invalidated', words: `dm snapshot invalidated: ${why} (${cause}; every I/O to it fails from now on)` };
  }
  if (target === 'thin') {
    if (!(m = matchAt(THIN, msg, rest))) return undefined;
    return { source: 'dm', kind: 'state', devNum: m[1]!, status: `pool ${m[2]!} mode`, words: `dm thin pool ${m[1]!} switched to ${m[2]!} mode` };
  }
  if (target === 'raid1' || target === 'mirror' || target === 'kcopyd') {
    const text = msg.slice(rest, rest + 200).trim();
    if (!/error|fail/i.test(text)) return undefined;
    const num = DEVNUM.exec(text);
    return { source: 'dm', kind: 'io', ...(num ? { devNum: num[1]! } : {}), status: `${target} I/O failed`, words: `dm ${target}: ${text}` };
  }
  return undefined;
}
