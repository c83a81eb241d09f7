/**
 * Payload decoder tests on constructed lines: older-kernel variants (kernel-formats.md §2), `-R` raw
 * payloads, CRLF, padding, truncated payloads and garbage, and the template compiler's errors.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeKeyValues, PayloadDecoder } from '../../engine/decode/payloadDecoder';
import { StringTable } from '../../engine/store/stringTable';

const strings = new StringTable();
const decoder = new PayloadDecoder(strings);
const enc = new TextEncoder();

function decode(event: string, payload: string): Record<string, number | string> | undefined {
  const s = decoder.schema(event);
  assert.ok(s, `no schema for ${event}`);
  const b = enc.encode(payload);
  const rec = decoder.decode(s, b, 0, b.length);
  return rec === undefined ? undefined : decoder.toObject(rec);
}

function check(event: string, payload: string, expected: Record<string, number | string>): void {
  const got = decode(event, payload);
  assert.ok(got, `${event}: ${payload} did not decode`);
  for (const [k, v] of Object.entries(expected)) assert.equal(got[k], v, `${event}.${k} of ${payload}`);
}

const dev = (maj: number, min: number): number => maj * 1048576 + min;

test('block: 6.18 kernel and trace-cmd, older kernels, flush sector', () => {
  check('block_rq_complete', '7,2 WS () 28672 + 512 be,0,4 [-5]', { dev: dev(7, 2), rwbs: 'WS', sector: 28672, nr_sector: 512, ioprio_class: 'be', ioprio_hint: 0, ioprio_level: 4, error: -5 });
  check('block_rq_complete', '    7,2 WS () 28672 + 512 0x2,0,4 [-5]\r', { ioprio_class: '0x2', error: -5 });
  check('block_rq_complete', '8,0 R () 1234567 + 8 [-5]', { dev: dev(8, 0), sector: 1234567, nr_sector: 8, error: -5 });
  check('block_rq_error', '259,0 W () 88 + 8 [-5]', { dev: dev(259, 0), error: -5 });
  check('block_rq_complete', '7,0 FF () 18446744073709551615 + 0 none,0,0 [0]', { sector: 2 ** 64, rwbs: 'FF' });
  check('block_rq_issue', '8,0 WS 4096 () 1234567 + 8 [kworker/0:1H]', { bytes: 4096, comm: 'kworker/0:1H', cmd: '' });
  check('block_rq_issue', '7,0 RM 4096 () 67848 + 8 be,0,4 [my io] worker]', { comm: 'my io] worker', sector: 67848 });
  check('block_rq_requeue', '8,0 W () 1234567 + 8 [0]', { error: 0 });
  check('block_bio_queue', '7,0 FWFSM 2097704 + 8 [jbd2/loop0-8]', { rwbs: 'FWFSM', sector: 2097704, comm: 'jbd2/loop0-8' });
  check('block_bio_complete', '253,0 R 1234567 + 8 [0]', { dev: dev(253, 0), error: 0 });
  check('block_split', '7,0 WS 286720 / 289280 [dd]', { sector: 286720, new_sector: 289280 });
  check('block_bio_remap', '8,0 W 2099200 + 8 <- (253,0) 1234567', { old_dev: dev(253, 0), old_sector: 1234567, sector: 2099200 });
  check('block_rq_remap', '8,0 W 2099200 + 8 <- (253,0) 1234567 1', { nr_bios: 1 });
  check('block_unplug', '[dd] 1', { comm: 'dd', nr_rq: 1 });
  check('block_dirty_buffer', '7,0 sector=18446744073709486080 size=4096', { size: 4096 });
  check('disk_zone_wplug_add_bio', '259,0 zone 3, BIO 786432 + 256', { zno: 3, sector: 786432, nr_sectors: 256 });
  check('blkdev_zone_mgmt', '259,0 ZR 524288 + 524288', { rwbs: 'ZR' });
});

test('block: trace-cmd -R raw payloads use the same slots', () => {
  check('block_io_start', ' dev=7340032 sector=67848 nr_sector=8 bytes=4096 ioprio=16388 rwbs=RM comm=dd cmd=', {
    dev: dev(7, 0), sector: 67848, nr_sector: 8, bytes: 4096, rwbs: 'RM', comm: 'dd', cmd: '', ioprio_class: '0x2', ioprio_hint: 0, ioprio_level: 4,
  });
  check('block_plug', 'comm=my io-worker 1', { comm: 'my io-worker 1' });
  check('sys_enter_read', '__syscall_nr=0 fd=0x00000003 buf=0x7ffd3e1ce698 count=0x00000340', { fd: 3, buf: 0x7ffd3e1ce698, count: 0x340 });
  check('sys_exit_read', '__syscall_nr=0 ret=0x340', { ret: 0x340 });
  check('iomap_readahead', 'dev=7340033 ino=0x83 nr_pages=128', { dev: dev(7, 1), ino: 0x83, nr_pages: 128 });
  check('btrfs_ordered_extent_add', 'fsid=ARRAY[9c, 11, e8] root_objectid=5 ino=257 file_offset=0 start=1 len=2 disk_len=2 truncated_len=3 bytes_left=2 flags=0x61 compress_type=0 refs=1', { flags: '0x61', root_objectid: 5, ino: 257 });
  check('io_uring_submit_req', 'ctx=0xffff8881 req=0xffff8882 user_data=0x5 opcode=22 flags=0x400000 sq_thread=0', { opcode: 'READ', op: 22, user_data: 5 });
});

test('iomap: 5.10 decimal, 5.15 hex, 6.12 processed, 6.18 status and raw type/flags', () => {
  check('iomap_apply', 'dev 253:0 ino 0x83 pos 0 length 65536 flags WRITE|DIRECT (0x11) ops xfs_direct_write_iomap_ops caller iomap_dio_rw+0x1d8/0x4b0 actor iomap_dio_actor', { pos: 0, length: 65536, flags: 'WRITE|DIRECT', flags_raw: 0x11, actor: 'iomap_dio_actor' });
  check('iomap_apply_dstmap', 'dev 253:0 ino 0x83 bdev 253:0 addr 138477568 offset 0 length 65536 type MAPPED flags NEW|DIRTY', { addr: 138477568, length: 65536, type: 'MAPPED', flags: 'NEW|DIRTY' });
  check('iomap_writepage', 'dev 253:0 ino 0x83 size 0x200000 offset 0 length 1000', { offset: 0, length: 0x1000 });
  check('iomap_iter', 'dev 253:0 ino 0x83 pos 0x0 length 0x10000 flags WRITE|DIRECT (0x11) ops xfs_direct_write_iomap_ops caller __iomap_dio_rw+0x1ea/0x7b0', { length: 0x10000, flags_raw: 0x11 });
  check('iomap_iter', 'dev 253:0 ino 0x83 pos 0x0 length 0x10000 processed 0 flags WRITE|DIRECT (0x11) ops a caller b', { processed: 0 });
  check('iomap_iter', 'dev 7:0 ino 0x83 pos 0x0 length 0x0 status 0 flags  (0x0) ops __start_rodata caller iomap_readahead+0x91', { status: 0, flags: '', flags_raw: 0 });
  check('iomap_iter_dstmap', 'dev 7:0 ino 0xd bdev 7:0 addr 0x8410000 offset 0x0 length 0x10000 type MAPPED (0x2) flags NEW|DIRTY (0x3)', { addr: 0x8410000, type_raw: 2, flags_raw: 3 });
  check('iomap_iter_dstmap', 'dev 7:0 ino 0xd bdev 7:0 addr 0x8410000 offset 0x0 length 0x10000 type MAPPED flags ', { flags: '', type: 'MAPPED' });
  check('iomap_writepage_map', 'dev 253:0 ino 0x83 bdev 253:0 pos 0x0 dirty len 0x10000 addr 0x908000 offset 0x0 length 0x3f0000 type UNWRITTEN flags DIRTY', { dirty_len: 0x10000, type: 'UNWRITTEN' });
  check('iomap_dio_rw_begin', 'dev 7:0 ino 0xd size 0x0 offset 0x0 length 0x10000 done_before 0x0 flags DIRECT dio_flags DIO_FORCE_WAIT aio 0', { flags: 'DIRECT', dio_flags: 'DIO_FORCE_WAIT', aio: 0 });
  check('iomap_dio_rw_begin', 'dev 7:0 ino 0x91 size 0x200000 offset 0x0 length 0x20000 done_before 0x0 flags DIRECT|WRITE|ALLOC_CACHE dio_flags  aio 1', { dio_flags: '', aio: 1 });
  check('iomap_dio_complete', 'dev 7:0 ino 0xd size 0x10000 offset 0x10000 flags DIRECT aio 0 error -22 ret -22', { error: -22, ret: -22 });
});

test('xfs: 5.10 names map to the 5.15+ fields', () => {
  check('xfs_file_direct_write', 'dev 253:0 ino 0x84 size 0x0 offset 0x0 count 0x10000', { disize: 0, pos: 0, bytecount: 0x10000 });
  check('xfs_iomap_found', 'dev 253:0 ino 0x83 size 0x0 offset 0x20000 count 65536 fork data startoff 0x0 startblock 1234 blockcount 0x30', { bytecount: 65536, startblock: 1234, fsbcount: 0x30, pos: 0x20000 });
  check('xfs_iomap_alloc', 'dev 7:1 ino 0x83 disize 0x0 pos 0x0 bytecount 0x10000 fork data startoff 0x0 startblock 0xffffffffe0005 fsbcount 0x10', { startblock: 0xffffffffe0005, fork: 'data' });
  check('xfs_file_fsync', 'dev 7:1 ino 0x83 iflags 0x220', { iflags: 0x220 });
  check('xfs_file_fsync', 'dev 253:0 ino 0x83', { ino: 0x83 });
  check('xfs_ilock', 'dev 7:0 ino 0x80 flags ILOCK_SHARED caller xfs_ilock_data_map_shared+0x19', { lock_flags: 'ILOCK_SHARED', caller_ip: 'xfs_ilock_data_map_shared+0x19' });
  check('xfs_iomap_invalid', 'dev 7:1 ino 0x83 pos 0x0 addr 0x1000 bytecount 0x1000 type 0x2 flags 0x200 validity_cookie 0x5 inodeseq 0x5', { flags: 0x200, type: 2 });
});

test('ext4: flags dropped in 5.19, empty mode, delayed block/extent', () => {
  check('ext4_da_write_begin', 'dev 253,1 ino 12 pos 0 len 4096 flags 0', { dev: dev(253, 1), ino: 12, len: 4096, flags: 0 });
  check('ext4_da_write_begin', 'dev 7,0 ino 12 pos 0 len 65536', { len: 65536 });
  check('ext4_es_insert_delayed_block', 'dev 253,1 ino 12 es [0/1) mapped 0 status D allocated 0', { status: 'D', allocated: 0 });
  check('ext4_es_insert_delayed_extent', 'dev 7,0 ino 12 es [0/1) mapped 0 status D allocated 0 1', { lclu_allocated: 0, end_allocated: 1 });
  check('ext4_es_insert_extent', 'dev 7,0 ino 12 es [0/4294967295) mapped 0 status H', { len: 4294967295, status: 'H' });
  check('ext4_fallocate_enter', 'dev 7,0 ino 14 offset 0 len 4194304 mode ', { mode: '', len: 4194304 });
  check('ext4_zero_range', 'dev 7,0 ino 12 offset 131072 len 65536 mode ZERO_RANGE', { mode: 'ZERO_RANGE' });
  check('ext4_sync_file_enter', 'dev 7,0 ino 12 parent 2 datasync 0 ', { parent: 2, datasync: 0 });
  check('ext4_fallocate_exit', 'dev 7,0 ino 14 pos 0 blocks 1024 ret 0', { blocks: 1024 });
});

test('btrfs: fsid prefix, 5.10 writepage_end_io_hook, u64 -1', () => {
  const u = '9c11e8fd-da46-4676-bfed-ed177842e9ce';
  check('btrfs_writepage_end_io_hook', `${u}: root=5(FS_TREE) ino=257 page_index=0 start=0 end=4095 uptodate=1`, { index: 0, end: 4095, fsid: u });
  check('btrfs_writepage_end_io_hook', `${u}: root=5(FS_TREE) ino=257 start=0 end=65535 uptodate=1`, { end: 65535, root_name: 'FS_TREE' });
  check('btrfs_ordered_extent_add', `${u}: root=256(-) ino=257 file_offset=0 start=355860480 len=2097152 disk_len=2097152 truncated_len=18446744073709551615 bytes_left=2097152 flags=REGULAR|IO_DONE|COMPLETE compress_type=0 refs=1`, { root_objectid: 256, root_name: '-', truncated_len: 2 ** 64, flags: 'REGULAR|IO_DONE|COMPLETE' });
  check('btrfs_finish_ordered_extent', `${u}: root=5(FS_TREE) ino=258 start=0 len=262144 uptodate=0`, { uptodate: 0 });
});

test('io_uring: 5.10 / 5.15 numeric opcodes fill the 5.19+ name, and user_data', () => {
  check('io_uring_submit_sqe', 'ring 00000000a1b2c3d4, op 22, data 0x1, non block 1, sq_thread 0', { op: 22, opcode: 'READ', user_data: 1, ctx: '00000000a1b2c3d4' });
  check('io_uring_submit_sqe', 'ring 00000000a1b2c3d4, req 0000000011112222, op 23, data 0x2, flags 0, non block 1, sq_thread 0', { opcode: 'WRITE', user_data: 2 });
  check('io_uring_submit_sqe', 'ring 000000003b9c1d71, req 00000000c023cd09, user_data 0x5, opcode READ, flags 0x400000, non block 1, sq_thread 0', { op: 22 });
  check('io_uring_complete', 'ring 00000000a1b2c3d4, user_data 0x1, result 4096', { res: 4096, user_data: 1 });
  check('io_uring_complete', 'ring 00000000a1b2c3d4, user_data 0x1, result 4096, cflags 0', { cflags: 0 });
  check('io_uring_complete', 'ring 0xffff8881f4f69800, req 0xffff88810464e000, user_data 0x4, result -125, cflags 0x0 extra1 0 extra2 0 ', { res: -125, extra2: 0 });
  check('io_uring_defer', 'ring 00000000e13db221, request 000000008160b774 user_data 17', { user_data: 17 });
  check('io_uring_defer', 'ring 00000000e13db221, request 000000008160b774, user_data 0x5, opcode NOP', { user_data: 5, op: 0 });
  check('io_uring_create', 'ring 000000003b9c1d71, fd 7 sq size 8, cq size 8, flags 0x3108', { flags: 0x3108 });
  // A file comes from one kernel: the variant that matched last is tried first, so an older-kernel
  // decimal line after a 5.19+ hex line of the same event needs a decoder of its own.
  const old = new PayloadDecoder(new StringTable());
  const b = enc.encode('ring 000000003b9c1d71, fd 7 sq size 8, cq size 8, flags 12');
  const rec = old.decode(old.schema('io_uring_create')!, b, 0, b.length)!;
  assert.equal(old.toObject(rec).flags, 12);
  assert.equal(rec.variant, 0);
  check('io_uring_queue_async_work', 'ring 0000000026ba35e8, request 00000000c6698a71, flags 1024, hashed queue, work 0000000023827ea2', { rw: 'hashed', flags: 1024 });
  check('io_uring_task_add', 'ring 0000000078b729c3, req 000000004d944aaf, user_data 0x8, opcode READ, mask 41', { mask: 0x41 });
  check('io_uring_poll_arm', 'ring 0000000078b729c3, req 000000004d944aaf, user_data 0x8, opcode READ, mask 0xc000004b, events 0xc000207b', { mask: 0xc000004b });
  check('io_uring_req_failed', 'ring 00000000e13db221, req 00000000c023cd09, user_data 0x6, opcode INVALID, flags 0x0, prio=0, off=0, addr=0, len=0, rw_flags=0x0, buf_index=0, personality=0, file_index=0, pad=0x0, addr3=0, error=-22', { opcode: 'INVALID', error: -22 });
  check('io_uring_task_work_run', 'tctx 000000004aa7ded0, count 1, loops 2', { loops: 2 });
});

test('syscalls: bare hex (<=6.14), 6.18 mixed, trace-cmd zero padded, verbose, signed returns', () => {
  check('sys_enter_read', 'fd: 3, buf: 7ffd3e1ce698, count: 340', { fd: 3, buf: 0x7ffd3e1ce698, count: 0x340 });
  check('sys_enter_read', 'fd: 11, buf: 7ffd3e1ce698, count: 340', { fd: 0x11 });
  check('sys_enter_close', 'fd: 0xb', { fd: 11 });
  check('sys_enter_pread64', '  fd: 0x00000003, buf: 0x7fffe9ad1210, count: 0x00000310, pos: 0x00000040', { pos: 0x40, count: 0x310 });
  check('sys_enter_write', 'unsigned int fd: 1, const char * buf: 0x56496a5aa210, size_t count: 2', { fd: 1, buf: 0x56496a5aa210, count: 2 });
  check('sys_enter_getpid', '', {});
  check('sys_exit_read', '0xfffffffffffffff5', { ret: -11 });
  check('sys_exit_fsync', '0xfffffffffffffffb', { ret: -5 });
  check('sys_exit_io_uring_enter', '0xfffffffffffffdef', { ret: -529 });
  check('sys_exit_read', '0x340', { ret: 0x340 });
  check('sys_exit_read', '0x8000000000000000', { ret: -(2 ** 63) });
  assert.equal(decoder.schema('sys_enter_no_such_call'), undefined);
});

test('print, sched: both renderings', () => {
  check('print', 'tracing_mark_write: STEP 1: a=1 [x]', { ip: 'tracing_mark_write', buf: 'STEP 1: a=1 [x]' });
  check('print', ' tracing_mark_write:  leading blank kept', { buf: ' leading blank kept' });
  check('sched_switch', 'prev_comm=kworker/u8:3 prev_pid=4302 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120', { prev_comm: 'kworker/u8:3', prev_state: 'D', next_pid: 0 });
  check('sched_switch', 'kworker/u8:3:4302 [120] R+ ==> my: comm:0 [120]', { prev_comm: 'kworker/u8:3', prev_pid: 4302, prev_state: 'R+', next_comm: 'my: comm', next_pid: 0 });
  check('sched_wakeup', 'fio:4304 [120] CPU:000', { comm: 'fio', pid: 4304, target_cpu: 0 });
  check('sched_wakeup', 'comm=fio pid=4304 prio=120 target_cpu=001', { target_cpu: 1 });
  check('sched_process_hang', 'comm=fio pid=4317', { pid: 4317 });
});

test('robustness: truncated payloads and garbage return undefined, never throw', () => {
  const full = '7,0 RM 4096 () 67848 + 8 be,0,4 [dd]';
  for (let i = 0; i < full.length - 1; i++) assert.equal(decode('block_rq_issue', full.slice(0, i)), undefined, full.slice(0, i));
  const full2 = 'dev 7:0 ino 0x91 size 0x200000 offset 0x20000 flags DIRECT|WRITE|ALLOC_CACHE aio 1 error 0 ret 131072';
  for (let i = 0; i < full2.length - 8; i++) decode('iomap_dio_complete', full2.slice(0, i));
  assert.equal(decode('iomap_dio_complete', 'dev 7:0 ino 0x91 size 0x200000'), undefined);
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const events = ['block_rq_issue', 'iomap_iter', 'btrfs_ordered_extent_add', 'sched_switch', 'sys_enter_read', 'io_uring_complete', 'print'];
  for (let k = 0; k < 2000; k++) {
    const b = new Uint8Array(Math.floor(rnd() * 120));
    for (let i = 0; i < b.length; i++) b[i] = rnd() < 0.5 ? Math.floor(rnd() * 256) : ' 0123456789abcx,:[]()=+-'.charCodeAt(Math.floor(rnd() * 24));
    for (const e of events) decoder.decode(decoder.schema(e)!, b, 0, b.length);
  }
  assert.equal(decode('block_rq_issue', 'HM-7bM-cM- 2935919525 () 1200968484581873623 + 1337178895'), undefined);
});

test('decode uses the byte range only, and reuses one record per event', () => {
  const line = enc.encode('xxx block_rq_issue: 7,0 RM 4096 () 67848 + 8 be,0,4 [dd]\r\nnext');
  const s = decoder.schema('block_rq_issue')!;
  const start = line.indexOf(0x3a) + 1;
  const end = line.indexOf(0x0a);
  const a = decoder.decode(s, line, start, end)!;
  assert.equal(a.num[s.slot('sector')], 67848);
  assert.equal(strings.get(a.str[s.slot('comm')]!), 'dd');
  const b = decoder.decode(s, enc.encode('7,0 RM 4096 () 1 + 8 [dd]'), 0, 25)!;
  assert.equal(a, b);
  assert.equal(Number.isNaN(b.num[s.slot('ioprio_hint')]!), true);
  assert.equal(s.slot('nope'), -1);
});

test('decodeKeyValues: key=value and key: value forms', () => {
  assert.deepEqual(decodeKeyValues('comm=fio pid=4317 note=a b'), [['comm', 'fio'], ['pid', '4317'], ['note', 'a b']]);
  assert.deepEqual(decodeKeyValues('fd: 3, buf: 0x7f, count: 0x340'), [['fd', '3'], ['buf', '0x7f'], ['count', '0x340']]);
  assert.deepEqual(decodeKeyValues('no pairs here'), []);
});

test('every bundled format compiles', () => {
  for (const name of decoder.knownEvents()) assert.ok(decoder.schema(name), name);
  assert.throws(() => new PayloadDecoder(new StringTable(), [{ system: 't', events: { bad: { variants: [{ kernels: 'x', template: '{a:s}{b:u}' }] } } }]).schema('bad'));
  assert.throws(() => new PayloadDecoder(new StringTable(), [{ system: 't', events: { bad: { variants: [{ kernels: 'x', template: '{a:zz}' }] } } }]).schema('bad'));
});
