/**
 * Rewrites the golden files from the current code: `node --import tsx extension/test/golden/update.ts`.
 * Run it only for a change whose new output you have checked line by line and name in the CHANGELOG;
 * the golden test exists to prove that refactors leave the `iolens analyze` JSON byte-for-byte alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { goldenDir, goldenInputs } from '../unit/helpers/goldenInputs';
import { analyzeJson } from '../unit/helpers/analyzeJson';

async function main(): Promise<void> {
  mkdirSync(goldenDir, { recursive: true });
  for (const input of goldenInputs()) {
    const text = await analyzeJson(input.paths);
    writeFileSync(path.join(goldenDir, `${input.name}.json`), text);
  }
}

void main();
