/**
 * Tests of fieldMeaning: real lines of the recordings (samples/, the shared corpus, and the lines the
 * format reference captured on 6.18) are decoded with the PayloadDecoder and explained; the kernel and
 * trace-cmd spellings of one record must mean the same; untrusted garbage never throws.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FieldView } from '../../engine/contracts/query';
import { PayloadDecoder } from '../../engine/decode/payloadDecoder';
import { explainFields, type FieldContext, type RawField } from '../../engine/query/fieldMeaning';
import { StringTable } from '../../engine/store/stringTable';
import { frameLine } from './decodeCorpusHelpers';
import { corpusDir, repoRoot, samplesDir } from './helpers/paths';

const strings = new StringTable();
const decoder = new PayloadDecoder(strings);

/** The fields of a payload as the decoder produced them, in schema order. */
function decodeFields(event: string, payload: string): { system: string; fields: RawField[] } {
  const schema = decoder.schema(event);
  assert.ok(schema, `no format for ${event}`);
  const buf = Buffer.from(payload, 'utf8');
  const rec = decoder.decode(schema, buf, 0, buf.length);
  assert.ok(rec, `${event}: payload not decoded: ${payload}`);
  const fields = schema.fields.map((f): RawField => {
    const id = rec.str[f.slot]!;
    return { name: f.name, kind: f.kind, num: f.isString ? NaN : rec.num[f.slot]!, str: f.isString && id >= 0 ? strings.get(id) : undefined };
  });
  return { system: schema.system, fields };
}

function explainPayload(event: string, payload: string, ctx?: FieldContext): Map<string, FieldView> {
  const { system, fields } = decodeFields(event, payload);
  return new Map(explainFields(event, system, fields, ctx).map((v) => [v.name, v]));
}

/** Frames a whole trace line (kernel or trace-cmd layout) like the ingest framer, then explains it. */
function explainLine(line: string, ctx?: FieldContext): Map<string, FieldView> {
  const framed = frameLine(line);
  assert.ok(framed, `not an event line: ${line}`);
  return explainPayload(framed.event, framed.payload, ctx);
}

function field(views: Map<string, FieldView>, name: string): FieldView {
  const v = views.get(name);
  assert.ok(v, `no field ${name} among ${[...views.keys()].join(', ')}`);
  return v;
}

function meaning(views: Map<string, FieldView>, name: string): string {
  const v = field(views, name);
  assert.ok(v.meaning !== undefined, `${name} has no meaning`);
  return v.meaning;
}

function meanings(views: Map<string, FieldView>): Record<string, string | undefined> {
  return Object.fromEntries([...views.values()].map((v) => [v.name, v.meaning]));
}

// Real lines, with the file each was taken from (checked by the last tests).
const corpus = (p: string): string => path.join(corpusDir, p);
const sample = (p: string): string => path.join(samplesDir, p);
const formatsDoc = path.resolve(repoRoot, '../shared/docs/kernel-formats.md');

