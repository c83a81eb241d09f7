// Shared plumbing of the Playwright drivers: the chromium launch, the workbench URL with the `payload`
// parameter (extension loaded from its source folder, like F5 "Run Extension"), a tiny sequential test
// runner, and the results file run.sh adds up. See /work/shared/docs/vscode-e2e.md sections 1-3.
import { writeFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Settings passed in by run.sh through the environment. */
export const env = {
  port: Number(process.env.IOLENS_E2E_PORT ?? 0),
  extDir: process.env.IOLENS_E2E_EXT_DIR ?? '',
  folder: process.env.IOLENS_E2E_FOLDER ?? '',
  shots: process.env.IOLENS_E2E_SHOTS ?? '.vscode-test/shots',
  results: process.env.IOLENS_E2E_RESULTS ?? '',
  chromium: process.env.IOLENS_CHROMIUM ?? '/usr/bin/chromium',
};
for (const [k, v] of Object.entries(env)) if (v === '' || v === 0) throw new Error(`workbench.mjs: ${k} not set (run through run.sh)`);

/**
 * The workbench URL that opens `folder` with the extension at `extDir` loaded as a development extension;
 * `testsPath` (a .js file) additionally runs it as the extension tests module.
 */
export function workbenchUrl({ port = env.port, folder = env.folder, extDir = env.extDir, testsPath } = {}) {
  const authority = `127.0.0.1:${port}`;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extDir}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
  return `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { browser, context, page };
}

/** Writes `{ passed, failed, failures }` for run.sh. */
export function writeResults(results) {
  if (env.results) writeFileSync(env.results, JSON.stringify(results, undefined, 2));
}

/**
 * A minimal sequential runner: each `test(name, fn)` runs in order; a failure is reported, screenshot
 * as `<shots>/FAIL-<n>.png`, and the remaining tests still run (they may fail as a consequence).
 */
export function createRunner(page) {
  const tests = [];
  return {
    test: (name, fn) => tests.push({ name, fn }),
    async run() {
      mkdirSync(env.shots, { recursive: true });
      let passed = 0;
      const failures = [];
      for (const [i, t] of tests.entries()) {
        const t0 = Date.now();
        try {
          await t.fn();
          passed++;
          console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`);
        } catch (err) {
          const message = err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n      ') : String(err);
          failures.push({ title: t.name, error: message });
          console.log(`  ✘ ${t.name} (${Date.now() - t0} ms)\n      ${message}`);
          await page.screenshot({ path: `${env.shots}/FAIL-${String(i + 1).padStart(2, '0')}.png` }).catch(() => undefined);
        }
      }
      const results = { passed, failed: failures.length, failures };
      writeResults(results);
      return results;
    },
  };
}
