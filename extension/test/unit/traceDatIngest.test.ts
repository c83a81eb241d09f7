// The trace.dat ingest that decodes events from their binary fields (DatBatchReader + PayloadPlan): on real
// files of every layout, the model of a trace.dat has the lines, events, counts, findings and requests of the
// model of trace-cmd's own report.txt for it, every line read back through the model (virtual addressing:
// rendered again from the saved merge states) is trace-cmd's line, and the reader thread and the inline
// reader give the same model. Ground truth: report.txt, printed by trace-cmd 3.1.6.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { analyzeInput, closeModel } from '../../engine/analyze';
import { FileSource } from '../../engine/input/byteSource';
import { readDatMeta } from '../../engine/tracedat/datMeta';
import { openInput } from '../../engine/input/openInput';
import type { FileModel, TraceModel } from '../../engine/model/fileModel';
import { LineReader } from '../../engine/query/lineReader';
import type { EventConsumer, IngestEvent } from '../../engine/ingest/eventConsumer';
import { ingestFile } from '../../engine/ingest/ingestFile';
import type { EventStore } from '../../engine/store/eventStore';
import { ingestDat } from '../../engine/tracedat/datIngest';
import { DatTextSource } from '../../engine/tracedat/datTextSource';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

const tmp = mkdtempSync(path.join(tmpdir(), 'iolens-datingest-'));

function unpacked(dir: string, name: string): string {
  if (!name.endsWith('.gz')) return path.join(dir, name);
  const out = path.join(tmp, `${path.basename(dir)}-${name.slice(0, -3)}`);
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(path.join(dir, name))));
  return out;
}

interface Case {
  readonly name: string;
  readonly dat: () => string;
  readonly report: string;
  /** Whether events are decoded from their fields (no instance prefixes, microsecond clock). */
  readonly decodes: boolean;
  /** Read every line back (else every few hundredth, for the 1.6-million-line corpus file). */
  readonly allLines?: boolean;
}

const s01 = path.join(samplesDir, '01-layouts-xfs');
const s37 = path.join(samplesDir, '37-dat-instances');
const s38 = path.join(samplesDir, '38-dat-lost');
const cases: Case[] = [
  { name: 'samples 01 v7 zstd', dat: () => unpacked(s01, 'trace.dat'), report: path.join(s01, 'report.txt'), decodes: true },
  { name: 'samples 01 v6', dat: () => unpacked(s01, 'trace-v6.dat.gz'), report: path.join(s01, 'report.txt'), decodes: true },
  { name: 'samples 37 instances', dat: () => unpacked(s37, 'trace.dat'), report: path.join(s37, 'report.txt'), decodes: false },
  { name: 'samples 38 lost events', dat: () => unpacked(s38, 'trace.dat'), report: path.join(s38, 'report.txt'), decodes: true },
];
if (haveCorpus) {
  for (const d of ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '04-btrfs-io-errors', '05b-xfs-blocked-tasks-fsfreeze']) {
    cases.push({ name: `corpus ${d}`, dat: () => path.join(corpusDir, d, 'trace.dat'), report: path.join(corpusDir, d, 'report.txt'), decodes: true });
  }
  // 1.62 M events, read by the reader thread; its report text is not in the corpus (204 MB): the bench makes it.
  const big = path.join(corpusDir, '06-large-xfs-randread');
  const bigReport = path.join(process.env['IOLENS_BENCH_DIR'] ?? path.join(tmpdir(), 'iolens-bench'), '06-report.txt');
  if (existsSync(bigReport)) cases.push({ name: 'corpus 06 (1.62 M events)', dat: () => path.join(big, 'trace.dat'), report: bigReport, decodes: true, allLines: false });
}

async function analyzed(file: string, workers?: number): Promise<FileModel> {
  return analyzeInput(await openInput(file), workers === undefined ? {} : { workers });
}

function strip(fs: readonly { kind: string; line: number; message: string; evidence?: readonly { line: number }[] }[]): string[] {
  return fs.map((f) => `${f.kind}:${f.line}:${f.message}:${(f.evidence ?? []).map((e) => e.line).join(',')}`);
}

