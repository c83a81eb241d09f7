/**
 * Rewrites the golden files from the current code: `node --import tsx extension/test/golden/update.ts`.
 * Run it only for a change whose new output you have checked line by line and name in the CHANGELOG;
 * the golden test exists to prove that refactors leave the `iolens analyze` JSON byte-for-byte alone.
 * Corpus 06's 204 MB report is regenerated with trace-cmd (as the golden test does) when both are here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { goldenDir, goldenInputs } from '../unit/helpers/goldenInputs';
import { analyzeJson } from '../unit/helpers/analyzeJson';
import { corpusDir } from '../unit/helpers/paths';

/** Corpus 06's `trace-cmd report`, analysed under the name the golden uses (`06-report.txt`). */
async function corpus06(): Promise<void> {
  const dat = path.join(corpusDir, '06-large-xfs-randread', 'trace.dat');
  if (!existsSync(dat) || spawnSync('trace-cmd', ['--help'], { stdio: 'ignore' }).error !== undefined) {
    process.stderr.write('corpus06-report.json not rewritten: needs corpus 06 and trace-cmd\n');
    return;
  }
  const txt = path.join(tmpdir(), 'iolens-golden-06-report.txt');
  if (!existsSync(txt) || statSync(txt).size !== 203840045) execFileSync('sh', ['-c', `trace-cmd report -i '${dat}' > '${txt}'`]);
  const text = (await analyzeJson([txt])).split(JSON.stringify(txt)).join('"06-report.txt"');
  writeFileSync(path.join(goldenDir, 'corpus06-report.json'), text);
}

async function main(): Promise<void> {
  mkdirSync(goldenDir, { recursive: true });
  for (const input of goldenInputs()) {
    const text = await analyzeJson(input.paths);
    writeFileSync(path.join(goldenDir, `${input.name}.json`), text);
  }
  await corpus06();
}

void main();
