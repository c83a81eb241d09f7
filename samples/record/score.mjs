#!/usr/bin/env node
// score.mjs [--json] [SAMPLE-PREFIX...] - precision and recall of iolens' findings per kind over the samples.
//
// For every sample whose expected.json has `findingTruthFiles`, runs `node dist/cli.js analyze FILE --format json` on
// each of those files (one analysis per file; run `npm run build` first) and matches the findings of that file to
// `findingTruth` (written by record/expected.py from the raw files, see record/finding_truth.py) by (file, kind,
// line). A finding of the right kind on another line counts as one false positive and one false negative. A file
// with no truth entries counts for precision: every finding on it is a false positive. parse-error findings that
// cover a run of lines (details.lastLine / details.endLine) count once per line, as the truth lists lines.
// Prints per kind TP, FP, FN, precision and recall, then every mismatch (file, kind, line, message head / why).
// --json prints the same as one JSON object. SAMPLE-PREFIX arguments (`20`, `36-klog`) restrict the samples.
// No dependencies; does not touch the samples.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.dirname(here);
const root = path.dirname(samples);
const cli = path.join(root, 'dist', 'cli.js');
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));

if (!existsSync(cli)) {
  console.error(`score.mjs: ${path.relative(process.cwd(), cli)} not found: run npm run build first`);
  process.exit(2);
}

/** The catalog order of the kinds (extension/engine/contracts/findingKinds.ts), read as text: no build step needed. */
function kindOrder() {
  const src = readFileSync(path.join(root, 'extension', 'engine', 'contracts', 'findingKinds.ts'), 'utf8');
  const body = src.slice(src.indexOf('FINDING_KINDS = {'));
  return [...body.matchAll(/^\s+'([a-z-]+)': \{/gm)].map((m) => m[1]);
}

/** The inputs to score: [{ sample, file, truth: [{kind, line, why}] }]. */
function inputs() {
  const out = [];
  for (const sample of readdirSync(samples).sort()) {
    const exp = path.join(samples, sample, 'expected.json');
    if (!existsSync(exp) || (only.length > 0 && !only.some((o) => sample.startsWith(o)))) continue;
    const e = JSON.parse(readFileSync(exp, 'utf8'));
    if (!Array.isArray(e.findingTruthFiles)) continue;
    for (const file of e.findingTruthFiles) {
      out.push({ sample, file, truth: (e.findingTruth ?? []).filter((t) => t.file === file) });
    }
  }
  return out;
}

/** The findings of one file as (kind, line, message) keys, parse-error runs expanded to their lines. */
async function analyse(sample, file) {
  const rel = path.join('samples', sample, file);
  let stdout;
  try {
    ({ stdout } = await run(process.execPath, [cli, 'analyze', rel, '--format', 'json'], { cwd: root, maxBuffer: 1 << 30 }));
  } catch (err) {
    // analyze exits non-zero when it reports findings of severity error; its JSON is still on stdout
    if (!err.stdout) throw err;
    stdout = err.stdout;
  }
  const report = JSON.parse(stdout);
  const out = [];
  for (const f of report.findings) {
    if (path.basename(f.file) !== file) continue;
    const last = f.kind === 'parse-error' ? Number(f.details?.lastLine ?? f.details?.endLine ?? f.line) : f.line;
    for (let l = f.line; l <= Math.max(f.line, last); l++) out.push({ kind: f.kind, line: l, message: f.message });
  }
  return out;
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

const list = inputs();
const found = await pool(list, Math.max(1, Math.min(8, cpus().length)), (x) => analyse(x.sample, x.file));

const stats = new Map();
const stat = (kind) => {
  let s = stats.get(kind);
  if (!s) stats.set(kind, (s = { tp: 0, fp: 0, fn: 0 }));
  return s;
};
for (const k of kindOrder()) stat(k);
const mismatches = [];
list.forEach((x, i) => {
  const where = `${x.sample}/${x.file}`;
  const want = new Map();
  for (const t of x.truth) {
    const key = `${t.kind}:${t.line}`;
    want.set(key, [...(want.get(key) ?? []), t]);
  }
  for (const f of found[i]) {
    const key = `${f.kind}:${f.line}`;
    const left = want.get(key);
    if (left && left.length > 0) {
      left.shift();
      stat(f.kind).tp++;
    } else {
      stat(f.kind).fp++;
      mismatches.push({ type: 'FP', file: where, kind: f.kind, line: f.line, text: f.message.slice(0, 140) });
    }
  }
  for (const ts of want.values()) {
    for (const t of ts) {
      stat(t.kind).fn++;
      mismatches.push({ type: 'FN', file: where, kind: t.kind, line: t.line, text: t.why.slice(0, 140) });
    }
  }
});

const ratio = (a, b) => (b === 0 ? null : a / b);
const kinds = {};
const total = { tp: 0, fp: 0, fn: 0 };
for (const [kind, s] of stats) {
  kinds[kind] = { ...s, precision: ratio(s.tp, s.tp + s.fp), recall: ratio(s.tp, s.tp + s.fn) };
  total.tp += s.tp;
  total.fp += s.fp;
  total.fn += s.fn;
}
const all = { ...total, precision: ratio(total.tp, total.tp + total.fp), recall: ratio(total.tp, total.tp + total.fn) };

if (asJson) {
  process.stdout.write(`${JSON.stringify({ files: list.length, kinds, all, mismatches }, null, 1)}\n`);
} else {
  const pct = (x) => (x === null ? 'n/a' : x.toFixed(3));
  const rows = [['kind', 'TP', 'FP', 'FN', 'precision', 'recall'], ...Object.entries(kinds).map(([k, s]) => [k, s.tp, s.fp, s.fn, pct(s.precision), pct(s.recall)]),
    ['all', all.tp, all.fp, all.fn, pct(all.precision), pct(all.recall)]];
  const width = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((v, c) => (c === 0 ? String(v).padEnd(width[c]) : String(v).padStart(width[c]))).join('  ');
  console.log(`${list.length} files of ${new Set(list.map((x) => x.sample)).size} samples`);
  console.log(line(rows[0]));
  for (const r of rows.slice(1)) console.log(line(r));
  if (mismatches.length > 0) {
    console.log(`\nmismatches (FP: reported, not in findingTruth; FN: in findingTruth, not reported)`);
    for (const m of mismatches.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.type.localeCompare(b.type))) {
      console.log(`${m.type} ${m.file}:${m.line} ${m.kind}: ${m.text}`);
    }
  }
}
