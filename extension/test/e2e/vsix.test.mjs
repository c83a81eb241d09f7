// The packaged extension end to end: run.sh packages iolens (`npm run package`), installs the .vsix into a
// fresh profile with `code-server --install-extension` and starts a code-server WITHOUT the extension
// development path; this test then checks in the browser that the installed copy works like the
// development one: it activates on a trace (language mode, status bar item), publishes diagnostics (the
// Problems panel), answers hovers (its engine worker bundle is in the package) and opens the summary
// webview (its webview bundle is in the package). Expected values come from the fixtures (expected.mjs).
// Usage (through run.sh): node vsix.test.mjs <version>
import { expected } from './expected.mjs';
import { parseEvent, rawLines } from './rawFixtures.mjs';
import { iolens, keys, summary, wb } from './selectors.mjs';
import { createRunner, env, launchBrowser, workbenchDriver, workbenchUrl } from './workbench.mjs';
import * as path from 'node:path';

const version = process.argv[2];
if (!version) throw new Error('usage: node vsix.test.mjs <version of the installed extension>');
const { browser, page } = await launchBrowser();
const { test, run } = createRunner(page);
const drv = workbenchDriver(page, wb, keys);
const shot = (name) => page.screenshot({ path: `${env.shots}/vsix-${name}.png` });

test('the workbench opens the fixtures folder without a development extension', async () => {
  await page.goto(workbenchUrl({ development: false }));
  await page.locator(wb.workbench).waitFor();
  await page.locator(wb.explorerRow, { hasText: 'malformed.trace' }).waitFor();
  const title = await page.title();
  if (title.includes('Extension Development Host')) throw new Error(`the window is an Extension Development Host ("${title}"): the installed copy is not what runs`);
});

test(`the Extensions view lists iolens ${version} as installed`, async () => {
  // Ctrl+Shift+X opens the Extensions view without the palette (whose command list may still be loading
  // right after the workbench starts on a busy machine); the palette is the fallback.
  await page.keyboard.press('Control+Shift+X');
  const opened = await page.locator(wb.extensionsSearch).first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
  if (!opened) await drv.command(wb.commands.focusExtensions);
  // The query is typed again until the row shows: on a fresh machine the view may still be restoring its own
  // state (and clearing its search box) when the first query is typed, and then lists nothing for it.
  const row = page.locator(wb.extensionRow, { hasText: iolens.displayName }).first();
  let found = false;
  for (let attempt = 0; attempt < 6 && !found; attempt++) {
    await page.locator(wb.extensionsSearch).first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(attempt % 2 === 0 ? `@installed ${iolens.extensionId}` : `@installed`);
    // The row's accessible name carries the installed version ("iolens: …, 0.5.0, Publisher iolens, …"). It
    // is read rather than clicked: on a busy machine the list keeps re-rendering the row (runtime status
    // updates), and a click waits for a stable element that never comes.
    found = await row.waitFor({ timeout: 15_000 }).then(() => true, () => false);
  }
  if (!found) {
    await shot('01-installed-missing');
    throw new Error('the Extensions view never listed iolens under @installed (screenshot vsix-01-installed-missing.png)');
  }
  const label = (await row.getAttribute('aria-label')) ?? '';
  if (!label.includes(`, ${version},`)) throw new Error(`the installed iolens row reads "${label.slice(0, 200)}", expected version ${version}`);
  await shot('01-installed');
  await drv.command(wb.commands.closeAllEditors);
});

test('opening malformed.trace activates the installed extension: language mode and the iolens status bar item', async () => {
  await drv.quickInput(keys.quickOpen, 'malformed.trace', 'malformed.trace');
  await page.locator(wb.activeEditorTab, { hasText: 'malformed.trace' }).waitFor();
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  const item = page.locator(wb.statusItem, { hasText: new RegExp(`^\\s*${iolens.statusPrefix}: `) }).first();
  await item.waitFor({ timeout: 60_000 });
  const want = `${iolens.statusPrefix}: ${expected.malformedEvents} events`;
  await page.locator(wb.statusItem, { hasText: want }).first().waitFor({ timeout: 30_000 }).catch(async () => {
    throw new Error(`the status bar item says "${await item.innerText()}", expected "${want}…"`);
  });
});

test('the Problems panel shows the parse errors of malformed.trace on their lines', async () => {
  await drv.command(wb.commands.focusProblems);
  const want = JSON.stringify(expected.parseErrorLines);
  let got = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    got = await page.locator(wb.markersRow).evaluateAll((els) =>
      els
        .map((e) => (e.textContent ?? '').replace(/\s+/g, ' '))
        .filter((t) => /iolens\(?parse-error\b/.test(t))
        .map((t) => Number(/\[Ln (\d+), Col \d+\]/.exec(t)?.[1]))
        .sort((a, b) => a - b),
    );
    if (JSON.stringify(got) === want) break;
    await page.waitForTimeout(200);
  }
  if (JSON.stringify(got) !== want) throw new Error(`parse-error problems on lines ${got.join(', ') || 'none'}, expected ${expected.parseErrorLines.join(', ')}`);
  await page.waitForTimeout(300);
  await shot('02-problems');
  await drv.command(wb.commands.hidePanel);
});

test('a hover on an event line of kernel.trace answers from the packaged engine worker', async () => {
  const lines = rawLines(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'kernel.trace'));
  const n = lines.findIndex((l) => parseEvent(l) !== undefined) + 1;
  const { event, comm, pid } = parseEvent(lines[n - 1]);
  const ts = /\s(\d+\.\d+):/.exec(lines[n - 1])[1];
  await drv.quickInput(keys.quickOpen, 'kernel.trace', 'kernel.trace');
  await page.locator(wb.activeEditorTab, { hasText: 'kernel.trace' }).waitFor();
  await page.locator(wb.statusItem, { hasText: /^\s*iolens: [\d,]+ events/ }).first().waitFor({ timeout: 60_000 });
  await drv.goToLine(n);
  await drv.settled();
  const { part } = await drv.hover(n, event);
  // The line's task, pid and time as the raw line has them (the event name is iolens's: sys_read -> is sys_exit_read).
  const text = await part.innerText();
  for (const want of [`${comm} pid ${pid}`, `${ts} s`]) if (!text.includes(want)) throw new Error(`the hover of line ${n} does not show "${want}":\n${text.slice(0, 600)}`);
  await page.waitForTimeout(300);
  await shot('03-hover');
  await drv.mouseAway();
});

test('"iolens: Show Panel" opens the summary webview from the packaged webview bundle', async () => {
  await drv.command(iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle('kernel.trace') }).waitFor();
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator(summary.table).waitFor({ timeout: 30_000 });
  const rows = await view.locator(summary.rows).count();
  if (rows < 2) throw new Error(`the summary table has ${rows} rows`);
  await page.waitForTimeout(300);
  await shot('04-summary');
});

let results;
try {
  results = await run();
} finally {
  await browser.close();
}
console.log(`VSIX: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