const LINES = {
  rqCompleteEio: [corpus('04-btrfs-io-errors/trace.txt'), '     ksoftirqd/0-14      [000] ..s..   956.635124: block_rq_complete: 7,2 WS () 28672 + 512 be,0,4 [-5]'],
  rqCompleteEioTc: [corpus('04-btrfs-io-errors/report.txt'), '     ksoftirqd/0-14    [000]   956.635124: block_rq_complete:    7,2 WS () 28672 + 512 0x2,0,4 [-5]'],
  rqCompleteRa: [corpus('04-btrfs-io-errors/trace.txt'), '     ksoftirqd/1-22      [001] ..s..   956.858776: block_rq_complete: 7,2 RA () 26624 + 1144 be,0,4 [-5]'],
  rqIssue: [corpus('04-btrfs-io-errors/trace.txt'), '          xfs_io-27603   [000] .....   956.623662: block_rq_issue: 7,2 WS 552960 () 26624 + 1080 be,0,4 [xfs_io]'],
  flushComplete: [corpus('02-xfs-ext4-odirect/trace.txt'), '     ksoftirqd/1-22      [001] ..s..  1092.032665: block_rq_complete: 7,0 FF () 18446744073709551615 + 0 none,0,0 [0]'],
  touchBuffer: [corpus('02-xfs-ext4-odirect/trace.txt'), '           mkdir-9597    [001] .....  1092.041176: block_touch_buffer: 7,4 sector=73 size=4096'],
  oeIoerr: [corpus('04-btrfs-io-errors/trace.txt'), '    kworker/u8:2-35      [000] d..1.   956.637629: btrfs_ordered_extent_mark_finished: 56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=258 file_offset=0 start=14680064 len=262144 disk_len=262144 truncated_len=18446744073709551615 bytes_left=0 flags=REGULAR|IO_DONE|IOERR compress_type=0 refs=3'],
  oeIoerrTc: [corpus('04-btrfs-io-errors/report.txt'), '    kworker/u8:2-35    [000]   956.637629: btrfs_ordered_extent_mark_finished: 56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=258 file_offset=0 start=14680064 len=262144 disk_len=262144 truncated_len=18446744073709551615 bytes_left=0 flags=REGULAR|0xa0 compress_type=0 refs=3'],
  finishFailed: [corpus('04-btrfs-io-errors/trace.txt'), '    kworker/u8:2-35      [000] .....   956.637628: btrfs_finish_ordered_extent: 56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=258 start=0 len=262144 uptodate=0'],
  uringEio: [corpus('04-btrfs-io-errors/trace.txt'), '      uring_read-27614   [001] ...1.   956.927643: io_uring_complete: ring 00000000b14e32d7, req 000000006b6bbd69, user_data 0x4, result -5, cflags 0x0 extra1 0 extra2 0 '],
  uringEioTc: [corpus('04-btrfs-io-errors/report.txt'), '      uring_read-27614 [001]   956.927643: io_uring_complete:    ring 0xffff88828e385800, req 0xffff88810464ef00, user_data 0x4, result -5, cflags 0x0 extra1 0 extra2 0 '],
  uringSubmit: [corpus('04-btrfs-io-errors/trace.txt'), '      uring_read-27614   [001] .....   956.923929: io_uring_submit_req: ring 00000000b14e32d7, req 000000006cb3190a, user_data 0x0, opcode READ, flags 0x400000, sq_thread 0'],
  uringCreate: [corpus('01-xfs-buffered-read-uring-eof/trace.txt'), '             fio-13992   [001] .....   861.271222: io_uring_create: ring 0000000078b729c3, fd 7 sq size 1, cq size 1, flags 0x3108'],
  preadv2Eagain: [sample('10-nowait-partial-read/trace.txt'), '    pread_nowait-3055    [000] .N...   337.904710: sys_preadv2 -> 0xfffffffffffffff5'],
  preadv2EagainTc: [sample('10-nowait-partial-read/report.txt'), 'nw:     pread_nowait-3055  [000]   337.904710: sys_exit_preadv2:     0xfffffffffffffff5'],
  preadv2Enter: [sample('10-nowait-partial-read/trace.txt'), '    pread_nowait-3055    [000] .....   337.904623: sys_preadv2(fd: 3, vec: 0x7ffd78ba21c0, vlen: 1, pos_l: 0x80000, pos_h: 0, flags: 8)'],
  preadv2EnterTc: [sample('10-nowait-partial-read/report.txt'), 'nw:     pread_nowait-3055  [000]   337.904623: sys_enter_preadv2:    fd: 0x00000003, vec: 0x7ffd78ba21c0, vlen: 0x00000001, pos_l: 0x00080000, pos_h: 0x00000000, flags: 0x00000008'],
  preadv2Full: [sample('10-nowait-partial-read/trace.txt'), '    pread_nowait-3067    [000] .....   337.973020: sys_preadv2 -> 0x40000'],
  preadv2Eio: [corpus('04-btrfs-io-errors/trace.txt'), '    pread_nowait-27612   [000] .....   956.893894: sys_preadv2 -> 0xfffffffffffffffb'],
  punch: [sample('11-unaligned-discard/trace.txt'), '      bdev_punch-5575    [001] .....   344.875976: sys_fallocate(fd: 3, mode: 3, offset: 0x600, len: 0x1000)'],
  punchTc: [sample('11-unaligned-discard/report.txt'), 'dc:       bdev_punch-5575  [001]   344.875976: sys_enter_fallocate:  fd: 0x00000003, mode: 0x00000003, offset: 0x00000600, len: 0x00001000'],
  fallocPlain: [corpus('03-btrfs-ordered-extents/trace.txt'), '             fio-20775   [000] .....   914.686852: sys_fallocate(fd: 7, mode: 0, offset: 0, len: 0x100000)'],
  discardIoctl: [sample('11-unaligned-discard/report.txt'), 'dc:       blkdiscard-5581  [001]   344.887288: sys_enter_ioctl:      fd: 0x00000003, cmd: 0x00001277, arg: 0x7ffc7371ee10'],
  openat: [corpus('05b-xfs-blocked-tasks-fsfreeze/trace.txt'), '             fio-4305    [000] .....  1051.453156: sys_openat(dfd: 0xffffff9c, filename: 0x7f6933d250b1, flags: 0x80000, mode: 0)'],
  syncRange: [sample('12-stale-iomap/trace.txt'), '       siom-sync-24590   [000] .....  1671.006137: sys_sync_file_range(fd: 3, offset: 0, nbytes: 0, flags: 2)'],
  dioComplete: [corpus('02-xfs-ext4-odirect/trace.txt'), '     kworker/1:1-41      [001] .....  1091.168702: iomap_dio_complete: dev 7:0 ino 0x91 size 0x200000 offset 0x60000 flags DIRECT|WRITE|ALLOC_CACHE aio 1 error 0 ret 131072'],
  dioCompleteEio: [corpus('04-btrfs-io-errors/trace.txt'), '          xfs_io-27613   [000] .....   956.918045: iomap_dio_complete: dev 0:42 ino 0x101 size 0x100000 offset 0x0 flags DIRECT aio 0 error -5 ret -5'],
  dioBegin: [corpus('02-xfs-ext4-odirect/trace.txt'), '    iou-wrk-9569-9572    [000] .....  1091.168148: iomap_dio_rw_begin: dev 7:0 ino 0x91 size 0x200000 offset 0x20000 length 0x20000 done_before 0x0 flags DIRECT|WRITE|ALLOC_CACHE dio_flags  aio 1'],
  dstmap: [corpus('02-xfs-ext4-odirect/trace.txt'), '             fio-9565    [001] .....  1091.063927: iomap_iter_dstmap: dev 7:0 ino 0x91 bdev 7:0 addr 0xb15000 offset 0x0 length 0x200000 type UNWRITTEN (0x3) flags DIRTY (0x2)'],
  iter: [corpus('02-xfs-ext4-odirect/trace.txt'), '    iou-wrk-9569-9570    [000] .....  1091.168182: iomap_iter: dev 7:0 ino 0x91 pos 0x0 length 0x0 status 0 flags WRITE|DIRECT (0x11) ops 0xffffffff82468aa0 caller __iomap_dio_rw+0x1fb/0x8d0'],
  iterTc: [corpus('02-xfs-ext4-odirect/report.txt'), '    iou-wrk-9569-9570  [000]  1091.168182: iomap_iter:           dev 7:0 ino 0x91 pos 0x0 length 0x0 status 0 flags WRITE|DIRECT (0x11) ops __start_rodata caller __iomap_dio_rw+0x1fb'],
  readahead: [corpus('01-xfs-buffered-read-uring-eof/trace.txt'), '             fio-13992   [001] .....   861.271348: iomap_readahead: dev 7:0 ino 0x83 nr_pages 16'],
  bufferedRead: [corpus('01-xfs-buffered-read-uring-eof/trace.txt'), '             fio-13992   [001] .....   861.271336: xfs_file_buffered_read: dev 7:0 ino 0x83 disize 0x186a0 pos 0x0 bytecount 0x4000'],
  iomapInvalid: [sample('12-stale-iomap/trace.txt'), '      siom-write-24589   [000] .....  1671.017850: xfs_iomap_invalid: dev 7:0 ino 0x83 pos 0x0 addr 0x18000 bytecount 0xff0000 type 0x3 flags 0x4002 validity_cookie 0x5 inodeseq 0x7'],
  logForce: [corpus('05b-xfs-blocked-tasks-fsfreeze/trace.txt'), '          xfs_io-4308    [000] .....  1051.473532: xfs_log_force: dev 7:3 lsn 0x2 caller xfs_file_fsync+0x1d2/0x200'],
  switchD: [corpus('05b-xfs-blocked-tasks-fsfreeze/trace.txt'), '     workload.sh-4302    [001] d..2.  1051.440237: sched_switch: prev_comm=bash prev_pid=4302 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120'],
  switchDTc: [corpus('05b-xfs-blocked-tasks-fsfreeze/report.txt'), '     workload.sh-4302  [001]  1051.440237: sched_switch:         bash:4302 [120] D ==> swapper/1:0 [120]'],
  switchPreempted: [sample('01-layouts-xfs/trace.txt'), '             fio-27168   [001] d..2.   309.649341: sched_switch: prev_comm=fio prev_pid=27168 prev_prio=120 prev_state=R+ ==> next_comm=kworker/u8:0 next_pid=12 next_prio=120'],
  writebackStart: [corpus('05b-xfs-blocked-tasks-fsfreeze/trace.txt'), '    kworker/u8:0-3214    [001] ...1.  1053.478461: writeback_start: bdi 7:3: sb_dev 7:3 nr_pages=5877 sync_mode=0 kupdate=0 range_cyclic=0 background=0 reason=sync cgroup_ino=1'],
} as const satisfies Record<string, readonly [string, string]>;

