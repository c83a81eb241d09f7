// Event formats and their `print fmt` (extension/engine/tracedat: eventFormat.ts, printFmt.ts and the modules
// behind them) against what trace-cmd 3.1.6 / libtraceevent 1.7.1 print:
// - real records of ../shared/corpus (bytes as stored in the trace.dat files) render as the text after
//   `event: ` in that scenario's report.txt, written by `trace-cmd report`;
// - the quirks of libtraceevent's evaluator on synthetic formats and records: the expected texts were
//   printed by the installed libtraceevent 1.7.1 with its plugins (libtraceevent1, libtraceevent1-plugin,
//   the library `trace-cmd report` renders with), through tep_print_event(), not by iolens;
// - when the corpus and the trace.dat record reader are present, every record of every scenario;
// - field parsing, and hostile formats (an error with a reason, never an exception or a hang).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EventFormatError, parseEventFormat, parseFormatFields, tryParseEventFormat, type EventFormat } from '../../engine/tracedat/eventFormat';
import { KallsymsTable, PrintkTable } from '../../engine/tracedat/kallsyms';
import { commonLayout, compileEvent, readCommon, readField, renderPayload, type RenderContext } from '../../engine/tracedat/printFmt';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

function bytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function context(kallsyms: string, printk = '', opts: Partial<RenderContext> = {}): RenderContext {
  const ks = KallsymsTable.parse(kallsyms);
  const pk = PrintkTable.parse(printk);
  return { littleEndian: true, longSize: 8, symbol: (a) => ks.lookup(a), printkFormat: (a) => pk.get(a), symbolAddress: (n) => ks.symbolAddress(n), ...opts };
}

function systemOf(key: string): string {
  return key.slice(0, key.indexOf(':'));
}

