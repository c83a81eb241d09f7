/**
 * Builds the generated fixtures of the VS Code tests (never committed; `fixtures/generated/` is ignored):
 *  - `large-nowait.txt`: 240 time-shifted copies of samples/10's `trace-cmd report` (~56 MB, above VS Code's
 *    50 MB limit for extension documents): the large-trace view;
 *  - `medium-nowait.txt`: 170 copies (~40 MB): an ordinary document for the "diagnostics after open" timing.
 * Each copy keeps the sample's two short reads and its NOWAIT retry, so the expected findings scale with
 * the copies.
 *  - `hostile-names.trace`: samples/10's kernel text with two tasks renamed to hostile text: pid 3039
 *    (its preadv2 short read) becomes `<img src=x onerror=alert(1)>` and pid 3047 (its io_uring short read)
 *    becomes `[pwn](command:workbench.action.quit)`, so a hover and a finding message carry HTML and markdown
 *    link syntax that must be shown as text.
 *  - `many-hung-tasks.log`: fixtures/hung-tasks.log (four real hung-task reports of samples/21) with each
 *    report repeated MANY_COPIES times under new pids (copy k of pid P is pid P*1000+k) and later
 *    timestamps: hundreds of blocked tasks that share four culprits, for the collapsed wait-for graph.
 *  - `xfs-recording.bin`: fixtures/trace.dat (samples/01's trace-cmd trace.dat) under a name that does not
 *    say what it is: a trace.dat is found by its magic bytes, not by its extension.
 * Run: node --import tsx extension/test/e2e/makeTraces.ts (idempotent: sizes are checked).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildShiftedCopies } from '../../bench/shiftedCopies';

const repo = path.resolve(__dirname, '../../..');
const src = path.join(repo, 'samples', '10-nowait-partial-read', 'report.txt');
const out = path.join(__dirname, 'fixtures', 'generated');

export const GENERATED = [
  { name: 'large-nowait.txt', copies: 240 },
  { name: 'medium-nowait.txt', copies: 170 },
];

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const srcSize = statSync(src).size;
  for (const g of GENERATED) {
    const file = path.join(out, g.name);
    // Within one copy of the expected size: the header is written once, so the size is a little below copies x source.
    if (existsSync(file) && Math.abs(statSync(file).size - g.copies * srcSize) < srcSize) continue;
    await buildShiftedCopies(src, file, g.copies);
    console.log(`made ${path.relative(repo, file)} (${(statSync(file).size / 1e6).toFixed(1)} MB, ${g.copies} copies)`);
  }
  const hostile = path.join(out, 'hostile-names.trace');
  const text = readFileSync(path.join(repo, 'samples', '10-nowait-partial-read', 'trace.txt'), 'utf8')
    .replace(/^( *)pread_nowait-3039 /gm, '$1<img src=x onerror=alert(1)>-3039 ')
    .replace(/^( *)uring_nowait-3047 /gm, '$1[pwn](command:workbench.action.quit)-3047 ');
  if (!existsSync(hostile) || readFileSync(hostile, 'utf8') !== text) writeFileSync(hostile, text);
  const many = path.join(out, 'many-hung-tasks.log');
  const manyText = manyHungTasks(readFileSync(path.join(__dirname, 'fixtures', 'hung-tasks.log'), 'utf8'), MANY_COPIES);
  if (!existsSync(many) || readFileSync(many, 'utf8') !== manyText) writeFileSync(many, manyText);
  const dat = path.join(__dirname, 'fixtures', 'trace.dat');
  const renamed = path.join(out, 'xfs-recording.bin');
  if (!existsSync(renamed) || !readFileSync(renamed).equals(readFileSync(dat))) copyFileSync(dat, renamed);
}

export const MANY_COPIES = 100;

/** Each hung-task report of `log` repeated `copies` times with new pids and timestamps 10 s apart per round. */
export function manyHungTasks(log: string, copies: number): string {
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const starts = lines.flatMap((l, i) => (/INFO: task \S+:\d+ blocked for more than/.test(l) ? [i] : []));
  const reports = starts.map((s, k) => lines.slice(s, starts[k + 1] ?? lines.length));
  const out: string[] = [];
  for (let c = 0; c < copies; c++) {
    for (const r of reports) {
      const pid = /INFO: task \S+:(\d+) blocked/.exec(r[0]!)![1]!;
      const to = String(Number(pid) * 1000 + c);
      const word = new RegExp(`\\b${pid}\\b`, 'g');
      for (const l of r) {
        const shifted = l.replace(/^\[\s*(\d+)\.(\d{6})\]/, (_m, sec: string, us: string) => `[${String(Number(sec) + 10 * c).padStart(5)}.${us}]`);
        out.push(shifted.replace(word, to));
      }
    }
  }
  return out.join('\n') + '\n';
}

// Imported by unit tests for manyHungTasks: build only when run as a script.
if (require.main === module) void main();
