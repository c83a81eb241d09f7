// OrderedExtentTracker on the real btrfs recordings (corpus 03 and 04, sample 20) in both spellings, the
// flag-era heuristic on every printed form, and splits / 5.10 lines built from the format strings.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EventConsumer } from '../../engine/ingest/eventConsumer';
import type { LinkIndex } from '../../engine/lifecycle/linkIndex';
import { decodeOrderedFlags, orderedExtentOp } from '../../engine/decode/btrfsOrderedEra';
import { hasIoerr, isFinished } from '../../engine/lifecycle/orderedExtentState';
import { OrderedExtentTracker } from '../../engine/lifecycle/orderedExtentTracker';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { trackFile, type TestRequest } from './helpers/trackRequests';

interface Tracked {
  tracker: OrderedExtentTracker;
  /** The requests by id (an extent's `request` is its id). */
  requests: TestRequest[];
  links: LinkIndex;
  /** What the LinkIndex answered, while the trace streamed, for write and read bios at each block_rq_issue sector. */
  probes: Map<number, { write: number; read: number }>;
}

async function track(file: string): Promise<Tracked> {
  const probes = new Map<number, { write: number; read: number }>();
  const probeOf = (links: LinkIndex): EventConsumer => ({
    interest: { names: ['block_rq_issue'] },
    onEvent(ev) {
      if (ev.name !== 'block_rq_issue' || !ev.payload) return;
      const p = ev.payload;
      const dev = p.num[p.schema.slot('dev')]!;
      const sector = p.num[p.schema.slot('sector')]!;
      if (!probes.has(sector)) probes.set(sector, { write: links.find(dev, sector, ev.ts, true), read: links.find(dev, sector, ev.ts, false) });
    },
  });
  let tracker: OrderedExtentTracker | undefined;
  const t = await trackFile(file, (rs, links) => [(tracker = new OrderedExtentTracker(rs, links)), probeOf(links)]);
  return { tracker: tracker!, requests: t.requests, links: t.links, probes };
}

function opCounts({ tracker, requests }: Tracked): Record<string, number> {
  const out: Record<string, number> = {};
  for (const oe of tracker.extents) out[requests[oe.request]!.op] = (out[requests[oe.request]!.op] ?? 0) + 1;
  return out;
}

const detailsOf = ({ tracker, requests }: Tracked): unknown[] => tracker.extents.map((oe) => requests[oe.request]!.details);

test('flag eras: kernel and trace-cmd spellings of every layout', () => {
  const cases: Array<[string, string | undefined, string, string[]]> = [
    ['REGULAR|IO_DONE|COMPLETE|IOERR', undefined, '5.15+', ['REGULAR', 'IO_DONE', 'COMPLETE', 'IOERR']],
    ['REGULAR|0xe0', undefined, '5.15+', ['REGULAR', 'IO_DONE', 'COMPLETE', 'IOERR']],
    ['REGULAR|0xa0', undefined, '5.15+', ['REGULAR', 'IO_DONE', 'IOERR']],
    ['REGULAR|IO_DONE|COMPLETE|0x600', undefined, '5.15+', ['REGULAR', 'IO_DONE', 'COMPLETE', 'LOGGED', 'LOGGED_CSUM']],
    ['0x12', undefined, '5.15+', ['NOCOW', 'DIRECT']],
    ['0x4', undefined, '5.15+', ['PREALLOC']],
    ['0x68', undefined, '5.15+', ['COMPRESSED', 'IO_DONE', 'COMPLETE']],
    ['IO_DONE|0x200', undefined, '5.4', ['IO_DONE', 'REGULAR']], // 5.4 kernel text, REGULAR unnamed
    ['IO_DONE|0x202', undefined, '5.4', ['IO_DONE', 'COMPLETE', 'REGULAR']], // 5.4 trace-cmd text
    ['IO_DONE|0x100', undefined, '5.10', ['IO_DONE', 'REGULAR']], // 5.10 kernel text
    ['IO_DONE|COMPLETE|IOERR|0x100', undefined, '5.10', ['IO_DONE', 'COMPLETE', 'IOERR', 'REGULAR']],
    ['IO_DONE|0x142', undefined, '5.10', ['IO_DONE', 'COMPLETE', 'IOERR', 'REGULAR']], // 5.10 trace-cmd text
    ['0x100', undefined, '5.10', ['REGULAR']],
    ['0x200', undefined, '5.4', ['REGULAR']],
    ['0x4', '5.10', '5.10', ['NOCOW']], // ambiguous hex follows the era the file showed
  ];
  for (const [text, sticky, era, names] of cases) {
    const f = decodeOrderedFlags(text, sticky as never);
    assert.equal(f.era, era, text);
    assert.deepEqual(f.names, names, text);
    assert.equal(f.certain, true, text);
  }
  assert.equal(orderedExtentOp(decodeOrderedFlags('0x12')), 'NOCOW|DIRECT');
  assert.equal(decodeOrderedFlags('').certain, false);
});

