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
 * Run: node --import tsx extension/test/e2e/makeTraces.ts (idempotent: sizes are checked).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
}

void main();