const CORPUS_FORMATS: Record<string, string> = {
  "block:block_bio_backmerge": `name: block_bio_backmerge
ID: 2099
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:char rwbs[10];	offset:28;	size:10;	signed:0;
	field:char comm[16];	offset:38;	size:16;	signed:0;

print fmt: "%d,%d %s %llu + %u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, REC->nr_sector, REC->comm
`,
  "block:block_dirty_buffer": `name: block_dirty_buffer
ID: 2109
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:size_t size;	offset:24;	size:8;	signed:0;

print fmt: "%d,%d sector=%llu size=%zu", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), (unsigned long long)REC->sector, REC->size
`,
  "block:block_rq_complete": `name: block_rq_complete
ID: 2107
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:int error;	offset:28;	size:4;	signed:1;
	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
	field:char rwbs[10];	offset:34;	size:10;	signed:0;
	field:__data_loc char[] cmd;	offset:44;	size:4;	signed:0;

print fmt: "%d,%d %s (%s) %llu + %u %s,%u,%u [%d]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, __get_str(cmd), (unsigned long long)REC->sector, REC->nr_sector, __print_symbolic((((REC->ioprio) >> 13) & (8 - 1)), { IOPRIO_CLASS_NONE, "none" }, { IOPRIO_CLASS_RT, "rt" }, { IOPRIO_CLASS_BE, "be" }, { IOPRIO_CLASS_IDLE, "idle" }, { IOPRIO_CLASS_INVALID, "invalid"}), (((REC->ioprio) >> 3) & ((1 << 10) - 1)), ((REC->ioprio) & ((1 << 3) - 1)), REC->error
`,
  "block:block_rq_error": `name: block_rq_error
ID: 2106
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:int error;	offset:28;	size:4;	signed:1;
	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
	field:char rwbs[10];	offset:34;	size:10;	signed:0;
	field:__data_loc char[] cmd;	offset:44;	size:4;	signed:0;

print fmt: "%d,%d %s (%s) %llu + %u %s,%u,%u [%d]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, __get_str(cmd), (unsigned long long)REC->sector, REC->nr_sector, __print_symbolic((((REC->ioprio) >> 13) & (8 - 1)), { IOPRIO_CLASS_NONE, "none" }, { IOPRIO_CLASS_RT, "rt" }, { IOPRIO_CLASS_BE, "be" }, { IOPRIO_CLASS_IDLE, "idle" }, { IOPRIO_CLASS_INVALID, "invalid"}), (((REC->ioprio) >> 3) & ((1 << 10) - 1)), ((REC->ioprio) & ((1 << 3) - 1)), REC->error
`,
  "block:block_rq_insert": `name: block_rq_insert
ID: 2105
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
	field:char rwbs[10];	offset:34;	size:10;	signed:0;
	field:char comm[16];	offset:44;	size:16;	signed:0;
	field:__data_loc char[] cmd;	offset:60;	size:4;	signed:0;

print fmt: "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, REC->bytes, __get_str(cmd), (unsigned long long)REC->sector, REC->nr_sector, __print_symbolic((((REC->ioprio) >> 13) & (8 - 1)), { IOPRIO_CLASS_NONE, "none" }, { IOPRIO_CLASS_RT, "rt" }, { IOPRIO_CLASS_BE, "be" }, { IOPRIO_CLASS_IDLE, "idle" }, { IOPRIO_CLASS_INVALID, "invalid"}), (((REC->ioprio) >> 3) & ((1 << 10) - 1)), ((REC->ioprio) & ((1 << 3) - 1)), REC->comm
`,
  "block:block_rq_issue": `name: block_rq_issue
ID: 2104
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
	field:char rwbs[10];	offset:34;	size:10;	signed:0;
	field:char comm[16];	offset:44;	size:16;	signed:0;
	field:__data_loc char[] cmd;	offset:60;	size:4;	signed:0;

print fmt: "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, REC->bytes, __get_str(cmd), (unsigned long long)REC->sector, REC->nr_sector, __print_symbolic((((REC->ioprio) >> 13) & (8 - 1)), { IOPRIO_CLASS_NONE, "none" }, { IOPRIO_CLASS_RT, "rt" }, { IOPRIO_CLASS_BE, "be" }, { IOPRIO_CLASS_IDLE, "idle" }, { IOPRIO_CLASS_INVALID, "invalid"}), (((REC->ioprio) >> 3) & ((1 << 10) - 1)), ((REC->ioprio) & ((1 << 3) - 1)), REC->comm
`,
  "block:block_split": `name: block_split
ID: 2092
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:sector_t new_sector;	offset:24;	size:8;	signed:0;
	field:char rwbs[10];	offset:32;	size:10;	signed:0;
	field:char comm[16];	offset:42;	size:16;	signed:0;

print fmt: "%d,%d %s %llu / %llu [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, (unsigned long long)REC->new_sector, REC->comm
`,
  "block:block_touch_buffer": `name: block_touch_buffer
ID: 2110
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:size_t size;	offset:24;	size:8;	signed:0;

print fmt: "%d,%d sector=%llu size=%zu", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), (unsigned long long)REC->sector, REC->size
`,
  "btrfs:btrfs_finish_ordered_extent": `name: btrfs_finish_ordered_extent
ID: 2002
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 ino;	offset:24;	size:8;	signed:0;
	field:u64 start;	offset:32;	size:8;	signed:0;
	field:u64 len;	offset:40;	size:8;	signed:0;
	field:bool uptodate;	offset:48;	size:1;	signed:0;
	field:u64 root_objectid;	offset:56;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) ino=%llu start=%llu len=%llu uptodate=%d", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->ino, REC->start, REC->len, !!REC->uptodate
`,
  "btrfs:btrfs_ordered_extent_add": `name: btrfs_ordered_extent_add
ID: 2014
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 ino;	offset:24;	size:8;	signed:0;
	field:u64 file_offset;	offset:32;	size:8;	signed:0;
	field:u64 start;	offset:40;	size:8;	signed:0;
	field:u64 len;	offset:48;	size:8;	signed:0;
	field:u64 disk_len;	offset:56;	size:8;	signed:0;
	field:u64 bytes_left;	offset:64;	size:8;	signed:0;
	field:unsigned long flags;	offset:72;	size:8;	signed:0;
	field:int compress_type;	offset:80;	size:4;	signed:1;
	field:int refs;	offset:84;	size:4;	signed:1;
	field:u64 root_objectid;	offset:88;	size:8;	signed:0;
	field:u64 truncated_len;	offset:96;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) ino=%llu file_offset=%llu start=%llu len=%llu disk_len=%llu truncated_len=%llu bytes_left=%llu flags=%s compress_type=%d refs=%d", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->ino, REC->file_offset, REC->start, REC->len, REC->disk_len, REC->truncated_len, REC->bytes_left, __print_flags(REC->flags, "|", { (1 << BTRFS_ORDERED_REGULAR), "REGULAR" }, { (1 << BTRFS_ORDERED_NOCOW), "NOCOW" }, { (1 << BTRFS_ORDERED_PREALLOC), "PREALLOC" }, { (1 << BTRFS_ORDERED_COMPRESSED), "COMPRESSED" }, { (1 << BTRFS_ORDERED_DIRECT), "DIRECT" }, { (1 << BTRFS_ORDERED_IO_DONE), "IO_DONE" }, { (1 << BTRFS_ORDERED_COMPLETE), "COMPLETE" }, { (1 << BTRFS_ORDERED_IOERR), "IOERR" }, { (1 << BTRFS_ORDERED_TRUNCATED), "TRUNCATED" }), REC->compress_type, REC->refs
`,
  "btrfs:btrfs_ordered_extent_remove": `name: btrfs_ordered_extent_remove
ID: 2013
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 ino;	offset:24;	size:8;	signed:0;
	field:u64 file_offset;	offset:32;	size:8;	signed:0;
	field:u64 start;	offset:40;	size:8;	signed:0;
	field:u64 len;	offset:48;	size:8;	signed:0;
	field:u64 disk_len;	offset:56;	size:8;	signed:0;
	field:u64 bytes_left;	offset:64;	size:8;	signed:0;
	field:unsigned long flags;	offset:72;	size:8;	signed:0;
	field:int compress_type;	offset:80;	size:4;	signed:1;
	field:int refs;	offset:84;	size:4;	signed:1;
	field:u64 root_objectid;	offset:88;	size:8;	signed:0;
	field:u64 truncated_len;	offset:96;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) ino=%llu file_offset=%llu start=%llu len=%llu disk_len=%llu truncated_len=%llu bytes_left=%llu flags=%s compress_type=%d refs=%d", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->ino, REC->file_offset, REC->start, REC->len, REC->disk_len, REC->truncated_len, REC->bytes_left, __print_flags(REC->flags, "|", { (1 << BTRFS_ORDERED_REGULAR), "REGULAR" }, { (1 << BTRFS_ORDERED_NOCOW), "NOCOW" }, { (1 << BTRFS_ORDERED_PREALLOC), "PREALLOC" }, { (1 << BTRFS_ORDERED_COMPRESSED), "COMPRESSED" }, { (1 << BTRFS_ORDERED_DIRECT), "DIRECT" }, { (1 << BTRFS_ORDERED_IO_DONE), "IO_DONE" }, { (1 << BTRFS_ORDERED_COMPLETE), "COMPLETE" }, { (1 << BTRFS_ORDERED_IOERR), "IOERR" }, { (1 << BTRFS_ORDERED_TRUNCATED), "TRUNCATED" }), REC->compress_type, REC->refs
`,
  "btrfs:btrfs_sync_file": `name: btrfs_sync_file
ID: 1999
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 ino;	offset:24;	size:8;	signed:0;
	field:u64 parent;	offset:32;	size:8;	signed:0;
	field:int datasync;	offset:40;	size:4;	signed:1;
	field:u64 root_objectid;	offset:48;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) ino=%llu parent=%llu datasync=%d", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->ino, REC->parent, REC->datasync
`,
  "btrfs:btrfs_transaction_commit": `name: btrfs_transaction_commit
ID: 2024
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 generation;	offset:24;	size:8;	signed:0;
	field:u64 root_objectid;	offset:32;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) gen=%llu", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->generation
`,
  "btrfs:extent_writepage": `name: extent_writepage
ID: 2001
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:u8 fsid[16];	offset:8;	size:16;	signed:0;
	field:u64 ino;	offset:24;	size:8;	signed:0;
	field:unsigned long index;	offset:32;	size:8;	signed:0;
	field:long nr_to_write;	offset:40;	size:8;	signed:1;
	field:long pages_skipped;	offset:48;	size:8;	signed:1;
	field:loff_t range_start;	offset:56;	size:8;	signed:1;
	field:loff_t range_end;	offset:64;	size:8;	signed:1;
	field:char for_kupdate;	offset:72;	size:1;	signed:0;
	field:char range_cyclic;	offset:73;	size:1;	signed:0;
	field:unsigned long writeback_index;	offset:80;	size:8;	signed:0;
	field:u64 root_objectid;	offset:88;	size:8;	signed:0;

print fmt: "%pU: root=%llu(%s) ino=%llu page_index=%lu nr_to_write=%ld pages_skipped=%ld range_start=%llu range_end=%llu for_kupdate=%d range_cyclic=%d writeback_index=%lu", REC->fsid, REC->root_objectid, ((REC->root_objectid >= -9ULL) || (REC->root_objectid >= 1ULL && REC->root_objectid <= 8ULL)) ? __print_symbolic(REC->root_objectid, { 1ULL, "ROOT_TREE" }, { 2ULL, "EXTENT_TREE" }, { 3ULL, "CHUNK_TREE" }, { 4ULL, "DEV_TREE" }, { 5ULL, "FS_TREE" }, { 6ULL, "ROOT_TREE_DIR" }, { 7ULL, "CSUM_TREE" }, { -6ULL, "TREE_LOG" }, { 8ULL, "QUOTA_TREE" }, { -8ULL, "TREE_RELOC" }, { 9ULL, "UUID_TREE" }, { 10ULL, "FREE_SPACE_TREE" }, { 11ULL, "BLOCK_GROUP_TREE" }, { -9ULL, "DATA_RELOC_TREE" }) : "-", REC->ino, REC->index, REC->nr_to_write, REC->pages_skipped, REC->range_start, REC->range_end, REC->for_kupdate, REC->range_cyclic, REC->writeback_index
`,
  "ftrace:print": `name: print
ID: 5
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned long ip;	offset:8;	size:8;	signed:0;
	field:char buf[];	offset:16;	size:0;	signed:0;

print fmt: "%ps: %s", (void *)REC->ip, REC->buf
`,
  "io_uring:io_uring_complete": `name: io_uring_complete
ID: 2141
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:void * ctx;	offset:8;	size:8;	signed:0;
	field:void * req;	offset:16;	size:8;	signed:0;
	field:u64 user_data;	offset:24;	size:8;	signed:0;
	field:int res;	offset:32;	size:4;	signed:1;
	field:unsigned cflags;	offset:36;	size:4;	signed:0;
	field:u64 extra1;	offset:40;	size:8;	signed:0;
	field:u64 extra2;	offset:48;	size:8;	signed:0;

print fmt: "ring %p, req %p, user_data 0x%llx, result %d, cflags 0x%x extra1 %llu extra2 %llu ", REC->ctx, REC->req, REC->user_data, REC->res, REC->cflags, (unsigned long long) REC->extra1, (unsigned long long) REC->extra2
`,
  "io_uring:io_uring_queue_async_work": `name: io_uring_queue_async_work
ID: 2146
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:void * ctx;	offset:8;	size:8;	signed:0;
	field:void * req;	offset:16;	size:8;	signed:0;
	field:u64 user_data;	offset:24;	size:8;	signed:0;
	field:u8 opcode;	offset:32;	size:1;	signed:0;
	field:unsigned long long flags;	offset:40;	size:8;	signed:0;
	field:struct io_wq_work * work;	offset:48;	size:8;	signed:0;
	field:int rw;	offset:56;	size:4;	signed:1;
	field:__data_loc char[] op_str;	offset:60;	size:4;	signed:0;

print fmt: "ring %p, request %p, user_data 0x%llx, opcode %s, flags 0x%llx, %s queue, work %p", REC->ctx, REC->req, REC->user_data, __get_str(op_str), REC->flags, REC->rw ? "hashed" : "normal", REC->work
`,
  "io_uring:io_uring_submit_req": `name: io_uring_submit_req
ID: 2140
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:void * ctx;	offset:8;	size:8;	signed:0;
	field:void * req;	offset:16;	size:8;	signed:0;
	field:unsigned long long user_data;	offset:24;	size:8;	signed:0;
	field:u8 opcode;	offset:32;	size:1;	signed:0;
	field:unsigned long long flags;	offset:40;	size:8;	signed:0;
	field:bool sq_thread;	offset:48;	size:1;	signed:0;
	field:__data_loc char[] op_str;	offset:52;	size:4;	signed:0;

print fmt: "ring %p, req %p, user_data 0x%llx, opcode %s, flags 0x%llx, sq_thread %d", REC->ctx, REC->req, REC->user_data, __get_str(op_str), REC->flags, REC->sq_thread
`,
  "iomap:iomap_add_to_ioend": `name: iomap_add_to_ioend
ID: 1137
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:u64 ino;	offset:16;	size:8;	signed:0;
	field:u64 pos;	offset:24;	size:8;	signed:0;
	field:u64 dirty_len;	offset:32;	size:8;	signed:0;
	field:u64 addr;	offset:40;	size:8;	signed:0;
	field:loff_t offset;	offset:48;	size:8;	signed:1;
	field:u64 length;	offset:56;	size:8;	signed:0;
	field:u16 type;	offset:64;	size:2;	signed:0;
	field:u16 flags;	offset:66;	size:2;	signed:0;
	field:dev_t bdev;	offset:68;	size:4;	signed:0;

print fmt: "dev %d:%d ino 0x%llx bdev %d:%d pos 0x%llx dirty len 0x%llx addr 0x%llx offset 0x%llx length 0x%llx type %s (0x%x) flags %s (0x%x)", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, ((unsigned int) ((REC->bdev) >> 20)), ((unsigned int) ((REC->bdev) & ((1U << 20) - 1))), REC->pos, REC->dirty_len, REC->addr, REC->offset, REC->length, __print_symbolic(REC->type, { 0, "HOLE" }, { 1, "DELALLOC" }, { 2, "MAPPED" }, { 3, "UNWRITTEN" }, { 4, "INLINE" }), REC->type, __print_flags(REC->flags, "|", { (1U << 0), "NEW" }, { (1U << 1), "DIRTY" }, { (1U << 2), "SHARED" }, { (1U << 3), "MERGED" }, { (1U << 4), "BH" }, { (1U << 5), "XATTR" }, { (1U << 6), "BOUNDARY" }, { (1U << 7), "ANON_WRITE" }, { (1U << 8), "ATOMIC_BIO" }, { (1U << 12), "PRIVATE" }, { (1U << 14), "SIZE_CHANGED" }, { (1U << 15), "STALE" }), REC->flags
`,
  "iomap:iomap_dio_complete": `name: iomap_dio_complete
ID: 1134
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:ino_t ino;	offset:16;	size:8;	signed:0;
	field:loff_t isize;	offset:24;	size:8;	signed:1;
	field:loff_t pos;	offset:32;	size:8;	signed:1;
	field:int ki_flags;	offset:40;	size:4;	signed:1;
	field:bool aio;	offset:44;	size:1;	signed:0;
	field:int error;	offset:48;	size:4;	signed:1;
	field:ssize_t ret;	offset:56;	size:8;	signed:1;

print fmt: "dev %d:%d ino 0x%lx size 0x%llx offset 0x%llx flags %s aio %d error %d ret %zd", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->isize, REC->pos, __print_flags(REC->ki_flags, "|", { ( int) (( __kernel_rwf_t)0x00000001), "HIPRI" }, { ( int) (( __kernel_rwf_t)0x00000002), "DSYNC" }, { ( int) (( __kernel_rwf_t)0x00000004), "SYNC" }, { ( int) (( __kernel_rwf_t)0x00000008), "NOWAIT" }, { ( int) (( __kernel_rwf_t)0x00000010), "APPEND" }, { ( int) (( __kernel_rwf_t)0x00000040), "ATOMIC" }, { ( int) (( __kernel_rwf_t)0x00000080), "DONTCACHE" }, { (1 << 16), "EVENTFD"}, { (1 << 17), "DIRECT" }, { (1 << 18), "WRITE" }, { (1 << 19), "WAITQ" }, { (1 << 20), "NOIO" }, { (1 << 21), "ALLOC_CACHE" }, { (1 << 22), "CALLER_COMP" }, { (1 << 23), "AIO_RW" }, { (1 << 24), "AIO_HAS_METADATA" }), REC->aio, REC->error, REC->ret
`,
  "iomap:iomap_dio_rw_begin": `name: iomap_dio_rw_begin
ID: 1135
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:ino_t ino;	offset:16;	size:8;	signed:0;
	field:loff_t isize;	offset:24;	size:8;	signed:1;
	field:loff_t pos;	offset:32;	size:8;	signed:1;
	field:size_t count;	offset:40;	size:8;	signed:0;
	field:size_t done_before;	offset:48;	size:8;	signed:0;
	field:int ki_flags;	offset:56;	size:4;	signed:1;
	field:unsigned int dio_flags;	offset:60;	size:4;	signed:0;
	field:bool aio;	offset:64;	size:1;	signed:0;

print fmt: "dev %d:%d ino 0x%lx size 0x%llx offset 0x%llx length 0x%zx done_before 0x%zx flags %s dio_flags %s aio %d", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->isize, REC->pos, REC->count, REC->done_before, __print_flags(REC->ki_flags, "|", { ( int) (( __kernel_rwf_t)0x00000001), "HIPRI" }, { ( int) (( __kernel_rwf_t)0x00000002), "DSYNC" }, { ( int) (( __kernel_rwf_t)0x00000004), "SYNC" }, { ( int) (( __kernel_rwf_t)0x00000008), "NOWAIT" }, { ( int) (( __kernel_rwf_t)0x00000010), "APPEND" }, { ( int) (( __kernel_rwf_t)0x00000040), "ATOMIC" }, { ( int) (( __kernel_rwf_t)0x00000080), "DONTCACHE" }, { (1 << 16), "EVENTFD"}, { (1 << 17), "DIRECT" }, { (1 << 18), "WRITE" }, { (1 << 19), "WAITQ" }, { (1 << 20), "NOIO" }, { (1 << 21), "ALLOC_CACHE" }, { (1 << 22), "CALLER_COMP" }, { (1 << 23), "AIO_RW" }, { (1 << 24), "AIO_HAS_METADATA" }), __print_flags(REC->dio_flags, "|", {(1 << 0), "DIO_FORCE_WAIT" }, {(1 << 1), "DIO_OVERWRITE_ONLY" }, {(1 << 2), "DIO_PARTIAL" }), REC->aio
`,
  "iomap:iomap_iter": `name: iomap_iter
ID: 1136
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:u64 ino;	offset:16;	size:8;	signed:0;
	field:loff_t pos;	offset:24;	size:8;	signed:1;
	field:u64 length;	offset:32;	size:8;	signed:0;
	field:int status;	offset:40;	size:4;	signed:1;
	field:unsigned int flags;	offset:44;	size:4;	signed:0;
	field:const void * ops;	offset:48;	size:8;	signed:0;
	field:unsigned long caller;	offset:56;	size:8;	signed:0;

print fmt: "dev %d:%d ino 0x%llx pos 0x%llx length 0x%llx status %d flags %s (0x%x) ops %ps caller %pS", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->pos, REC->length, REC->status, __print_flags(REC->flags, "|", { (1 << 0), "WRITE" }, { (1 << 1), "ZERO" }, { (1 << 2), "REPORT" }, { (1 << 3), "FAULT" }, { (1 << 4), "DIRECT" }, { (1 << 5), "NOWAIT" }, { (1 << 6), "OVERWRITE_ONLY" }, { (1 << 7), "UNSHARE" }, { (1 << 8), "DAX" }, { (1 << 9), "ATOMIC" }, { (1 << 10), "DONTCACHE" }), REC->flags, REC->ops, (void *)REC->caller
`,
  "iomap:iomap_readahead": `name: iomap_readahead
ID: 1146
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:u64 ino;	offset:16;	size:8;	signed:0;
	field:int nr_pages;	offset:24;	size:4;	signed:1;

print fmt: "dev %d:%d ino 0x%llx nr_pages %d", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->nr_pages
`,
  "iomap:iomap_writeback_folio": `name: iomap_writeback_folio
ID: 1145
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:u64 ino;	offset:16;	size:8;	signed:0;
	field:loff_t size;	offset:24;	size:8;	signed:1;
	field:loff_t offset;	offset:32;	size:8;	signed:1;
	field:u64 length;	offset:40;	size:8;	signed:0;

print fmt: "dev %d:%d ino 0x%llx size 0x%llx offset 0x%llx length 0x%llx", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->size, REC->offset, REC->length
`,
  "sched:sched_process_hang": `name: sched_process_hang
ID: 361
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:__data_loc char[] comm;	offset:8;	size:4;	signed:0;
	field:pid_t pid;	offset:12;	size:4;	signed:1;

print fmt: "comm=%s pid=%d", __get_str(comm), REC->pid
`,
  "sched:sched_switch": `name: sched_switch
ID: 372
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
	field:int prev_prio;	offset:28;	size:4;	signed:1;
	field:long prev_state;	offset:32;	size:8;	signed:1;
	field:char next_comm[16];	offset:40;	size:16;	signed:0;
	field:pid_t next_pid;	offset:56;	size:4;	signed:1;
	field:int next_prio;	offset:60;	size:4;	signed:1;

print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }, { 0x00000008, "t" }, { 0x00000010, "X" }, { 0x00000020, "Z" }, { 0x00000040, "P" }, { 0x00000080, "I" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio
`,
  "sched:sched_wakeup": `name: sched_wakeup
ID: 374
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t pid;	offset:24;	size:4;	signed:1;
	field:int prio;	offset:28;	size:4;	signed:1;
	field:int target_cpu;	offset:32;	size:4;	signed:1;

print fmt: "comm=%s pid=%d prio=%d target_cpu=%03d", REC->comm, REC->pid, REC->prio, REC->target_cpu
`,
  "syscalls:sys_enter_fallocate": `name: sys_enter_fallocate
ID: 814
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:int fd;	offset:16;	size:8;	signed:0;
	field:int mode;	offset:24;	size:8;	signed:0;
	field:loff_t offset;	offset:32;	size:8;	signed:0;
	field:loff_t len;	offset:40;	size:8;	signed:0;

print fmt: "fd: 0x%08lx, mode: 0x%08lx, offset: 0x%08lx, len: 0x%08lx", ((unsigned long)(REC->fd)), ((unsigned long)(REC->mode)), ((unsigned long)(REC->offset)), ((unsigned long)(REC->len))
`,
  "syscalls:sys_enter_pread64": `name: sys_enter_pread64
ID: 838
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:unsigned int fd;	offset:16;	size:8;	signed:0;
	field:char * buf;	offset:24;	size:8;	signed:0;
	field:size_t count;	offset:32;	size:8;	signed:0;
	field:loff_t pos;	offset:40;	size:8;	signed:0;

print fmt: "fd: 0x%08lx, buf: 0x%08lx, count: 0x%08lx, pos: 0x%08lx", ((unsigned long)(REC->fd)), ((unsigned long)(REC->buf)), ((unsigned long)(REC->count)), ((unsigned long)(REC->pos))
`,
  "syscalls:sys_exit_fsync": `name: sys_exit_fsync
ID: 1020
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:long ret;	offset:16;	size:8;	signed:1;

print fmt: "0x%lx", REC->ret
`,
  "writeback:folio_wait_writeback": `name: folio_wait_writeback
ID: 1008
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char name[32];	offset:8;	size:32;	signed:0;
	field:ino_t ino;	offset:40;	size:8;	signed:0;
	field:unsigned long index;	offset:48;	size:8;	signed:0;

print fmt: "bdi %s: ino=%lu index=%lu", REC->name, (unsigned long)REC->ino, REC->index
`,
  "writeback:writeback_start": `name: writeback_start
ID: 995
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char name[32];	offset:8;	size:32;	signed:0;
	field:long nr_pages;	offset:40;	size:8;	signed:1;
	field:dev_t sb_dev;	offset:48;	size:4;	signed:0;
	field:int sync_mode;	offset:52;	size:4;	signed:1;
	field:int for_kupdate;	offset:56;	size:4;	signed:1;
	field:int range_cyclic;	offset:60;	size:4;	signed:1;
	field:int for_background;	offset:64;	size:4;	signed:1;
	field:int reason;	offset:68;	size:4;	signed:1;
	field:ino_t cgroup_ino;	offset:72;	size:8;	signed:0;

print fmt: "bdi %s: sb_dev %d:%d nr_pages=%ld sync_mode=%d kupdate=%d range_cyclic=%d background=%d reason=%s cgroup_ino=%lu", REC->name, ((unsigned int) ((REC->sb_dev) >> 20)), ((unsigned int) ((REC->sb_dev) & ((1U << 20) - 1))), REC->nr_pages, REC->sync_mode, REC->for_kupdate, REC->range_cyclic, REC->for_background, __print_symbolic(REC->reason, { 0, "background" }, { 1, "vmscan" }, { 2, "sync" }, { 3, "periodic" }, { 4, "laptop_timer" }, { 5, "fs_free_space" }, { 6, "forker_thread" }, { 7, "foreign_flush" }), (unsigned long)REC->cgroup_ino
`,
  "writeback:writeback_written": `name: writeback_written
ID: 994
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char name[32];	offset:8;	size:32;	signed:0;
	field:long nr_pages;	offset:40;	size:8;	signed:1;
	field:dev_t sb_dev;	offset:48;	size:4;	signed:0;
	field:int sync_mode;	offset:52;	size:4;	signed:1;
	field:int for_kupdate;	offset:56;	size:4;	signed:1;
	field:int range_cyclic;	offset:60;	size:4;	signed:1;
	field:int for_background;	offset:64;	size:4;	signed:1;
	field:int reason;	offset:68;	size:4;	signed:1;
	field:ino_t cgroup_ino;	offset:72;	size:8;	signed:0;

print fmt: "bdi %s: sb_dev %d:%d nr_pages=%ld sync_mode=%d kupdate=%d range_cyclic=%d background=%d reason=%s cgroup_ino=%lu", REC->name, ((unsigned int) ((REC->sb_dev) >> 20)), ((unsigned int) ((REC->sb_dev) & ((1U << 20) - 1))), REC->nr_pages, REC->sync_mode, REC->for_kupdate, REC->range_cyclic, REC->for_background, __print_symbolic(REC->reason, { 0, "background" }, { 1, "vmscan" }, { 2, "sync" }, { 3, "periodic" }, { 4, "laptop_timer" }, { 5, "fs_free_space" }, { 6, "forker_thread" }, { 7, "foreign_flush" }), (unsigned long)REC->cgroup_ino
`,
  "xfs:xfs_file_buffered_read": `name: xfs_file_buffered_read
ID: 1703
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:xfs_ino_t ino;	offset:16;	size:8;	signed:0;
	field:xfs_fsize_t size;	offset:24;	size:8;	signed:1;
	field:loff_t offset;	offset:32;	size:8;	signed:1;
	field:size_t count;	offset:40;	size:8;	signed:0;

print fmt: "dev %d:%d ino 0x%llx disize 0x%llx pos 0x%llx bytecount 0x%zx", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->size, REC->offset, REC->count
`,
  "xfs:xfs_file_direct_write": `name: xfs_file_direct_write
ID: 1699
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:xfs_ino_t ino;	offset:16;	size:8;	signed:0;
	field:xfs_fsize_t size;	offset:24;	size:8;	signed:1;
	field:loff_t offset;	offset:32;	size:8;	signed:1;
	field:size_t count;	offset:40;	size:8;	signed:0;

print fmt: "dev %d:%d ino 0x%llx disize 0x%llx pos 0x%llx bytecount 0x%zx", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->size, REC->offset, REC->count
`,
  "xfs:xfs_file_fsync": `name: xfs_file_fsync
ID: 1790
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:xfs_ino_t ino;	offset:16;	size:8;	signed:0;
	field:unsigned long iflags;	offset:24;	size:8;	signed:0;

print fmt: "dev %d:%d ino 0x%llx iflags 0x%lx", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->ino, REC->iflags
`,
  "xfs:xfs_log_force": `name: xfs_log_force
ID: 1717
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:xfs_lsn_t lsn;	offset:16;	size:8;	signed:1;
	field:unsigned long caller_ip;	offset:24;	size:8;	signed:0;

print fmt: "dev %d:%d lsn 0x%llx caller %pS", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->lsn, (void *)REC->caller_ip
`,
};

