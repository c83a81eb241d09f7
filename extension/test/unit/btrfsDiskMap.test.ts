/**
 * Issue 11 item 3: evidence that is proven. btrfs ordered extents print logical addresses, block events
 * device sectors; a write belongs to an extent only when the trace proves it (the writes that completed
 * right before btrfs reported the extent's range done, tiling one device range of its length), and the
 * logical -> device mapping learnt that way is stated. Ground truth from the raw files and the recordings'
 * own records (faultfs daemon logs, `btrfs inspect` chunk layout in setup.txt), never from iolens output.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeFile, analyzeFiles, closeModel } from '../../engine/analyze';
import type { Finding } from '../../engine/contracts/finding';
import { BtrfsDiskMap } from '../../engine/lifecycle/btrfsDiskMap';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

const s20 = path.join(samplesDir, '20-btrfs-hang');
const s34 = path.join(samplesDir, '34-btrfs-oe-late-clean');

function rawLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n');
}

/** Line numbers (1-based) of the raw lines matching `re`. */
function at(lines: readonly string[], re: RegExp): number[] {
  return lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
}

const ts = (l: string): number => Number(/ (\d+\.\d+): /.exec(l)![1]);

test('BtrfsDiskMap: a unique tiling proves the mapping; two equal candidates do not, unless one agrees with a proven one', () => {
  const m = new BtrfsDiskMap();
  // Two 256-sector writes complete, then 128 KiB of logical 1 MiB is reported done: both could be it.
  m.noteWrite(7, 2048, 256, 0, 1, 10);
  m.noteWrite(7, 4096, 256, 0, 2, 11);
  assert.equal(m.pair(1048576, 131072, true, 0, 3, 12), undefined, 'ambiguous: no proof');
  // A 384-sector range tiled only by 2048+256 and 2304+128.
  const n = new BtrfsDiskMap();
  n.noteWrite(7, 2048, 256, 0, 1, 20);
  n.noteWrite(7, 2304, 128, 0, 2, 21);
  n.noteWrite(7, 9000, 256, -5, 2, 22);
  const p = n.pair(1048576, 196608, true, 0, 3, 23)!;
  assert.deepEqual([p.dev, p.logical, p.sector, p.how, p.line, p.blockLines, p.errno], [7, 1048576, 2048, 'completion', 23, [20, 21], 0]);
  // Now two more equal candidates: the one at the proven offset (sector = logical / 512 + 0) is chosen.
  n.noteWrite(7, 2432, 256, 0, 4, 30);
  n.noteWrite(7, 7000, 256, 0, 4, 31);
  const q = n.pair(1245184, 131072, true, 3, 5, 32)!;
  assert.deepEqual([q.sector, q.how, q.blockLines], [2432, 'consistent', [30]]);
  // The failed write pairs only with a failed range; used writes never pair twice.
  assert.equal(n.pair(4608000, 131072, true, 5, 6, 40), undefined, 'no successful write completed since the extent was added');
  assert.deepEqual(n.pair(4608000, 131072, false, 0, 6, 41)?.sector, 9000);
  assert.equal(n.pair(4608000, 131072, false, 0, 6, 42), undefined);
  // A chunk the trace shows, holding a proven pairing, maps any extent inside it.
  n.noteChunk(1048576, 8388608, 50);
  assert.deepEqual(n.mappingFor(2097152, 131072), { dev: 7, logical: 2097152, sector: 4096, bytes: 131072, how: 'chunk', line: 23, blockLines: [50], errno: 0 });
  assert.equal(n.mappingFor(16777216, 131072), undefined, 'outside the chunk: unknown');
});

