/**
 * Issue 11 item 4: every modelled event decodes in every kernel era from 5.4 to 6.18. One row per era
 * and format change of grammars/events/, each a line reconstructed from the TP_printk of that era (or a
 * real 6.18 line), with the source it was read from:
 *
 * - [K] ../shared/docs/kernel-formats.md §2 (tables per subsystem); its §0 lists the trees read per
 *   version: 5.4.214 GunWooJung/git-linux-5.4.214@3560482, 5.10.89 Prashant446/linux-5.10.89@7411543,
 *   5.15.100 zcjie1/linux-5.15.100@52bed7a, 5.17-rc5 dunli/linux-5.17@a5835ca, 5.19 yishangzhang/linux-5.19@4a85505,
 *   6.1.20 c1336658570/linux-6.1.20@fad5889, 6.5 sndrzt/linux-6.5@4f5cdb3, 6.8 vivo50kff/linux-6.8@bc4fae0,
 *   6.12.19 wishday/linux-6.12.y@21ae40e, 6.14 perishh/linux-6.14@347b100, 6.18.2 gfunkmonk/linux-6.18.2@062668f.
 * - [A] fs/iomap/trace.h `iomap_apply` / `iomap_class`, as added by "iomap: trace iomap_appply results"
 *   (Darrick J. Wong, linux-fsdevel 2019-11-22) and still in the 5.10-based tree
 *   auraknighted/android_kernel_samsung_r11s@a797ccb; removed with iomap_iter in 5.15.
 * - [P] fs/iomap/trace.h `iomap_page_class` (`pgoff 0x%lx`), removed by "iomap: Remove pgoff from
 *   tracepoints" (Matthew Wilcox, linux-fsdevel 2020-03-04): iomap_writepage / releasepage /
 *   invalidatepage of 5.5-5.7.
 * - [C] include/trace/events/btrfs.h `btrfs__chunk` (torvalds/linux): `root=%llu(%s) offset=%llu size=%llu
 *   num_stripes=%d sub_stripes=%d type=%s` after the `%pU: ` fsid, unchanged across the range.
 * - [R] real 6.18.44 lines of samples/ and ../shared/corpus (file named in the row).
 *
 * trace-cmd renders the same TP_printk through libtraceevent: empty flag sets as `flags  (0x0)`, unresolved
 * enums as numbers (ioprio class `0x2`, btrfs flags `REGULAR|0x60`), `%pS` without `/size`.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyzeBytes, closeModel } from '../../engine/analyze';
import { PayloadDecoder } from '../../engine/decode/payloadDecoder';
import { StringTable } from '../../engine/store/stringTable';

const decoder = new PayloadDecoder(new StringTable());
const enc = new TextEncoder();

function decode(event: string, payload: string): Record<string, number | string> | undefined {
  const s = decoder.schema(event);
  assert.ok(s, `no schema for ${event}`);
  const b = enc.encode(payload);
  const rec = decoder.decode(s, b, 0, b.length);
  return rec === undefined ? undefined : decoder.toObject(rec);
}

const dev = (maj: number, min: number): number => maj * 1048576 + min;

/** [era, source, event, payload, expected fields]. */
type Row = readonly [string, string, string, string, Readonly<Record<string, number | string>>];