/** The kallsyms entries those records' addresses resolve to (and the entries after them), from the same files. */
const CORPUS_KALLSYMS = `ffffffff81498a90 t tracing_mark_write
ffffffff81498c00 T __pfx_trace_vbprintk
ffffffff81763930 T iomap_readahead
ffffffff81763be0 t __pfx_ifs_free
ffffffff819055d0 t xfs_file_fsync
ffffffff819057d0 t __pfx___xfs_write_fault.constprop.0
ffffffff82400000 D __start_rodata
ffffffff82860120 D __start_ro_after_init
ffffffffc0201000 t ftrace_trampoline	[__builtin__ftrace]
`;

/** [scenario, event, cpu, payload bytes (hex), the text after `event: ` in that scenario's report.txt]. */
const CORPUS_RECORDS: [string, string, number, string, string][] = [
  ["01-xfs-buffered-read-uring-eof", "syscalls:sys_enter_pread64", 1, "460300003d3600001100000066696f0003000000000000001012ade9ff7f000010030000000000004000000000000000", "fd: 0x00000003, buf: 0x7fffe9ad1210, count: 0x00000310, pos: 0x00000040"],
  ["01-xfs-buffered-read-uring-eof", "block:block_rq_issue", 1, "380800003d3600000000700066696f00800000000000000020000000004000000440524d000066696f00000066696f000000000000000000000000004000010000000000", "7,0 RM 16384 () 128 + 32 0x2,0,4 [fio]"],
  ["01-xfs-buffered-read-uring-eof", "block:block_rq_complete", 1, "3b08100016000000000070006b776f72800000000000000020000000000000000440524d00006b776f726b653000010000000000", "7,0 RM () 128 + 32 0x2,0,4 [0]"],
  ["01-xfs-buffered-read-uring-eof", "io_uring:io_uring_submit_req", 1, "5c080000a836000000e8f6f48188ffff00e464048188ffffc0a96b2ea95500001600000000000000000040000000000000000000380005005245414400000000", "ring 0xffff8881f4f6e800, req 0xffff88810464e400, user_data 0x55a92e6ba9c0, opcode READ, flags 0x400000, sq_thread 0"],
  ["01-xfs-buffered-read-uring-eof", "xfs:xfs_file_buffered_read", 1, "a7060000a8360000000070006e6f64658300000000000000a08601000000000000000000000000000040000000000000", "dev 7:0 ino 0x83 disize 0x186a0 pos 0x0 bytecount 0x4000"],
  ["01-xfs-buffered-read-uring-eof", "iomap:iomap_readahead", 1, "7a040000a8360000000070006e6f646583000000000000001000000000000000", "dev 7:0 ino 0x83 nr_pages 16"],
  ["01-xfs-buffered-read-uring-eof", "iomap:iomap_iter", 1, "70040000a8360000000070006e6f64658300000000000000000000000000000000000000000000000000000000000000608a4682ffffffffc1397681ffffffff", "dev 7:0 ino 0x83 pos 0x0 length 0x0 status 0 flags  (0x0) ops __start_rodata caller iomap_readahead+0x91"],
  ["01-xfs-buffered-read-uring-eof", "iomap:iomap_iter", 1, "70040000a8360000000070006e6f64658300000000000000000001000000000000000000000000000000000000000000608a4682fffffffff93a7681ffffffff", "dev 7:0 ino 0x83 pos 0x10000 length 0x0 status 0 flags  (0x0) ops __start_rodata caller iomap_readahead+0x1c9"],
  ["01-xfs-buffered-read-uring-eof", "io_uring:io_uring_complete", 1, "5d080000a836000000e8f6f48188ffff00e464048188ffffc0a96b2ea9550000004000000000000000000000000000000000000000000000", "ring 0xffff8881f4f6e800, req 0xffff88810464e400, user_data 0x55a92e6ba9c0, result 16384, cflags 0x0 extra1 0 extra2 0 "],
  ["04-btrfs-io-errors", "ftrace:print", 0, "05000001d26b00001a8b4981ffffffff53544550203120777269746520676f6f642066696c6520314d694220283078313129202b206673796e632c206e6f206572726f72732061726d65640a00430000", "tracing_mark_write: STEP 1 write good file 1MiB (0x11) + fsync, no errors armed"],
  ["04-btrfs-io-errors", "btrfs:btrfs_ordered_extent_add", 0, "de070000d36b000056c2242160c845bf95980682c0bcc28a010100000000000000000000000000000000d00000000000000010000000000000001000000000000000100000000000010000000000000000000000010000000500000000000000ffffffffffffffff", "56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=257 file_offset=0 start=13631488 len=1048576 disk_len=1048576 truncated_len=18446744073709551615 bytes_left=1048576 flags=REGULAR compress_type=0 refs=1"],
  ["04-btrfs-io-errors", "block:block_split", 0, "2c080000d36b0000020070006661756c0068000000000000386c0000000000005753000000007866735f7866735f696f00000000000000000000000040000100", "7,2 WS 26624 / 27704 [xfs_io]"],
  ["04-btrfs-io-errors", "btrfs:btrfs_ordered_extent_remove", 1, "dd0700012000000056c2242160c845bf95980682c0bcc28a010100000000000000000000000000000000d00000000000000010000000000000001000000000000000000000000000610000000000000000000000030000000500000000000000ffffffffffffffff", "56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=257 file_offset=0 start=13631488 len=1048576 disk_len=1048576 truncated_len=18446744073709551615 bytes_left=0 flags=REGULAR|0x60 compress_type=0 refs=3"],
  ["04-btrfs-io-errors", "syscalls:sys_exit_fsync", 0, "fc030000d36b00004a0000006661756c0000000000000000", "0x0"],
  ["04-btrfs-io-errors", "block:block_rq_error", 0, "3a0810000e000000020070007866735f007000000000000000020000fbffffff0440575300000000735f696f3000010000000000", "7,2 WS () 28672 + 512 0x2,0,4 [-5]"],
  ["05b-xfs-blocked-tasks-fsfreeze", "sched:sched_switch", 1, "74010102ce10000062617368000000000000000000000000ce100000780000000200000000000000737761707065722f31000000000000000000000078000000", "bash:4302 [120] D ==> swapper/1:0 [120]"],
  ["05b-xfs-blocked-tasks-fsfreeze", "sched:sched_switch", 1, "74010102ce10000062617368000000000000000000000000ce100000780000000200000000000000737761707065722f31000000000000000000000078000000", "bash:4302 [120] D ==> swapper/1:0 [120]"],
  ["05b-xfs-blocked-tasks-fsfreeze", "sched:sched_switch", 1, "74010102ce10000062617368000000000000000000000000ce100000780000000200000000000000737761707065722f31000000000000000000000078000000", "bash:4302 [120] D ==> swapper/1:0 [120]"],
  ["05b-xfs-blocked-tasks-fsfreeze", "sched:sched_wakeup", 0, "76012d020000000066696f00000000000000000000000000d01000007800000000000000", "fio:4304 [120] CPU:000"],
  ["05b-xfs-blocked-tasks-fsfreeze", "xfs:xfs_file_fsync", 0, "fe060000d4100000030070007065722f84000000000000000000000000000000", "dev 7:3 ino 0x84 iflags 0x0"],
  ["05b-xfs-blocked-tasks-fsfreeze", "writeback:folio_wait_writeback", 0, "f0030000d4100000373a33000000000000000000000000000000000000000000000000000000000084000000000000000000000000000000", "bdi 7:3: ino=132 index=0"],
  ["05b-xfs-blocked-tasks-fsfreeze", "xfs:xfs_log_force", 0, "b5060000d4100000030070007065722f0200000000000000a2579081ffffffff", "dev 7:3 lsn 0x2 caller xfs_file_fsync+0x1d2"],
  ["05b-xfs-blocked-tasks-fsfreeze", "block:block_rq_insert", 0, "390800002c0000000300700074697271380010000000000005000000000a0000044057534d0000006b776f726b776f726b65722f303a3148000000004000010000000000", "7,3 WSM 2560 () 1048632 + 5 0x2,0,4 [kworker/0:1H]"],
  ["05b-xfs-blocked-tasks-fsfreeze", "writeback:writeback_start", 1, "e30300018e0c0000373a330000000000000000000000000000000000000000000000000000000000f5160000000000000300700000000000000000000000000000000000020000000100000000000000", "bdi 7:3: sb_dev 7:3 nr_pages=5877 sync_mode=0 kupdate=0 range_cyclic=0 background=0 reason=sync cgroup_ino=1"],
  ["05b-xfs-blocked-tasks-fsfreeze", "writeback:writeback_written", 1, "e20300018e0c0000373a330000000000000000000000000000000000000000000000000000000000f5080000000000000300700000000000000000000000000000000000020000000100000000000000", "bdi 7:3: sb_dev 7:3 nr_pages=2293 sync_mode=0 kupdate=0 range_cyclic=0 background=0 reason=sync cgroup_ino=1"],
  ["05b-xfs-blocked-tasks-fsfreeze", "sched:sched_process_hang", 0, "690100001f00000010000400dd10000066696f00", "comm=fio pid=4317"],
  ["03-btrfs-ordered-extents", "btrfs:btrfs_sync_file", 0, "cf0700001c5100008afec36058c84a4db193d609365854210101000000000000000100000000000000000000000000000500000000000000", "8afec360-58c8-4a4d-b193-d60936585421: root=5(FS_TREE) ino=257 parent=256 datasync=0"],
  ["03-btrfs-ordered-extents", "btrfs:extent_writepage", 0, "d10700001c5100008afec36058c84a4db193d6093658542101010000000000000000000000000000ffffffffffffff7f00000000000000000000000000000000ffffffffffffff7f000001000000000000000000000000000500000000000000", "8afec360-58c8-4a4d-b193-d60936585421: root=5(FS_TREE) ino=257 page_index=0 nr_to_write=9223372036854775807 pages_skipped=0 range_start=0 range_end=9223372036854775807 for_kupdate=0 range_cyclic=0 writeback_index=0"],
  ["03-btrfs-ordered-extents", "btrfs:btrfs_finish_ordered_extent", 0, "d2070000230000008afec36058c84a4db193d6093658542101010000000000000000000000000000000010000000000001000000000000000500000000000000", "8afec360-58c8-4a4d-b193-d60936585421: root=5(FS_TREE) ino=257 start=0 len=1048576 uptodate=1"],
  ["03-btrfs-ordered-extents", "btrfs:btrfs_transaction_commit", 0, "e80700001d5100008afec36058c84a4db193d6093658542108000000000000000100000000000000", "8afec360-58c8-4a4d-b193-d60936585421: root=1(ROOT_TREE) gen=8"],
  ["03-btrfs-ordered-extents", "syscalls:sys_enter_fallocate", 0, "2e030000275100001d0100006b776f720700000000000000000000000000000000000000000000000000100000000000", "fd: 0x00000007, mode: 0x00000000, offset: 0x00000000, len: 0x00100000"],
  ["03-btrfs-ordered-extents", "iomap:iomap_dio_rw_begin", 0, "6f04000031510000270000006b776f7207010000000000000000040000000000000001000000000000000200000000000000000000000000000002000400000000ee390a00eaffff", "dev 0:39 ino 0x107 size 0x40000 offset 0x10000 length 0x20000 done_before 0x0 flags DIRECT dio_flags DIO_PARTIAL aio 0"],
  ["03-btrfs-ordered-extents", "iomap:iomap_dio_complete", 1, "6e04000031510000270000006b776f720701000000000000000004000000000000000300000000000000020000736f6600000000642f31000000020000000000", "dev 0:39 ino 0x107 size 0x40000 offset 0x30000 flags DIRECT aio 0 error 0 ret 131072"],
  ["02-xfs-ext4-odirect", "io_uring:io_uring_queue_async_work", 0, "62080000612500000000d2088188ffff0072dc088188ffff0068a9dfc6550000170b01002d0800000000486000010000d872dc088188ffff00000000400006005752495445002d02", "ring 0xffff888108d20000, request 0xffff888108dc7200, user_data 0x55c6dfa96800, opcode WRITE, flags 0x10060480000, normal queue, work 0xffff888108dc72d8"],
  ["02-xfs-ext4-odirect", "xfs:xfs_file_direct_write", 0, "a30600006225000000007000000000009100000000000000000020000000000000000000000000000000020000000000", "dev 7:0 ino 0x91 disize 0x200000 pos 0x0 bytecount 0x20000"],
  ["02-xfs-ext4-odirect", "iomap:iomap_writeback_folio", 1, "790400007925000000007000000000009300000000000000a08601000000000000000000000000000020000000000000", "dev 7:0 ino 0x93 size 0x186a0 offset 0x0 length 0x2000"],
  ["02-xfs-ext4-odirect", "iomap:iomap_add_to_ioend", 1, "710400007925000000007000000000009300000000000000000000000000000000200000000000000050d40000000000000000000000000000900100000000000300020000007000", "dev 7:0 ino 0x93 bdev 7:0 pos 0x0 dirty len 0x2000 addr 0xd45000 offset 0x0 length 0x19000 type UNWRITTEN (0x3) flags DIRTY (0x2)"],
  ["02-xfs-ext4-odirect", "block:block_touch_buffer", 1, "3e0800007d250000040070000000000049000000000000000010000000000000", "7,4 sector=73 size=4096"],
  ["02-xfs-ext4-odirect", "block:block_dirty_buffer", 0, "3d0800009425000004007000000000000000ffffffffffff0010000000000000", "7,4 sector=18446744073709486080 size=4096"],
  ["02-xfs-ext4-odirect", "block:block_bio_backmerge", 1, "3308000044250000040070000000000028000800000000000800000057534d00034057534d006a6264322f6c6f6f70342d38000000002d38", "7,4 WSM 524328 + 8 [jbd2/loop4-8]"],
];

