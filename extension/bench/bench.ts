/**
 * `npm run bench`: measures ingest speed and memory.
 *
 *  (a) corpus 06 (1.6 M events): regenerates its `trace-cmd report` text from trace.dat, timing
 *      trace-cmd itself, then times a plain line count and the iolens ingest of that text.
 *  (b) a synthetic trace of at least 1 GB (built here from real report lines) plus 10 MB and 100 MB
 *      ones: ingest time per MB must stay flat, peak RSS at most half the input size.
 *  (c) 100 MB kernel logs (ordinary lines with dumps, and dumps only): parse + blocked-task analysis.
 *
 * Every measurement runs the bundled code (dist/, built first) in a fresh process (peak RSS is per process). Results are printed and saved
 * to bench-results/latest.json. Inputs go to $IOLENS_BENCH_DIR (default: os tmpdir).
 * Environment: IOLENS_BENCH_GB (size of the big synthetic trace, default 1.05), IOLENS_BENCH_RUNS (default 3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSyntheticTrace } from './synthTrace';

const repo = path.resolve(__dirname, '../..');
const corpus = path.resolve(repo, '../shared/corpus');
const workDir = process.env['IOLENS_BENCH_DIR'] ?? path.join(tmpdir(), 'iolens-bench');
const runs = Number(process.env['IOLENS_BENCH_RUNS'] ?? 3);
const bigGB = Number(process.env['IOLENS_BENCH_GB'] ?? 1.05);
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

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, runs };
  execFileSync(process.execPath, [path.join(repo, 'extension/scripts/build.mjs')], { cwd: repo, stdio: 'inherit' });
  console.log(`iolens bench (best of ${runs}; inputs in ${workDir})\n`);

  // (a) corpus 06 regenerated with trace-cmd report.
  const dat = path.join(corpus, '06-large-xfs-randread', 'trace.dat');
  if (existsSync(dat) && ensureTraceCmd()) {
    const txt = path.join(workDir, '06-report.txt');
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
    const speedup = tc.ms / ing.ms;
    const full = best('bench-analyze.js', txt) as Measure & { requests: Record<string, [number, number]> };
    console.log('(a) corpus 06, trace-cmd report text');
    console.log(row('trace-cmd report (produces it)', tc));
    console.log(row('plain line count', wc));
    console.log(row('iolens ingest', ing, `${speedup.toFixed(2)}x trace-cmd`));
    console.log(row('iolens analyze (lifecycles+detectors)', full, `${(tc.ms / full.ms).toFixed(2)}x trace-cmd`));
    console.log(`    requests (total/complete): ${Object.entries(full.requests).map(([l, [t, c]]) => `${l} ${t}/${c}`).join(', ')}`);
    console.log(`    target: ingest >= 5x faster than trace-cmd report: ${speedup >= 5 ? 'MET' : 'NOT MET'} (${speedup.toFixed(2)}x)\n`);
    results['corpus06'] = { traceCmd: tc, lineCount: wc, ingest: ing, analyze: full, speedup };
  } else {
    console.log('(a) skipped: corpus 06 trace.dat or trace-cmd not available\n');
  }

  // (b) synthetic traces.
  const templates = ['01-xfs-buffered-read-uring-eof', '02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '04-btrfs-io-errors', '05b-xfs-blocked-tasks-fsfreeze']
    .map((d) => path.join(corpus, d, 'report.txt'))
    .filter((f) => existsSync(f));
  if (templates.length === 0) throw new Error(`no template traces under ${corpus}`);
  const sizes: [string, number][] = [
    ['10 MB', 10e6],
    ['100 MB', 100e6],
    [`${bigGB} GB`, bigGB * 1e9],
  ];
  console.log('(b) synthetic traces (real report lines, rewritten timestamps)');
  const synth: Record<string, Measure> = {};
  for (const [label, bytes] of sizes) {
    const file = path.join(workDir, `synthetic-${Math.round(bytes / 1e6)}MB.txt`);
    if (!existsSync(file) || Math.abs(statSync(file).size - bytes) > 1e6) await buildSyntheticTrace(templates, file, bytes);
    const m = best('bench-ingest.js', file);
    synth[label] = m;
    const rssRatio = (m.maxRssKB * 1024) / m.bytes;
    console.log(row(`iolens ingest ${label}`, m, `RSS/input ${(rssRatio * 100).toFixed(0)}%`));
  }
  const perMB = Object.values(synth).map((m) => m.ms / mb(m.bytes));
  const flat = Math.max(...perMB) / Math.min(...perMB);
  const big = synth[`${bigGB} GB`]!;
  const rssOk = big.maxRssKB * 1024 <= big.bytes / 2;
  console.log(`    target: time per MB flat within 20% (10 MB .. ${bigGB} GB): ${flat <= 1.2 ? 'MET' : 'NOT MET'} (max/min ${flat.toFixed(2)})`);
  console.log(`    target: peak RSS <= half the input on ${bigGB} GB: ${rssOk ? 'MET' : 'NOT MET'} (${(big.maxRssKB / 1024).toFixed(0)} MB for ${mb(big.bytes).toFixed(0)} MB)`);
  results['synthetic'] = synth;
  results['flatness'] = flat;

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