/** Lines the format reference captured on 6.18 (events absent from the recordings): [event, payload]. */
const DOC_LINES = {
  iomapAlloc: ['xfs_iomap_alloc', 'dev 7:1 ino 0x83 disize 0x0 pos 0x0 bytecount 0x10000 fork data startoff 0x0 startblock 0xffffffffe0005 fsbcount 0x10'],
  esHole: ['ext4_es_insert_extent', 'dev 7,0 ino 12 es [0/4294967295) mapped 0 status H'],
  writeEnd: ['ext4_da_write_end', 'dev 7,0 ino 12 pos 0 len 65536 copied 65536'],
  punchHole: ['ext4_punch_hole', 'dev 7,0 ino 12 offset 65536 len 65536 mode '],
  zeroRange: ['ext4_zero_range', 'dev 7,0 ino 12 offset 131072 len 65536 mode ZERO_RANGE'],
  asyncRa: ['page_cache_async_ra', 'dev=7:0 ino=c index=32 req_count=32 order=0 size=128 async_size=96 ra_pages=1280 mmap_miss=0 prev_pos=131072'],
  addToCache: ['mm_filemap_add_to_page_cache', 'dev 7:0 ino c pfn=0x1efc10 ofs=458752 order=4'],
  getPages: ['mm_filemap_get_pages', 'dev=7:0 ino=c ofs=0-131071'],
} as const satisfies Record<string, readonly [string, string]>;

const line = (k: keyof typeof LINES): string => LINES[k][1];

test('block_rq_complete with [-5]: device, rwbs, sector, size, ioprio and error; trace-cmd twin means the same', () => {
  const k = explainLine(line('rqCompleteEio'));
  assert.deepEqual(field(k, 'dev'), { name: 'dev', text: '7:2', value: 7340034, meaning: '7:2, loop device (normally /dev/loop2)' });
  assert.equal(meaning(k, 'rwbs'), 'write, sync');
  assert.deepEqual(field(k, 'sector'), { name: 'sector', text: '28672', value: 28672, unit: 'sectors', meaning: 'byte offset 14680064 (14 MiB) on the device (512-byte sectors)' });
  assert.equal(field(k, 'nr_sector').unit, 'sectors');
  assert.match(meaning(k, 'nr_sector'), /^262144 bytes \(256 KiB\) completed by this call/);
  assert.equal(meaning(k, 'ioprio_class'), 'I/O priority class BE (best-effort)');
  assert.equal(meaning(k, 'ioprio_hint'), 'no I/O priority hint');
  assert.match(meaning(k, 'ioprio_level'), /^priority level 4 of 0-7/);
  assert.equal(meaning(k, 'error'), '-EIO (Input/output error): block status BLK_STS_IOERR (I/O error)');
  assert.equal(field(k, 'error').text, '-5');

  const tc = explainLine(line('rqCompleteEioTc'));
  assert.equal(field(tc, 'ioprio_class').text, '0x2');
  assert.equal(meaning(tc, 'ioprio_class'), 'I/O priority class BE (best-effort); trace-cmd prints the class number');
  const { ioprio_class: _k, ...kernelRest } = meanings(k);
  const { ioprio_class: _t, ...traceCmdRest } = meanings(tc);
  assert.deepEqual(traceCmdRest, kernelRest);
});

test('rwbs strings spelled out: op letters, preflush/FUA, readahead, write-zeroes, garbage', () => {
  const rwbs = (s: string): string | undefined =>
    explainFields('block_rq_issue', 'block', [{ name: 'rwbs', kind: 'w', num: NaN, str: s }])[0]?.meaning;
  assert.equal(meaning(explainLine(line('rqCompleteRa')), 'rwbs'), 'read, readahead');
  assert.equal(rwbs('WS'), 'write, sync');
  assert.equal(rwbs('FWFS'), 'preflush, write, FUA, sync');
  assert.equal(rwbs('FWFSM'), 'preflush, write, FUA, sync, metadata');
  assert.equal(rwbs('FF'), 'preflush, flush');
  assert.equal(rwbs('D'), 'discard');
  assert.equal(rwbs('DE'), 'secure erase');
  assert.equal(rwbs('ZRA'), 'reset all zones');
  assert.match(rwbs('N') ?? '', /write-zeroes/);
  assert.equal(rwbs('RMS'), 'not a valid rwbs string');
  assert.equal(rwbs(''), 'not a valid rwbs string');
});