const QUIRK_FIELDS = `	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned int a;	offset:8;	size:4;	signed:0;
	field:int b;	offset:12;	size:4;	signed:1;
	field:unsigned long c;	offset:16;	size:8;	signed:0;
	field:__data_loc char[] s;	offset:24;	size:4;	signed:0;
	field:char comm[8];	offset:28;	size:8;	signed:0;
	field:unsigned char mac[6];	offset:36;	size:6;	signed:0;
	field:__data_loc unsigned long[] mask;	offset:44;	size:4;	signed:0;
	field:u8 ip4[4];	offset:48;	size:4;	signed:0;
	field:u8 uuid[16];	offset:52;	size:16;	signed:0;
	field:u16 arr[4];	offset:68;	size:8;	signed:0;
`;

const QUIRK_KALLSYMS = `ffffffff81000000 T _stext
ffffffff81000000 T startup_64
ffffffff81000010 t helper_fn
ffffffff81000040 T next_fn
`;

/** [name, print fmt, record A (hex), libtraceevent's text for A, record B (hex), libtraceevent's text for B]. */
const QUIRKS: [string, string, string, string, string, string][] = [
  ["percent_c", "\"[%c] a=%d b=%d\", REC->a, REC->b", "84030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[>c<] a=5 b=-7", "84030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[>c<] a=0 b=3"],
  ["flags_zero", "\"f=%s|\", __print_flags(REC->a, \"|\", { 0, \"NONE\" }, { 1, \"ONE\" }, { 2, \"TWO\" })", "85030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "f=ONE|0x4|", "85030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "f=|"],
  ["flags_unresolved", "\"f=%s\", __print_flags(REC->a, \"|\", { SOME_ENUM, \"ENUM\" }, { 1, \"ONE\" }, { 0x10, \"SIXTEEN\" })", "86030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "f=ONE|0x4", "86030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "f=ENUM"],
  ["symbolic", "\"s=%s t=%s\", __print_symbolic(REC->a, { 1, \"ONE\" }, { 2, \"TWO\" }), __print_symbolic(REC->b, { -1, \"MINUS\" }, { 5, \"FIVE\" })", "87030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "s=0x5 t=0xfffffff9", "87030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "s=0x0 t=0x3"],
  ["rotation", "\"%u %u %u\", REC->a * (REC->b + 1), (REC->a + 1) * REC->b, REC->a - 2 - 3", "88030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "4294967262 4294967254 6", "88030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "1 3 1"],
  ["ternary", "\"%s %d\", REC->a ? \"yes\" : \"no\", REC->b > 3 ? REC->a : REC->b", "89030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "yes 5", "89030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "no 3"],
  ["unknown_function", "\"%d\", mystery_func(REC->a)", "8a030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[FAILED TO PARSE] a=5 b=-7 c=0xffffffff81000010 s=hello comm=fio mac= mask=ARRAY[0f, 00, 00, 00, f0, 00, 00, 00] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]", "8a030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[FAILED TO PARSE] a=0 b=3 c=0x0 s=x comm=kworker/ mac= mask=ARRAY[01, 00, 00, 00, 00, 00, 00, 80] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]"],
  ["sizeof_u64", "\"%d\", REC->a * sizeof(u64)", "8b030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[FAILED TO PARSE] a=5 b=-7 c=0xffffffff81000010 s=hello comm=fio mac= mask=ARRAY[0f, 00, 00, 00, f0, 00, 00, 00] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]", "8b030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[FAILED TO PARSE] a=0 b=3 c=0x0 s=x comm=kworker/ mac= mask=ARRAY[01, 00, 00, 00, 00, 00, 00, 80] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]"],
  ["sizeof_ok", "\"%d %d %d\", sizeof(int), sizeof(long), sizeof(REC->c)", "8c030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "4 8 8", "8c030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "4 8 8"],
  ["star_prec", "\"[%.*s] [%*d] [%-*d]\", REC->b, __get_str(s), REC->a, REC->b, REC->a, REC->b", "8d030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[%.*s] [   -7] [-7   ]", "8d030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[x] [3] [3]"],
  ["widths", "\"[%5d] [%-5d] [%05d] [%x] [%#x] [%#o] [%.3d] [%8.3x] [%lld] [%llu] [%hhd] [%hu] [%-10s] [%10s] [%.2s]\", REC->b, REC->b, REC->b, REC->b, REC->a, REC->a, REC->a, REC->a, REC->b, REC->b, REC->a, REC->b, REC->comm, REC->comm, REC->comm", "8e030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[   -7] [-7   ] [-0007] [fffffff9] [0x5] [05] [005] [     005] [4294967289] [4294967289] [5] [65529] [fio       ] [       fio] [fi]", "8e030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[    3] [3    ] [00003] [3] [0] [0] [000] [     000] [3] [3] [0] [3] [kworker/  ] [  kworker/] [kw]"],
  ["pointers", "\"%p %p %ps %pS %pF %pf %pB %pK\", (void *)REC->c, (void *)0, (void *)REC->c, (void *)REC->c, (void *)REC->c, (void *)REC->c, (void *)REC->c, (void *)REC->c", "8f030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "0xffffffff81000010 (nil) helper_fn helper_fn+0x0 helper_fn+0x0 helper_fn 0xffffffff81000010B 0xffffffff81000010K", "8f030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "(nil) (nil) 0x0 0x0 0x0 0x0 (nil)B (nil)K"],
  ["net", "\"%pM %pMR %pm %pI4 %pi4 %pU %pUb %pUL\", REC->mac, REC->mac, REC->mac, REC->ip4, REC->ip4, REC->uuid, REC->uuid, REC->uuid", "90030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "00:1b:21:ab:cd:ef ef:cd:ab:21:1b:00 001b21abcdef 192.168.7.42 192.168.007.042 10111213-1415-1617-1819-1a1b1c1d1e1f 10111213-1415-1617-1819-1a1b1c1d1e1f 13121110-1514-1716-1819-1A1B1C1D1E1F", "90030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "00:1b:21:ab:cd:ef ef:cd:ab:21:1b:00 001b21abcdef 192.168.7.42 192.168.007.042 10111213-1415-1617-1819-1a1b1c1d1e1f 10111213-1415-1617-1819-1a1b1c1d1e1f 13121110-1514-1716-1819-1A1B1C1D1E1F"],
  ["hex_array", "\"%s|%s|%s|%s\", __print_hex(REC->comm, 4), __print_hex_str(REC->mac, 6), __print_array(REC->arr, 4, 2), __get_bitmask(mask)", "91030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "66 69 6f 00|001b21abcdef|1 2 65535 7|000000f0,0000000f", "91030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "6b 77 6f 72|001b21abcdef|1 2 65535 7|80000000,00000001"],
  ["cpumask", "\"%s\", __get_cpumask(mask)", "92030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "0-3,36-39", "92030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "0,63"],
  ["ops", "\"%d %d %d %d %d %d %d %d %u\", REC->a << 4, REC->a >> 1, REC->a & 0xf, REC->a | 0x100, REC->a ^ 3, !REC->a, ~REC->a, -REC->b, REC->a % 7 / 2", "93030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "80 2 5 261 0 0 -6 7 2", "93030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "0 0 0 256 0 1 -1 -3 0"],
  ["casts", "\"%d %u %d %lld %llx\", (u8)REC->b, (unsigned short)REC->b, (int)REC->c, (long long)REC->b, (u32)REC->c", "94030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "249 65529 -2130706416 4294967289 81000010", "94030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "3 3 0 3 0"],
  ["field_str_ptr", "\"%s %s\", REC->c, REC->a", "95030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "ffffffff81000010 \u0005", "95030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "0 "],
  ["escapes", "\"tab\\there \\\"q\\\" back\\\\slash %% \\x end\"", "96030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "tab\there \"q\" back\\slash % x end", "96030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "tab\there \"q\" back\\slash % x end"],
  ["dynlen", "\"len=%d %s\", __get_dynamic_array_len(s), __get_str(s)", "97030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "len=6 hello", "97030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "len=2 x"],
  ["jbd2_fn", "\"dev %s j=%lu\", jbd2_dev_to_name(REC->a), jiffies_to_msecs(REC->c)", "98030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "dev 0:5 j=18446744071578845200", "98030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "dev 0:0 j=0"],
  ["index", "\"%lu %d\", REC->arr[2], ((unsigned char *)REC->comm)[1]", "99030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "65535 105", "99030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "65535 119"],
  ["plus_flag", "\"[%+d]\", REC->b", "9a030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[>+<d]", "9a030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[>+<d]"],
  ["lone_percent", "\"100%\"", "9b030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "100", "9b030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "100"],
  ["too_few_args", "\"%d %d\", REC->a", "9c030100d204000005000000f9ffffff10000081ffffffff4c00060066696f0000000000001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff070068656c6c6f000000000000000f000000f0000000", "[FAILED TO PARSE] a=5 b=-7 c=0xffffffff81000010 s=hello comm=fio mac= mask=ARRAY[0f, 00, 00, 00, f0, 00, 00, 00] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]", "9c030100d2040000000000000300000000000000000000004c0002006b776f726b65722f001b21abcdef000058000800c0a8072a101112131415161718191a1b1c1d1e1f01000200ffff07007800000000000000000000000100000000000080", "[FAILED TO PARSE] a=0 b=3 c=0x0 s=x comm=kworker/ mac= mask=ARRAY[01, 00, 00, 00, 00, 00, 00, 80] ip4=ARRAY[c0, a8, 07, 2a] uuid=ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1a, 1b, 1c, 1d, 1e, 1f] arr=ARRAY[01, 00, 02, 00, ff, ff, 07, 00]"],
];

