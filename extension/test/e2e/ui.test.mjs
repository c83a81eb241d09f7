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

test('the Problems panel lists the parse errors and the lost events with their line numbers', async () => {
  await page.keyboard.press(keys.problems);
  await page.locator(wb.markersRow, { hasText: 'iolens' }).first().waitFor();
  // Rows render lazily, so poll. A row's text reads "<message> iolens(<kind>) [Ln <n>, Col <c>]" in
  // VS Code 1.100 (the parentheses are CSS; its aria-label has the line but not the code).
  const want = { parseError: expected.parseErrorLines, lost: [expected.lostLine] };
  const rowsByKind = () =>
    page.locator(wb.markersRow).evaluateAll((els) => {
      const out = { parseError: [], lost: [], labels: [] };
      for (const el of els) {
        const label = (el.textContent ?? '').replace(/\s+/g, ' ');
        out.labels.push(label);
        const line = Number(/\[Ln (\d+), Col \d+\]/.exec(label)?.[1]);
        if (/iolens\(?parse-error\b/.test(label)) out.parseError.push(line);
        if (/iolens\(?lost-events\b/.test(label)) out.lost.push(line);
      }
      out.parseError.sort((a, b) => a - b);
      out.lost.sort((a, b) => a - b);
      return out;
    });
  const deadline = Date.now() + 20_000;
  let got = await rowsByKind();
  while (JSON.stringify([got.parseError, got.lost]) !== JSON.stringify([want.parseError, want.lost]) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    got = await rowsByKind();
  }
  if (JSON.stringify([got.parseError, got.lost]) !== JSON.stringify([want.parseError, want.lost])) {
    throw new Error(
      `Problems rows: parse-error at ${got.parseError.join(', ') || 'none'}, lost-events at ${got.lost.join(', ') || 'none'}; ` +
        `expected ${want.parseError.join(', ')} and ${want.lost.join(', ')}\n${got.labels.join('\n')}`,
    );
  }
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

test('dmesg.log is sniffed as a kernel log (language mode "Kernel log")', async () => {
  await quickInput(keys.quickOpen, 'dmesg.log', 'dmesg.log');
  await page.locator(wb.activeEditorTab, { hasText: 'dmesg.log' }).waitFor();
  await page.locator(wb.statusLanguageMode, { hasText: iolens.kernelLogAlias }).waitFor();
  await shot('05-dmesg-kernel-log');
});

let results;
try {
  results = await run();
} finally {
  await browser.close();
}
console.log(`UI: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