test('block sizes, the issuing task, flush requests and buffer blocks', () => {
  const issue = explainLine(line('rqIssue'));
  assert.deepEqual(field(issue, 'bytes'), { name: 'bytes', text: '552960', value: 552960, unit: 'bytes', meaning: '552960 bytes (540 KiB)' });
  assert.equal(meaning(issue, 'nr_sector'), '552960 bytes (540 KiB)');
  assert.match(meaning(issue, 'comm'), /not necessarily the task that submitted the I\/O/);
  assert.match(meaning(issue, 'cmd'), /always empty on kernels 5\.4\+/);

  const flush = explainLine(line('flushComplete'));
  assert.equal(field(flush, 'sector').text, '18446744073709551615');
  assert.match(meaning(flush, 'sector'), /^\(sector_t\)-1: the request has no position/);
  assert.equal(meaning(flush, 'rwbs'), 'preflush, flush');
  assert.equal(meaning(flush, 'ioprio_class'), 'I/O priority class NONE (no priority set on the request)');
  assert.equal(meaning(flush, 'error'), 'success');

  const bh = explainLine(line('touchBuffer'));
  assert.equal(field(bh, 'sector').unit, 'blocks');
  assert.equal(meaning(bh, 'sector'), 'buffer block number (b_blocknr, in units of the buffer size, not 512-byte sectors): byte offset 299008 (292 KiB)');
  assert.equal(meaning(bh, 'size'), 'buffer size 4096 bytes (4 KiB)');
});

test('device majors: only what devices.txt registers is named', () => {
  const dev = (major: number, minor: number): string | undefined =>
    explainFields('block_rq_issue', 'block', [{ name: 'dev', kind: 'dev', num: major * 1048576 + minor, str: undefined }])[0]?.meaning;
  assert.equal(dev(8, 17), '8:17, SCSI disk (normally /dev/sdb1)');
  assert.equal(dev(8, 0), '8:0, SCSI disk (normally /dev/sda)');
  assert.equal(dev(65, 0), '65:0, SCSI disk (normally /dev/sdq)');
  assert.match(dev(259, 3) ?? '', /^259:3, block extended major \(blkext\)/);
  assert.match(dev(253, 0) ?? '', /^253:0, block device with a dynamically assigned major/);
  assert.equal(dev(0, 0), '0:0, no device (0:0 is reserved as the null device number)');
  assert.equal(dev(200, 1), '200:1, block device (major 200)');
  // The btrfs file system of corpus 04 has no block device of its own: iomap prints its anonymous dev_t.
  assert.match(meaning(explainLine(line('dioCompleteEio')), 'dev'), /^0:42, anonymous device number/);
});

test('btrfs ordered extent with IOERR: kernel names and trace-cmd REGULAR|0xa0 spell the same bits', () => {
  const k = explainLine(line('oeIoerr'));
  assert.equal(meaning(k, 'flags'), 'REGULAR (regular copy-on-write data), IO_DONE (all of its I/O has finished), IOERR (a write error: the range\'s I/O failed)');
  assert.match(meaning(k, 'start'), /^btrfs logical address 14680064 \(14 MiB\): .*not a device offset$/);
  assert.equal(meaning(k, 'truncated_len'), '(u64)-1: not truncated');
  assert.equal(field(k, 'truncated_len').text, '18446744073709551615');
  assert.equal(meaning(k, 'bytes_left'), '0: all of the ordered extent\'s I/O has finished');
  assert.equal(meaning(k, 'len'), '262144 bytes (256 KiB)');
  assert.equal(meaning(k, 'compress_type'), 'none');
  assert.equal(meaning(k, 'root_objectid'), 'root FS_TREE: the top-level subvolume (id 5)');
  assert.equal(meaning(k, 'refs'), 'reference count after this operation: 3');

  const tc = explainLine(line('oeIoerrTc'));
  const flags = meaning(tc, 'flags');
  assert.ok(flags.startsWith(meaning(k, 'flags')), flags);
  assert.match(flags, /0xa0 spelled with the 5\.15\+ bit layout/);
  assert.match(flags, /trace-cmd names only bit 0/);
  assert.equal(field(tc, 'flags').value, 'REGULAR|0xa0');
});