const BPRINT_FORMAT = `name: bprint
ID: 6
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned long ip;	offset:8;	size:8;	signed:0;
	field:const char * fmt;	offset:16;	size:8;	signed:0;
	field:u32 buf[];	offset:24;	size:0;	signed:0;

print fmt: "%ps: %s", (void *)REC->ip, REC->fmt

`;
const BPUTS_FORMAT = `name: bputs
ID: 15
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:unsigned long ip;	offset:8;	size:8;	signed:0;
	field:const char * str;	offset:16;	size:8;	signed:0;

print fmt: "%ps: %s", (void *)REC->ip, REC->str

`;
const BPRINT_PRINTK = `0xffffffff82000100 : "hello %d %s|%lx %c %hd x\\n"
0xffffffff82000200 : "ptr %pS and %ps, %5d, %-5s!"
0xffffffff82000300 : "just a string"
`;
const BPRINT_KALLSYMS = `ffffffff81000000 T _stext
ffffffff81000010 t helper_fn
ffffffff81000040 T next_fn
`;

/** In this order (a failing bprint record fails the event for the later ones, as in libtraceevent). */
const BPRINT_RECORDS: [string, string][] = [
  ["060000006300000012000081ffffffff00020082ffffffff44000081ffffffff10000081ffffffff0c00000061620000", "helper_fn: ptr 0xffffffff81000044 and helper_fn,    12, s!"],
  ["060000006300000012000081ffffffff00030082ffffffff", "[FAILED TO PARSE] ip=0xffffffff81000012 fmt=0xffffffff82000300 buf=ARRAY[]"],
  ["060000006300000012000081ffffffff99090082ffffffff01000000", "[FAILED TO PARSE] ip=0xffffffff81000012 fmt=0xffffffff82000999 buf=ARRAY[]"],
  ["060000006300000012000081ffffffff00010082ffffffffd6ffffff776f726c64000000efbeadde000000000700000009000000", "[FAILED TO PARSE] ip=0xffffffff81000012 fmt=0xffffffff82000100 buf=ARRAY[]"],
  ["060000006300000012000081ffffffff00030082ffffffff", "[FAILED TO PARSE] ip=0xffffffff81000012 fmt=0xffffffff82000300 buf=ARRAY[]"],
  ["0f0000006300000012000081ffffffff00030082ffffffff", "helper_fn: just a string"],
  ["0f00000063000000341200000000000001030082ffffffff", "0x1234: ffffffff82000301"],
];