test('sample 34: the writes of each extent proven by the range-done after them; chunk 1 is mapped 1:1 (setup.txt)', async () => {
  // setup.txt: "first DATA chunk: logical 13631488 length 8388608, stripe 0 physical offset 13631488".
  const setup = readFileSync(path.join(s34, 'setup.txt'), 'utf8');
  const chunk = /first DATA chunk: logical (\d+) length (\d+), stripe 0 physical offset (\d+)/.exec(setup)!;
  const [logical0, length0, physical0] = [Number(chunk[1]), Number(chunk[2]), Number(chunk[3])];
  const lines = rawLines(path.join(s34, 'trace.txt'));
  const m = await analyzeFile(path.join(s34, 'trace.txt'));
  try {
    assert.equal(m.kind, 'trace');
    if (m.kind !== 'trace') return;
    assert.equal(m.orderedExtents.length, at(lines, /btrfs_ordered_extent_add: /).length);
    for (const oe of m.orderedExtents) {
      assert.ok(oe.diskStart >= logical0 && oe.diskStart + oe.diskLen <= logical0 + length0, 'inside the first data chunk');
      const maps = oe.mappings ?? [];
      assert.ok(maps.length > 0, `ino ${oe.ino}: proven`);
      for (const p of maps) {
        assert.equal(p.sector * 512, p.logical - logical0 + physical0, `ino ${oe.ino}: the chunk's own mapping`);
        // The proving line is this inode's btrfs_finish_ordered_extent, after every block line it cites.
        assert.match(lines[p.line - 1]!, new RegExp(`btrfs_finish_ordered_extent: .* ino=${oe.ino} `));
        for (const b of p.blockLines) {
          assert.match(lines[b - 1]!, / block_rq_complete: +7,0 WS? \(\) \d+ \+ \d+ .*\[0\]$/);
          assert.ok(b < p.line);
        }
      }
      // Its writes: the block write requests at those sectors, children of the extent.
      for (const r of oe.writes ?? []) assert.equal(m.requests.layer(r), 'block');
      assert.equal((oe.writes ?? []).reduce((n: number, r: number): number => n + m.requests.sectors(r), 0) * 512, oe.diskLen);
    }
  } finally {
    await closeModel(m);
  }
});

test('sample 20: the hung write (faultfs HANG off=105906176) is the write of the extent at logical 63963136', async () => {
  // faultfs-daemon-excerpt.log: the one request faultfs held, by byte offset of the backing file (= device).
  const held = /HANG write off=(\d+) len=(\d+)/.exec(readFileSync(path.join(s20, 'faultfs-daemon-excerpt.log'), 'utf8'))!;
  const [off, len] = [Number(held[1]), Number(held[2])];
  const lines = rawLines(path.join(s20, 'trace.txt'));
  const add = lines.find((l) => /btrfs_ordered_extent_add: .* ino=258 file_offset=0 start=(\d+) len=131072 /.test(l))!;
  const logical = Number(/ start=(\d+) /.exec(add)![1]);
  const m = await analyzeFile(path.join(s20, 'trace.txt'));
  try {
    if (m.kind !== 'trace') throw new Error('not a trace');
    const oe = m.orderedExtents.find((x) => x.ino === 258 && x.fileOffset === 0)!;
    assert.equal(oe.diskStart, logical);
    assert.deepEqual(oe.mappings?.map((p) => [p.logical, p.sector * 512, p.bytes]), [[logical, off, len]]);
    assert.notEqual(logical, off, 'logical and device offsets differ here: an address match would have been wrong');
    assert.deepEqual(oe.writes?.map((r) => [m.requests.sector(r) * 512, m.requests.sectors(r) * 512]), [[off, len]]);
  } finally {
    await closeModel(m);
  }
});

function oeWaits(fs: readonly Finding[]): Map<number, Finding> {
  return new Map(fs.filter((f) => f.kind === 'ordered-extent-wait').map((f) => [Number(f.details['pid']), f]));
}

interface OpenExtent {
  ino: number;
  fileOffset: number;
  outstandingBios: { bio: string; line: number }[];
  writesTraced: number;
  mapping: string | null;
}

