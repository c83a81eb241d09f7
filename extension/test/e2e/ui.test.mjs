// Playwright UI smoke test against a real VS Code (code-server) with iolens loaded from its source folder:
// what the API cannot see — the language mode and iolens items in the status bar, the Problems panel,
// the command palette and the summary webview's DOM. Screenshots go to $IOLENS_E2E_SHOTS.
// Run through run.sh (it starts code-server and sets the IOLENS_E2E_* variables).
import { expected } from './expected.mjs';
import { iolens, keys, summary, wb } from './selectors.mjs';
import { createRunner, env, launchBrowser, workbenchUrl } from './workbench.mjs';

const { browser, page } = await launchBrowser();
const { test, run } = createRunner(page);
const shot = (name) => page.screenshot({ path: `${env.shots}/${name}.png` });

/** Ctrl+P / F1 quick input: type, then click the matching row (Enter would take the first row). */
async function quickInput(key, text, rowText) {
  await page.keyboard.press(key);
  const input = page.locator(wb.quickInputBox);
  await input.waitFor();
  await input.fill(text);
  await page.locator(wb.quickInputRow, { hasText: rowText }).first().click();
  await input.waitFor({ state: 'hidden' });
}

test('workbench loads with the fixtures folder and the development extension', async () => {
  await page.goto(workbenchUrl());
  await page.locator(wb.workbench).waitFor();
  await page.locator(wb.explorerRow, { hasText: 'malformed.trace' }).waitFor();
  await page.waitForFunction(() => document.title.includes('Extension Development Host'), undefined, { timeout: 30_000 });
  await shot('01-workbench');
});

test('opening malformed.trace via Ctrl+P shows the ftrace language mode', async () => {
  await quickInput(keys.quickOpen, 'malformed.trace', 'malformed.trace');
  await page.locator(wb.activeEditorTab, { hasText: 'malformed.trace' }).waitFor();
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
});

test('the iolens status bar item shows the event count', async () => {
  const item = page.locator(wb.statusItem, { hasText: new RegExp(`^\\s*${iolens.statusPrefix}`) }).first();
  await item.waitFor();
  const text = await item.innerText();
  if (!new RegExp(`${iolens.statusPrefix}: ${expected.malformedEvents} events`).test(text)) {
    throw new Error(`status bar item says "${text}", expected "${iolens.statusPrefix}: ${expected.malformedEvents} events"`);
  }
  await shot('02-malformed-trace');
});

test('the Problems panel lists the parse errors with their line numbers', async () => {
  await page.keyboard.press(keys.problems);
  await page.locator(wb.markersRow, { hasText: 'iolens' }).first().waitFor();
  // Rows render lazily; wait until every expected line shows up in the rows' aria labels.
  const want = expected.parseErrorLines.map((l) => `at line ${l} `);
  await page.waitForFunction(
    ({ sel, want }) => {
      const labels = [...document.querySelectorAll(sel)].map((e) => e.getAttribute('aria-label') ?? '');
      return want.every((w) => labels.some((l) => l.startsWith('Error:') && l.includes(w)));
    },
    { sel: wb.markersRow, want },
    { timeout: 30_000 },
  );
  const labels = await page.locator(wb.markersRow).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const errorLines = labels
    .filter((l) => l.startsWith('Error:'))
    .map((l) => Number(/ at line (\d+) /.exec(l)?.[1]))
    .sort((a, b) => a - b);
  if (JSON.stringify(errorLines) !== JSON.stringify(expected.parseErrorLines)) {
    throw new Error(`error rows at lines ${errorLines.join(', ')}; expected ${expected.parseErrorLines.join(', ')}\n${labels.join('\n')}`);
  }
  const lost = labels.filter((l) => l.startsWith('Warning:') && l.includes(`at line ${expected.lostLine} `));
  if (lost.length === 0) throw new Error(`no warning row at line ${expected.lostLine}:\n${labels.join('\n')}`);
  await page.waitForTimeout(300); // let the panel finish its reveal animation before the screenshot
  await shot('03-problems');
});

test('"iolens: Show Trace Summary" opens the summary webview with the event counts', async () => {
  await quickInput(keys.commandPalette, `>${iolens.commands.showSummary}`, iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle('malformed.trace') }).waitFor();
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).frameLocator(wb.webviewInner);
  const table = view.locator(summary.table);
  await table.waitFor();
  // Every event name of the fixture appears in the table next to its count.
  for (const [name, count] of Object.entries(expected.malformedCounts)) {
    const row = view.locator(summary.rows, { hasText: name }).first();
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    if (!new RegExp(`\\b${count.toLocaleString('en-US').replace(/,/g, '[,. ]?')}\\b`).test(text)) {
      throw new Error(`summary row for ${name} reads "${text}", expected the count ${count}`);
    }
  }
  await page.waitForTimeout(300);
  await shot('04-summary-webview');
});

let results;
try {
  results = await run();
} finally {
  await browser.close();
}
console.log(`UI: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