test('real corpus records render as trace-cmd report printed them', () => {
  const ctx = context(CORPUS_KALLSYMS);
  const formats = new Map<string, EventFormat>();
  for (const [key, text] of Object.entries(CORPUS_FORMATS)) formats.set(key, parseEventFormat(systemOf(key), text));
  const comms: [number, string][] = [];
  const withComms = { ...ctx, registerComm: (pid: number, comm: string) => comms.push([pid, comm]) };
  for (const [scenario, event, cpu, hex, expected] of CORPUS_RECORDS) {
    const fmt = formats.get(event)!;
    assert.equal(compileEvent(fmt).failure, undefined, `${event} compiles`);
    const data = bytes(hex);
    // the payload may sit anywhere in a larger buffer
    const padded = new Uint8Array(data.length + 7);
    padded.set(data, 3);
    assert.equal(renderPayload(fmt, padded, 3, data.length, { ...withComms, cpu }), expected, `${scenario} ${event}`);
  }
  // sched_switch / sched_wakeup register the comms they print, as the plugin does
  assert.ok(comms.length > 0);
});

test('libtraceevent 1.7.1 quirks: the same text for the same bytes', () => {
  const ctx = context(QUIRK_KALLSYMS);
  QUIRKS.forEach(([name, printFmt, hexA, wantA, hexB, wantB], i) => {
    const fmt = parseEventFormat('quirk', `name: ${name}\nID: ${900 + i}\nformat:\n${QUIRK_FIELDS}\n\nprint fmt: ${printFmt}\n`);
    for (const [hex, want] of [
      [hexA, wantA],
      [hexB, wantB],
    ] as const) {
      const data = bytes(hex);
      assert.equal(renderPayload(fmt, data, 0, data.length, ctx), want, `${name}: ${printFmt}`);
    }
  });
});

