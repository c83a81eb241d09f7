// Golden: `iolens analyze --format json` of every sample and corpus file (and the log + trace groups)
// is byte-for-byte what extension/test/golden/ holds. The goldens were written before the columnar model
// and trace sessions (issue 8) by extension/test/golden/update.ts; a change to them must be a fix named
// in the CHANGELOG. Corpus 06's 204 MB report is regenerated with trace-cmd when it is installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeJson } from './helpers/analyzeJson';
import { goldenDir, goldenInputs } from './helpers/goldenInputs';
import { corpusDir } from './helpers/paths';

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}:\n  got:      ${al[i] ?? '(end)'}\n  expected: ${bl[i] ?? '(end)'}`;
  }
  return 'equal';
}

for (const input of goldenInputs()) {
  test(`golden analyze JSON: ${input.paths.join(' ')}`, async () => {
    const expected = readFileSync(path.join(goldenDir, `${input.name}.json`), 'utf8');
    const got = await analyzeJson(input.paths);
    if (got !== expected) assert.fail(firstDifference(got, expected));
  });
}

const dat06 = path.join(corpusDir, '06-large-xfs-randread', 'trace.dat');
const haveTraceCmd = spawnSync('trace-cmd', ['--help'], { stdio: 'ignore' }).error === undefined;
test('golden analyze JSON: corpus 06 trace-cmd report (204 MB, regenerated)', { skip: !existsSync(dat06) || !haveTraceCmd ? 'needs corpus 06 and trace-cmd' : false }, async () => {
  const txt = path.join(tmpdir(), 'iolens-golden-06-report.txt');
  if (!existsSync(txt) || statSync(txt).size !== 203840045) execFileSync('sh', ['-c', `trace-cmd report -i '${dat06}' > '${txt}'`]);
  const expected = readFileSync(path.join(goldenDir, 'corpus06-report.json'), 'utf8');
  const got = (await analyzeJson([txt])).split(JSON.stringify(txt)).join('"06-report.txt"');
  if (got !== expected) assert.fail(firstDifference(got, expected));
});