test('corpus 03: 63 ordered extents of every kind, all removed, identical in trace.txt and report.txt', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '03-btrfs-ordered-extents');
  const a = await track(path.join(dir, 'trace.txt'));
  const b = await track(path.join(dir, 'report.txt'));
  for (const t of [a, b]) {
    const { tracker, requests } = t;
    assert.equal(tracker.extents.length, 63);
    assert.deepEqual(opCounts(t), { REGULAR: 50, PREALLOC: 8, 'NOCOW|DIRECT': 1, COMPRESSED: 4 });
    assert.ok(tracker.extents.every((oe) => oe.addSeen && requests[oe.request]!.complete && isFinished(oe) && !hasIoerr(oe)));
    const compressed = tracker.extents.filter((oe) => requests[oe.request]!.op === 'COMPRESSED');
    assert.deepEqual(compressed.map((oe) => [oe.len, oe.diskLen, oe.compressType]), Array(4).fill([131072, 4096, 3]));
    assert.equal(tracker.flagEra, '5.15+');
  }
  assert.deepEqual(detailsOf(a), detailsOf(b));
  // Step 11: the hole punch waits for the 3 MiB extent (btrfs_ordered_extent_start).
  const punched = a.tracker.extents.find((oe) => oe.fileOffset === 1048576 && oe.len === 3145728)!;
  assert.deepEqual(punched.waiters?.map((w) => w.kind), ['oe-wait']);
});

test('corpus 04: the IOERR extent of ino 258, its failed range and its failed bio, in both spellings', { skip: !haveCorpus }, async () => {
  const dir = path.join(corpusDir, '04-btrfs-io-errors');
  const a = await track(path.join(dir, 'trace.txt'));
  const b = await track(path.join(dir, 'report.txt'));
  for (const [file, { tracker, requests, links, probes }] of [[path.join(dir, 'trace.txt'), a], [path.join(dir, 'report.txt'), b]] as const) {
    assert.equal(tracker.extents.length, 3);
    const bad = tracker.extents.filter(hasIoerr);
    assert.equal(bad.length, 1);
    const oe = bad[0]!;
    assert.equal(oe.ino, 258);
    assert.deepEqual(oe.flags.names, ['REGULAR', 'IO_DONE', 'COMPLETE', 'IOERR']);
    assert.deepEqual(oe.failed?.list(), [[0, 262144]]);
    assert.deepEqual(oe.diskFailed?.list(), [[14680064, 14942208]]);
    assert.equal(oe.blockErrno, -5);
    assert.equal(requests[oe.request]!.result, -5);
    // Issue 11: the extent's `start=14680064` is a btrfs logical address, so no bio finds the extent by
    // address (the LinkIndex holds no extent)...
    assert.deepEqual(probes.get(28672), { write: -1, read: -1 });
    assert.equal(links.find((7 << 20) | 2, 28672, oe.addedTs), -1);
    // ...the pairing proves it: the failed `WS () 28672 + 512 [-5]` completed (and block_rq_error repeated it)
    // right before `btrfs_finish_ordered_extent ... ino=258 start=0 len=262144 uptodate=0`.
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = (re: RegExp): number[] => lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
    const failedDone = at(/block_rq_(complete|error): +7,2 WS \(\) 28672 \+ 512 .*\[-5\]/);
    const finish = at(/btrfs_finish_ordered_extent: .* ino=258 start=0 len=262144 uptodate=0/);
    assert.equal(failedDone.length, 2);
    assert.equal(finish.length, 1);
    assert.deepEqual(oe.mappings?.map((m) => [m.dev, m.logical, m.sector, m.bytes, m.how, m.line, m.blockLines, m.errno]), [[(7 << 20) | 2, 14680064, 28672, 262144, 'completion', finish[0], failedDone, -5]]);
  }
  assert.deepEqual(detailsOf(a), detailsOf(b));
  // The ioerr line is the mark_finished that first shows IOERR (kernel `REGULAR|IO_DONE|IOERR`, trace-cmd `REGULAR|0xa0`).
  assert.equal(a.tracker.extents.find(hasIoerr)!.ioerrLine, 275);
  assert.equal(b.tracker.extents.find(hasIoerr)!.ioerrLine, 264);
});

test('sample 20: extents held by a hung device finish after the release, one in two ranges', async () => {
  for (const name of ['trace.txt', 'report.txt']) {
    const { tracker, requests } = await track(path.join(samplesDir, '20-btrfs-hang', name));
    assert.equal(tracker.extents.length, 5, name);
    assert.ok(tracker.extents.every((oe) => isFinished(oe) && requests[oe.request]!.complete), name);
    const twoRanges = tracker.extents.find((oe) => oe.ino === 257 && oe.fileOffset === 131072)!;
    assert.deepEqual(twoRanges.ok?.list(), [[131072, 524288]], name);
    assert.equal(requests[twoRanges.request]!.stages.filter((s) => s.name === 'range-done').length, 2, name);
    // The hung-task reports during the hang are recorded as waiters of the 4 extents added before it.
    assert.equal(tracker.extents.filter((oe) => oe.waiters?.some((w) => w.kind === 'hung-task')).length, 4, name);
  }
});