test('bprint (binary trace_printk) and bputs: formats by address, arguments from the buffer', () => {
  const ctx = context(BPRINT_KALLSYMS, BPRINT_PRINTK);
  const bprint = parseEventFormat('ftrace', BPRINT_FORMAT);
  const bputs = parseEventFormat('ftrace', BPUTS_FORMAT);
  for (const [hex, want] of BPRINT_RECORDS) {
    const data = bytes(hex);
    const fmt = data[0] === bprint.id ? bprint : bputs;
    assert.equal(renderPayload(fmt, data, 0, data.length, ctx), want);
  }
});

test('fields: offsets, sizes, flags and element sizes as libtraceevent derives them', () => {
  const f = parseEventFormat(
    'demo',
    `name: demo
ID: 77
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:const char * name;	offset:8;	size:8;	signed:0;
	field:char comm[16];	offset:16;	size:16;	signed:0;
	field:__data_loc char[] path;	offset:32;	size:4;	signed:0;
	field:__rel_loc u8[] blob;	offset:36;	size:4;	signed:0;
	field:unsigned long caller[4];	offset:40;	size:32;	signed:0;
	field:s64 delta;	offset:72;	size:8;	signed:1;

print fmt: "%s", __get_str(path)
`,
  );
  assert.equal(f.name, 'demo');
  assert.equal(f.id, 77);
  assert.deepEqual(
    f.commonFields.map((x) => [x.name, x.offset, x.size, x.signed]),
    [
      ['common_type', 0, 2, false],
      ['common_flags', 2, 1, false],
      ['common_preempt_count', 3, 1, false],
      ['common_pid', 4, 4, true],
    ],
  );
  const by = new Map(f.fields.map((x) => [x.name, x]));
  assert.deepEqual([by.get('name')!.type, by.get('name')!.isPointer, by.get('name')!.isArray], ['const char *', true, false]);
  assert.deepEqual([by.get('comm')!.type, by.get('comm')!.isString, by.get('comm')!.arrayLength, by.get('comm')!.elementSize], ['char[16]', true, 16, 1]);
  assert.deepEqual([by.get('path')!.type, by.get('path')!.isDynamic, by.get('path')!.isString, by.get('path')!.elementSize], ['__data_loc char[]', true, true, 1]);
  assert.deepEqual([by.get('blob')!.isDynamic, by.get('blob')!.isRelative, by.get('blob')!.isString], [true, true, true]);
  assert.deepEqual([by.get('caller')!.type, by.get('caller')!.arrayLength, by.get('caller')!.elementSize, by.get('caller')!.isString], ['unsigned long[4]', 4, 8, false]);
  assert.deepEqual([by.get('delta')!.signed, by.get('delta')!.size], [true, 8]);
  assert.equal(f.error, undefined);

  // raw field values for the reader (pid signed, flags, strings)
  const rec = new Uint8Array(96);
  const dv = new DataView(rec.buffer);
  dv.setUint16(0, 77, true);
  rec[2] = 0x81;
  rec[3] = 2;
  dv.setInt32(4, -5, true);
  rec.set(Buffer.from('fio\0'), 16);
  rec.set(Buffer.from('/a/b\0'), 80);
  dv.setUint32(32, (5 << 16) | 80, true);
  dv.setBigInt64(72, -3n, true);
  assert.deepEqual(readCommon(f, rec, 0, rec.length, true), { pid: -5, flags: 0x81, preemptCount: 2 });
  assert.equal(readField(f, 'comm', rec, 0, rec.length, true), 'fio');
  assert.equal(readField(f, 'path', rec, 0, rec.length, true), '/a/b');
  assert.equal(readField(f, 'delta', rec, 0, rec.length, true), 0xfffffffffffffffdn);
  assert.equal(readField(f, 'delta', rec, 0, rec.length, true, true), -3);
  assert.equal(readField(f, 'nothing', rec, 0, rec.length, true), undefined);
  assert.equal(commonLayout(f).pid!.offset, 4);

  // header_page style field lists
  const hp = parseFormatFields(
    '\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n',
  );
  assert.equal(hp.error, undefined);
  assert.deepEqual(
    hp.fields.map((x) => [x.name, x.offset, x.size]),
    [
      ['timestamp', 0, 8],
      ['commit', 8, 8],
      ['overwrite', 8, 1],
      ['data', 16, 4080],
    ],
  );
});

