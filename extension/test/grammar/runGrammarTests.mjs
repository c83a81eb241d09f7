// Grammar test entry point (`npm run test:grammar`).
// 1. Runs vscode-tmgrammar-test over grammars/tests/* with both grammars loaded (assertion tests).
// 2. Runs the smoke/performance checks in smokeTest.mjs (no pathological regex backtracking).
// Prints a summary and exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './tokenizer.mjs';
import { runSmokeTests } from './smokeTest.mjs';

const require = createRequire(import.meta.url);
const cli = join(require.resolve('vscode-tmgrammar-test/package.json'), '..', 'dist', 'unit.js');
const testDir = join(repoRoot, 'grammars', 'tests');

// Count assertion lines so the summary says how much was checked.
const files = readdirSync(testDir).filter((f) => /\.(trace|dmesg)$/.test(f));
let assertions = 0;
for (const f of files) {
  const lines = readFileSync(join(testDir, f), 'utf8').split(/\r?\n/);
  const token = /^(\S+)\s+SYNTAX\s+TEST/.exec(lines[0] ?? '')?.[1];
  if (token === undefined) continue;
  assertions += lines.slice(1).filter((l) => l.startsWith(token) && /^\s*(\^|<~*-+)/.test(l.slice(token.length))).length;
}

console.log(`== vscode-tmgrammar-test: ${files.length} files, ${assertions} assertion lines`);
const unit = spawnSync(
  process.execPath,
  [cli, '-c', '-g', 'grammars/ftrace.tmLanguage.json', '-g', 'grammars/kernel-log.tmLanguage.json', 'grammars/tests/*.test.*'],
  { cwd: repoRoot, stdio: 'inherit' },
);
const unitOk = unit.status === 0;
if (unit.error) console.error(`cannot run vscode-tmgrammar-test: ${unit.error.message}`);

console.log('== smoke / performance');
const smoke = await runSmokeTests();
for (const m of smoke.messages) console.log(m);

console.log('== summary');
console.log(`grammar assertion tests: ${unitOk ? 'passed' : 'FAILED'} (${files.length} files, ${assertions} assertion lines)`);
console.log(`smoke/perf checks: ${smoke.passed} passed, ${smoke.failed} failed`);
process.exit(unitOk && smoke.failed === 0 ? 0 : 1);