const ROWS: readonly Row[] = [
  // block (include/trace/events/block.h)
  ['5.4-6.8', 'K §2.1 block_rq', 'block_rq_issue', '8,0 WS 4096 () 1234567 + 8 [kworker/0:1H]', { dev: dev(8, 0), rwbs: 'WS', bytes: 4096, sector: 1234567, nr_sector: 8, comm: 'kworker/0:1H' }],
  ['5.4-6.8', 'K §2.1 block_rq_complete', 'block_rq_complete', '8,0 R () 1234567 + 8 [-5]', { sector: 1234567, error: -5 }],
  ['5.19-6.8', 'K §2.1 block_rq_error', 'block_rq_error', '259,0 W () 88 + 8 [-5]', { dev: dev(259, 0), error: -5 }],
  ['6.12+ kernel', 'K §2.1 ioprio class,hint,level', 'block_rq_complete', '7,2 WS () 28672 + 512 be,0,4 [-5]', { ioprio_class: 'be', ioprio_hint: 0, ioprio_level: 4, error: -5 }],
  ['6.12+ trace-cmd', 'K §1b (IOPRIO_CLASS_* not exported)', 'block_rq_issue', '7,0 RM 4096 () 67848 + 8 0x2,0,4 [dd]', { ioprio_class: '0x2', sector: 67848 }],
  ['6.18', 'K §2.1 zone write plugs', 'disk_zone_wplug_add_bio', '259,0 zone 3, BIO 786432 + 256', { zno: 3, sector: 786432 }],
  ['all', 'K §2.1 block_bio_remap', 'block_bio_remap', '8,0 W 2099200 + 8 <- (253,0) 1234567', { old_dev: dev(253, 0), old_sector: 1234567 }],
  // iomap (fs/iomap/trace.h)
  ['5.5-5.7', 'P iomap_page_class', 'iomap_writepage', 'dev 253:0 ino 0x83 pgoff 0x10000 size 0x200000 offset 0 length 1000', { pgoff: 0x10000, size: 0x200000, offset: 0, length: 0x1000 }],
  ['5.5-5.7', 'P iomap_page_class', 'iomap_invalidatepage', 'dev 253:0 ino 0x83 pgoff 0x2000 size 0x200000 offset 800 length 800', { pgoff: 0x2000, offset: 0x800, length: 0x800 }],
  ['5.8-5.14', 'K §2.2 range class, bare hex', 'iomap_releasepage', 'dev 253:0 ino 0x83 size 0x200000 offset 0 length 0', { offset: 0, length: 0, size: 0x200000 }],
  ['5.15+', 'K §2.2 range class, 0x%llx', 'iomap_writepage', 'dev 7:1 ino 0x83 size 0x200000 offset 0x0 length 0x10000', { length: 0x10000 }],
  ['6.18', 'K §2.2 (renamed iomap_writeback_folio)', 'iomap_writeback_folio', 'dev 7:1 ino 0x83 size 0x200000 offset 0x0 length 0x10000', { dev: dev(7, 1), length: 0x10000 }],
  ['5.5-5.14 kernel', 'A iomap_apply', 'iomap_apply', 'dev 253:0 ino 0x83 pos 0 length 65536 flags WRITE|DIRECT (0x11) ops xfs_direct_write_iomap_ops caller iomap_dio_rw+0x1d8/0x4b0 actor iomap_dio_actor', { pos: 0, length: 65536, flags: 'WRITE|DIRECT', flags_raw: 0x11, ops: 'xfs_direct_write_iomap_ops', actor: 'iomap_dio_actor' }],
  ['5.9-5.14 trace-cmd', 'A; libtraceevent prints an empty __print_flags as ""', 'iomap_apply', 'dev 7:0 ino 0x83 pos 0 length 131072 flags  (0x0) ops xfs_read_iomap_ops caller iomap_readahead+0x8e actor iomap_readahead_actor', { flags: '', flags_raw: 0, caller: 'iomap_readahead+0x8e', length: 131072 }],
  ['5.9-5.14 (as issue 11 quotes it)', 'A, one blank around the empty flags', 'iomap_apply', 'dev 7:0 ino 0x83 pos 0 length 131072 flags (0x0) ops xfs_read_iomap_ops caller iomap_readahead actor iomap_readahead_actor', { flags: '', flags_raw: 0, ops: 'xfs_read_iomap_ops', caller: 'iomap_readahead', actor: 'iomap_readahead_actor' }],
  ['5.5-5.14', 'A iomap_class (decimal)', 'iomap_apply_dstmap', 'dev 253:0 ino 0x83 bdev 253:0 addr 138477568 offset 0 length 65536 type MAPPED flags NEW|DIRTY', { addr: 138477568, offset: 0, length: 65536, type: 'MAPPED', flags: 'NEW|DIRTY' }],
  ['5.5-5.14', 'A iomap_class, empty flags', 'iomap_apply_srcmap', 'dev 253:0 ino 0x83 bdev 253:0 addr 4096 offset 8192 length 4096 type UNWRITTEN flags ', { addr: 4096, offset: 8192, type: 'UNWRITTEN', flags: '' }],
  ['5.15-6.8', 'K §2.2 iomap_iter', 'iomap_iter', 'dev 253:0 ino 0x83 pos 0x0 length 0x10000 flags WRITE|DIRECT (0x11) ops xfs_direct_write_iomap_ops caller __iomap_dio_rw+0x1ea/0x7b0', { pos: 0, length: 0x10000, flags_raw: 0x11 }],
  ['6.12-6.14', 'K §2.2 iomap_iter processed', 'iomap_iter', 'dev 253:0 ino 0x83 pos 0x20000 length 0x20000 processed -14 flags DIRECT (0x10) ops a caller b', { processed: -14, flags: 'DIRECT' }],
  ['6.18', 'R samples/31 trace-nosys.txt', 'iomap_iter', 'dev 0:40 ino 0x101 pos 0x0 length 0x40000 status -14 flags DIRECT (0x10) ops 0xffffffff824761d0 caller __iomap_dio_rw+0x286/0x960', { dev: dev(0, 40), status: -14, length: 0x40000 }],
  ['5.15-6.14', 'K §2.2 iomap_class hex', 'iomap_iter_dstmap', 'dev 253:0 ino 0x83 bdev 253:0 addr 0x8410000 offset 0x0 length 0x10000 type MAPPED flags NEW', { addr: 0x8410000, flags: 'NEW' }],
  ['6.18', 'R samples/31 trace-nosys.txt', 'iomap_iter_dstmap', 'dev 0:40 ino 0x101 bdev 7:0 addr 0xd00000 offset 0x0 length 0x40000 type MAPPED (0x2) flags  (0x0)', { addr: 0xd00000, type_raw: 2, flags: '', flags_raw: 0 }],
  ['6.12-6.14', 'K §2.2 iomap_writepage_map', 'iomap_writepage_map', 'dev 253:0 ino 0x83 bdev 253:0 pos 0x0 dirty len 0x10000 addr 0x908000 offset 0x0 length 0x3f0000 type UNWRITTEN flags DIRTY', { dirty_len: 0x10000 }],
  ['6.3+', 'R samples/31 trace-nosys.txt', 'iomap_dio_rw_begin', 'dev 0:40 ino 0x101 size 0x100000 offset 0x20000 length 0x20000 done_before 0x20000 flags DIRECT dio_flags DIO_PARTIAL aio 0', { done_before: 0x20000, dio_flags: 'DIO_PARTIAL', aio: 0 }],
  ['6.3+', 'R samples/31 trace-nosys.txt', 'iomap_dio_complete', 'dev 0:40 ino 0x101 size 0x100000 offset 0x40000 flags DIRECT aio 0 error 0 ret 262144', { offset: 0x40000, ret: 262144 }],
  // xfs (fs/xfs/xfs_trace.h); renamed in 5.15 by the "standardize ... ftrace output" series
  ['5.4-5.14', 'K §2.3 xfs_file_class', 'xfs_file_direct_write', 'dev 253:0 ino 0x84 size 0x0 offset 0x0 count 0x10000', { disize: 0, pos: 0, bytecount: 0x10000 }],
  ['5.15+', 'K §2.3 xfs_file_class', 'xfs_file_buffered_read', 'dev 7:1 ino 0x83 disize 0x200000 pos 0x0 bytecount 0x20000', { disize: 0x200000, bytecount: 0x20000 }],
  ['5.4-5.14', 'K §2.3 xfs_imap_class (count, startblock decimal)', 'xfs_iomap_found', 'dev 253:0 ino 0x83 size 0x0 offset 0x20000 count 65536 fork data startoff 0x0 startblock 1234 blockcount 0x30', { bytecount: 65536, startblock: 1234, fsbcount: 0x30 }],
  ['5.15+', 'K §2.3 xfs_imap_class', 'xfs_iomap_alloc', 'dev 7:1 ino 0x83 disize 0x0 pos 0x0 bytecount 0x10000 fork data startoff 0x0 startblock 0xffffffffe0005 fsbcount 0x10', { startblock: 0xffffffffe0005 }],
  ['6.2+', 'K §2.3 xfs_iomap_invalid', 'xfs_iomap_invalid', 'dev 7:1 ino 0x83 pos 0x0 addr 0x908000 bytecount 0x10000 type 0x3 flags 0x2 validity_cookie 0x4 inodeseq 0x5', { validity_cookie: 4, inodeseq: 5 }],
  // ext4 (include/trace/events/ext4.h)
  ['5.4-5.18', 'K §2.4 write_begin flags', 'ext4_da_write_begin', 'dev 253,1 ino 12 pos 0 len 4096 flags 0', { pos: 0, len: 4096, flags: 0 }],
  ['5.19+', 'K §2.4 write_begin', 'ext4_da_write_begin', 'dev 7,0 ino 12 pos 0 len 65536', { len: 65536 }],
  ['5.4-6.8', 'K §2.4', 'ext4_es_insert_delayed_block', 'dev 253,1 ino 12 es [0/1) mapped 0 status D allocated 0', { allocated: 0, status: 'D' }],
  ['6.12+', 'K §2.4', 'ext4_es_insert_delayed_extent', 'dev 7,0 ino 12 es [0/1) mapped 0 status D allocated 0 0', { lclu_allocated: 0, end_allocated: 0 }],
  // btrfs (include/trace/events/btrfs.h)
  ['5.4-5.10', 'K §2.5 writepage_end_io_hook page_index', 'btrfs_writepage_end_io_hook', '9c11e8fd-da46-4676-bfed-ed177842e9ce: root=5(FS_TREE) ino=257 page_index=0 start=0 end=4095 uptodate=1', { index: 0, end: 4095, uptodate: 1 }],
  ['5.15+', 'K §2.5', 'btrfs_writepage_end_io_hook', '9c11e8fd-da46-4676-bfed-ed177842e9ce: root=5(FS_TREE) ino=257 start=0 end=65535 uptodate=1', { end: 65535 }],
  ['5.4', 'K §2.5 flags enum 5.4 (REGULAR is bit 9, unnamed)', 'btrfs_ordered_extent_add', '9c11e8fd-da46-4676-bfed-ed177842e9ce: root=5(FS_TREE) ino=257 file_offset=0 start=13631488 len=65536 disk_len=65536 truncated_len=18446744073709551615 bytes_left=65536 flags=IO_DONE|0x200 compress_type=0 refs=1', { flags: 'IO_DONE|0x200', start: 13631488 }],
  ['6.6+', 'R corpus 04 trace.txt', 'btrfs_finish_ordered_extent', '56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=258 start=0 len=262144 uptodate=0', { len: 262144, uptodate: 0 }],
  ['5.4-6.18', 'C btrfs__chunk', 'btrfs_chunk_alloc', '9c11e8fd-da46-4676-bfed-ed177842e9ce: root=3(CHUNK_TREE) offset=22020096 size=8388608 num_stripes=1 sub_stripes=1 type=DATA', { offset: 22020096, size: 8388608, type: 'DATA' }],
  // io_uring (include/trace/events/io_uring.h)
  ['5.5-5.10', 'K §2.6 submit_sqe', 'io_uring_submit_sqe', 'ring 00000000a1b2c3d4, op 22, data 0x1, non block 1, sq_thread 0', { op: 22, opcode: 'READ', user_data: 1 }],
  ['5.15-5.18', 'K §2.6 submit_sqe', 'io_uring_submit_sqe', 'ring 00000000a1b2c3d4, req 00000000b2c3d4e5, op 23, data 0x2, flags 0, non block 1, sq_thread 0', { opcode: 'WRITE', user_data: 2, flags: 0 }],
  ['5.19-6.4', 'K §2.6 submit_sqe', 'io_uring_submit_sqe', 'ring 00000000a1b2c3d4, req 00000000b2c3d4e5, user_data 0x3, opcode READ, flags 0x0, non block 1, sq_thread 0', { op: 22, user_data: 3 }],
  ['6.5+', 'K §2.6 submit_req', 'io_uring_submit_req', 'ring 000000003b9c1d71, req 00000000c023cd09, user_data 0x5555dd7f7f00, opcode READ, flags 0x400000, sq_thread 0', { op: 22, flags: 0x400000 }],
  ['5.5-5.10', 'K §2.6 complete', 'io_uring_complete', 'ring 00000000a1b2c3d4, user_data 0x1, result 4096', { user_data: 1, res: 4096 }],
  ['5.15-5.18', 'K §2.6 complete (cflags %x)', 'io_uring_complete', 'ring 00000000a1b2c3d4, user_data 0x1, result -11, cflags 0', { res: -11, cflags: 0 }],
  ['5.19+', 'K §2.6 complete (trailing blank)', 'io_uring_complete', 'ring 00000000e13db221, req 00000000d50e4c64, user_data 0x4, result -125, cflags 0x0 extra1 0 extra2 0 ', { res: -125, user_data: 4 }],
  ['5.5-5.18', 'K §2.6 queue_async_work (flags %d)', 'io_uring_queue_async_work', 'ring 00000000a1b2c3d4, request 00000000b2c3d4e5, flags 69632, normal queue, work 00000000c3d4e5f6', { flags: 69632, rw: 'normal' }],
  ['5.5-5.18', 'K §2.6 defer (user_data %llu)', 'io_uring_defer', 'ring 00000000a1b2c3d4, request 00000000b2c3d4e5 user_data 17', { user_data: 17 }],
  ['6.1-6.8', 'K §2.6 task_work_run', 'io_uring_task_work_run', 'tctx 000000004aa7ded0, count 1, loops 1', { count: 1, loops: 1 }],
  ['6.12+', 'K §2.6 task_work_run', 'io_uring_task_work_run', 'tctx 000000004aa7ded0, count 1', { count: 1 }],
  // filemap (include/trace/events/filemap.h)
  ['5.4-5.10', 'K §2.9 pfn=%lu', 'mm_filemap_add_to_page_cache', 'dev 253:0 ino 83 page=00000000c0ffee12 pfn=1234567 ofs=65536', { pfn: 1234567, ofs: 65536, i_ino: 0x83 }],
  ['5.15', 'K §2.9 pfn=0x%lx', 'mm_filemap_add_to_page_cache', 'dev 253:0 ino 83 page=00000000c0ffee12 pfn=0x12d687 ofs=65536', { pfn: 0x12d687 }],
  ['5.19+', 'K §2.9 order', 'mm_filemap_add_to_page_cache', 'dev 7:0 ino c pfn=0x1efc10 ofs=458752 order=4', { pfn: 0x1efc10, order: 4, i_ino: 0xc }],
  // writeback / sched
  ['5.4', 'K §2.8 wbc_writepage reclm', 'wbc_writepage', 'bdi 254:0: towrt=1024 skip=0 mode=0 kupd=0 bgrd=0 reclm=0 cyclic=1 start=0x0 end=0x7fffffffffffffff cgroup_ino=1', { for_reclaim: 0, nr_to_write: 1024 }],
  ['6.18', 'K §2.8 wbc_writepage', 'wbc_writepage', 'bdi 254:0: towrt=1024 skip=0 mode=0 kupd=0 bgrd=0 cyclic=1 start=0x0 end=0x7fffffffffffffff cgroup_ino=1', { nr_to_write: 1024 }],
];

