/**
 * Mocha runner for the tests that run inside a real VS Code extension host (code-server 1.100.3).
 *
 * The workbench loads this module through the `extensionTestsPath` entry of the `payload` URL parameter
 * (see extension/test/e2e/hostTests.mjs) and calls `run()`; a rejected promise makes the workbench call
 * `codeAutomationExit(1)`. run.sh bundles every `*.test.ts` next to this file into `.vscode-test/out/`,
 * where this runner finds them. Counts also go to the JSON file named by `IOLENS_E2E_RESULTS` (set in
 * code-server's environment, which the extension host inherits) so run.sh can print one summary line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface HostResults {
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly { readonly title: string; readonly error: string }[];
}

/** Runs every bundled `*.test.js` in this folder; resolves when all passed. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec' });
  const grep = process.env['IOLENS_E2E_GREP'];
  if (grep !== undefined && grep !== '') mocha.grep(grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    let passed = 0;
    const failures: { title: string; error: string }[] = [];
    const runner = mocha.run((failed) => {
      writeResults({ passed, failed, failures });
      if (failed > 0) reject(new Error(`${failed} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => passed++);
    runner.on('fail', (test, err: unknown) => {
      failures.push({ title: test.fullTitle(), error: err instanceof Error ? err.message : String(err) });
    });
  });
}

/**
 * Suites that depend on what is already open run in this order: activation must see the first trace
 * open, and sniffing must see report.txt and notes.txt opened for the first time. Others follow by name.
 */
const ORDER = ['activation', 'sniffing', 'diagnostics', 'analyze', 'summary'];
function rank(file: string): number {
  const i = ORDER.indexOf(file.replace(/\.test\.js$/, ''));
  return i < 0 ? ORDER.length : i;
}

function writeResults(results: HostResults): void {
  const file = process.env['IOLENS_E2E_RESULTS'];
  if (file === undefined || file === '') return;
  fs.writeFileSync(file, JSON.stringify(results, undefined, 2));
}
