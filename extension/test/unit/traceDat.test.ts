// The trace.dat reader on real files: every layout trace-cmd 3.1 writes (file version 7 with zstd, version 7
// uncompressed, version 6; samples/01-layouts-xfs and ../shared/corpus) renders exactly the text
// `trace-cmd report` printed for the same file (report.txt, written by trace-cmd, never by iolens), random
// reads of the rendering return the same bytes as the stream, and the analysis of a trace.dat equals the
// analysis of its report text. Damaged files (truncations, bit flips, lying sizes) give a clear error or a
// reported gap, never a crash, a hang or an unbounded allocation.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { analyzeFile } from '../../engine/analyze';
import { closeModel } from '../../engine/analyze';
import { FileSource, MemorySource } from '../../engine/input/byteSource';
import { DatTextSource } from '../../engine/tracedat/datTextSource';
import { readDatMeta } from '../../engine/tracedat/datMeta';
import { prepareCodec } from '../../engine/tracedat/decompress';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { writeZlibTraceDat } from './helpers/writeTraceDat';

const tmp = mkdtempSync(path.join(tmpdir(), 'iolens-dat-'));
const layouts = path.join(samplesDir, '01-layouts-xfs');

const instances = path.join(samplesDir, '37-dat-instances');

/** A sample's trace.dat variants, the gzipped ones unpacked to a temporary file. */
function sampleDat(name: string, dir = layouts): string {
  if (!name.endsWith('.gz')) return path.join(dir, name);
  const out = path.join(tmp, `${path.basename(dir)}-${name.slice(0, -3)}`);
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(path.join(dir, name))));
  return out;
}

async function render(file: string): Promise<{ text: string; src: DatTextSource }> {
  const src = await DatTextSource.open(await FileSource.open(file));
  const parts: Buffer[] = [];
  for await (const s of src.slices(64 * 1024)) parts.push(Buffer.from(s));
  return { text: Buffer.concat(parts).toString('latin1'), src };
}

function firstDifference(got: string, want: string): string {
  const g = got.split('\n');
  const w = want.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) return `line ${i + 1}:\n  got  ${JSON.stringify(g[i])}\n  want ${JSON.stringify(w[i])}`;
  }
  return 'no difference';
}

const cases: { name: string; dat: () => string; report: string; version: number; codec: string }[] = [
  { name: 'samples 01 v7 zstd', dat: () => sampleDat('trace.dat'), report: path.join(layouts, 'report.txt'), version: 7, codec: 'zstd' },
  { name: 'samples 01 v7 none', dat: () => sampleDat('trace-v7-none.dat.gz'), report: path.join(layouts, 'report.txt'), version: 7, codec: 'none' },
  { name: 'samples 01 v6', dat: () => sampleDat('trace-v6.dat.gz'), report: path.join(layouts, 'report.txt'), version: 6, codec: 'none' },
  { name: 'samples 37 instance aux, v7 zstd', dat: () => sampleDat('trace.dat', instances), report: path.join(instances, 'report.txt'), version: 7, codec: 'zstd' },
  { name: 'samples 38 lost events (page flags, a stored count)', dat: () => path.join(samplesDir, '38-dat-lost', 'trace.dat'), report: path.join(samplesDir, '38-dat-lost', 'report.txt'), version: 7, codec: 'zstd' },
  { name: 'samples 37 instance aux, v6', dat: () => sampleDat('trace-v6.dat.gz', instances), report: path.join(instances, 'report.txt'), version: 6, codec: 'none' },
];
if (haveCorpus) {
  for (const d of ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '04-btrfs-io-errors', '05b-xfs-blocked-tasks-fsfreeze']) {
    cases.push({ name: `corpus ${d}`, dat: () => path.join(corpusDir, d, 'trace.dat'), report: path.join(corpusDir, d, 'report.txt'), version: 7, codec: 'zstd' });
  }
  cases.push({ name: 'corpus 01 v6', dat: () => path.join(corpusDir, '01-xfs-buffered-read-uring-eof', 'trace-v6.dat'), report: path.join(corpusDir, '01-xfs-buffered-read-uring-eof', 'report.txt'), version: 6, codec: 'none' });
}

for (const c of cases) {
  test(`trace.dat ${c.name}: renders exactly trace-cmd report's text`, async () => {
    const { text, src } = await render(c.dat());
    try {
      assert.equal(src.meta.version, c.version);
      assert.equal(src.meta.codec, c.codec);
      const want = readFileSync(c.report, 'latin1');
      assert.equal(text.length, want.length, firstDifference(text, want));
      assert.ok(text === want, firstDifference(text, want));
      assert.equal(src.size, want.length);
      assert.equal(src.gaps().count, 0);
    } finally {
      await src.close();
    }
  });
}