test('hostile formats give an error with a reason, never another exception, and bounded work', () => {
  // no name or ID: the event cannot be identified
  assert.throws(() => parseEventFormat('x', 'garbage'), EventFormatError);
  assert.throws(() => parseEventFormat('x', ''), EventFormatError);
  const r = tryParseEventFormat('x', 'name: a\nID: zz\n');
  assert.ok('error' in r && typeof r.error === 'string' && r.error.length > 0);

  const head = 'name: h\nID: 5\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n\tfield:int v;\toffset:4;\tsize:4;\tsigned:1;\n\n';
  const ctx = context('');
  const rec = new Uint8Array([5, 0, 0, 0, 42, 0, 0, 0]);
  // a field list that breaks: the event renders as libtraceevent prints failed events
  const broken = parseEventFormat('x', 'name: h\nID: 5\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n\tfield:int v;\toffset 4;\n');
  assert.match(broken.error ?? '', /fields/);
  const deep = parseEventFormat('x', `${head}print fmt: "%d", ${'('.repeat(100000)}REC->v`);
  assert.match(compileEvent(deep).failure ?? '', /print fmt/);
  assert.equal(renderPayload(deep, rec, 0, rec.length, ctx), '[FAILED TO PARSE] v=42');
  const long = parseEventFormat('x', `${head}print fmt: "%d", REC->v${' + 1'.repeat(50000)}`);
  assert.ok(typeof renderPayload(long, rec, 0, rec.length, ctx) === 'string');
  // random mutations of a real format: only EventFormatError may escape, and each is quick
  const base = CORPUS_FORMATS['iomap:iomap_iter']!;
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = '()[]{},;:"\'\\%*->&|<>=!?~+ \n\tREC_0x1';
  const t0 = Date.now();
  for (let i = 0; i < 3000; i++) {
    let t = base;
    for (let k = 0; k < 1 + rnd(5); k++) {
      const at = rnd(t.length);
      t = rnd(2) ? t.slice(0, at) + alphabet[rnd(alphabet.length)]! + t.slice(at + 1) : t.slice(0, at) + t.slice(at + rnd(40));
    }
    const data = new Uint8Array(rnd(120));
    for (let j = 0; j < data.length; j++) data[j] = rnd(256);
    try {
      const f = parseEventFormat('iomap', t);
      assert.equal(typeof renderPayload(f, data, 0, data.length, ctx), 'string');
    } catch (e) {
      assert.ok(e instanceof EventFormatError, String(e));
    }
  }
  assert.ok(Date.now() - t0 < 20000);
});

interface RecordReader {
  readDatMeta(read: (offset: number, length: number) => Uint8Array, fileSize: number, name: string): ReaderMeta;
  DatRecords: new (meta: ReaderMeta, read: (offset: number, length: number) => Uint8Array, fileSize: number) => {
    next(consumed: number): number;
    streams: { cursor: { cpu: number; data: Uint8Array; start: number; length: number } }[];
  };
  prepareCodec(name: string): Promise<void>;
}
interface ReaderMeta {
  littleEndian: boolean;
  kernelLongSize: 4 | 8;
  ftraceFormats: readonly string[];
  eventFormats: readonly { system: string; text: string }[];
  kallsyms: string;
  printk: string;
}

/** The trace.dat record reader (datMeta.ts, datRecords.ts), when present. */
async function recordReader(): Promise<RecordReader | undefined> {
  const dir = path.join(__dirname, '../../engine/tracedat');
  const need = ['datMeta.ts', 'datRecords.ts', 'decompress.ts'];
  if (!need.every((f) => existsSync(path.join(dir, f)))) return undefined;
  try {
    const load = (f: string): Promise<Record<string, unknown>> => import(path.join(dir, f)) as Promise<Record<string, unknown>>;
    const [m, r, d] = await Promise.all(need.map(load));
    const reader = { readDatMeta: m!.readDatMeta, DatRecords: r!.DatRecords, prepareCodec: d!.prepareCodec };
    return typeof reader.readDatMeta === 'function' && typeof reader.DatRecords === 'function' && typeof reader.prepareCodec === 'function' ? (reader as unknown as RecordReader) : undefined;
  } catch {
    return undefined;
  }
}

/** Every record of a trace.dat rendered and compared with the payloads of its report (trace-cmd's text). */
async function compareFile(reader: RecordReader, dat: string, report: string): Promise<{ n: number; bad: string[] }> {
  const buf = readFileSync(dat);
  const read = (off: number, len: number): Uint8Array => new Uint8Array(buf.buffer, buf.byteOffset + off, Math.min(len, buf.length - off));
  await reader.prepareCodec('zstd');
  const meta = reader.readDatMeta(read, buf.length, dat);
  const ks = KallsymsTable.parse(meta.kallsyms);
  const pk = PrintkTable.parse(meta.printk);
  const byId = new Map<number, EventFormat>();
  for (const t of meta.ftraceFormats) {
    const f = parseEventFormat('ftrace', t, { longSize: meta.kernelLongSize });
    byId.set(f.id, f);
  }
  for (const { system, text } of meta.eventFormats) {
    const f = parseEventFormat(system, text, { longSize: meta.kernelLongSize });
    byId.set(f.id, f);
  }
  const ctx = { littleEndian: meta.littleEndian, longSize: meta.kernelLongSize, cpu: 0, symbol: (a: bigint) => ks.lookup(a), printkFormat: (a: bigint) => pk.get(a), symbolAddress: (n: string) => ks.symbolAddress(n) };
  const lines = readFileSync(report, 'latin1')
    .split('\n')
    .filter((l) => !/^cpus=\d+$/.test(l) && !/^CPU:\d+ \[(\d+ )?EVENTS DROPPED\]$/.test(l));
  if (lines[lines.length - 1] === '') lines.pop();
  const recs = new reader.DatRecords(meta, read, buf.length);
  const bad: string[] = [];
  let consumed = -1;
  let li = 0;
  let n = 0;
  for (;;) {
    const i = recs.next(consumed);
    if (i < 0 || li >= lines.length) break;
    consumed = i;
    const c = recs.streams[i]!.cursor;
    ctx.cpu = c.cpu;
    const fmt = byId.get(meta.littleEndian ? c.data[c.start]! | (c.data[c.start + 1]! << 8) : (c.data[c.start]! << 8) | c.data[c.start + 1]!);
    const got = fmt ? renderPayload(fmt, c.data, c.start, c.length, ctx) : '';
    let line = lines[li++]!;
    for (let k = got.split('\n').length - 1; k > 0; k--) line += '\n' + (lines[li++] ?? '');
    const name = fmt?.name ?? '(NULL)';
    const key = ` ${name}: `;
    const want = line.slice(line.indexOf(key) + key.length + Math.max(0, 20 - name.length));
    n++;
    if (got !== want && bad.length < 5) bad.push(`${path.basename(path.dirname(dat))} record ${n} ${name}:\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`);
  }
  return { n, bad };
}

test('every record of the corpus and the samples renders as in report.txt', async (t) => {
  const reader = await recordReader();
  if (!reader) return t.skip('the trace.dat record reader is not there');
  const files: [string, string][] = [
    [path.join(samplesDir, '01-layouts-xfs', 'trace.dat'), path.join(samplesDir, '01-layouts-xfs', 'report.txt')],
    [path.join(samplesDir, '37-dat-instances', 'trace.dat'), path.join(samplesDir, '37-dat-instances', 'report.txt')],
    [path.join(samplesDir, '38-dat-lost', 'trace.dat'), path.join(samplesDir, '38-dat-lost', 'report.txt')],
  ];
  if (haveCorpus) {
    for (const d of ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '04-btrfs-io-errors', '05b-xfs-blocked-tasks-fsfreeze']) {
      files.push([path.join(corpusDir, d, 'trace.dat'), path.join(corpusDir, d, 'report.txt')]);
    }
    // 1.6 M records: its first 3000 report lines are kept beside it
    files.push([path.join(corpusDir, '06-large-xfs-randread', 'trace.dat'), path.join(corpusDir, '06-large-xfs-randread', 'report-head3000.txt')]);
  }
  let total = 0;
  for (const [dat, report] of files) {
    if (!existsSync(dat) || !existsSync(report)) continue;
    const { n, bad } = await compareFile(reader, dat, report);
    assert.deepEqual(bad, [], `${dat}: differences`);
    total += n;
  }
  assert.ok(total > 0 || !haveCorpus);
});