function assertSameModel(dat: TraceModel, txt: TraceModel): void {
  assert.equal(dat.ingest.events, txt.ingest.events);
  assert.equal(dat.ingest.lines, txt.ingest.lines);
  assert.deepEqual([...dat.ingest.eventCounts], [...txt.ingest.eventCounts]);
  assert.deepEqual(strip(dat.detectorFindings), strip(txt.detectorFindings));
  assert.deepEqual(strip(dat.ingest.findings), strip(txt.ingest.findings));
  assert.deepEqual(dat.requestsReport, txt.requestsReport);
  assert.equal(dat.ingest.cpus, txt.ingest.cpus);
  assert.equal(dat.ingest.firstTimestamp, txt.ingest.firstTimestamp);
  assert.equal(dat.ingest.lastTimestamp, txt.ingest.lastTimestamp);
  // Every event row: the same time, CPU, task, type, line and (dev, ino) key.
  const a = dat.events;
  const b = txt.events;
  for (let row = 0; row < a.count; row++) {
    if (a.tsAt(row) !== b.tsAt(row) || a.cpuAt(row) !== b.cpuAt(row) || a.pidAt(row) !== b.pidAt(row) || a.lineOf(row) !== b.lineOf(row) || a.typeName(a.typeAt(row)) !== b.typeName(b.typeAt(row)) || a.devAt(row) !== b.devAt(row) || a.inoAt(row) !== b.inoAt(row) || a.strings.get(a.commAt(row)) !== b.strings.get(b.commAt(row))) {
      assert.fail(`row ${row} (line ${b.lineOf(row)}) differs`);
    }
  }
}

for (const c of cases) {
  test(`trace.dat ingest, ${c.name}: the model equals that of trace-cmd's report text, and its lines read back as trace-cmd's`, async () => {
    const dat = await analyzed(c.dat());
    const txt = await analyzed(c.report);
    try {
      assert.equal(dat.kind, 'trace');
      assert.equal(txt.kind, 'trace');
      if (dat.kind !== 'trace' || txt.kind !== 'trace') return;
      assertSameModel(dat, txt);
      const stats = (dat.source as DatTextSource).readStats!;
      assert.deepEqual(stats.planNotes, []);
      assert.equal(stats.records, dat.ingest.container?.records);
      // A type is decoded from its fields once 4 of its records of the current 64 marks were decoded both
      // ways and agreed: most records of a large file, some of a small one.
      if (c.decodes) assert.ok(stats.decoded > (c.allLines === false ? 0.9 * stats.records : 0), `${stats.decoded} of ${stats.records} decoded from their fields`);
      else assert.equal(stats.decoded, 0);
      // Every line, in windows, then single lines backwards (each a seek from a saved merge state).
      const want = readFileSync(c.report, 'latin1').split('\n');
      if (want[want.length - 1] === '') want.pop();
      const reader = new LineReader(dat.source, dat.events.lineIndex, dat.ingest.lines);
      assert.equal(dat.ingest.lines, want.length);
      for (let from = 1; c.allLines !== false && from <= want.length; from += 5000) {
        const got = reader.text(from, 5000);
        const exp = want.slice(from - 1, from - 1 + 5000);
        assert.equal(got.length, exp.length);
        for (let i = 0; i < got.length; i++) if (got[i] !== exp[i]) assert.fail(`line ${from + i}: ${JSON.stringify(got[i])} != ${JSON.stringify(exp[i])}`);
      }
      for (let n = want.length; n >= 1; n -= Math.max(1, Math.floor(want.length / 97))) {
        const l = reader.line(n);
        assert.ok(l, `line ${n}`);
        assert.equal(Buffer.from(l.bytes).toString('latin1'), want[n - 1], `line ${n}`);
      }
      assert.deepEqual(reader.textAt([3, 2, want.length, 1].sort((x, y) => x - y)), [want[0], want[1], want[2], want[want.length - 1]]);
    } finally {
      await closeModel(dat);
      await closeModel(txt);
    }
  });
}

