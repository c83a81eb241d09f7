// Playwright UI smoke test against a real VS Code (code-server) with iolens loaded from its source folder:
// what the API cannot see — the language mode and iolens items in the status bar, the Problems panel,
// the command palette and the summary webview's DOM. Screenshots go to $IOLENS_E2E_SHOTS.
// Run through run.sh (it starts code-server and sets the IOLENS_E2E_* variables).
import { companion, expected, hungTasks, xssTask } from './expected.mjs';
import { iolens, keys, summary, wb } from './selectors.mjs';
import { createRunner, env, launchBrowser, workbenchUrl } from './workbench.mjs';

const { browser, page } = await launchBrowser();
const { test, run } = createRunner(page);
const shot = (name) => page.screenshot({ path: `${env.shots}/${name}.png` });
/** Dialogs (alert…) opened by any frame: a rendered `<img onerror=alert(1)>` would add one. */
const dialogs = [];
page.on('dialog', (d) => {
  dialogs.push(d.message());
  void d.dismiss().catch(() => undefined);
});

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

test('"iolens: Show Panel" opens the summary webview with the event counts', async () => {
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

/** Closes every editor (unless told not to), opens `fixture` (sniffed as a kernel log) and its summary; returns the summary frame. */
async function openKernelLogSummary(fixture, { keepEditors = false } = {}) {
  if (!keepEditors) {
    await quickInput(keys.commandPalette, `>${wb.closeAllEditors}`, wb.closeAllEditorsRow);
    await page.locator(wb.editorTab).first().waitFor({ state: 'detached' });
  }
  await quickInput(keys.quickOpen, fixture, fixture);
  await page.locator(wb.activeEditorTab, { hasText: fixture }).waitFor();
  await page.locator(wb.statusLanguageMode, { hasText: iolens.kernelLogAlias }).waitFor();
  await quickInput(keys.commandPalette, `>${iolens.commands.showSummary}`, iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle(fixture) }).waitFor();
  // The newest webview frame is the summary just opened (earlier panels were closed above).
  return page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
}

test('the summary of a hung-task kernel log shows the blocked task groups and the wait-for graph', async () => {
  const view = await openKernelLogSummary(hungTasks.fixture);
  await view.locator(summary.blocked).waitFor();
  await view.locator(summary.taskGroupTitle, { hasText: hungTasks.groupTitle }).first().waitFor();
  // Every reported task is in exactly one group: the groups' "N tasks" badges add up to the pids reported.
  const counts = await view.locator(summary.taskGroupSummary).allInnerTexts();
  const inGroups = counts.reduce((n, t) => n + Number(/(\d+) tasks?\b/.exec(t)?.[1] ?? NaN), 0);
  if (inGroups !== hungTasks.tasks) throw new Error(`task groups count ${inGroups} tasks, expected ${hungTasks.tasks}:\n${counts.join('\n')}`);
  // The graph is laid out asynchronously (elkjs): wait for the SVG, then count the task nodes.
  await view.locator(summary.graphSvg).waitFor();
  const taskNodes = await view.locator(summary.graphNode('task')).count();
  if (taskNodes !== hungTasks.tasks) throw new Error(`the wait-for graph has ${taskNodes} task nodes, expected ${hungTasks.tasks}`);
  // Opened, a group lists its member tasks.
  await view.locator(summary.taskGroupSummary).first().click();
  await view.locator(summary.taskName).first().waitFor();
  await view.locator(summary.graphSvg).scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot('06-blocked-tasks-and-graph');
});

test('clicking a task node of the wait-for graph reveals the task report in the kernel log', async () => {
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator(summary.graphNodeById(`task:${hungTasks.last.pid}`)).click();
  // The status bar shows the selection of the editor that has focus: the revealed kernel log.
  const want = `Ln ${hungTasks.last.line}, Col 1`;
  await page.locator(wb.statusSelection, { hasText: want }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new Error(`after the click the cursor is at "${await page.locator(wb.statusSelection).innerText()}", expected "${want}"`);
  });
});

test('a graph node in the companion trace of a kernel log reveals its line in that other file', async () => {
  // hang.trace open beside hang.dmesg: the log's report covers both files, and the ordered extents and
  // bios it needs are nodes pointing into the trace, not into the panel's own document.
  await quickInput(keys.commandPalette, `>${wb.closeAllEditors}`, wb.closeAllEditorsRow);
  await quickInput(keys.quickOpen, companion.trace, companion.trace);
  await page.locator(wb.activeEditorTab, { hasText: companion.trace }).waitFor();
  const view = await openKernelLogSummary(companion.log, { keepEditors: true });
  await view.locator(summary.graphSvg).waitFor();
  const node = view.locator(summary.graphNode(companion.nodeKind)).first();
  await node.waitFor();
  const line = Number(/show line (\d+)$/.exec((await node.getAttribute('aria-label')) ?? '')?.[1]);
  if (!Number.isInteger(line)) throw new Error(`the ${companion.nodeKind} node has no line in its aria-label`);
  await node.click();
  await page.locator(wb.activeEditorTab, { hasText: companion.trace }).waitFor();
  const want = `Ln ${line}, Col 1`;
  await page.locator(wb.statusSelection, { hasText: want }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new Error(`after the click the cursor is at "${await page.locator(wb.statusSelection).innerText()}", expected "${want}" in ${companion.trace}`);
  });
  await page.waitForTimeout(300);
  await shot('07-companion-trace-revealed');
});

test('a task named like an HTML tag is shown as text, never as markup', async () => {
  if (!xssTask.comm || !xssTask.label) throw new Error(`${xssTask.fixture} has no hung-task report`);
  const view = await openKernelLogSummary(xssTask.fixture);
  await view.locator(summary.graphSvg).waitFor();
  const node = view.locator(summary.graphNode('task')).first();
  const label = (await node.locator('text').textContent()) ?? '';
  if (label !== xssTask.label) throw new Error(`graph node label reads ${JSON.stringify(label)}, expected ${JSON.stringify(xssTask.label)}`);
  await view.locator(summary.taskGroupSummary).first().click();
  const name = await view.locator(summary.taskName).first().textContent();
  if (name !== xssTask.label) throw new Error(`task row reads ${JSON.stringify(name)}, expected ${JSON.stringify(xssTask.label)}`);
  // Nothing from the log became an element: the page has no <img> at all, and no dialog opened.
  const imgs = await view.locator('img').count();
  if (imgs !== 0) throw new Error(`the summary webview contains ${imgs} <img> element(s)`);
  if (dialogs.length > 0) throw new Error(`dialogs opened: ${dialogs.join(' | ')}`);
  await page.waitForTimeout(300);
  await shot('08-xss-task-as-text');
});

let results;
try {
  results = await run();
} finally {
  await browser.close();
}
console.log(`UI: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