test('sample 20 log + trace: each extent lists only its own writes, with the mapping that proves them', async () => {
  const lines = rawLines(path.join(s20, 'trace.txt'));
  const { report } = await analyzeFiles([path.join(s20, 'dmesg-hung-tasks.txt'), path.join(s20, 'trace.txt')]);
  const w = oeWaits(report.findings);
  // fsync of ino 259 (pid 12012): its 1 MiB extent at logical 15073280 was written by the two WS requests
  // issued right after its add, completed after the release, right before its finish line.
  const fsync = w.get(12012)!;
  const [x] = fsync.details['openExtents'] as unknown as OpenExtent[];
  const issued = at(lines, /block_rq_issue: 7,0 WS \d+ \(\) (29440 \+ 1072|30512 \+ 976) /);
  assert.deepEqual(x!.outstandingBios.map((b) => [b.bio, b.line]), [['WS 7:0 29440+1072', issued[0]], ['WS 7:0 30512+976', issued[1]]]);
  assert.equal(x!.mapping, 'btrfs logical 15073280 is 7:0 sector 29440: its writes completed right before btrfs reported the range done');
  assert.match(fsync.message, /2 of its writes outstanding \(WS 7:0 29440\+1072, WS 7:0 30512\+976; btrfs logical 15073280 is 7:0 sector 29440: /);
  const finish = at(lines, /btrfs_finish_ordered_extent: .* ino=259 start=0 len=1048576 uptodate=1/)[0]!;
  assert.ok(fsync.evidence.some((e) => e.line === finish && /proves them its own/.test(e.role)));
  // Nothing claims a write it is not proven to own: every listed bio is among the extent's writes.
  for (const f of w.values()) {
    for (const e of f.details['openExtents'] as unknown as OpenExtent[]) assert.ok(e.outstandingBios.length <= e.writesTraced, `${e.ino}@${e.fileOffset}`);
  }
});

test('sample 20 cut before the release: no write is proven to be any extent\'s; the device\'s outstanding writes are said to be the device\'s', async () => {
  const lines = rawLines(path.join(s20, 'trace.txt'));
  const release = at(lines, /tracing_mark_write: STEP 4/)[0]!;
  const cut = lines.slice(0, release - 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-s20cut-'));
  const trace = path.join(dir, 'trace.txt');
  writeFileSync(trace, cut.join('\n') + '\n');
  // Truth from the cut file: writes (W*) issued and never completed before it ends.
  const issued = new Map<string, number>();
  for (const l of cut) {
    const i = /block_rq_issue: (7,0) (W\w*) \d+ \(\) (\d+) \+ (\d+) /.exec(l);
    if (i) issued.set(`${i[3]}+${i[4]}`, ts(l));
    const c = /block_rq_complete: 7,0 W\w* \(\) (\d+) \+ (\d+) /.exec(l);
    if (c) issued.delete(`${c[1]}+${c[2]}`);
  }
  const { report } = await analyzeFiles([path.join(s20, 'dmesg-hung-tasks.txt'), trace]);
  const w = oeWaits(report.findings);
  assert.deepEqual([...w.keys()].sort(), [12012, 12014]);
  for (const f of w.values()) {
    const open = f.details['openExtents'] as unknown as OpenExtent[];
    assert.ok(open.length > 0);
    for (const e of open) {
      assert.deepEqual(e.outstandingBios, [], 'no bio is proven to be the extent\'s');
      assert.equal(e.mapping, null);
    }
    const device = f.details['deviceOutstandingBios'] as { bio: string }[];
    assert.equal(device.length, issued.size);
    assert.match(f.message, new RegExp(`7:0 had ${issued.size} writes outstanding, none of them traced to this extent`));
    assert.doesNotMatch(f.message, /of its writes outstanding/);
  }
  // The wait-for graph: no ordered extent -> bio edge without proof.
  const oeToBio = report.waitGraph.edges.filter((e) => e.from.startsWith('oe:') && e.to.startsWith('bio:'));
  assert.deepEqual(oeToBio, []);
});

test('corpus 04: the failed write and the IOERR extent are joined by the pairing (7:2 sector 28672 = logical 14680064)', { skip: !haveCorpus }, async () => {
  const m = await analyzeFile(path.join(corpusDir, '04-btrfs-io-errors', 'trace.txt'));
  try {
    if (m.kind !== 'trace') throw new Error('not a trace');
    // README: "OE ino 258 finishes with uptodate=0"; `block_rq_complete ... WS () 28672 + 512 ... [-5]`.
    const oe = m.orderedExtents.find((x) => x.ino === 258)!;
    assert.deepEqual(oe.mappings?.map((p) => [p.logical, p.sector, p.errno]), [[14680064, 28672, -5]]);
    // The O_DIRECT write to `badd` landed in a second data chunk (README: "allocated it at 84082688"): proven too.
    const badd = m.orderedExtents.find((x) => x.diskStart === 84082688)!;
    assert.equal(badd.mappings?.length, 1);
  } finally {
    await closeModel(m);
  }
});