/** Every event as a consumer interested in all of them sees it: line, name, variant and decoded fields. */
function probe(): { consumer: EventConsumer; rows: string[] } {
  const rows: string[] = [];
  const consumer: EventConsumer = {
    interest: { prefixes: [''] },
    onEvent(ev: IngestEvent, store: EventStore): void {
      const p = ev.payload;
      let fields = '';
      if (p) for (const f of p.schema.fields) fields += ` ${f.name}=${f.isString ? (p.str[f.slot]! >= 0 ? JSON.stringify(store.strings.get(p.str[f.slot]!)) : '-') : String(p.num[f.slot])}`;
      rows.push(`${ev.line} ${ev.name} ${ev.ts} ${ev.cpu} ${ev.pid} ${store.strings.get(ev.comm)} v${p ? p.variant : 'none'}${fields}`);
    },
  };
  return { consumer, rows };
}

for (const c of cases) {
  test(`trace.dat ingest, ${c.name}: every event's decoded fields (all types decoded in full) are those of the report text's`, async () => {
    const a = probe();
    const b = probe();
    const dat = await DatTextSource.open(await FileSource.open(c.dat()), { deferMeta: true });
    try {
      await ingestDat(dat, { consumers: [a.consumer] });
    } finally {
      await dat.close();
    }
    await ingestFile(c.report, { consumers: [b.consumer] });
    assert.equal(a.rows.length, b.rows.length);
    for (let i = 0; i < a.rows.length; i++) if (a.rows[i] !== b.rows[i]) assert.fail(`event ${i}:\n  dat  ${a.rows[i]}\n  text ${b.rows[i]}`);
  });
}

test('trace.dat ingest: the reader thread and the inline reader build the same model', async () => {
  const file = unpacked(s01, 'trace.dat');
  const inline = await analyzed(file, 0);
  const thread = await analyzed(file, 1);
  try {
    assert.equal(inline.kind, 'trace');
    assert.equal(thread.kind, 'trace');
    if (inline.kind !== 'trace' || thread.kind !== 'trace') return;
    assertSameModel(thread, inline);
    assert.equal((thread.source as DatTextSource).readStats?.decoded, (inline.source as DatTextSource).readStats?.decoded);
  } finally {
    await closeModel(inline);
    await closeModel(thread);
  }
});

test('trace.dat ingest: a file without records is its header line, read back through the model', async () => {
  // The uncompressed v7 sample with every CPU's data size set to 0 in its BUFFER option.
  const file = unpacked(s01, 'trace-v7-none.dat.gz');
  const bytes = readFileSync(file);
  const src = await FileSource.open(file);
  const meta = readDatMeta((o, n) => src.readSync(o, n), src.size, src.name);
  await src.close();
  let patched = 0;
  for (const cpu of meta.buffers[0]!.cpus) {
    const pair = Buffer.alloc(16);
    pair.writeBigUInt64LE(BigInt(cpu.offset), 0);
    pair.writeBigUInt64LE(BigInt(cpu.size), 8);
    const at = bytes.indexOf(pair);
    if (at < 0) continue;
    bytes.writeBigUInt64LE(0n, at + 8);
    patched++;
  }
  assert.equal(patched, meta.buffers[0]!.cpus.length);
  const empty = path.join(tmp, 'no-records.dat');
  writeFileSync(empty, bytes);
  for (const workers of [0, 1]) {
    const model = await analyzed(empty, workers);
    try {
      assert.equal(model.kind, 'trace');
      if (model.kind !== 'trace') return;
      assert.equal(model.ingest.events, 0);
      assert.equal(model.ingest.lines, 1);
      const reader = new LineReader(model.source, model.events.lineIndex, model.ingest.lines);
      assert.deepEqual(reader.text(1, 5), ['cpus=2']);
    } finally {
      await closeModel(model);
    }
  }
});

test('loading the zstd decoder loads no HTTP client and leaves the global fetch as it was (in a fresh process)', () => {
  const decompress = path.join(__dirname, '../../engine/tracedat/decompress.ts');
  const script = `
    const { prepareCodec } = require(${JSON.stringify(decompress)});
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    prepareCodec('zstd').then(() => {
      const after = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
      const undici = process.moduleLoadList.filter((m) => /undici/.test(m));
      console.log(JSON.stringify({ same: before !== undefined && after !== undefined && before.value === after.value && typeof after.value === 'function', undici }));
    });`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { same: boolean; undici: string[] };
  assert.equal(r.same, true, 'fetch is the same function after the decoder loaded');
  assert.deepEqual(r.undici, [], 'no undici module loaded');
});