for (const [era, source, event, payload, expected] of ROWS) {
  test(`${event} of ${era} (${source})`, () => {
    const got = decode(event, payload);
    assert.ok(got, `${event}: ${payload} did not decode`);
    for (const [k, v] of Object.entries(expected)) assert.equal(got[k], v, `${event}.${k}`);
  });
}

test('a 5.9-era xfs read through iomap_apply, kernel text and trace-cmd: no unknown format, the iterations join the read', () => {
  // Kernel `trace` layout of 5.10 (4 flag columns, no migrate-disable; kernel-formats.md §1a), xfs
  // 5.4-5.14 names, iomap_apply/_dstmap of [A]; trace-cmd's rendering of the same records.
  const kernel = [
    '# tracer: nop',
    '#',
    '           <...>-4242    [001] ....   100.000001: xfs_file_buffered_read: dev 7:0 ino 0x83 size 0x20000 offset 0x0 count 0x20000',
    '           <...>-4242    [001] ....   100.000002: iomap_apply: dev 7:0 ino 0x83 pos 0 length 131072 flags  (0x0) ops xfs_read_iomap_ops caller iomap_readahead+0x9e/0x2b0 actor iomap_readahead_actor',
    '           <...>-4242    [001] ....   100.000003: iomap_apply_dstmap: dev 7:0 ino 0x83 bdev 7:0 addr 138477568 offset 0 length 131072 type MAPPED flags ',
    '           <...>-4242    [001] ....   100.000004: iomap_readahead: dev 7:0 ino 0x83 nr_pages 32',
  ];
  const traceCmd = [
    'cpus=2',
    '           <...>-4242  [001]   100.000001: xfs_file_buffered_read: dev 7:0 ino 0x83 size 0x20000 offset 0x0 count 0x20000',
    '           <...>-4242  [001]   100.000002: iomap_apply:          dev 7:0 ino 0x83 pos 0 length 131072 flags (0x0) ops xfs_read_iomap_ops caller iomap_readahead+0x9e actor iomap_readahead_actor',
    '           <...>-4242  [001]   100.000003: iomap_apply_dstmap:   dev 7:0 ino 0x83 bdev 7:0 addr 138477568 offset 0 length 131072 type MAPPED flags ',
    '           <...>-4242  [001]   100.000004: iomap_readahead:      dev 7:0 ino 0x83 nr_pages 32',
  ];
  for (const [name, lines] of [['kernel.txt', kernel], ['report.txt', traceCmd]] as const) {
    const m = analyzeBytes(name, enc.encode(lines.join('\n') + '\n'));
    try {
      assert.equal(m.kind, 'trace');
      if (m.kind !== 'trace') return;
      assert.equal(m.ingest.events, 4, name);
      assert.equal(m.ingest.skippedLines, 0, name);
      assert.deepEqual(m.ingest.findings.filter((f) => f.kind === 'parse-error' || f.kind === 'format-mismatch'), [], name);
      const reads = [];
      for (let r = 0; r < m.requests.count; r++) if (m.requests.layer(r) === 'fs') reads.push(r);
      assert.equal(reads.length, 1, name);
      const r = reads[0]!;
      assert.equal(m.requests.op(r), 'buffered-read');
      assert.deepEqual([...m.requests.lines(r)], name === 'kernel.txt' ? [3, 4, 5, 6] : [2, 3, 4, 5], name);
    } finally {
      void closeModel(m);
    }
  }
});