const UUID = '9c11e8fd-da46-4676-bfed-ed177842e9ce';
const HEADER = '# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n#              | |         |   |||||     |         |\n';

function kline(task: string, ts: string, event: string, payload: string): string {
  return `${task.padStart(24)} [000] .....   ${ts}: ${event}: ${payload}\n`;
}

function oeLine(task: string, ts: string, event: string, o: { fo: number; start: number; len: number; flags: string; refs: number }): string {
  return kline(task, ts, event, `${UUID}: root=5(FS_TREE) ino=257 file_offset=${o.fo} start=${o.start} len=${o.len} disk_len=${o.len} truncated_len=18446744073709551615 bytes_left=${o.len} flags=${o.flags} compress_type=0 refs=${o.refs}`);
}

test('split (6.6+): the head keeps file_offset, the original moves past it, both finish', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-oe-'));
  const file = path.join(dir, 'split.txt');
  const big = { fo: 0, start: 1048576, len: 262144, flags: 'REGULAR', refs: 1 };
  writeFileSync(
    file,
    HEADER +
      oeLine('xfs_io-100', '10.000001', 'btrfs_ordered_extent_add', big) +
      oeLine('xfs_io-100', '10.000002', 'btrfs_ordered_extent_split', { ...big, refs: 2 }) +
      oeLine('xfs_io-100', '10.000003', 'btrfs_ordered_extent_put', { fo: 0, start: 1048576, len: 65536, flags: 'REGULAR', refs: 1 }) +
      oeLine('kworker/u8:1-7', '10.000010', 'btrfs_ordered_extent_mark_finished', { fo: 65536, start: 1114112, len: 196608, flags: 'REGULAR|IO_DONE', refs: 2 }) +
      oeLine('kworker/u8:1-7', '10.000011', 'btrfs_ordered_extent_remove', { fo: 65536, start: 1114112, len: 196608, flags: 'REGULAR|IO_DONE|COMPLETE', refs: 1 }) +
      oeLine('kworker/u8:1-7', '10.000012', 'btrfs_ordered_extent_mark_finished', { fo: 0, start: 1048576, len: 65536, flags: 'REGULAR|IO_DONE', refs: 2 }) +
      oeLine('kworker/u8:1-7', '10.000013', 'btrfs_ordered_extent_remove', { fo: 0, start: 1048576, len: 65536, flags: 'REGULAR|IO_DONE|COMPLETE', refs: 1 }),
  );
  const { tracker, requests } = await track(file);
  assert.deepEqual(
    tracker.extents.map((oe) => [oe.fileOffset, oe.len, oe.diskStart, oe.splitFrom, requests[oe.request]!.complete]),
    [
      [65536, 196608, 1114112, -1, true],
      [0, 65536, 1048576, 0, true],
    ],
  );
});

test('5.10 text: hex-only REGULAR, page_index end_io hook with uptodate=0, IOERR by name', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-oe-'));
  const file = path.join(dir, 'old.txt');
  const o = { fo: 0, start: 1048576, len: 8192, flags: '0x100', refs: 1 };
  writeFileSync(
    file,
    HEADER +
      oeLine('xfs_io-100', '10.000001', 'btrfs_ordered_extent_add', o) +
      kline('kworker/u8:1-7', '10.000002', 'btrfs_writepage_end_io_hook', `${UUID}: root=5(FS_TREE) ino=257 page_index=0 start=0 end=4095 uptodate=1`) +
      kline('kworker/u8:1-7', '10.000003', 'btrfs_writepage_end_io_hook', `${UUID}: root=5(FS_TREE) ino=257 page_index=1 start=4096 end=8191 uptodate=0`) +
      oeLine('kworker/u8:1-7', '10.000004', 'btrfs_ordered_extent_remove', { ...o, flags: 'IO_DONE|COMPLETE|IOERR|0x100' }),
  );
  const { tracker, requests } = await track(file);
  const oe = tracker.extents[0]!;
  assert.equal(tracker.extents.length, 1);
  assert.equal(oe.flags.era, '5.10');
  assert.equal(requests[oe.request]!.op, 'REGULAR');
  assert.equal(oe.ioerrLine, 8);
  assert.deepEqual([oe.ok?.list(), oe.failed?.list()], [[[0, 4096]], [[4096, 8192]]]);
  assert.equal(oe.finishedLine, 7); // both ranges done
});