test('trace.dat: random reads of the rendering return the bytes of the stream (marks restore the merge)', async () => {
  const { text, src } = await render(sampleDat('trace.dat'));
  try {
    const whole = Buffer.from(text, 'latin1');
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 300; i++) {
      const at = rnd(whole.length);
      const len = 1 + rnd(i % 10 === 0 ? 200_000 : 3000);
      const got = Buffer.from(src.readSync(at, len));
      assert.ok(got.equals(whole.subarray(at, Math.min(whole.length, at + len))), `read ${len} at ${at}`);
    }
    assert.equal(src.readSync(whole.length, 10).length, 0);
  } finally {
    await src.close();
  }
});

test('trace.dat: the analysis of the binary file equals the analysis of its report text (findings, requests, counts)', async () => {
  const dat = await analyzeFile(sampleDat('trace.dat'));
  const txt = await analyzeFile(path.join(layouts, 'report.txt'));
  try {
    assert.equal(dat.kind, 'trace');
    assert.equal(txt.kind, 'trace');
    if (dat.kind !== 'trace' || txt.kind !== 'trace') return;
    assert.equal(dat.ingest.events, txt.ingest.events);
    assert.equal(dat.ingest.lines, txt.ingest.lines);
    assert.deepEqual([...dat.ingest.eventCounts], [...txt.ingest.eventCounts]);
    const strip = (fs: readonly { kind: string; line: number; message: string }[]): string[] => fs.map((f) => `${f.kind}:${f.line}:${f.message}`);
    assert.deepEqual(strip(dat.detectorFindings), strip(txt.detectorFindings));
    assert.deepEqual(strip(dat.ingest.findings), strip(txt.ingest.findings));
    assert.deepEqual(dat.requestsReport, txt.requestsReport);
    assert.equal(dat.ingest.container?.kind, 'trace.dat');
    assert.equal(dat.ingest.container?.version, 7);
    assert.equal(dat.ingest.container?.records, dat.ingest.events);
  } finally {
    await closeModel(dat);
    await closeModel(txt);
  }
});

test('trace.dat: lost events (page flags) become lost-events findings with the stored count, as in the text', async () => {
  const dat = await analyzeFile(path.join(samplesDir, '38-dat-lost', 'trace.dat'));
  try {
    assert.equal(dat.kind, 'trace');
    if (dat.kind !== 'trace') return;
    const lost = dat.ingest.findings.filter((f) => f.kind === 'lost-events');
    assert.ok(lost.length > 0, 'a lost-events finding');
    // report.txt line 2 `CPU:0 [EVENTS DROPPED]` (no stored count) and line 475 `CPU:1 [11636 EVENTS DROPPED]`.
    const lines = lost.flatMap((f) => [f.line, ...f.evidence.map((e) => e.line)]);
    assert.ok(lines.includes(2) && lines.includes(475), `drop lines 2 and 475 in ${JSON.stringify(lines)}`);
    assert.ok(lost.some((f) => /11636/.test(f.message) || JSON.stringify(f.details).includes('11636')), JSON.stringify(lost));
  } finally {
    await closeModel(dat);
  }
});

test('trace.dat with zlib chunks and sections (re-packed from the sample): the same text as trace-cmd printed', async () => {
  // trace-cmd 3.1.6 here writes only zstd; the sample's metadata and raw pages are re-packed with zlib.
  const file = sampleDat('trace-v7-none.dat.gz');
  const bytes = readFileSync(file);
  const read = (o: number, n: number): Uint8Array => bytes.subarray(o, o + n);
  const meta = readDatMeta(read, bytes.length, file);
  const pages = meta.buffers[0]!.cpus.map((c) => bytes.subarray(c.offset, c.offset + c.size));
  const zfile = path.join(tmp, 'zlib.dat');
  writeFileSync(zfile, writeZlibTraceDat(meta, pages));
  const { text, src } = await render(zfile);
  try {
    assert.equal(src.meta.codec, 'zlib');
    const want = readFileSync(path.join(layouts, 'report.txt'), 'latin1');
    assert.ok(text === want, firstDifference(text, want));
  } finally {
    await src.close();
  }
});

// ---- damage -------------------------------------------------------------------------------------------