test('btrfs ordered flags follow the era of the file; without one the assumption is said', () => {
  const flags = (text: string, ctx?: FieldContext): string | undefined =>
    explainFields('btrfs_ordered_extent_put', 'btrfs', [{ name: 'flags', kind: 'flags', num: NaN, str: text }], ctx)[0]?.meaning;
  // Same state (IO_DONE + REGULAR) as 5.4 and 5.10 print it (kernel-formats.md §2.5).
  assert.match(flags('IO_DONE|0x200', { btrfsEra: '5.4' }) ?? '', /^IO_DONE \(.*\), REGULAR \(regular copy-on-write data\); 0x200 spelled with the 5\.4 bit layout of this file/);
  assert.match(flags('IO_DONE|0x100', { btrfsEra: '5.10' }) ?? '', /^IO_DONE \(.*\), REGULAR \(/);
  // Without the file's era: only 5.4 gives IO_DONE|0x200 exactly one type bit (0x200 = REGULAR there).
  assert.match(flags('IO_DONE|0x200') ?? '', /^IO_DONE \(.*\), REGULAR \(.*\); 0x200 spelled with the 5\.4 bit layout \(the only one/);
  // 0x4 alone is PREALLOC in 5.15+ but NOCOW in 5.4/5.10: more than one era fits, so the assumption is said.
  assert.match(flags('0x4') ?? '', /^PREALLOC \(.*\); 0x4 spelled assuming the 5\.15\+ bit layout \(kernels 5\.4 and 5\.10 number the bits differently\)/);
  // The captured trace-cmd twin of REGULAR|IO_DONE|COMPLETE.
  assert.match(flags('REGULAR|0x60') ?? '', /^REGULAR \(.*\), IO_DONE \(.*\), COMPLETE \(finished and removed from the inode's tree: waiters are woken\)/);
  assert.equal(flags(''), 'none');
  assert.match(flags('BOGUS|REGULAR') ?? '', /BOGUS \(not a known flag name\)/);
});

test('btrfs_finish_ordered_extent: start is a file offset, uptodate=0 is a failed I/O', () => {
  const v = explainLine(line('finishFailed'));
  assert.equal(meaning(v, 'start'), 'file offset 0');
  assert.equal(meaning(v, 'uptodate'), 'the I/O failed');
  assert.equal(meaning(v, 'ino'), 'inode 258 (0x102 in hex, as iomap, xfs and filemap print it)');
});

test('io_uring_complete with result -5: errno, cookie and pointers (hashed vs raw)', () => {
  const k = explainLine(line('uringEio'));
  assert.equal(meaning(k, 'res'), 'error -EIO (Input/output error)');
  assert.deepEqual(field(k, 'user_data'), {
    name: 'user_data', text: '0x4', value: 4,
    meaning: '4 in decimal: the application\'s cookie (sqe->user_data), returned unchanged in the completion (CQE)',
  });
  assert.equal(field(k, 'ctx').text, '0x00000000b14e32d7');
  assert.match(meaning(k, 'ctx'), /^kernel pointer to the ring \(struct io_ring_ctx\): hashed here, .*only comparable within one file$/);
  assert.equal(meaning(k, 'cflags'), 'none');

  const tc = explainLine(line('uringEioTc'));
  assert.equal(field(tc, 'ctx').value, '0xffff88828e385800');
  assert.match(meaning(tc, 'req'), /^kernel pointer to the request \(struct io_kiocb\): the raw address here, as trace-cmd prints %p/);
  assert.equal(meaning(tc, 'res'), meaning(k, 'res'));
});

test('io_uring submit and create: opcode name and number, REQ_F flags left opaque, setup flags named', () => {
  const s = explainLine(line('uringSubmit'));
  assert.equal(meaning(s, 'opcode'), 'IORING_OP_READ (opcode 22)');
  assert.equal(meaning(s, 'op'), 'IORING_OP_READ (opcode 22)');
  assert.match(meaning(s, 'flags'), /^0x400000: internal REQ_F_\* request flags/);
  assert.equal(meaning(s, 'sq_thread'), 'submitted by the task itself (io_uring_enter)');

  const c = explainLine(line('uringCreate'));
  assert.equal(
    meaning(c, 'flags'),
    'IORING_SETUP_CQSIZE (the application chose the CQ size), IORING_SETUP_COOP_TASKRUN (task work runs cooperatively, without an IPI), ' +
      'IORING_SETUP_SINGLE_ISSUER (only one task submits), IORING_SETUP_DEFER_TASKRUN (task work deferred until the task waits for completions)',
  );
  assert.equal(meaning(c, 'fd'), 'file descriptor 7 of the new ring');

  const cqe = (v: number): string | undefined => explainFields('io_uring_complete', 'io_uring', [{ name: 'cflags', kind: 'x', num: v, str: undefined }])[0]?.meaning;
  assert.match(cqe(0x30003) ?? '', /IORING_CQE_F_BUFFER .*IORING_CQE_F_MORE .*; buffer id 3$/);
});

test('sys_exit_preadv2: negative returns named in both spellings, positive ones are bytes', () => {
  const k = explainLine(line('preadv2Eagain'));
  assert.deepEqual(field(k, 'ret'), { name: 'ret', text: '0xfffffffffffffff5', value: -11, meaning: 'error -EAGAIN (Resource temporarily unavailable)' });
  assert.deepEqual(meanings(explainLine(line('preadv2EagainTc'))), meanings(k));
  assert.equal(meaning(explainLine(line('preadv2Eio')), 'ret'), 'error -EIO (Input/output error)');
  const ok = field(explainLine(line('preadv2Full')), 'ret');
  assert.equal(ok.unit, 'bytes');
  assert.equal(ok.meaning, '262144 bytes (256 KiB) transferred');
});

test('sys_enter_preadv2: RWF flags, position halves, fd; kernel and trace-cmd spellings agree', () => {
  const k = explainLine(line('preadv2Enter'));
  assert.equal(meaning(k, 'flags'), 'RWF_NOWAIT (fail with EAGAIN instead of blocking)');
  assert.match(meaning(k, 'pos_l'), /^file position 524288 \(512 KiB\)/);
  assert.match(meaning(k, 'pos_h'), /^high half of the file position/);
  assert.equal(meaning(k, 'fd'), 'file descriptor 3');
  assert.equal(meaning(k, 'vlen'), '1 iovec entry (buffers)');
  assert.match(meaning(k, 'vec'), /^user-space address/);
  assert.deepEqual(meanings(explainLine(line('preadv2EnterTc'))), meanings(k));

  // [constructed] from the 6.18 format: preadv2 at the current position (-1 split by the C library).
  const cur = explainPayload('sys_enter_preadv2', 'fd: 3, vec: 0x7ffd78ba21c0, vlen: 1, pos_l: 0xffffffffffffffff, pos_h: 0xffffffff, flags: 0x9');
  assert.equal(meaning(cur, 'pos_l'), '-1: use and advance the current file position (like readv/writev)');
  assert.match(meaning(cur, 'pos_h'), /current file position/);
  assert.equal(meaning(cur, 'flags'), 'RWF_HIPRI (polled I/O), RWF_NOWAIT (fail with EAGAIN instead of blocking)');
});

test('fallocate modes, openat, ioctl and sync_file_range arguments', () => {
  const punch = explainLine(line('punch'));
  assert.equal(meaning(punch, 'mode'), 'FALLOC_FL_KEEP_SIZE (do not change the file size), FALLOC_FL_PUNCH_HOLE (deallocate the range)');
  assert.deepEqual(field(punch, 'offset'), { name: 'offset', text: '0x600', value: 1536, unit: 'bytes', meaning: 'file offset 1536 (1.5 KiB)' });
  assert.equal(meaning(punch, 'len'), '4096 bytes (4 KiB)');
  assert.deepEqual(meanings(explainLine(line('punchTc'))), meanings(punch));
  assert.match(meaning(explainLine(line('fallocPlain')), 'mode'), /^0: allocate the range/);
  assert.equal(meaning(explainLine(line('fallocPlain')), 'len'), '1048576 bytes (1 MiB)');

  const open = explainLine(line('openat'));
  assert.equal(meaning(open, 'dfd'), 'AT_FDCWD (-100): relative to the current working directory');
  assert.match(meaning(open, 'flags'), /^O_RDONLY, O_CLOEXEC \(x86-64 numbering/);
  assert.match(meaning(open, 'mode'), /^0: no permission bits/);

  assert.equal(meaning(explainLine(line('discardIoctl')), 'cmd'), 'BLKDISCARD: _IO(0x12, 119) in the asm-generic ioctl encoding');

  const sfr = explainLine(line('syncRange'));
  assert.equal(meaning(sfr, 'flags'), 'SYNC_FILE_RANGE_WRITE (start writeback of the dirty pages)');
  assert.equal(meaning(sfr, 'nbytes'), '0: to the end of the file');
});

test('iomap direct I/O: kiocb flags, position after completion, errors', () => {
  const done = explainLine(line('dioComplete'));
  assert.equal(
    meaning(done, 'offset'),
    'file position after the I/O (iomap_dio_complete prints ki_pos after the update): 0x60000 = 393216 (384 KiB); this I/O started at 0x40000 = 262144 (256 KiB)',
  );
  assert.equal(meaning(done, 'flags'), 'DIRECT (O_DIRECT), WRITE (write), ALLOC_CACHE (may use the bio allocation cache)');
  assert.equal(meaning(done, 'ret'), '131072 bytes (128 KiB) done');
  assert.match(meaning(done, 'aio'), /^asynchronous kiocb/);
  assert.equal(meaning(done, 'size'), 'file size (i_size) 0x200000 = 2097152 bytes (2 MiB)');
  assert.equal(meaning(done, 'ino'), 'inode 145 (printed in hex, 0x91)');

  const failed = explainLine(line('dioCompleteEio'));
  assert.equal(meaning(failed, 'error'), '-EIO (Input/output error)');
  assert.equal(meaning(failed, 'ret'), 'error -EIO (Input/output error)');

  const begin = explainLine(line('dioBegin'));
  assert.equal(meaning(begin, 'dio_flags'), 'none');
  assert.equal(field(begin, 'dio_flags').text, '');
  assert.equal(meaning(begin, 'length'), '0x20000 = 131072 bytes (128 KiB)');
});

test('iomap mappings and iterations: disk address and sector, type, IOMAP_F and IOMAP_* flags', () => {
  const map = explainLine(line('dstmap'));
  assert.equal(meaning(map, 'addr'), 'disk byte address 0xb15000 = 11620352 (11.08 MiB) on 7:0 = 512-byte sector 22696');
  assert.equal(meaning(map, 'type'), 'UNWRITTEN: allocated but unwritten (preallocated): reads return zeroes until the extent is converted');
  assert.equal(meaning(map, 'flags'), 'DIRTY (uncommitted metadata: fdatasync must commit it for the data to be durable)');
  assert.match(meaning(map, 'bdev'), /^block device the mapping points to: 7:0, loop device/);

  const iter = explainLine(line('iter'));
  assert.equal(meaning(iter, 'flags'), 'WRITE (write), DIRECT (direct I/O)');
  assert.match(meaning(iter, 'ops'), /unresolved kernel address/);
  const iterTc = explainLine(line('iterTc'));
  assert.equal(meaning(iterTc, 'flags'), meaning(iter, 'flags'));
  assert.match(meaning(iterTc, 'ops'), /trace-cmd shows the nearest symbol/);

  // <=6.14 prints STALE as a hex remainder (kernel-formats.md §2.2).
  const stale = explainFields('iomap_iter_dstmap', 'iomap', [{ name: 'flags', kind: 'flags', num: NaN, str: 'NEW|0x200' }])[0];
  assert.match(stale?.meaning ?? '', /^NEW \(.*\), STALE \(the mapping is stale: iomap must map the range again\)$/);

  assert.equal(meaning(explainLine(line('readahead')), 'nr_pages'), '16 pages = 65536 bytes (64 KiB), assuming 4 KiB pages');
});

test('xfs: sizes in hex and decimal, delalloc startblock, stale-mapping cookies, log sequence numbers', () => {
  const read = explainLine(line('bufferedRead'));
  assert.equal(meaning(read, 'disize'), 'on-disk file size (di_size) 0x186a0 = 100000 bytes (97.66 KiB)');
  assert.equal(meaning(read, 'bytecount'), '0x4000 = 16384 bytes (16 KiB)');
  assert.equal(meaning(read, 'ino'), 'inode 131 (printed in hex, 0x83)');

  const inv = explainLine(line('iomapInvalid'));
  assert.match(meaning(inv, 'flags'), /^IOMAP_F flags: DIRTY \(.*\), SIZE_CHANGED \(.*\); 6\.18 bit values/);
  assert.match(meaning(inv, 'type'), /^UNWRITTEN: /);
  assert.match(meaning(inv, 'validity_cookie'), /xfs_iomap_invalid fires because the two differ$/);

  assert.equal(meaning(explainLine(line('logForce')), 'lsn'), 'log sequence number: cycle 0, block 2');

  const alloc = explainPayload(...DOC_LINES.iomapAlloc);
  assert.equal(meaning(alloc, 'startblock'), 'delayed allocation (a null startblock): no disk block assigned yet');
  assert.equal(meaning(alloc, 'fork'), 'the data fork (the file\'s contents)');
  assert.match(meaning(alloc, 'fsbcount'), /^16 filesystem blocks/);
});

test('ext4: extent status, block ranges, copies, fallocate modes', () => {
  const hole = explainPayload(...DOC_LINES.esHole);
  assert.equal(meaning(hole, 'status'), 'H (hole)');
  assert.match(meaning(hole, 'len'), /EXT_MAX_BLOCKS/);
  assert.equal(meaning(hole, 'pblk'), '0: no physical block (a hole or a delayed extent)');
  assert.equal(meaning(hole, 'dev'), '7:0, loop device (normally /dev/loop0)');

  assert.equal(meaning(explainPayload(...DOC_LINES.writeEnd), 'copied'), '65536 bytes (64 KiB) copied');
  assert.match(meaning(explainPayload(...DOC_LINES.punchHole), 'mode'), /6\.18 traces ext4_punch_hole with mode 0/);
  assert.equal(meaning(explainPayload(...DOC_LINES.zeroRange), 'mode'), 'FALLOC_FL_ZERO_RANGE (zero the range)');
});

test('sched_switch: task states with preemption, priorities, the idle task; trace-cmd plugin layout agrees', () => {
  const d = explainLine(line('switchD'));
  assert.match(meaning(d, 'prev_state'), /^D: uninterruptible sleep/);
  assert.equal(meaning(d, 'prev_prio'), 'normal task, nice 0 (kernel prio 120)');
  assert.equal(meaning(d, 'next_pid'), 'pid 0: the idle task (swapper)');
  assert.deepEqual(meanings(explainLine(line('switchDTc'))), meanings(d));
  assert.equal(meaning(explainLine(line('switchPreempted')), 'prev_state'), 'R: running or runnable; +: preempted (switched out while still runnable)');
  const prio = (v: number): string | undefined => explainFields('sched_switch', 'sched', [{ name: 'prev_prio', kind: 'd', num: v, str: undefined }])[0]?.meaning;
  assert.equal(prio(0), 'real-time task (SCHED_FIFO/SCHED_RR), rt_priority 99');
  assert.equal(prio(-1), 'SCHED_DEADLINE task (kernel prio -1)');
});

test('page cache: page indexes and counts in bytes (4 KiB pages assumed), folio orders, byte ranges', () => {
  const ra = explainPayload(...DOC_LINES.asyncRa);
  assert.equal(meaning(ra, 'index'), 'page index 32 = byte offset 131072 (128 KiB) in the file, assuming 4 KiB pages');
  assert.equal(meaning(ra, 'size'), 'readahead window: 128 pages = 524288 bytes (512 KiB), assuming 4 KiB pages');
  assert.equal(meaning(ra, 'i_ino'), 'inode 12 (printed in hex, 0xc)');
  assert.equal(field(ra, 'i_ino').text, '0xc');

  const add = explainPayload(...DOC_LINES.addToCache);
  assert.equal(meaning(add, 'order'), 'folio order 4: 2^4 = 16 pages = 65536 bytes (64 KiB), assuming 4 KiB pages');
  assert.equal(meaning(add, 'ofs'), 'file offset 458752 (448 KiB)');

  assert.equal(meaning(explainPayload(...DOC_LINES.getPages), 'ofs_end'), 'last byte of the range (inclusive): 131071 (128 KiB); the range is 131072 bytes (128 KiB)');

  const wb = explainLine(line('writebackStart'));
  assert.equal(meaning(wb, 'reason'), 'sync(2), syncfs(2) or a filesystem sync');
  assert.equal(meaning(wb, 'name'), 'backing device 7:3, loop device (normally /dev/loop3)');
  assert.match(meaning(wb, 'sync_mode'), /^WB_SYNC_NONE/);
});

test('generic fallbacks: unknown fields keep their value without a meaning; absent fields are skipped, order kept', () => {
  const views = explainFields('my_driver_event', 'my_driver', [
    { name: 'widgets', kind: 'u', num: 42, str: undefined },
    { name: 'gone', kind: 'u', num: NaN, str: undefined },
    { name: 'label', kind: 's', num: NaN, str: undefined },
    { name: 'error', kind: 'd', num: -110, str: undefined },
    { name: 'ptr', kind: 'p', num: NaN, str: 'ffff888100a9c948' },
  ]);
  assert.deepEqual(views.map((v) => v.name), ['widgets', 'error', 'ptr']);
  assert.deepEqual(views[0], { name: 'widgets', text: '42', value: 42 });
  assert.ok(!('meaning' in views[0]!) && !('unit' in views[0]!));
  assert.equal(views[1]?.meaning, '-ETIMEDOUT (Connection timed out)');
  assert.equal(views[2]?.text, '0xffff888100a9c948');
});

test('untrusted input: garbage numbers, strings and names never throw and stay plain text', () => {
  const nums = [NaN, Infinity, -Infinity, -1, -0, 1.5, 2 ** 64, 2 ** 63, 2 ** 53 + 2, 0xffffffff, 1e300, -1e300];
  const strs = ['', 'constructor', '__proto__', '|||', '0x', '0xZZ', 'REGULAR|0xffffffffffffffffffffff', '\u0000\u202e<b>x</b>', 'x'.repeat(2000)];
  const names = ['sector', 'nr_sector', 'dev', 'rwbs', 'error', 'ret', 'res', 'flags', 'mode', 'pos_l', 'pos_h', 'cmd', 'user_data', 'cflags', 'opcode', 'op', 'addr', 'offset', 'type', 'startblock', 'prev_state', 'prev_prio', 'index', 'ioprio_class', 'ioprio', 'errseq', 'constructor', '__proto__', 'toString'];
  const kinds = ['u', 'd', 'x', 'sx', 'sys', 'dev', 'uop'] as const;
  const events: ReadonlyArray<readonly [string, string]> = [
    ['block_rq_complete', 'block'], ['sys_exit_preadv2', 'syscalls'], ['sys_enter_preadv2', 'syscalls'], ['sys_enter_fallocate', 'syscalls'],
    ['sys_enter_ioctl', 'syscalls'], ['io_uring_complete', 'io_uring'], ['io_uring_register', 'io_uring'], ['iomap_iter', 'iomap'],
    ['iomap_iter_dstmap', 'iomap'], ['iomap_dio_complete', 'iomap'], ['xfs_iomap_invalid', 'xfs'], ['btrfs_ordered_extent_put', 'btrfs'],
    ['sched_switch', 'sched'], ['page_cache_sync_ra', 'readahead'], ['filemap_set_wb_err', 'filemap'], ['constructor', '__proto__'],
  ];
  let views = 0;
  for (const [event, system] of events) {
    const fields: RawField[] = [];
    for (const name of names) {
      for (const kind of kinds) for (const num of nums) fields.push({ name, kind, num, str: undefined });
      for (const str of strs) fields.push({ name, kind: 'flags', num: NaN, str }, { name, kind: 'w', num: NaN, str });
    }
    for (const f of fields) {
      for (const v of explainFields(event, system, [f], { btrfsEra: '5.10' })) {
        views++;
        assert.equal(typeof v.text, 'string');
        assert.ok(v.meaning === undefined || typeof v.meaning === 'string');
        assert.ok(v.meaning === undefined || !/undefined|NaN|\[object/.test(v.meaning), `${event} ${f.name}: ${v.meaning}`);
      }
    }
    assert.doesNotThrow(() => explainFields(event, system, fields));
  }
  assert.ok(views > 10000);
  // Specific answers for garbage, not just "no throw".
  const one = (f: RawField, event = 'block_rq_complete', system = 'block'): FieldView | undefined => explainFields(event, system, [f])[0];
  assert.equal(one({ name: 'ioprio_class', kind: 'sym', num: NaN, str: 'constructor' })?.meaning, 'not a known I/O priority class');
  assert.equal(one({ name: 'dev', kind: 'dev', num: -1, str: undefined })?.meaning, 'not a valid dev_t');
  assert.equal(one({ name: 'ret', kind: 'sx', num: -70000, str: undefined }, 'sys_exit_read', 'syscalls')?.meaning, 'a negative value that is not an errno (errors are -4095..-1)');
  assert.equal(one({ name: 'sector', kind: 'u', num: 2 ** 64, str: undefined })?.text, '18446744073709551615');
  assert.equal(one({ name: 'ret', kind: 'sx', num: 2 ** 64, str: undefined }, 'sys_exit_read', 'syscalls')?.text, '0xffffffffffffffff');
  assert.equal(one({ name: 'prev_state', kind: 'w', num: NaN, str: 'Q' }, 'sched_switch', 'sched')?.meaning, 'Q: not a known state letter');
});

test('every quoted line is a real line of its recording', () => {
  for (const [key, [file, text]] of Object.entries(LINES)) {
    if (!existsSync(file)) continue; // the shared corpus sits beside the clone; samples/ are always there
    assert.ok(readFileSync(file, 'utf8').split('\n').includes(text), `${key}: not in ${file}`);
  }
  if (existsSync(formatsDoc)) {
    const doc = readFileSync(formatsDoc, 'utf8');
    for (const [key, [event, payload]] of Object.entries(DOC_LINES)) assert.ok(doc.includes(`${event}: ${payload.trimEnd()}`), `${key}: not in the format reference`);
  }
  assert.ok(existsSync(sample('10-nowait-partial-read/trace.txt')));
});

test('ioprio class numbers: trace-cmd numbers of every class, unassigned numbers, raw values', () => {
  const cls = (s: string): string | undefined => explainFields('block_rq_issue', 'block', [{ name: 'ioprio_class', kind: 'sym', num: NaN, str: s }])[0]?.meaning;
  assert.equal(cls('0x0'), 'I/O priority class NONE (no priority set on the request); trace-cmd prints the class number');
  assert.equal(cls('0x3'), 'I/O priority class IDLE (only when the device is otherwise idle); trace-cmd prints the class number');
  assert.equal(cls('0x7'), 'I/O priority class INVALID; trace-cmd prints the class number');
  assert.equal(cls('0x5'), 'I/O priority class 5 (no class has this number); trace-cmd prints the class number');
  assert.equal(cls('0x9'), 'not a known I/O priority class');
  assert.equal(cls('toString'), 'not a known I/O priority class');
  const raw = (v: number): string | undefined => explainFields('io_uring_req_failed', 'io_uring', [{ name: 'ioprio', kind: 'd', num: v, str: undefined }])[0]?.meaning;
  // IOPRIO_PRIO_VALUE_HINT(IOPRIO_CLASS_RT, 0, 1) = 1 << 13 | 1 << 3 | 0 = 0x2008.
  assert.equal(raw(0x2008), 'class RT (real-time), hint 1, level 0');
  assert.equal(raw(0xa000), 'class 5 (no class has this number), hint 0, level 0');
});

test('errno meanings of the block layer: ENOLINK, EREMCHG, EILSEQ, ETOOMANYREFS', () => {
  const err = (v: number): string | undefined => explainFields('block_rq_complete', 'block', [{ name: 'error', kind: 'd', num: v, str: undefined }])[0]?.meaning;
  assert.match(err(-67) ?? '', /^-ENOLINK \(Link has been severed\)/);
  assert.match(err(-78) ?? '', /^-EREMCHG \(Remote address changed\)/);
  assert.match(err(-84) ?? '', /^-EILSEQ /);
  assert.match(err(-109) ?? '', /^-ETOOMANYREFS /);
});
