/**
 * `npm run bench`: measures ingest speed and memory.
 *
 *  (a) corpus 06 (1.6 M events): regenerates its `trace-cmd report` text from trace.dat, timing
 *      trace-cmd itself, then times a plain line count, the iolens ingest alone and the full analysis
 *      (every tracker and detector, the model kept) of that text.
 *  (b) full analysis of a 100 MB prefix of it, of it, and of 5 time-shifted copies of it (~1 GB): time
 *      per MB must stay flat, peak RSS at most half the input size with the model kept.
 *  (c) 100 MB kernel logs (ordinary lines with dumps, and dumps only): parse + blocked-task analysis.
 *  (d) query latencies on corpus 06's model inside the real engine worker.
 *
 * Every measurement runs the bundled code (dist/, built first) in a fresh process (peak RSS is per process). Results are printed and saved
 * to bench-results/latest.json. Inputs go to $IOLENS_BENCH_DIR (default: os tmpdir).
 * Environment: IOLENS_BENCH_RUNS (default 3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileSource } from '../engine/input/byteSource';
import { DatTextSource } from '../engine/tracedat/datTextSource';
import { buildShiftedCopies } from './shiftedCopies';

const repo = path.resolve(__dirname, '../..');
const corpus = path.resolve(repo, '../shared/corpus');
const workDir = process.env['IOLENS_BENCH_DIR'] ?? path.join(tmpdir(), 'iolens-bench');
const runs = Number(process.env['IOLENS_BENCH_RUNS'] ?? 3);
mkdirSync(workDir, { recursive: true });

interface Measure {
  ms: number;
  maxRssKB: number;
  bytes: number;
  lines: number;
  events?: number;
}

function node(script: string, file: string): Measure {
  const r = spawnSync(process.execPath, [path.join(repo, 'dist', script), file], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

function best(script: string, file: string): Measure {
  let m: Measure | undefined;
  for (let i = 0; i < runs; i++) {
    const x = node(script, file);
    if (!m || x.ms < m.ms) m = { ...x, maxRssKB: Math.max(x.maxRssKB, m?.maxRssKB ?? 0) };
  }
  return m!;
}

function haveTraceCmd(): boolean {
  return spawnSync('trace-cmd', ['--help'], { stdio: 'ignore' }).error === undefined;
}

function ensureTraceCmd(): boolean {
  if (haveTraceCmd()) return true;
  if (process.getuid?.() === 0) {
    console.log('installing trace-cmd (apt-get) ...');
    spawnSync('apt-get', ['install', '-y', '-qq', 'trace-cmd'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return haveTraceCmd();
}

function mb(bytes: number): number {
  return bytes / 1e6;
}

function row(label: string, m: Measure, extra = ''): string {
  const rate = mb(m.bytes) / (m.ms / 1000);
  const evs = m.events !== undefined ? `${((m.events / m.ms) * 1000 / 1e6).toFixed(2)} M events/s` : '';
  return `${label.padEnd(34)} ${(m.ms / 1000).toFixed(3).padStart(8)} s ${rate.toFixed(1).padStart(8)} MB/s ${(m.ms / mb(m.bytes)).toFixed(3).padStart(7)} ms/MB  ${evs.padEnd(18)} peak RSS ${(m.maxRssKB / 1024).toFixed(0).padStart(5)} MB ${extra}`;
}

/** Streams the rendering of a trace.dat and compares it with trace-cmd's text, byte for byte. */
async function sameAsTraceCmd(dat: string, txt: string): Promise<string> {
  const src = await DatTextSource.open(await FileSource.open(dat));
  const fd = openSync(txt, 'r');
  let at = 0;
  let diff = -1;
  try {
    for await (const slice of src.slices(4 * 1024 * 1024)) {
      const want = Buffer.alloc(slice.length);
      const n = readSync(fd, want, 0, slice.length, at);
      if (diff < 0 && (n !== slice.length || !want.equals(slice))) {
        let i = 0;
        while (i < n && want[i] === slice[i]) i++;
        diff = at + i;
      }
      at += slice.length;
    }
  } finally {
    closeSync(fd);
    await src.close();
  }
  const size = statSync(txt).size;
  if (diff < 0 && at === size) return `IDENTICAL (${at} bytes)`;
  return `DIFFERENT at byte ${diff < 0 ? Math.min(at, size) : diff} (rendered ${at} bytes, trace-cmd ${size})`;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, runs };
  execFileSync(process.execPath, [path.join(repo, 'extension/scripts/build.mjs')], { cwd: repo, stdio: 'inherit' });
  console.log(`iolens bench (best of ${runs}; inputs in ${workDir})\n`);

  // (a) corpus 06 regenerated with trace-cmd report, side by side with trace-cmd in the same run.
  const dat = path.join(corpus, '06-large-xfs-randread', 'trace.dat');
  const txt = path.join(workDir, '06-report.txt');
  if (existsSync(dat) && ensureTraceCmd()) {
    let tcBest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      execFileSync('sh', ['-c', `trace-cmd report -i '${dat}' > '${txt}'`]);
      tcBest = Math.min(tcBest, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const size = statSync(txt).size;
    const tc: Measure = { ms: tcBest, bytes: size, lines: 0, maxRssKB: 0 };
    const wc = best('bench-linecount.js', txt);
    const ing = best('bench-ingest.js', txt);
    const full = best('bench-analyze.js', txt) as Measure & { requests: Record<string, [number, number]>; timing?: Record<string, number> };
    const speedup = tc.ms / full.ms;
    console.log('(a) corpus 06, trace-cmd report text (204 MB, 1.62 M events)');
    console.log(row('trace-cmd report (produces it)', tc));
    console.log(row('plain line count', wc));
    console.log(row('iolens ingest only (no analyses)', ing, `${(tc.ms / ing.ms).toFixed(2)}x trace-cmd`));
    console.log(row('iolens analyze (full, model kept)', full, `${speedup.toFixed(2)}x trace-cmd`));
    console.log(`    requests (total/complete): ${Object.entries(full.requests).map(([l, [t, c]]) => `${l} ${t}/${c}`).join(', ')}`);
    if (full.timing) console.log(`    ingest timing (ms): ${Object.entries(full.timing).map(([k, v]) => `${k} ${Number(v).toFixed(0)}`).join(', ')}`);
    console.log(`    target: full analysis >= 5x faster than trace-cmd report: ${speedup >= 5 ? 'MET' : 'NOT MET'} (${speedup.toFixed(2)}x)\n`);
    results['corpus06'] = { traceCmd: tc, lineCount: wc, ingest: ing, analyze: full, speedup };

    // (a2) the same recording read natively from its trace.dat (12 MB, zstd): the rendering must be byte for
    // byte what trace-cmd printed above, and the analysis at least 2x faster than trace-cmd report, at least
    // as fast as analysing the text, with a peak RSS no higher.
    const same = await sameAsTraceCmd(dat, txt);
    const fromDat = best('bench-analyze.js', dat) as Measure & { requests: Record<string, [number, number]>; dat?: { records: number; decoded: number; plansDropped: number } };
    const datSpeedup = tc.ms / fromDat.ms;
    console.log('(a2) corpus 06 read natively from trace.dat (12 MB, file version 7, zstd)');
    console.log(`    rendering of trace.dat vs trace-cmd report's text: ${same}`);
    console.log(row('iolens analyze trace.dat', { ...fromDat, bytes: statSync(dat).size }, `${datSpeedup.toFixed(2)}x trace-cmd, ${(full.ms / fromDat.ms).toFixed(2)}x the text analysis`));
    if (fromDat.dat) console.log(`    records decoded from their binary fields: ${fromDat.dat.decoded} of ${fromDat.dat.records} (the rest rendered and parsed as text); plans dropped: ${fromDat.dat.plansDropped}`);
    console.log(`    requests (total/complete): ${Object.entries(fromDat.requests).map(([l, [t, c]]) => `${l} ${t}/${c}`).join(', ')} (text: ${Object.entries(full.requests).map(([l, [t, c]]) => `${l} ${t}/${c}`).join(', ')})`);
    console.log(`    target: >= 2x faster than trace-cmd report: ${datSpeedup >= 2 ? 'MET' : 'NOT MET'} (${datSpeedup.toFixed(2)}x); at least as fast as the text: ${fromDat.ms <= full.ms ? 'MET' : 'NOT MET'}; peak RSS <= the text's: ${fromDat.maxRssKB <= full.maxRssKB ? 'MET' : 'NOT MET'} (${(fromDat.maxRssKB / 1024).toFixed(0)} MB vs ${(full.maxRssKB / 1024).toFixed(0)} MB)\n`);
    results['corpus06Dat'] = { analyze: fromDat, speedup: datSpeedup, vsText: full.ms / fromDat.ms, sameText: same };

    // (b) 100 MB (a prefix of corpus 06), 204 MB, and ~1 GB (5 time-shifted copies): time per MB and RSS.
    const prefix = path.join(workDir, '06-prefix-100MB.txt');
    if (!existsSync(prefix)) {
      const buf = readFileSync(txt);
      const cut = buf.lastIndexOf(10, 100e6) + 1;
      writeFileSync(prefix, buf.subarray(0, cut));
    }
    const big = path.join(workDir, '06-x5.txt');
    if (!existsSync(big) || statSync(big).size < 5 * size) await buildShiftedCopies(txt, big, 5);
    console.log('(b) full analysis by size (model kept, as a session keeps it)');
    const bySize: Record<string, Measure> = {};
    for (const [label, file] of [['100 MB (corpus 06 prefix)', prefix], ['204 MB (corpus 06)', txt], ['1 GB (5 shifted copies)', big]] as const) {
      const m = label.startsWith('204') ? full : best('bench-analyze.js', file);
      bySize[label] = m;
      console.log(row(`iolens analyze ${label}`, m, `RSS/input ${(((m.maxRssKB * 1024) / m.bytes) * 100).toFixed(0)}%`));
    }
    const perMB = Object.values(bySize).map((m) => m.ms / mb(m.bytes));
    const flat = Math.max(...perMB) / Math.min(...perMB);
    const gb = bySize['1 GB (5 shifted copies)']!;
    console.log(`    target: time per MB within 20% from 100 MB to 1 GB: ${flat <= 1.2 ? 'MET' : 'NOT MET'} (max/min ${flat.toFixed(2)})`);
    console.log(`    target: peak RSS <= 0.5x the input on 1 GB: ${gb.maxRssKB * 1024 <= gb.bytes / 2 ? 'MET' : 'NOT MET'} (${(gb.maxRssKB / 1024).toFixed(0)} MB for ${mb(gb.bytes).toFixed(0)} MB, ${((gb.maxRssKB * 1024) / gb.bytes).toFixed(2)}x)\n`);
    results['bySize'] = bySize;
    results['flatness'] = flat;

    // (d) queries on corpus 06's model inside the real engine worker (round trip from the host side).
    const q = spawnSync(process.execPath, [path.join(repo, 'dist', 'bench-query.js'), txt], { cwd: repo, encoding: 'utf8' });
    if (q.status === 0) {
      const r = JSON.parse(q.stdout.trim().split('\n').pop()!) as Record<string, { p50: number; p95: number; n: number }>;
      console.log('(d) queries on corpus 06 in the engine worker (ms, round trip)');
      for (const [k, lim] of [['eventAndChain', 2], ['page200', 10], ['page200Text', 10], ['rowIndexOfLine', 10], ['timelineFull', 10], ['timelineZoomed', 10], ['overview', 10], ['latencyHistogram', 50]] as const) {
        const x = r[k]!;
        console.log(`    ${k.padEnd(20)} n ${String(x.n).padStart(4)}  p50 ${x.p50.toFixed(3).padStart(8)}  p95 ${x.p95.toFixed(3).padStart(8)}  target p95 <= ${lim} ms: ${x.p95 <= lim ? 'MET' : 'NOT MET'}`);
      }
      const f = r['firstFilterScan']!;
      console.log(`    first scan of a new filter (1.62 M rows): p50 ${f.p50.toFixed(1)} ms, max ${(f as unknown as { max: number }).max.toFixed(1)} ms`);
      const t = r['firstTextScan'] as unknown as { p50: number; max: number; totals: number[] };
      console.log(`    first scan of a text filter (lines read again): p50 ${t.p50.toFixed(1)} ms, max ${t.max.toFixed(1)} ms (matches ${t.totals.join(', ')})`);
      const tb = r['timelineIndexBuild'] as unknown as { device: number; task: number; lanes: number };
      const tf = r['timelineFull'] as unknown as { bars: number; requests: number };
      console.log(`    timeline index built on first use: by device ${tb.device.toFixed(1)} ms (${tb.lanes} lanes), by task ${tb.task.toFixed(1)} ms; whole trace at 1200 px: ${tf.requests} requests in ${tf.bars} bars and buckets\n`);
      results['queries'] = r;
    } else console.log(`(d) query bench failed: ${q.stderr}\n`);
  } else {
    console.log('(a, b, d) skipped: corpus 06 trace.dat or trace-cmd not available\n');
  }

  // (c) kernel logs: 100 MB of ordinary dmesg lines with a hung-task round every 200k lines, and 100 MB
  // made only of hung-task reports (samples/21's round repeated: ~49k tasks), read by the kernel-log parser.
  console.log('\n(c) kernel logs (100 MB), parse + blocked-task analysis');
  const dump = readFileSync(path.join(repo, 'samples', '21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt'), 'utf8');
  const logs: Record<string, Measure> = {};
  for (const [label, everyLines] of [['mixed', 200_000], ['dumps only', 0]] as const) {
    const file = path.join(workDir, `klog-${label.replace(' ', '-')}.txt`);
    if (!existsSync(file)) writeFileSync(file, syntheticLog(dump, everyLines, 100 * 1024 * 1024));
    const m = best('bench-analyze.js', file);
    logs[label] = m;
    console.log(row(`iolens kernel log (${label})`, m));
  }
  results['kernelLogs'] = logs;
  mkdirSync(path.join(repo, 'bench-results'), { recursive: true });
  writeFileSync(path.join(repo, 'bench-results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nsaved bench-results/latest.json`);
}

/** Ordinary dmesg lines with `dump` inserted every `every` lines (0: the dump only), up to `bytes`. */
function syntheticLog(dump: string, every: number, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let t = 1;
  for (let i = 1; size < bytes; i++) {
    if (every === 0) {
      parts.push(dump);
      size += dump.length;
      continue;
    }
    t += 0.001;
    const line = `[${t.toFixed(6).padStart(12)}] usb 1-1: new high-speed USB device number ${i % 128} using xhci_hcd\n`;
    parts.push(line);
    size += line.length;
    if (i % every === 0) {
      parts.push(dump);
      size += dump.length;
    }
  }
  return parts.join('');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