async function tryRead(bytes: Uint8Array): Promise<string> {
  const file = path.join(tmp, 'damaged.dat');
  writeFileSync(file, bytes);
  try {
    const { text, src } = await render(file);
    await src.close();
    return `ok ${text.length}`;
  } catch (err) {
    const msg = (err as Error).message;
    assert.equal((err as Error).name, 'IngestError', `unexpected ${(err as Error).name}: ${(err as Error).stack}`);
    assert.ok(!msg.includes('\n'), `one-line message: ${msg}`);
    return 'error';
  }
}

test('trace.dat damage: every truncation gives a clear one-line error or fewer events, never a crash', async () => {
  await prepareCodec('zstd');
  for (const name of ['trace.dat', 'trace-v6.dat.gz']) {
    const whole = readFileSync(sampleDat(name));
    const cuts = new Set<number>([0, 1, 10, 12, 20, 40, 100, 4096, whole.length - 1, whole.length - 4097]);
    for (let i = 1; i < 60; i++) cuts.add(Math.floor((whole.length * i) / 60));
    for (const cut of cuts) await tryRead(whole.subarray(0, Math.max(0, cut)));
  }
});

test('trace.dat damage: 400 bit flips and lying sizes give an error or a reported gap, never a crash or a hang', async () => {
  const whole = readFileSync(sampleDat('trace.dat'));
  let seed = 12;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const t0 = Date.now();
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(whole);
    const flips = 1 + rnd(8);
    for (let k = 0; k < flips; k++) {
      // Half the flips hit the first 64 KiB (headers, options, section sizes), half anywhere (event data).
      const at = k % 2 === 0 ? rnd(Math.min(b.length, 65536)) : rnd(b.length);
      if (rnd(4) === 0) b.writeUInt32LE(0xffffffff, Math.min(at, b.length - 4));
      else b[at] = b[at]! ^ (1 << rnd(8));
    }
    await tryRead(b);
  }
  assert.ok(Date.now() - t0 < 60_000, 'the damaged files were read in bounded time');
});

test('trace.dat damage: a chunk that does not decompress is one parse-error finding naming it; the events before it are analysed', async () => {
  // Ground truth from the file itself: CPU 1's chunk table (the sample holds 2,425 events, no finding).
  await prepareCodec('zstd');
  const bytes = Buffer.from(readFileSync(sampleDat('trace.dat')));
  const meta = readDatMeta((o, n) => bytes.subarray(o, o + n), bytes.length, 'x');
  const cpu1 = meta.buffers[0]!.cpus.find((c) => c.cpu === 1)!;
  const firstChunkData = cpu1.offset + 4 + 8;
  for (let i = 0; i < 64; i++) bytes[firstChunkData + 16 + i] = 0xa5; // inside the first zstd frame of CPU 1
  const file = path.join(tmp, 'bad-chunk.dat');
  writeFileSync(file, bytes);
  const m = await analyzeFile(file);
  try {
    assert.equal(m.kind, 'trace');
    if (m.kind !== 'trace') return;
    const gap = m.ingest.findings.filter((f) => f.kind === 'parse-error' && f.details['scope'] === 'trace.dat');
    assert.equal(gap.length, 1, JSON.stringify(m.ingest.findings.map((f) => f.message)));
    assert.match(gap[0]!.message, /CPU 1: .*chunk 1 .*does not decompress/);
    assert.ok(m.ingest.events > 0 && m.ingest.events < 2425, `${m.ingest.events} events`);
    assert.equal(m.ingest.container?.gaps, 1);
  } finally {
    await closeModel(m);
  }
});

test('trace.dat damage: metadata that lies is refused with a message naming it', () => {
  const whole = readFileSync(sampleDat('trace-v6.dat.gz'));
  const src = new MemorySource('x.dat', whole);
  const read = (o: number, n: number): Uint8Array => src.readSync(o, n);
  const meta = readDatMeta(read, whole.length, 'x.dat');
  assert.equal(meta.version, 6);
  // An unsupported version, a wrong endianness byte, a bad magic.
  const v = Buffer.from(whole);
  v[10] = '9'.charCodeAt(0);
  assert.throws(() => readDatMeta((o, n) => v.subarray(o, o + n), v.length, 'x.dat'), /file version 9 is not supported/);
  const e = Buffer.from(whole);
  e[12] = 7;
  assert.throws(() => readDatMeta((o, n) => e.subarray(o, o + n), e.length, 'x.dat'), /endianness byte 7/);
  // A header_page size of 2^63.
  const s = Buffer.from(whole);
  const at = s.indexOf('header_page\0') + 12;
  s.writeBigUInt64LE(1n << 63n, at);
  assert.throws(() => readDatMeta((o, n) => s.subarray(o, o + n), s.length, 'x.dat'), /header_page size.*more than/);
});
