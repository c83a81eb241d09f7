// Playwright UI tests against a real VS Code (code-server) with iolens loaded from its source folder, driven
// with the mouse and the keyboard like a user: what the API cannot see — the language mode and iolens items
// in the status bar, the Problems panel, the command palette, the summary webview's DOM, rendered hovers
// (and that trace text never becomes markup in them), the Outline, folding, filtered and large-trace views
// with their CodeLenses — plus timings measured in the browser and screenshots in a light and a dark theme.
// Expected values come from the raw fixture files (expected.mjs, rawFixtures.mjs), never from iolens.
// Screenshots and timings.json go to $IOLENS_E2E_SHOTS. Run through run.sh (it starts code-server and sets
// the IOLENS_E2E_* variables).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { companion, expected, hungTasks, xssTask } from './expected.mjs';
import { busiestTask, bytesOfLines, corpus06, countLines, reportEventLines, firstLine, generatedReport, headLinesOf, hostileNames, hungTaskHeaders, parseEvent, paths, sample10, traceDat, windowLinesOf } from './rawFixtures.mjs';
import { iolens, keys, summary, wb } from './selectors.mjs';
import { createRunner, env, launchBrowser, percentiles, Skip, workbenchDriver, workbenchUrl } from './workbench.mjs';

const { browser, page } = await launchBrowser();
const { test, run } = createRunner(page);
const shot = (name) => page.screenshot({ path: `${env.shots}/${name}.png` });
/** Dialogs (alert…) opened by any frame: a rendered `<img onerror=alert(1)>` would add one. */
const dialogs = [];
page.on('dialog', (d) => {
  dialogs.push(d.message());
  void d.dismiss().catch(() => undefined);
});
if (process.env.IOLENS_E2E_DEBUG) {
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console.log(`    [console.${m.type()}] ${m.text().slice(0, 300)}`));
  page.on('pageerror', (e) => console.log(`    [pageerror] ${e.message.slice(0, 300)}`));
}
const drv = workbenchDriver(page, wb, keys);
const { quickInput } = drv;

test('workbench loads with the fixtures folder and the development extension', async () => {
  await page.goto(workbenchUrl());
  await page.locator(wb.workbench).waitFor();
  await page.locator(wb.explorerRow, { hasText: 'malformed.trace' }).waitFor();
  await page.waitForFunction(() => document.title.includes('Extension Development Host'), undefined, { timeout: 30_000 });
  await shot('01-workbench');
}, { always: true });

test('opening malformed.trace via Ctrl+P shows the ftrace language mode', async () => {
  await quickInput(keys.quickOpen, 'malformed.trace', 'malformed.trace');
  await page.locator(wb.activeEditorTab, { hasText: 'malformed.trace' }).waitFor();
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
});

test('the iolens status bar item shows the event count', async () => {
  const item = page.locator(wb.statusItem, { hasText: new RegExp(`^\\s*${iolens.statusPrefix}`) }).first();
  await item.waitFor();
  // It says "analysing…" until the analysis is done: wait for the count, then check it.
  const done = page.locator(wb.statusItem, { hasText: new RegExp(`^\\s*${iolens.statusPrefix}: [\\d,]+ events`) }).first();
  await done.waitFor({ timeout: 30_000 }).catch(() => undefined);
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

/** The panel's duration format (webview/src/format.ts `ns`), for comparing with raw timestamps. */
function fmtNs(v) {
  if (v < 1e3) return `${Math.round(v)} ns`;
  if (v < 1e6) return `${(v / 1e3).toFixed(1)} µs`;
  if (v < 1e9) return `${(v / 1e6).toFixed(2)} ms`;
  return `${(v / 1e9).toFixed(2)} s`;
}

/**
 * Runs "iolens: Show Panel" from the palette and waits for its first paint (title and findings shown): the
 * ms from the click on the palette row, and their breakdown by the page's own marks (epoch clocks of one
 * machine): until VS Code starts the webview's page, until its script runs, until the report arrives, until
 * the frame with it is painted.
 */
async function showPanelTimed(title) {
  await drv.openQuickInput(keys.commandPalette, `>${iolens.commands.showSummary}`);
  const row = page.locator(wb.quickInputRow).filter({ has: page.locator(wb.quickInputRowLabel, { hasText: new RegExp(`^${iolens.commands.showSummary}$`) }) }).first();
  await row.waitFor();
  const t0 = performance.now();
  const clickEpoch = Date.now();
  await row.click();
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator('#iolens-title', { hasText: title }).waitFor({ timeout: 60_000 });
  await view.locator('#iolens-findings .finding-kind, #iolens-findings .muted').first().waitFor({ timeout: 60_000 });
  const firstPaintMs = Math.round(performance.now() - t0);
  const html = view.locator('html');
  await until('the paint mark', async () => ((await html.getAttribute('data-t-painted')) !== null ? true : undefined), 30_000);
  const mark = async (n) => Number(await html.getAttribute(`data-t-${n}`));
  const origin = await mark('origin');
  const breakdown = {
    webviewStartedMs: Math.round(origin - clickEpoch),
    scriptRanMs: await mark('script'),
    reportArrivedMs: (await mark('report')) - (await mark('script')),
    paintedMs: (await mark('painted')) - (await mark('report')),
    totalMs: Math.round(origin + (await mark('painted')) - clickEpoch),
  };
  return { view, firstPaintMs, breakdown };
}

test('the panel of a trace shows its latency: the block Q2C row and histogram agree with the raw timestamps', async () => {
  // Ground truth from kernel.trace: each read completion's time minus its bio's queue time (same start sector).
  const raw = readFileSync(path.join(paths.fixtures, 'kernel.trace'), 'utf8').split('\n');
  const queued = new Map();
  const q2c = [];
  const bySector = [];
  for (const l of raw) {
    const m = /\s(\d+\.\d+): block_(bio_queue|rq_complete): 7,0 (R\w*) (?:\(\) )?(\d+) \+ \d+/.exec(l);
    if (!m) continue;
    const t = Math.round(Number(m[1]) * 1e6) * 1e3;
    if (m[2] === 'bio_queue') queued.set(m[4], t);
    else if (queued.has(m[4])) {
      q2c.push(t - queued.get(m[4]));
      bySector.push({ sector: m[4], q2c: t - queued.get(m[4]) });
    }
  }
  if (q2c.length === 0) throw new Error('kernel.trace has no read completions');
  q2c.sort((a, b) => a - b);
  await closeAllEditors();
  await quickInput(keys.quickOpen, 'kernel.trace', 'kernel.trace');
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  await page.locator(wb.statusItem, { hasText: /iolens: [\d,]+ events/ }).first().waitFor();
  const shown = await showPanelTimed('kernel.trace');
  timings.panelSmallTrace = { firstPaintMs: shown.firstPaintMs, ...shown.breakdown };
  console.log(`    panel of kernel.trace: ${JSON.stringify(timings.panelSmallTrace)}`);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle('kernel.trace') }).waitFor();
  const view = shown.view;
  const row = view.locator('#iolens-latency tr.lat-row[data-layer="block"][data-op="read"][data-device="7:0"][data-stage="Q2C"]');
  await row.waitFor({ timeout: 30_000 });
  const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim());
  // layer op device stage count p50 p90 p99 max
  if (Number(cells[4]) !== q2c.length) throw new Error(`Q2C row counts ${cells[4]}, the trace has ${q2c.length} read completions`);
  if (cells[8] !== fmtNs(q2c[q2c.length - 1])) throw new Error(`Q2C max reads ${cells[8]}, the trace says ${fmtNs(q2c[q2c.length - 1])}`);
  if (cells[5] !== fmtNs(q2c[Math.ceil(q2c.length / 2) - 1])) throw new Error(`Q2C p50 reads ${cells[5]}, the trace says ${fmtNs(q2c[Math.ceil(q2c.length / 2) - 1])}`);
  // Selected first: its histogram's bars hold every request.
  if ((await row.getAttribute('aria-selected')) !== 'true') throw new Error('the block Q2C row is not the one drawn');
  const bars = await view.locator('#iolens-latency svg.lat-hist rect.lat-bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
  if (bars.reduce((a, b) => a + b, 0) !== q2c.length) throw new Error(`the histogram's bars hold ${bars.join('+')} requests, expected ${q2c.length}`);
  // Keyboard: another row is drawn with Enter.
  const d2c = view.locator('#iolens-latency tr.lat-row[data-layer="block"][data-stage="D2C"]').first();
  await d2c.focus();
  await page.keyboard.press('Enter');
  await view.locator('#iolens-latency h4.lat-title', { hasText: 'D2C' }).waitFor();
  await row.click();
  await view.locator('#iolens-latency').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await shot('04b-latency');
  // The bin of the fastest read lists its request's events in the event table: the raw block lines of that
  // request (its sector and size on every block event).
  const fastest = bySector.reduce((a, b) => (b.q2c < a.q2c ? b : a));
  const bar = await view.locator('#iolens-latency svg.lat-hist rect.lat-bar[role="button"]').evaluateAll(
    (rs, x) => rs.findIndex((r) => Number(r.getAttribute('data-lo')) <= x && x < Number(r.getAttribute('data-hi'))),
    fastest.q2c,
  );
  if (bar < 0) throw new Error(`no histogram bar holds ${fmtNs(fastest.q2c)}`);
  const barEl = view.locator('#iolens-latency svg.lat-hist rect.lat-bar[role="button"]').nth(bar);
  const [lo, hi] = [Number(await barEl.getAttribute('data-lo')), Number(await barEl.getAttribute('data-hi'))];
  const inBin = bySector.filter((r) => lo <= r.q2c && r.q2c < hi);
  const lines = raw.filter((l) => inBin.some((r) => new RegExp(`: block_\\w+: 7,0 .*\\b${r.sector} \\+ \\d+`).test(l))).length;
  await view.locator('#iolens-latency svg.lat-hist rect.lat-bar[role="button"]').nth(bar).click();
  await view.locator('#iolens-table .ev-chip', { hasText: 'requests of the latency bin' }).waitFor();
  const tableRoot = view.locator('#iolens-table .ev-table');
  const binCount = Number(await view.locator('#iolens-latency svg.lat-hist rect.lat-bar[role="button"]').nth(bar).getAttribute('data-count'));
  if (binCount !== inBin.length) throw new Error(`the bin holds ${binCount} requests; the raw timestamps put ${inBin.length} there`);
  await until('the bin\'s events in the table', async () => ((await tableRoot.getAttribute('data-total')) === String(lines) ? true : undefined), 30_000).catch(async () => {
    throw new Error(`the table lists ${await tableRoot.getAttribute('data-total')} events for the bin, the raw file has ${lines} block lines of its request`);
  });
  await view.locator('#iolens-table .ev-chip-clear').click();
  await view.locator('#iolens-table .ev-chip').waitFor({ state: 'hidden' });
});

test('the event table of kernel.trace: every event, a text filter with grep\'s count, a row reveals its line, the editor\'s cursor selects its row', async () => {
  // Ground truth from the raw file: event lines (not comments), and those containing the text.
  const raw = readFileSync(path.join(paths.fixtures, 'kernel.trace'), 'utf8').split('\n');
  const eventLines = raw.map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => /^\s*\S.*-\d+\s+\[\d{3}\]\s+\S+\s+\d+\.\d+: /.test(l));
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  const tableRoot = view.locator('#iolens-table .ev-table');
  await until('the table total', async () => ((await tableRoot.getAttribute('data-total')) === String(eventLines.length) ? true : undefined), 30_000).catch(async () => {
    throw new Error(`the table has ${await tableRoot.getAttribute('data-total')} rows, kernel.trace has ${eventLines.length} events`);
  });
  const grid = view.locator('#iolens-table [role="grid"]');
  if ((await grid.getAttribute('aria-rowcount')) !== String(eventLines.length + 1)) throw new Error(`aria-rowcount ${await grid.getAttribute('aria-rowcount')}`);
  const firstRow = view.locator('#iolens-table .ev-layer .ev-row').first();
  if (Number(await firstRow.getAttribute('data-line')) !== eventLines[0].n) throw new Error(`the first row is line ${await firstRow.getAttribute('data-line')}, the first event is line ${eventLines[0].n}`);
  // A text filter: the count grep -F gives.
  const needle = 'sys_read';
  const want = eventLines.filter(({ l }) => l.includes(needle));
  await view.locator('#iolens-table .ev-filter-text input').fill(needle);
  await view.locator('#iolens-table .ev-filter-text input').press('Enter');
  await until('the filtered total', async () => ((await tableRoot.getAttribute('data-total')) === String(want.length) ? true : undefined), 30_000).catch(async () => {
    throw new Error(`filtered by "${needle}": ${await tableRoot.getAttribute('data-total')} rows, grep -F counts ${want.length}`);
  });
  await view.locator('#iolens-table .ev-status', { hasText: `${want.length} events match` }).waitFor();
  // A time range (seconds since the first event, as the table shows them) narrows it to what the raw
  // timestamps say.
  const ts = (l) => Number(/\s(\d+\.\d+): /.exec(l)[1]);
  const t0 = ts(eventLines[0].l);
  const inRange = want.filter(({ l }) => ts(l) - t0 >= 0.27 - 1e-9 && ts(l) - t0 <= 0.28 + 1e-9);
  if (inRange.length === 0 || inRange.length === want.length) throw new Error(`the range 0.27-0.28 s holds ${inRange.length} of ${want.length} matches`);
  await view.locator('#iolens-table .ev-filter-from input').fill('0.27');
  await view.locator('#iolens-table .ev-filter-to input').fill('0.28');
  await view.locator('#iolens-table .ev-filter-to input').press('Enter');
  await until('the time-range total', async () => ((await tableRoot.getAttribute('data-total')) === String(inRange.length) ? true : undefined), 30_000).catch(async () => {
    throw new Error(`"${needle}" from 0.27 to 0.28 s: ${await tableRoot.getAttribute('data-total')} rows, the raw file has ${inRange.length}`);
  });
  await view.locator('#iolens-table .ev-filter-from input').fill('');
  await view.locator('#iolens-table .ev-filter-to input').fill('');
  await view.locator('#iolens-table .ev-filter-to input').press('Enter');
  await until('the text-only total again', async () => ((await tableRoot.getAttribute('data-total')) === String(want.length) ? true : undefined), 30_000);
  // Clicking the third row reveals its line in the editor.
  const third = view.locator('#iolens-table .ev-layer .ev-row[data-index="2"]');
  await third.waitFor();
  const line = Number(await third.getAttribute('data-line'));
  if (line !== want[2].n) throw new Error(`the third match is line ${line}, grep's third is line ${want[2].n}`);
  await third.click();
  await page.locator(wb.statusSelection, { hasText: new RegExp(`^Ln ${line}, Col`) }).waitFor();
  // The editor's cursor on a later match selects that row in the table.
  const target = want[want.length - 2];
  await drv.goToLine(target.n);
  await until('the row of the cursor selected', async () => ((await tableRoot.getAttribute('data-selected')) === String(want.length - 2) ? true : undefined), 15_000).catch(async () => {
    throw new Error(`cursor on line ${target.n}: the table selects row ${await tableRoot.getAttribute('data-selected')}, expected ${want.length - 2}`);
  });
  // The req cell of a block request lists that request's events: every block line of its device, op and
  // start sector in the raw file (queue, getrq, io_start, issue, complete, io_done).
  const issue = eventLines.find(({ l }) => /: block_rq_issue: 7,0 /.test(l));
  const [, rwbs, sector] = /: block_rq_issue: 7,0 (\S+) \d+ \(\) (\d+) \+ \d+/.exec(issue.l);
  const ofRequest = eventLines.filter(({ l }) => new RegExp(`: block_\\w+: 7,0 ${rwbs} .*\\b${sector} \\+ \\d+`).test(l));
  if (ofRequest.length < 4) throw new Error(`the raw file has ${ofRequest.length} block lines of ${rwbs} ${sector}`);
  await view.locator('#iolens-table .ev-filter-text input').fill(`block_rq_issue: 7,0 ${rwbs} `);
  await view.locator('#iolens-table .ev-filter-text input').press('Enter');
  const issueRow = view.locator('#iolens-table .ev-layer .ev-row[data-index="0"]');
  await until('the issue row', async () => ((await issueRow.getAttribute('data-line')) === String(issue.n) ? true : undefined), 30_000);
  await issueRow.locator('.ev-req').click();
  await view.locator('#iolens-table .ev-filter-text input').fill('');
  await view.locator('#iolens-table .ev-filter-text input').press('Enter');
  await until('the request\'s events', async () => ((await tableRoot.getAttribute('data-total')) === String(ofRequest.length) ? true : undefined), 30_000).catch(async () => {
    throw new Error(`request of line ${issue.n}: ${await tableRoot.getAttribute('data-total')} rows, the raw file has ${ofRequest.length} block lines of ${rwbs} sector ${sector}`);
  });
  const reqLines = await view.locator('#iolens-table .ev-layer .ev-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-line'))));
  if (reqLines.join() !== ofRequest.map((e) => e.n).join()) throw new Error(`request rows are lines ${reqLines.join()}, the raw file's are ${ofRequest.map((e) => e.n).join()}`);
  if (!/^#\d+$/.test(await view.locator('#iolens-table .ev-filter-req input').inputValue())) throw new Error('the request filter does not show the request id');
  await view.locator('#iolens-table .ev-filter-req input').fill('');
  await view.locator('#iolens-table .ev-filter-req input').press('Enter');
  await until('every event again', async () => ((await tableRoot.getAttribute('data-total')) === String(eventLines.length) ? true : undefined), 30_000);
  await view.locator('#iolens-table').scrollIntoViewIfNeeded();
  await shot('04c-event-table');
});

test('the timeline of kernel.trace: one device lane with every issued block request; ] selects the first, Enter shows its lifecycle and line', async () => {
  const raw = readFileSync(path.join(paths.fixtures, 'kernel.trace'), 'utf8').split('\n');
  const issues = raw.map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => /: block_rq_issue: 7,0 /.test(l));
  if (issues.length === 0) throw new Error('kernel.trace has no block_rq_issue');
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  const tl = view.locator('#iolens-timeline .tl');
  await until('the timeline bars', async () => ((await tl.getAttribute('data-total')) !== null ? true : undefined), 30_000);
  if ((await tl.getAttribute('data-lanes')) !== '1') throw new Error(`${await tl.getAttribute('data-lanes')} device lanes, kernel.trace has one device`);
  if (Number(await tl.getAttribute('data-total')) !== issues.length) throw new Error(`the timeline shows ${await tl.getAttribute('data-total')} requests, the trace issued ${issues.length}`);
  const canvas = view.locator('#iolens-timeline canvas.tl-canvas');
  if (!/\d+ requests in view/.test((await canvas.getAttribute('aria-label')) ?? '')) throw new Error(`the canvas has no text summary: ${await canvas.getAttribute('aria-label')}`);
  await canvas.focus();
  await page.keyboard.press(']');
  await until('a selected bar', async () => ((await tl.getAttribute('data-selected-line')) === String(issues[0].n) ? true : undefined), 10_000).catch(async () => {
    throw new Error(`] selects line ${await tl.getAttribute('data-selected-line')}, the first issue is line ${issues[0].n}`);
  });
  await view.locator('#iolens-timeline').scrollIntoViewIfNeeded();
  await shot('04d-timeline');
  await page.keyboard.press('Enter');
  await page.locator(wb.statusSelection, { hasText: new RegExp(`^Ln ${issues[0].n}, Col`) }).waitFor();
  await view.locator('#iolens-lifecycle .lc-graph svg.lc-svg').first().waitFor({ timeout: 30_000 });
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
  await page.locator(wb.statusItem, { hasText: /iolens: [\d,]+ task report/ }).first().waitFor();
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

/** Nodes of the full wait-for graph of many-hung-tasks.log: its tasks and the two resources they wait on (writeback of file pages, with and without btrfs). */
const g0Nodes = (tasks) => tasks + 2;

test('a wait-for graph of 400 blocked tasks is drawn collapsed by culprit (no cut), laid out in the worker; a group expands on click', async () => {
  const fixture = 'many-hung-tasks.log';
  const raw = readFileSync(path.join(paths.generated, fixture), 'utf8');
  const tasks = (raw.match(/INFO: task \S+:\d+ blocked for more than/g) ?? []).length;
  if (tasks !== 400) throw new Error(`${fixture} has ${tasks} hung-task reports`);
  const view = await openKernelLogSummary(fixture);
  await view.locator(summary.graphSvg).waitFor({ timeout: 60_000 });
  const container = view.locator('#iolens-wait-graph');
  const drawn = Number(await container.getAttribute('data-nodes'));
  const layoutMs = Number(await container.getAttribute('data-layout-ms'));
  if (!(layoutMs >= 0)) throw new Error('no layout time: the graph was not laid out by the worker');
  const groups = view.locator('#iolens-wait-graph g.wg-group');
  const counts = await groups.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-count'))));
  const plain = await view.locator(summary.graphNode('task')).count();
  if (counts.length === 0) throw new Error('no group nodes: the 400 tasks were not collapsed');
  if (counts.reduce((a, b) => a + b, 0) + plain !== tasks) throw new Error(`groups hold ${counts.join('+')} tasks and ${plain} are drawn alone; the log has ${tasks}`);
  if (drawn > 300) throw new Error(`${drawn} nodes drawn`);
  // The blocked-task rows merge stack variants of one culprit: the badges still add up to every task.
  const badges = await view.locator(summary.taskGroupSummary).allInnerTexts();
  const inRows = badges.reduce((n, t) => n + Number(/(\d+) tasks?\b/.exec(t)?.[1] ?? NaN), 0);
  if (inRows !== tasks) throw new Error(`task rows count ${inRows} tasks, expected ${tasks}`);
  await view.locator(summary.graphSvg).scrollIntoViewIfNeeded();
  await shot('09-wait-graph-collapsed');
  const first = groups.first();
  const id = await first.getAttribute('data-id');
  await first.click();
  await view.locator(`#iolens-wait-graph g.wg-node[data-id="${id}"]`).waitFor({ state: 'detached', timeout: 60_000 });
  const after = await until('the group drawn as its tasks', async () => {
    const n = Number(await container.getAttribute('data-nodes'));
    return n === drawn + counts[0] - 1 ? n : undefined;
  }, 60_000);
  // Every group drawn as its tasks: the layout of the whole graph (elkjs in the worker), timed.
  for (;;) {
    await view.locator('#iolens-wait-graph[aria-busy="false"] svg.wg').waitFor({ timeout: 60_000 });
    const g = view.locator('#iolens-wait-graph g.wg-group').first();
    if ((await g.count()) === 0) break;
    const gid = await g.getAttribute('data-id');
    await g.click();
    // The drawing is replaced once the new layout is done: the opened group is gone from it then.
    await view.locator(`#iolens-wait-graph g.wg-node[data-id="${gid}"]`).waitFor({ state: 'detached', timeout: 60_000 });
  }
  const allNodes = Number(await container.getAttribute('data-nodes'));
  const allLayoutMs = Number(await container.getAttribute('data-layout-ms'));
  if (allNodes !== g0Nodes(tasks)) throw new Error(`expanded, the graph draws ${allNodes} nodes; expected every task and resource (${g0Nodes(tasks)})`);
  timings.waitGraph400 = { tasks, drawnNodes: drawn, groups: counts.length, layoutMs, expandedNodes: after, allNodes, allLayoutMs };
  console.log(`    wait-for graph of ${tasks} tasks: ${JSON.stringify(timings.waitGraph400)}`);
});

test('the panel survives a reload of the window: restored with the same file, its summary and its graph', async () => {
  const title = iolens.summaryTitle('many-hung-tasks.log');
  await page.locator(wb.editorTab, { hasText: title }).waitFor();
  await drv.command('Developer: Reload Window');
  await page.locator(wb.workbench).waitFor({ timeout: 60_000 });
  await page.locator(wb.editorTab, { hasText: title }).waitFor({ timeout: 60_000 });
  await page.locator(wb.editorTab, { hasText: title }).click();
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator('#iolens-title', { hasText: 'many-hung-tasks.log' }).waitFor({ timeout: 60_000 });
  await view.locator(summary.graphSvg).waitFor({ timeout: 60_000 });
  const groups = await view.locator('#iolens-wait-graph g.wg-group').count();
  if (groups === 0) throw new Error('the restored panel draws no group nodes');
  await shot('09b-panel-restored');
});

test('the panel of a trace survives a reload with its table filter, its selected row and the lifecycle it showed', async () => {
  const raw = readFileSync(path.join(paths.fixtures, 'kernel.trace'), 'utf8').split('\n');
  const issueLine = raw.findIndex((l) => /: block_rq_issue: 7,0 /.test(l)) + 1;
  await closeAllEditors();
  await quickInput(keys.quickOpen, 'kernel.trace', 'kernel.trace');
  await page.locator(wb.statusItem, { hasText: /iolens: [\d,]+ events/ }).first().waitFor();
  await drv.goToLine(issueLine);
  await drv.command(iolens.commands.showRequestLifecycle);
  const title = iolens.summaryTitle('kernel.trace');
  await page.locator(wb.editorTab, { hasText: title }).waitFor();
  let view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator('#iolens-lifecycle .lc-graph svg.lc-svg').first().waitFor({ timeout: 30_000 });
  await view.locator('#iolens-table .ev-filter-events input').fill('block_rq_issue, block_rq_complete');
  await view.locator('#iolens-table .ev-filter-events input').press('Enter');
  const want = raw.filter((l) => /: block_rq_(issue|complete): /.test(l)).length;
  let tableRoot = view.locator('#iolens-table .ev-table');
  await until('the filtered table', async () => ((await tableRoot.getAttribute('data-total')) === String(want) ? true : undefined), 30_000);
  // The editor's cursor selects the row of its line in the filtered table (the trace's tab first: the
  // panel's group may be the active one).
  await page.locator(wb.editorTab, { hasText: /^kernel\.trace/ }).first().click();
  await page.locator(`${drv.activeEditor} .view-lines`).first().click();
  await drv.goToLine(issueLine);
  await until('the selected row', async () => ((await tableRoot.locator('.ev-row.ev-selected').getAttribute('data-line').catch(() => null)) === String(issueLine) ? true : undefined), 15_000);
  await page.waitForTimeout(500); // the page's state is saved
  await drv.command('Developer: Reload Window');
  await page.locator(wb.workbench).waitFor({ timeout: 60_000 });
  await page.locator(wb.editorTab, { hasText: title }).waitFor({ timeout: 60_000 });
  await page.locator(wb.editorTab, { hasText: title }).click();
  view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  tableRoot = view.locator('#iolens-table .ev-table');
  await until('the restored filter', async () => ((await tableRoot.getAttribute('data-total')) === String(want) ? true : undefined), 60_000).catch(async () => {
    throw new Error(`after the reload the table has ${await tableRoot.getAttribute('data-total')} rows, the filter ${want}`);
  });
  if ((await view.locator('#iolens-table .ev-filter-events input').inputValue()) !== 'block_rq_issue, block_rq_complete') throw new Error('the filter input was not restored');
  await until('the restored selection', async () => ((await tableRoot.locator('.ev-row.ev-selected').getAttribute('data-line').catch(() => null)) === String(issueLine) ? true : undefined), 30_000);
  await view.locator('#iolens-lifecycle .lc-graph svg.lc-svg').first().waitFor({ timeout: 30_000 });
  const lines = await view.locator('#iolens-lifecycle g.lc-gnode').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-line'))));
  if (lines.length === 0) throw new Error('the restored lifecycle graph has no nodes');
  await view.locator('#iolens-table .ev-filter-events input').fill('');
  await view.locator('#iolens-table .ev-filter-events input').press('Enter');
  await closeAllEditors();
});

// ---------------------------------------------------------------------------------------------------------
// The editor features, with the mouse and the keyboard.

const HOSTILE = hostileNames();
const S10 = sample10();
const HUNG = hungTaskHeaders('hung-tasks.log');
const TASK = busiestTask('kernel.trace');
/** Timings measured in the browser, written to <shots>/timings.json at the end. */
const timings = { note: 'milliseconds measured in the browser from the user action (mouse move, Enter) to what the user sees' };

/** Polls `fn` until it returns a truthy value (every `every` ms, at most `timeout` ms) and returns that value. */
async function until(what, fn, timeout = 30_000, every = 100) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await page.waitForTimeout(every);
  }
}

async function closeAllEditors() {
  await drv.mouseAway();
  const t0 = performance.now();
  await drv.command(wb.commands.closeAllEditors);
  await page.locator(wb.editorTab).first().waitFor({ state: 'detached', timeout: 90_000 });
  if (process.env.IOLENS_E2E_DEBUG) console.log(`    [debug] closing all editors took ${Math.round(performance.now() - t0)} ms`);
}

/**
 * Opens a file with Ctrl+P like a user (a workspace file by name, any other by absolute path) and waits
 * until it is the active tab. `label` is the tab's title.
 */
async function openFile(nameOrPath, { label = path.basename(nameOrPath) } = {}) {
  await drv.mouseAway();
  const input = await drv.openQuickInput(keys.quickOpen, nameOrPath);
  const dir = path.isAbsolute(nameOrPath) ? path.basename(path.dirname(nameOrPath)) : undefined;
  const row = page
    .locator(wb.quickInputRow)
    .filter({ has: page.locator(wb.quickInputRowLabel, { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
    .filter({ hasText: dir ?? '' })
    .first();
  await row.click();
  await input.waitFor({ state: 'hidden' });
  await page.locator(wb.activeEditorTab, { hasText: label }).waitFor();
}

/** Waits until the iolens status bar item shows the active file analysed (`iolens: N events…`). */
function analysed(pattern = /^\s*iolens: [\d,]+ (events|task reports?)/, timeout = 60_000) {
  return page.locator(wb.statusItem, { hasText: pattern }).first().waitFor({ timeout });
}

async function iolensStatus() {
  return (await page.locator(wb.statusItem, { hasText: /^\s*iolens:/ }).first().innerText()).trim();
}

async function hidePanel() {
  if (await page.locator('.part.panel:visible').count()) await drv.command(wb.commands.hidePanel);
}

/** The side bar's Outline view, alone in the side bar (the folders section collapsed so it has room). */
async function showOutline() {
  await drv.command(wb.commands.focusOutline);
  const folders = page.locator(wb.paneHeader(wb.explorerSection));
  if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
  await page.locator(wb.outlineRow).first().waitFor();
}

/** Rows of the Outline: `{ level, name, description, expanded }`. */
function outlineRows() {
  return page.locator(wb.outlineRow).evaluateAll((els) =>
    els.map((e) => ({
      level: Number(e.getAttribute('aria-level')),
      name: (e.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      expanded: e.getAttribute('aria-expanded'),
    })),
  );
}

/** Rendered line numbers of the active editor. */
async function renderedNumbers() {
  return (await drv.renderedLines()).map((l) => l.n);
}

/** Fold All / Unfold All with their chords (Ctrl+K Ctrl+0 / Ctrl+K Ctrl+J) in the focused editor. */
async function chord(keysOf) {
  for (const k of keysOf) await page.keyboard.press(k);
}
const foldAll = () => chord(keys.foldAll);
const unfoldAll = () => chord(keys.unfoldAll);

test('hover on the short preadv2 read (hostile-names.trace line 369): event, request lifecycle, finding; the task name <img …> is text', async () => {
  await closeAllEditors();
  await openFile(HOSTILE.file);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  await analysed();
  await drv.goToLine(HOSTILE.short.line);
  await drv.settled();
  const { widget, part } = await drv.hover(HOSTILE.short.line, HOSTILE.short.word);
  const text = await part.innerText();
  for (const want of [HOSTILE.short.event, 'Request lifecycle', 'short-read', String(HOSTILE.short.bytes), HOSTILE.short.comm]) {
    if (!text.includes(want)) throw new Error(`the hover does not show ${JSON.stringify(want)}:\n${text.slice(0, 1500)}`);
  }
  // The literal task name is text: no element came from it, nothing ran.
  const imgs = await widget.locator('img, [onerror], [src="x"]').count();
  if (imgs !== 0) throw new Error(`the hover contains ${imgs} element(s) made from the task name`);
  const stray = await page.locator('img[src="x"], [onerror]').count();
  if (stray !== 0) throw new Error(`the page contains ${stray} element(s) made from the task name`);
  if (dialogs.length > 0) throw new Error(`dialogs opened: ${dialogs.join(' | ')}`);
  await page.waitForTimeout(300);
  await shot('10-hover-short-read-hostile');
});

test('clicking the "enter" stage link in that hover moves the cursor to the preadv2 entry line', async () => {
  const widget = page.locator(`${wb.editorHover}:visible`).first();
  await widget.locator('a', { hasText: /^enter$/ }).first().click();
  const want = `Ln ${HOSTILE.enterLine}, Col 1`;
  await page.locator(wb.statusSelection, { hasText: want }).waitFor({ timeout: 10_000 }).catch(async () => {
    throw new Error(`after the click the cursor is at "${await page.locator(wb.statusSelection).innerText()}", expected "${want}"`);
  });
});

test('hover on the short io_uring read (line 734): the task name [pwn](command:…) is shown literally, not as a link', async () => {
  await drv.goToLine(HOSTILE.uring.line);
  await drv.settled();
  const { widget, part } = await drv.hover(HOSTILE.uring.line, HOSTILE.uring.word);
  const text = await part.innerText();
  if (!text.includes(HOSTILE.uring.comm)) throw new Error(`the finding does not show ${HOSTILE.uring.comm} literally:\n${text.slice(0, 1200)}`);
  if (!text.includes('short-read')) throw new Error(`no short-read finding in the hover:\n${text.slice(0, 1200)}`);
  const pwn = await widget.locator('a', { hasText: /^\s*pwn\s*$/ }).count();
  const quit = await widget.locator('a[href*="workbench.action.quit"], a[data-href*="workbench.action.quit"]').count();
  if (pwn + quit > 0) throw new Error(`the hover has ${pwn} link(s) named pwn and ${quit} link(s) to workbench.action.quit`);
  // Every link of the iolens part is a reveal link.
  const hrefs = await part.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''));
  const foreign = hrefs.filter((h) => !h.startsWith('command:iolens.revealLine'));
  if (foreign.length > 0) throw new Error(`links other than iolens.revealLine in the hover: ${foreign.join(' ')}`);
  if (dialogs.length > 0) throw new Error(`dialogs opened: ${dialogs.join(' | ')}`);
  await page.locator(wb.workbench).waitFor();
  await page.waitForTimeout(300);
  await shot('11-hover-uring-hostile');
  await drv.mouseAway();
});

test('the panel draws the lifecycle graph of a finding\'s request (hostile-names.trace): syscall -> fs -> block, the short read marked, names as text in the graph, the table and the timeline; a node reveals its line', async () => {
  await closeAllEditors();
  await quickInput(keys.quickOpen, HOSTILE.file, HOSTILE.file);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  // iolens's status bar item: the extension serves the file (its commands are offered from then on).
  await page.locator(wb.statusItem, { hasText: /iolens: [\d,]+ events/ }).first().waitFor();
  await quickInput(keys.commandPalette, `>${iolens.commands.showSummary}`, iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle(HOSTILE.file) }).waitFor();
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  // The findings filter: only the findings whose words match stay.
  await view.locator('#iolens-findings .finding', { hasText: `line ${HOSTILE.short.line}` }).first().waitFor();
  const all = await view.locator('#iolens-findings .finding').count();
  await view.locator('#iolens-findings .findings-filter input').fill('nowait-retry');
  await until('the filtered findings', async () => {
    const rows = await view.locator('#iolens-findings .finding').allInnerTexts();
    return rows.length > 0 && rows.length < all ? rows : undefined;
  }, 10_000);
  await view.locator('#iolens-findings .findings-count', { hasText: `of ${all} findings` }).waitFor();
  await view.locator('#iolens-findings .findings-filter input').fill('');
  const finding = view.locator('#iolens-findings .finding', { hasText: `line ${HOSTILE.short.line}` }).first();
  await finding.waitFor();
  await finding.locator('vscode-link', { hasText: 'lifecycle' }).click();
  const graph = view.locator('#iolens-lifecycle .lc-graph svg.lc-svg').first();
  await graph.waitFor({ timeout: 30_000 });
  const nodes = view.locator('#iolens-lifecycle .lc-graph').first().locator('g.lc-gnode');
  const layers = await nodes.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-layer')));
  for (const l of ['syscall', 'fs', 'block']) if (!layers.includes(l)) throw new Error(`no ${l} node in the lifecycle graph: ${layers.join(', ')}`);
  const sys = nodes.and(view.locator('[data-layer="syscall"]')).first();
  if (Number(await sys.getAttribute('data-line')) !== HOSTILE.enterLine) throw new Error(`the syscall node starts at line ${await sys.getAttribute('data-line')}, the preadv2 entry is line ${HOSTILE.enterLine}`);
  if (!/\blc-gshort\b/.test((await sys.getAttribute('class')) ?? '')) throw new Error('the short preadv2 is not marked short');
  if ((await view.locator('img').count()) !== 0) throw new Error('an <img> element appeared in the panel');
  if (dialogs.length > 0) throw new Error(`dialogs opened: ${dialogs.join(' | ')}`);
  await view.locator('#iolens-lifecycle').scrollIntoViewIfNeeded();
  await shot('09c-lifecycle-graph');
  // The event table and the timeline show the hostile task names as text too.
  await view.locator('#iolens-table .ev-filter-pid input').fill(String(HOSTILE.short.pid));
  await view.locator('#iolens-table .ev-filter-pid input').press('Enter');
  const taskCell = view.locator('#iolens-table .ev-layer .ev-row[data-index="0"] .ev-c-task');
  await until('a row of the renamed task', async () => ((await taskCell.textContent()) === `${HOSTILE.short.comm}:${HOSTILE.short.pid}` ? true : undefined), 30_000).catch(async () => {
    throw new Error(`the task cell reads ${JSON.stringify(await taskCell.textContent())}, expected ${JSON.stringify(`${HOSTILE.short.comm}:${HOSTILE.short.pid}`)}`);
  });
  await view.locator('#iolens-timeline .tl-by', { hasText: 'by task' }).click();
  await until('task lanes', async () => (Number(await view.locator('#iolens-timeline .tl').getAttribute('data-lanes')) > 1 ? true : undefined), 30_000);
  if ((await view.locator('img').count()) !== 0 || dialogs.length > 0) throw new Error('the table or the timeline turned a task name into markup');
  await view.locator('#iolens-table .ev-filter-pid input').fill('');
  await view.locator('#iolens-table .ev-filter-pid input').press('Enter');
  const block = nodes.and(view.locator('[data-layer="block"]')).first();
  const blockLine = Number(await block.getAttribute('data-line'));
  // "Show its events in the event table": the chain's lines, from the preadv2 entry and its short return
  // to the block request's issue.
  await view.locator('#iolens-lifecycle .lc-events').first().click();
  const tableRoot = view.locator('#iolens-table .ev-table');
  await until('the chain\'s events', async () => {
    const n = Number(await tableRoot.getAttribute('data-total'));
    return n >= 3 && n <= 18 ? n : undefined;
  }, 30_000);
  const chainLines = await view.locator('#iolens-table .ev-layer .ev-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-line'))));
  for (const want of [HOSTILE.enterLine, HOSTILE.short.line, blockLine]) {
    if (!chainLines.includes(want)) throw new Error(`the chain's events are lines ${chainLines.join()}, without line ${want}`);
  }
  await view.locator('#iolens-table .ev-filter-req input').fill('');
  await view.locator('#iolens-table .ev-filter-req input').press('Enter');
  await block.click();
  await page.locator(wb.statusSelection, { hasText: new RegExp(`^Ln ${blockLine}, Col`) }).waitFor();
});

test('Outline of a trace (samples/10 report.txt, opened by absolute path) lists Findings, Devices, Tasks and CPUs', async () => {
  await closeAllEditors();
  await openFile(S10.report);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  await analysed();
  await showOutline();
  const header = page.locator(wb.paneHeader(wb.outlineSection));
  await header.hover();
  await header.locator(wb.collapseAll).click();
  const rows = await until('the trace outline groups', async () => {
    const r = await outlineRows();
    const top = r.filter((x) => x.level === 1).map((x) => x.name);
    return iolens.traceOutlineGroups.every((g) => top.includes(g)) ? r : undefined;
  });
  const cpus = rows.find((r) => r.level === 1 && r.name === 'CPUs');
  if (cpus.description !== String(S10.cpus)) throw new Error(`the CPUs group says ${cpus.description}, the report has ${S10.cpus} CPUs`);
  // Devices expanded lists the block devices of the raw block events.
  await page.locator(wb.outlineRow, { hasText: /^Devices/ }).first().click();
  await page.keyboard.press('ArrowRight');
  await until(`device ${S10.devices.join(', ')} in the outline`, async () => {
    const names = (await outlineRows()).filter((r) => r.level === 2).map((r) => r.name);
    return S10.devices.every((d) => names.includes(d));
  });
  await shot('12-outline-trace');
});

test('Outline of a hung-task log (hung-tasks.log) lists each task report as comm:pid D', async () => {
  await closeAllEditors();
  await openFile(HUNG.fixture);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.kernelLogAlias }).waitFor();
  await analysed();
  await showOutline();
  await until('a symbol per hung-task report', async () => {
    const names = (await outlineRows()).map((r) => r.name);
    return HUNG.reports.every((t) => names.some((n) => n.startsWith(`${t.comm}:${t.pid} D`)));
  }).catch(async (err) => {
    throw new Error(`${err.message}; outline: ${(await outlineRows()).map((r) => r.name).join(' | ')}`);
  });
  await shot('13-outline-hung-task-log');
});

test('Fold All on a trace (samples/10 trace.txt) folds only its header: every event line stays visible', async () => {
  await closeAllEditors();
  await openFile(S10.trace);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  await analysed();
  await page.keyboard.press(keys.editorHome);
  const before = await until('the top lines rendered', async () => ((await renderedNumbers())[0] === 1 ? renderedNumbers() : undefined));
  await foldAll();
  // The header (lines 1..firstEvent-1, `#` comments) folds into its first line.
  const after = await until('the header folded', async () => {
    const n = await renderedNumbers();
    return n.length > 1 && n[1] !== 2 ? n : undefined;
  });
  if (after[0] !== 1 || after[1] !== S10.firstEvent) throw new Error(`after Fold All the lines shown start ${after.slice(0, 4).join(', ')}; expected 1, ${S10.firstEvent} (the first event line)`);
  for (let i = 2; i < after.length; i++) {
    if (after[i] !== after[i - 1] + 1) throw new Error(`Fold All hid event lines ${after[i - 1] + 1}–${after[i] - 1} (lines shown: ${after.join(', ')})`);
  }
  if (after.length < before.length - 1) throw new Error(`fewer lines shown after Fold All (${after.length}) than before (${before.length})`);
  await unfoldAll();
  await until('the header unfolded', async () => (await renderedNumbers())[1] === 2);
});

test('Fold All on a hung-task log collapses each task report to its header line', async () => {
  await closeAllEditors();
  await openFile(HUNG.fixture);
  await analysed();
  await page.keyboard.press(keys.editorHome);
  const before = await until('the top lines rendered', async () => ((await renderedNumbers())[0] === 1 ? renderedNumbers() : undefined));
  await foldAll();
  const headers = HUNG.reports.map((r) => r.line);
  const after = await until('every report folded', async () => {
    const n = await renderedNumbers();
    return headers.every((h) => n.includes(h)) ? n : undefined;
  }).catch(async (err) => {
    throw new Error(`${err.message}; lines shown: ${(await renderedNumbers()).join(', ')}`);
  });
  if (after.length >= before.length) throw new Error(`Fold All did not fold: ${after.length} lines shown, ${before.length} before`);
  // Nothing of a report shows between its header and the next header.
  for (let i = 0; i < headers.length - 1; i++) {
    const inside = after.filter((n) => n > headers[i] && n < headers[i + 1]);
    if (inside.length > 0) throw new Error(`lines ${inside.join(', ')} of the report at line ${headers[i]} are still shown`);
  }
  await page.waitForTimeout(200);
  await shot('14-hung-task-log-folded');
  await unfoldAll();
});

/** Opens `task.fixture` and runs Filter Events… → Tasks → the task, all with the keyboard, as a user would. */
async function filterEventsByTask(task) {
  await closeAllEditors();
  await openFile(task.fixture);
  await analysed();
  const input = await drv.openQuickInput(keys.commandPalette, `>${iolens.commands.filterEvents}`);
  await page.locator(wb.quickInputRow).first().filter({ has: page.locator(wb.quickInputRowLabel, { hasText: iolens.commands.filterEvents }) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(wb.quickInputTitle, { hasText: `filter the events of ${task.fixture}` }).waitFor();
  await input.fill(iolens.filterByTasks);
  await until('the Tasks choice alone', async () => {
    const rows = await page.locator(wb.quickInputRow).allInnerTexts();
    return rows.length === 1 && rows[0].includes(iolens.filterByTasks);
  });
  await page.keyboard.press('Enter');
  await page.locator(wb.quickInputTitle, { hasText: 'keep the events of these tasks' }).waitFor();
  await input.fill(task.label);
  await until(`the task ${task.label} alone`, async () => {
    const labels = await page.locator(`${wb.quickInputRow} ${wb.quickInputRowLabel}`).allInnerTexts();
    return labels.length === 1 && labels[0].trim() === task.label;
  });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.locator(`${wb.quickInputRow}[aria-checked="true"]`).first().waitFor();
  await page.keyboard.press('Enter');
}

test(`"iolens: Filter Events…" by task with the keyboard: a view titled [pid N] with exactly that task's lines and its CodeLens`, async () => {
  await filterEventsByTask(TASK);
  const title = `${TASK.fixture} [pid ${TASK.pid}]`;
  await page.locator(wb.activeEditorTab, { hasText: title }).waitFor();
  await page.locator(wb.statusItem, { hasText: /matches 1–/ }).first().waitFor();
  // The lines shown are the raw lines of that pid, in order: at the top, then at the end.
  const check = async () => {
    const shown = await drv.renderedLines();
    if (shown.length === 0) throw new Error('the filtered view shows no lines');
    for (const l of shown) {
      const raw = TASK.lines[l.n - 1];
      const text = await drv.lineText(l.n);
      if (raw === undefined || text !== raw) throw new Error(`filtered line ${l.n} reads ${JSON.stringify(text)}, expected ${JSON.stringify(raw)}`);
    }
    return shown;
  };
  // The editor may re-render between listing its lines and reading one: the check is retried until it holds
  // (a wrong line fails it once the wait is over, with the last mismatch).
  const checked = async () => {
    let last;
    return until("the filtered view's lines to be the task's raw lines", async () => {
      try {
        return await check();
      } catch (err) {
        last = err;
        return undefined;
      }
    }).catch((err) => {
      throw last ?? err;
    });
  };
  await checked();
  const lenses = await until('the CodeLenses of the filtered view', async () => {
    const l = await drv.codeLenses();
    return l.some((x) => x.text.includes(iolens.openInSourceLens(TASK.fixture))) ? l : undefined;
  });
  if (!lenses[0].text.includes(`of ${TASK.lines.length} matching events`)) throw new Error(`the top CodeLens reads "${lenses[0].text}", expected "… of ${TASK.lines.length} matching events"`);
  await page.waitForTimeout(200);
  await shot('15-filtered-view');
  await page.keyboard.press(keys.editorEnd);
  const end = await until('the end of the filtered view', async () => {
    const n = await renderedNumbers();
    return n.includes(TASK.lines.length) ? n : undefined;
  });
  if (Math.max(...end) !== TASK.lines.length) throw new Error(`the filtered view has ${Math.max(...end)} lines, the raw file ${TASK.lines.length} of pid ${TASK.pid}`);
  await checked();
});

// ---------------------------------------------------------------------------------------------------------
// Screenshots of each feature, in a light and a dark theme (test artifacts; the best are copied by hand to
// extension/media/ for the README). Taken before the large-file tests: the diagnostics of a closed document
// stay in the Problems panel (and its count in the status bar) until VS Code disposes the document, minutes later.

async function setTheme(theme) {
  await drv.command(wb.commands.colorTheme, { asks: true });
  const input = page.locator(wb.quickInputBox);
  await page.locator(`${wb.quickInputBox}[aria-label^="Select Color Theme"]`).waitFor();
  await input.fill(theme.name);
  const row = page.locator(wb.quickInputRow).filter({ has: page.locator(wb.quickInputRowLabel, { hasText: new RegExp(`^${theme.name}$`) }) }).first();
  await row.waitFor();
  await row.click();
  await input.waitFor({ state: 'hidden' });
  await page.locator(`${wb.workbench}.${theme.workbenchClass}`).waitFor();
  // The class comes first; the editors repaint with the theme's colours after it: wait until an editor's
  // background is light (or dark) before any screenshot.
  const light = theme === wb.themes.light || theme === wb.highContrast.hcLight;
  await page.waitForFunction((light) => {
    const ed = document.querySelector('.monaco-editor .monaco-editor-background') ?? document.querySelector('.monaco-workbench');
    const m = /rgba?\((\d+), (\d+), (\d+)/.exec(ed ? getComputedStyle(ed).backgroundColor : '');
    if (!m) return false;
    const lum = (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255;
    return light ? lum > 0.5 : lum < 0.5;
  }, light);
}

/** Before a scene: no toasts, the side bar shown. */
async function calm() {
  if (!(await page.locator(wb.sideBar).isVisible())) await drv.command(wb.commands.toggleSideBar);
  await drv.command(wb.commands.clearNotifications);
  await page.locator(wb.notificationToast).first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** Scrolls the iolens part of the visible hover to its end with the mouse wheel, never past it (which would scroll the editor). */
async function scrollHoverToEnd(part) {
  const content = page.locator(`${wb.editorHover}:visible .monaco-hover-content`).first();
  const box = await part.boundingBox();
  const hb = await page.locator(`${wb.editorHover}:visible`).first().boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, Math.min(hb.y + hb.height - 30, Math.max(box.y + 10, hb.y + 10)), { steps: 4 });
  for (let i = 0; i < 40; i++) {
    const left = await content.evaluate((e) => e.scrollHeight - e.clientHeight - e.scrollTop);
    if (left <= 2) break;
    await page.mouse.wheel(0, Math.min(120, left));
    await page.waitForTimeout(60);
  }
}

/** Drags the visible hover's free edge (above or below its line) to make it taller. */
async function enlargeHover(by) {
  const hover = page.locator(`${wb.editorHover}:visible`).first();
  const box = await hover.boundingBox({ timeout: 5000 });
  // The resizable hover offers a sash on the side away from its line (north when it is above the line).
  const sashes = await page.locator(`${wb.resizableHover} .monaco-sash.horizontal:not(.disabled)`).evaluateAll((els) =>
    els.map((e) => ({ box: e.getBoundingClientRect().toJSON(), north: e.classList.contains('orthogonal-edge-north') })).filter((s) => s.box.width > 0),
  );
  const sash = sashes.find((s) => Math.abs(s.box.left - box.x) < 8 && (Math.abs(s.box.top - box.y) < 8 || Math.abs(s.box.bottom - box.y - box.height) < 8));
  if (!sash) throw new Error(`the hover offers no sash to resize (${JSON.stringify(sashes)})`);
  // Not beyond the editor: a drag that ends outside the hover lets it hide.
  const view = await page.locator(`${drv.activeEditor} .overflow-guard`).first().boundingBox();
  const room = sash.north ? sash.box.top - view.y - 40 : view.y + view.height - sash.box.bottom - 40;
  const dy = Math.max(0, Math.min(by, room));
  const x = sash.box.left + 40;
  const y = sash.box.top + sash.box.height / 2;
  await page.mouse.move(x, y, { steps: 3 });
  await page.mouse.down();
  await page.mouse.move(x, sash.north ? y - dy : y + dy, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(x, sash.north ? y - dy + 30 : y + dy - 30);
  await hover.waitFor({ timeout: 5000 });
}

/** Hides the primary side bar for a shot that needs the width (calm() shows it again). */
async function hideSideBar() {
  if (await page.locator(wb.sideBar).isVisible()) await drv.command(wb.commands.toggleSideBar);
  await page.locator(wb.sideBar).waitFor({ state: 'hidden' });
}

const scenes = {
  /** The panel of samples/10: findings, the lifecycle graph of the short preadv2, latency, timeline. */
  'panel-trace': async () => {
    await closeAllEditors();
    await hidePanel();
    await openFile(HOSTILE.file);
    await analysed();
    await drv.command(iolens.commands.showSummary);
    const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
    const finding = view.locator('#iolens-findings .finding', { hasText: `line ${HOSTILE.short.line}` }).first();
    await finding.waitFor();
    await finding.locator('vscode-link', { hasText: 'lifecycle' }).click();
    await view.locator('#iolens-lifecycle .lc-graph svg.lc-svg').first().waitFor({ timeout: 30_000 });
    await view.locator('#iolens-timeline .tl[data-total]').waitFor({ timeout: 30_000 });
    await view.locator('#iolens-title').scrollIntoViewIfNeeded();
  },
  /** The panel's timeline and event table (samples/10). */
  'panel-timeline-table': async () => {
    const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
    await view.locator('#iolens-timeline .tl[data-total]').waitFor({ timeout: 30_000 });
    await view.locator('#iolens-timeline').scrollIntoViewIfNeeded();
  },
  /** The collapsed wait-for graph of 400 blocked tasks and their rows. */
  'panel-wait-graph': async () => {
    await closeAllEditors();
    await openKernelLogSummary('many-hung-tasks.log', { keepEditors: true });
    const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
    await view.locator('#iolens-wait-graph[aria-busy="false"] svg.wg').waitFor({ timeout: 60_000 });
    await view.locator('#iolens-blocked').scrollIntoViewIfNeeded();
  },
  /** The hover of the short read with its request lifecycle (samples/10 trace.txt line 369). */
  'hover-request': async () => {
    await closeAllEditors();
    await hidePanel();
    await openFile(S10.trace);
    await analysed();
    await drv.goToLine(S10.shortRead - 14);
    await drv.settled();
    const { part } = await drv.hover(S10.shortRead, 'sys_preadv2');
    await enlargeHover(300);
    await scrollHoverToEnd(part);
    return 'hover';
  },
  /** The hover with the hostile task name (hostile-names.trace line 369). */
  'hover-hostile-name': async () => {
    await closeAllEditors();
    await openFile(HOSTILE.file);
    await analysed();
    await drv.goToLine(HOSTILE.short.line - 14);
    await drv.settled();
    await drv.hover(HOSTILE.short.line, HOSTILE.short.word);
    await enlargeHover(300);
    return 'hover';
  },
  'outline-trace': async () => {
    await closeAllEditors();
    await openFile(S10.report);
    await analysed();
    await showOutline();
    const header = page.locator(wb.paneHeader(wb.outlineSection));
    await header.hover();
    await header.locator(wb.collapseAll).click();
    for (const group of ['Findings', 'short-read', 'Devices', 'CPUs']) {
      const row = page.locator(wb.outlineRow).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${group}$`) }) }).first();
      await row.waitFor();
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    }
    await drv.command(wb.commands.focusEditor);
    await drv.goToLine(S10.shortRead);
  },
  'outline-hung-task-log': async () => {
    await closeAllEditors();
    await openFile(HUNG.fixture);
    await analysed();
    await showOutline();
    await drv.command(wb.commands.focusEditor);
    await drv.goToLine(HUNG.reports[1].line + 14);
  },
  'hung-task-log-folded': async () => {
    await closeAllEditors();
    await openFile(HUNG.fixture);
    await analysed();
    await showOutline();
    await drv.command(wb.commands.focusEditor);
    await page.keyboard.press(keys.editorHome);
    await foldAll();
    await until('the reports folded', async () => (await renderedNumbers()).includes(HUNG.reports.at(-1).line));
  },
  'filtered-view': async () => {
    await hideSideBar();
    await filterEventsByTask(TASK);
    await page.locator(wb.activeEditorTab, { hasText: `[pid ${TASK.pid}]` }).waitFor();
    // Give the filtered view most of the width: drag the sash between the two editor groups to the left.
    const sash = page.locator(wb.editorGroupSash).first();
    const b = await sash.boundingBox();
    const part = await page.locator(wb.editorPart).boundingBox();
    await page.mouse.move(b.x + b.width / 2, b.y + 200, { steps: 3 });
    await page.mouse.down();
    await page.mouse.move(part.x + part.width * 0.3, b.y + 200, { steps: 8 });
    await page.mouse.up();
    await until('the CodeLens of the filtered view', async () => (await drv.codeLenses()).some((x) => x.text.includes(iolens.openInSourceLens(TASK.fixture))));
  },
  'large-trace-view': async () => {
    await closeAllEditors();
    await hidePanel();
    await openFile(LARGE.name);
    await page.locator(wb.statusItem, { hasText: /lines [\d,]+–/ }).first().waitFor({ timeout: 120_000 });
    // Back to the first window if an earlier test moved it.
    for (let i = 0; i < 5 && (await windowShown())?.from > 1; i++) {
      const before = await windowShown();
      await drv.command(iolens.commands.previousWindow);
      await until('the previous window', async () => (await windowShown())?.from !== before.from, 60_000);
      // The command ends by putting the cursor on the window's last line.
      await page.locator(wb.statusSelection, { hasText: new RegExp(`^Ln ${(await windowShown()).to - (await windowShown()).from + 1}, Col 1$`) }).waitFor({ timeout: 60_000 });
    }
    await page.locator(`${drv.activeEditor} .view-lines`).first().click();
    const at = LARGE.shortReads[0] + 12;
    await drv.goToLine(at);
    await page.locator(wb.statusSelection, { hasText: new RegExp(`^Ln ${at}, Col 1$`) }).waitFor();
    await calm();
  },
  'codelens-inlay-hints': async () => {
    await closeAllEditors();
    await openFile(S10.trace);
    await analysed();
    await drv.goToLine(S10.shortRead + 6);
    await until('CodeLenses', async () => (await drv.codeLenses()).length > 0);
  },
  'problems-related-locations': async () => {
    await closeAllEditors();
    await openFile(S10.trace);
    await analysed();
    await drv.goToLine(S10.shortRead);
    await problemsOf(`**/${path.basename(path.dirname(S10.trace))}/${path.basename(S10.trace)}`);
    await page.locator(wb.markersRow, { hasText: 'preadv2 entered' }).first().waitFor();
  },
};

/** Sets up each scene (in the current theme) and saves `<theme>-<scene>.png`; fails with the scenes that could not be set up. */
async function shootScenes(themeKey, names) {
  const failed = [];
  for (const name of names) {
    try {
      await calm();
      // A scene that shows a hover keeps the mouse on it; the others move it away (no tooltips).
      if ((await scenes[name]()) !== 'hover') await drv.mouseAway();
      await page.waitForTimeout(400); // rendering settles (fade-ins, CodeLens layout)
      await shot(`${themeKey}-${name}`);
    } catch (err) {
      failed.push(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
      await shot(`FAIL-${themeKey}-${name}`).catch(() => undefined);
    } finally {
      await drv.mouseAway().catch(() => undefined);
      await clearProblemsFilter().catch(() => undefined);
    }
  }
  if (failed.length > 0) throw new Error(`scenes that could not be set up:\n${failed.join('\n')}`);
}

// The large-trace view last: its diagnostics would stay in the Problems count of the other shots.
const LAST_SCENES = ['large-trace-view'];
const FIRST_SCENES = Object.keys(scenes).filter((s) => !LAST_SCENES.includes(s));
for (const [themeKey, theme] of Object.entries(wb.themes)) {
  test(`screenshots in ${theme.name}: ${FIRST_SCENES.join(', ')}`, async () => {
    await setTheme(theme);
    await shootScenes(themeKey, FIRST_SCENES);
  });
}
const PANEL_SCENES = FIRST_SCENES.filter((s) => s.startsWith('panel-'));
for (const [themeKey, theme] of Object.entries(wb.highContrast)) {
  test(`screenshots in ${theme.name}: ${PANEL_SCENES.join(', ')}`, async () => {
    await setTheme(theme);
    await shootScenes(themeKey, PANEL_SCENES);
  });
}
test(`screenshots in ${Object.values(wb.themes).map((t) => t.name).join(' and ')}: ${LAST_SCENES.join(', ')}`, async () => {
  for (const [themeKey, theme] of Object.entries(wb.themes)) {
    await setTheme(theme);
    await shootScenes(themeKey, LAST_SCENES);
  }
});

// ---------------------------------------------------------------------------------------------------------
// trace-cmd's binary trace.dat, opened the ordinary way (Ctrl+P, the explorer, under any name): its tab (VS
// Code's "binary file" placeholder) is replaced by the iolens-trace view of the text `trace-cmd report`
// prints for it. fixtures/trace.dat is samples/01's; the truth is samples/01's report.txt. Only the line
// prefixes up to the event name are compared (the view's payload text is checked by the engine's tests).
// After the screenshots: the view's diagnostics stay in the Problems count until VS Code drops the document.

const DAT = traceDat();
const datStatus = `${DAT.events.length.toLocaleString('en-US')} events`;

/** Waits until the active tab is the report view of `name` and the tab of the file itself is gone. */
async function datViewShown(name) {
  const title = DAT.tab(name);
  await page.locator(wb.activeEditorTab, { hasText: title }).waitFor({ timeout: 60_000 }).catch(async () => {
    throw new Error(`no "${title}" tab; tabs: ${(await page.locator(wb.editorTab).allInnerTexts()).map((t) => JSON.stringify(t.trim())).join(', ')}`);
  });
  await until(`the tab of ${name} itself replaced`, async () => {
    const tabs = (await page.locator(wb.editorTab).allInnerTexts()).map((t) => t.trim());
    return tabs.filter((t) => t.includes(name)).length === 1 ? tabs : undefined;
  }, 10_000).catch(async () => {
    throw new Error(`tabs: ${(await page.locator(wb.editorTab).allInnerTexts()).map((t) => JSON.stringify(t.trim())).join(', ')} (the tab of ${name} was not replaced)`);
  });
}

/** The rendered lines 1..n of the active editor read `cpus=2`, then the report's event lines (up to the event name). */
async function datHeadShown(n = 12) {
  const first = await until('line 1', () => drv.lineText(1));
  if (first !== DAT.lines[0]) throw new Error(`line 1 reads ${JSON.stringify(first)}, trace-cmd report's ${JSON.stringify(DAT.lines[0])}`);
  for (let k = 2; k <= n; k++) {
    const text = await drv.lineText(k);
    const want = DAT.events[k - 2];
    if (want.line !== k || !text?.startsWith(want.prefix)) throw new Error(`line ${k} reads ${JSON.stringify(text)}, trace-cmd report's starts ${JSON.stringify(want.prefix)}`);
  }
}

test(`trace.dat opened with Ctrl+P is replaced by its trace-cmd report view: cpus=2 on line 1, the report's event lines of CPUs 001 and 000, ${datStatus} in the status bar`, async () => {
  await closeAllEditors();
  await hidePanel();
  await openFile(DAT.name);
  await datViewShown(DAT.name);
  await page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias }).waitFor();
  await datHeadShown();
  if (!(await drv.lineText(2)).includes('[001]')) throw new Error('line 2 is not an event of CPU 001');
  // CPU 0's first event further down, as trace-cmd merges the CPUs.
  await drv.goToLine(DAT.cpu0.line);
  const cpu0 = await drv.lineText(DAT.cpu0.line);
  if (!cpu0?.startsWith(DAT.cpu0.prefix) || !cpu0.includes('[000]')) throw new Error(`line ${DAT.cpu0.line} reads ${JSON.stringify(cpu0)}, trace-cmd report's starts ${JSON.stringify(DAT.cpu0.prefix)}`);
  await analysed();
  const status = await iolensStatus();
  const want = `lines 1–${fmt(DAT.lines.length)} of ${fmt(DAT.lines.length)}`;
  if (!status.includes(datStatus) || !status.includes(want)) throw new Error(`the status bar says "${status}", expected "${datStatus}" and "${want}"`);
  await drv.mouseAway();
  await shot('20-trace-dat-view');
});

test(`hover on a trace.dat event line (line ${DAT.issue.line}, ${DAT.issue.event}): the event, its CPU, task and time as trace-cmd printed them`, async () => {
  await drv.goToLine(DAT.issue.line);
  await drv.settled();
  const { part } = await drv.hover(DAT.issue.line, DAT.issue.event);
  const text = await part.innerText();
  const ts = /(\d+\.\d+):/.exec(DAT.issue.prefix)[1];
  for (const want of [DAT.issue.event, `CPU ${DAT.issue.cpu}`, DAT.issue.comm, `pid ${DAT.issue.pid}`, ts]) {
    if (!text.includes(want)) throw new Error(`the hover does not show ${JSON.stringify(want)}:\n${text.slice(0, 1500)}`);
  }
  await page.waitForTimeout(300);
  await shot('21-trace-dat-hover');
  await drv.mouseAway();
});

test('the panel of the trace.dat view: "iolens: trace.dat" with the event counts of trace-cmd report', async () => {
  await drv.command(iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle(DAT.name) }).waitFor({ timeout: 60_000 });
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  await view.locator(summary.table).waitFor();
  for (const name of ['block_rq_issue', 'sched_switch', 'sys_enter_read', 'print']) {
    const row = view.locator(summary.rows, { hasText: name }).first();
    await row.waitFor();
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    if (!new RegExp(`\\b${DAT.counts[name].toLocaleString('en-US').replace(/,/g, '[,. ]?')}\\b`).test(text)) throw new Error(`the panel's row for ${name} reads "${text}", trace-cmd report has ${DAT.counts[name]}`);
  }
  await page.waitForTimeout(300);
  await shot('22-trace-dat-panel');
});

test(`a trace.dat under another name (generated/${DAT.renamedName}) is found by its magic bytes and opens as its trace-cmd report view`, async () => {
  await closeAllEditors();
  await openFile(DAT.renamedName);
  await datViewShown(DAT.renamedName);
  await datHeadShown(5);
  await analysed();
  if (!(await iolensStatus()).includes(datStatus)) throw new Error(`the status bar says "${await iolensStatus()}"`);
});

test(`screenshots of the trace.dat view in ${Object.values(wb.themes).map((t) => t.name).join(' and ')}: its lines with a hover, and its panel`, async () => {
  for (const [themeKey, theme] of Object.entries(wb.themes)) {
    await setTheme(theme);
    await closeAllEditors();
    await calm();
    await openFile(DAT.name);
    await datViewShown(DAT.name);
    await analysed();
    await drv.goToLine(DAT.issue.line - 10);
    await drv.settled();
    const { part } = await drv.hover(DAT.issue.line, DAT.issue.event);
    // The diagnostics of the line come first in the hover: make it taller and scroll to the iolens part.
    await enlargeHover(300);
    await scrollHoverToEnd(part);
    await page.waitForTimeout(400);
    await shot(`${themeKey}-trace-dat-hover`);
    await drv.mouseAway();
    await drv.command(iolens.commands.showSummary);
    const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
    await view.locator(summary.table).waitFor();
    await page.waitForTimeout(400);
    await shot(`${themeKey}-trace-dat-panel`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// The large-trace view: a trace above VS Code's 50 MB limit opened the ordinary way.

const LARGE = generatedReport('large-nowait.txt');
/** `iolens.largeFile.windowLines` as the loaded extension's package.json declares its default. */
const WINDOW_LINES = JSON.parse(readFileSync(path.join(env.extDir, 'package.json'), 'utf8')).contributes.configuration.properties['iolens.largeFile.windowLines'].default;
/** Lines of a window of large-nowait.txt: what the rule gives, and below VS Code's large-file limits. */
const WINDOW = Math.min(windowLinesOf(LARGE.file, WINDOW_LINES), LARGE.total);
if (bytesOfLines(LARGE.lines, WINDOW) > 20 * 1024 * 1024 || WINDOW >= 300_000) throw new Error(`a window of ${WINDOW} lines is a large file to VS Code`);
/** Lines of the short first window the file opens with (on screen while the analysis runs). */
const HEAD = Math.min(headLinesOf(LARGE.file, WINDOW_LINES), LARGE.total);
const fmt = (n) => n.toLocaleString('en-US');
/** `lines A–B of N` from the status bar item. */
async function windowShown() {
  const m = /lines ([\d,]+)–([\d,]+) of ([\d,]+)/.exec(await iolensStatus());
  return m ? { from: Number(m[1].replace(/,/g, '')), to: Number(m[2].replace(/,/g, '')), total: Number(m[3].replace(/,/g, '')) } : undefined;
}

/**
 * Runs "Show Next Lines" from the palette on the active large-trace view; returns the milliseconds until
 * the first line shown changes. Resolves once the command has finished (it ends by putting the cursor
 * on the window's first line: the cursor is first put elsewhere so that this is seen).
 */
async function showNextLines() {
  await drv.goToLine(10);
  const first = await drv.lineText(1);
  const t0 = performance.now();
  await drv.command(iolens.commands.nextWindow);
  await until('another first line', async () => (await drv.lineText(1)) !== first, 60_000, 20);
  const ms = performance.now() - t0;
  await page.locator(wb.statusSelection, { hasText: /^Ln 1, Col 1$/ }).waitFor({ timeout: 60_000 });
  return ms;
}

test(`large-nowait.txt (${(LARGE.size / 1e6).toFixed(0)} MB) opened with Ctrl+P is replaced by the large-trace view: one tab, lines 1–${fmt(HEAD)} of ${fmt(LARGE.total)}`, async () => {
  await closeAllEditors();
  const t0 = performance.now();
  await openFile(LARGE.name);
  const want = `lines 1–${fmt(HEAD)} of ${fmt(LARGE.total)}`;
  await page.locator(wb.statusItem, { hasText: want }).first().waitFor({ timeout: 120_000 }).catch(async () => {
    throw new Error(`the status bar never said "${want}"; it says "${await iolensStatus().catch(() => '(no iolens item)')}"`);
  });
  // Not a cold timing: the screenshots opened this file before (the corpus 06 test times a cold open).
  timings.largeView56MB = { reopenToWindowMs: Math.round(performance.now() - t0) };
  await page.locator(wb.activeEditorTab, { hasText: LARGE.name }).waitFor();
  // The tab of the file itself (VS Code's "file is too large" placeholder) is closed: one tab remains.
  const tabs = await until('a single large-nowait.txt tab', async () => {
    const t = (await page.locator(wb.editorTab).allInnerTexts()).filter((x) => x.includes(LARGE.name));
    return t.length === 1 ? t : undefined;
  }, 10_000).catch(async () => {
    throw new Error(`tabs after opening: ${(await page.locator(wb.editorTab).allInnerTexts()).map((t) => JSON.stringify(t.trim())).join(', ')} (the original tab was not replaced)`);
  });
  if (tabs.length !== 1) throw new Error('more than one tab');
  // The editor shows the raw file's first lines.
  for (let n = 1; n <= 5; n++) {
    const text = await drv.lineText(n);
    if (text !== LARGE.lines[n - 1]) throw new Error(`line ${n} of the view reads ${JSON.stringify(text)}, the file ${JSON.stringify(LARGE.lines[n - 1])}`);
  }
  await shot('16-large-view-opened');
});

/** Opens the Problems panel showing only the problems of files matching `glob` (the filter box, as a user would). */
async function problemsOf(glob) {
  await drv.command(wb.commands.focusProblems);
  await page.locator(wb.markersFilterInput).waitFor();
  await page.locator(wb.markersFilterInput).fill(glob);
}

async function clearProblemsFilter() {
  if (await page.locator(wb.markersFilterInput).isVisible()) await page.locator(wb.markersFilterInput).fill('');
}

test('the Problems panel lists the short reads of the window on the raw lines of the short returns', async () => {
  await problemsOf(`**/generated/${LARGE.name}`);
  const inWindow = LARGE.shortReads.filter((l) => l <= HEAD);
  const t0 = performance.now();
  // Each problem lists its evidence lines below it: collapse them (the panel's Collapse All, then open the
  // file again) so that many problems are on screen at once.
  const fileRow = page.locator(wb.markersRow).filter({ hasText: LARGE.name }).first();
  await fileRow.waitFor({ timeout: 60_000 });
  await page.locator(wb.problemsCollapseAll).filter({ visible: true }).first().click();
  await fileRow.locator('.monaco-tl-twistie').click();
  const rows = await until(`short-read problems of ${LARGE.name}`, async () => {
    const r = await page.locator(wb.markersRow).evaluateAll((els) =>
      els.map((e) => ({ level: Number(e.getAttribute('aria-level')), text: (e.textContent ?? '').replace(/\s+/g, ' '), badge: e.querySelector('.monaco-count-badge')?.textContent ?? '' })),
    );
    const file = r.findIndex((x) => x.level === 1 && x.text.includes(LARGE.name));
    if (file < 0) return undefined;
    const lines = [];
    for (let i = file + 1; i < r.length && r[i].level !== 1; i++) {
      if (r[i].level === 2 && /iolens\(?short-read/.test(r[i].text)) lines.push(Number(/\[Ln (\d+), Col \d+\]/.exec(r[i].text)?.[1]));
    }
    return lines.length >= 5 ? { lines, badge: r[file].badge } : undefined;
  }, 60_000);
  timings.largeView56MB.problemsAfterOpenMs = Math.round(performance.now() - t0);
  const want = inWindow.slice(0, rows.lines.length);
  if (JSON.stringify(rows.lines) !== JSON.stringify(want)) throw new Error(`short-read problems on lines ${rows.lines.join(', ')}; the raw short returns are on ${want.join(', ')}`);
  const count = Number(rows.badge.replace(/[,\s]/g, ''));
  if (!(count >= inWindow.length)) throw new Error(`${LARGE.name} has ${count} problems, fewer than its ${inWindow.length} short reads in the window (${rows.badge})`);
  await page.waitForTimeout(300);
  await shot('17-large-view-problems');
  await clearProblemsFilter();
});

test('the large-trace view shows its CodeLenses: Go to Line…, Go to Time…, Go to Finding… on top, Next lines at the end', async () => {
  await hidePanel();
  await page.locator(`${drv.activeEditor} .view-lines`).first().click();
  await page.keyboard.press(keys.editorHome);
  const top = await until('the top CodeLenses', async () => {
    const l = await drv.codeLenses();
    return iolens.largeViewLenses.every((t) => l.some((x) => x.text.includes(t))) ? l : undefined;
  }, 15_000).catch(async () => {
    const l = await drv.codeLenses();
    const toast = (await page.locator(wb.notificationToast).allInnerTexts()).join(' | ');
    throw new Error(`CodeLenses at the top: ${l.map((x) => JSON.stringify(x.text)).join(', ') || 'none'}${toast ? `; notifications: ${toast}` : ''}`);
  });
  if (!top[0].text.includes(`lines 1–${fmt(HEAD)} of ${fmt(LARGE.total)}`)) throw new Error(`the first CodeLens reads "${top[0].text}"`);
  await page.keyboard.press(keys.editorEnd);
  await until('the Next lines CodeLens at the end of the window', async () => (await drv.codeLenses()).some((x) => x.text.includes(iolens.nextLinesLens)), 15_000);
  await page.keyboard.press(keys.editorHome);
});

test('"iolens: Show Next Lines of the Large Trace" moves the window: the first line shown changes to the raw line the status bar names', async () => {
  await page.keyboard.press(keys.editorHome);
  const first = await until('line 1 at the top', async () => ((await drv.renderedLines())[0]?.n === 1 ? drv.lineText(1) : undefined));
  if (first !== LARGE.lines[0]) throw new Error(`the first line reads ${JSON.stringify(first)}`);
  timings.largeView56MB.nextLinesMs = Math.round(await showNextLines());
  const w = await until('the new window in the status bar', async () => {
    const x = await windowShown();
    return x && x.from > 1 ? x : undefined;
  });
  const shown = await drv.lineText(1);
  if (shown !== LARGE.lines[w.from - 1]) throw new Error(`the view's first line reads ${JSON.stringify(shown)}; line ${w.from} of the file is ${JSON.stringify(LARGE.lines[w.from - 1])}`);
  if (w.total !== LARGE.total) throw new Error(`the status bar says ${w.total} lines, the file has ${LARGE.total}`);
  // After the short first window, a full one that overlaps it by 100 lines.
  if (w.from !== HEAD - 99 || w.to - w.from + 1 !== Math.min(WINDOW, LARGE.total - w.from + 1)) throw new Error(`the next window is lines ${w.from}–${w.to}; expected ${HEAD - 99}–${HEAD - 100 + WINDOW}`);
});

test('the panel of the large-trace view: its event table holds every event of the 56 MB file; End shows the last one', async () => {
  // trace-cmd report: no flags column (an optional one is allowed).
  const header = /^\s*\S.*-\d+\s+\[\d{3}\](?:\s+\S+)?\s+\d+\.\d+: /;
  let events = 0;
  let last = 0;
  LARGE.lines.forEach((l, i) => {
    // report.txt spelling: `nw:` instance prefix, then the task.
    if (header.test(l.replace(/^\S+:\s/, ' '))) {
      events++;
      last = i + 1;
    }
  });
  await drv.command(iolens.commands.showSummary);
  await page.locator(wb.editorTab, { hasText: iolens.summaryTitle(LARGE.name) }).waitFor({ timeout: 60_000 });
  const view = page.frameLocator(wb.webviewOuter(iolens.extensionId)).last().frameLocator(wb.webviewInner);
  const tableRoot = view.locator('#iolens-table .ev-table');
  await until('the table total', async () => ((await tableRoot.getAttribute('data-total')) === String(events) ? true : undefined), 60_000).catch(async () => {
    throw new Error(`the table has ${await tableRoot.getAttribute('data-total')} rows, the file has ${events} events`);
  });
  await view.locator('#iolens-table [role="grid"]').focus();
  const t0 = performance.now();
  await page.keyboard.press('End');
  const lastRow = view.locator(`#iolens-table .ev-layer .ev-row[data-index="${events - 1}"]`);
  await lastRow.waitFor({ timeout: 30_000 });
  timings.tableEnd56MB = { rows: events, endToLastRowMs: Math.round(performance.now() - t0) };
  if (Number(await lastRow.getAttribute('data-line')) !== last) throw new Error(`the last row is line ${await lastRow.getAttribute('data-line')}, the last event is line ${last}`);
  await view.locator('#iolens-table').scrollIntoViewIfNeeded();
  await shot('18-large-view-table-end');
});

// ---------------------------------------------------------------------------------------------------------
// Timings, measured in the browser and printed; only obviously broken ones (above 10x the target) fail.

const MEDIUM = generatedReport('medium-nowait.txt');
const TEN_X = 10;

/** Sets a setting in the Settings editor like a user (search, type the value), then closes it. */
async function setSetting(query, label, value) {
  await drv.command(wb.commands.openSettings);
  await page.locator(wb.settingsEditor).waitFor();
  const search = page.locator(wb.settingsSearch).first();
  await search.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(query);
  const item = page.locator(wb.settingItem, { hasText: label }).first();
  await item.waitFor();
  const input = item.locator('input').first();
  await input.fill(String(value));
  await input.press('Tab');
  await until(`${query} = ${value}`, async () => (await input.inputValue()) === String(value));
  // The Settings editor writes after a short debounce; a second read proves the value stuck.
  await page.waitForTimeout(300);
  await drv.command(wb.commands.closeEditor);
}

/**
 * Hovers `count` different event lines from `startLine` on (a screen at a time, going down) and returns
 * their times (mouse move → iolens hover shown) with p50 / p95.
 */
async function hoverSamples(startLine, count = 20) {
  await calm();
  const ms = [];
  let retries = 0;
  const seen = new Set();
  for (let screen = 0, at = startLine; screen < 5 && ms.length < count; screen++) {
    await drv.goToLine(at);
    await drv.settled();
    const lines = (await drv.renderedLines()).map((l) => l.n).filter((n) => !seen.has(n));
    for (const n of lines) {
      if (ms.length >= count) break;
      seen.add(n);
      const e = parseEvent((await drv.lineText(n)) ?? '');
      // Event lines whose event name the mouse can reach (not a line cut at the editor's edge or covered).
      if (!e || !(await drv.wordCentre(n, e.event))) continue;
      const { ms: t, retries: r } = await drv.hover(n, e.event);
      ms.push(t);
      retries += r;
    }
    at = Math.max(...seen) + 20;
  }
  await drv.mouseAway();
  if (ms.length < count) throw new Error(`only ${ms.length} of ${count} event lines could be hovered from line ${startLine}`);
  return { ...percentiles(ms), targetMs: 150, retries, samples: ms.map((x) => Math.round(x)) };
}

function tooSlow(what, ms, targetMs) {
  if (ms > TEN_X * targetMs) throw new Error(`${what}: ${Math.round(ms)} ms, more than ${TEN_X}x the ${targetMs} ms target`);
}

// VS Code waits editor.hover.delay (300 ms) before it asks for a hover: the hover timings set it to 0 (in the
// Settings editor, like a user) so that they measure the extension's round trip plus rendering, which is
// what the 150 ms target is about; the last timing test puts it back.
test('timing set-up: editor.hover.delay 0 in the Settings editor', async () => {
  await closeAllEditors();
  await setSetting('editor.hover.delay', /Hover:\s*Delay/, 0);
});

test('timing: diagnostics of medium-nowait.txt (40 MB) after Enter in Ctrl+P (target ≤ 1.5 s)', async () => {
  await closeAllEditors();
  await problemsOf(`**/generated/${MEDIUM.name}`);
  await drv.openQuickInput(keys.quickOpen, MEDIUM.name);
  await page.locator(wb.quickInputRow).first().filter({ has: page.locator(wb.quickInputRowLabel, { hasText: MEDIUM.name }) }).waitFor();
  const t0 = performance.now();
  await page.keyboard.press('Enter');
  const at = {};
  const language = page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias });
  const problems = page.locator(wb.markersRow, { hasText: MEDIUM.name }).first();
  // In a remote window (code-server, Remote-SSH, WSL…) VS Code shows a file above 10 MB as a "very large"
  // placeholder until the user presses "Open Anyway" (iolens takes over only above its 50 MB threshold).
  const openAnyway = page.locator(wb.activeGroup).getByRole('button', { name: wb.openAnyway });
  const first = await Promise.race([
    openAnyway.waitFor({ timeout: 60_000 }).then(() => 'placeholder'),
    language.waitFor({ timeout: 60_000 }).then(() => 'editor'),
  ]);
  if (first === 'placeholder') {
    at.placeholderMs = performance.now() - t0;
    console.log(`    ${MEDIUM.name} opened as VS Code's "very large file" placeholder: pressing "${wb.openAnyway}"`);
    await openAnyway.click();
  }
  await Promise.all([
    language.waitFor({ timeout: 60_000 }).then(() => (at.languageMs = performance.now() - t0)),
    problems.waitFor({ timeout: 60_000 }).then(() => (at.problemsMs = performance.now() - t0)),
  ]);
  timings.diagnostics40MB = {
    sizeMB: Math.round(MEDIUM.size / 1e5) / 10,
    ...Object.fromEntries(Object.entries(at).map(([k, v]) => [k, Math.round(v)])),
    openAnywayNeeded: first === 'placeholder',
    targetMs: 1500,
  };
  console.log(`    diagnostics of ${MEDIUM.name}: ${JSON.stringify(timings.diagnostics40MB)}`);
  await clearProblemsFilter();
  tooSlow('problems of the 40 MB trace after Enter', at.problemsMs, 1500);
});

test('timing: hover on 20 lines of medium-nowait.txt (a 40 MB document) and of the large-trace view (target ≤ 150 ms)', async () => {
  await closeAllEditors();
  await hidePanel();
  await openFile(MEDIUM.name);
  // VS Code's "very large file" placeholder (remote windows), or the editor straight away.
  const openAnyway = page.locator(wb.activeGroup).getByRole('button', { name: wb.openAnyway });
  const language = page.locator(wb.statusLanguageMode, { hasText: iolens.ftraceAlias });
  const first = await Promise.race([
    openAnyway.waitFor({ timeout: 60_000 }).then(() => 'placeholder'),
    language.waitFor({ timeout: 60_000 }).then(() => 'editor'),
  ]);
  if (first === 'placeholder') await openAnyway.click();
  await analysed();
  timings.hoverMedium40MB = await hoverSamples(Math.floor(MEDIUM.total / 2));
  console.log(`    hover on ${MEDIUM.name}: ${JSON.stringify({ ...timings.hoverMedium40MB, samples: undefined })}`);
  await closeAllEditors();
  await openFile(LARGE.name);
  await page.locator(wb.statusItem, { hasText: /lines [\d,]+–/ }).first().waitFor({ timeout: 120_000 });
  timings.hoverLargeView56MB = await hoverSamples(1000);
  console.log(`    hover on the large-trace view: ${JSON.stringify({ ...timings.hoverLargeView56MB, samples: undefined })}`);
  tooSlow('hover p95 on the 40 MB document', timings.hoverMedium40MB.p95, 150);
  tooSlow('hover p95 on the large-trace view', timings.hoverLargeView56MB.p95, 150);
});

/** Corpus 06's `trace-cmd report` text (204 MB), made once per trace.dat; a reason when this machine cannot. */
function prepareCorpus06() {
  if (!existsSync(corpus06.dat)) return { skip: `${corpus06.dat} is not here (the shared corpus is not beside this clone)` };
  if (spawnSync('trace-cmd', ['--help'], { stdio: 'ignore' }).error) return { skip: 'trace-cmd is not installed (apt-get install trace-cmd)' };
  const st = statSync(corpus06.dat);
  const stamp = path.join(env.shots, '..', 'corpus06-report.source');
  const key = `${corpus06.dat} ${st.size} ${Math.floor(st.mtimeMs)}\n`;
  const fresh = existsSync(corpus06.report) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key;
  if (!fresh) {
    const t0 = performance.now();
    mkdirSync(path.dirname(corpus06.report), { recursive: true });
    const tmp = `${corpus06.report}.tmp`;
    rmSync(tmp, { force: true });
    execFileSync('sh', ['-c', 'trace-cmd report -i "$1" > "$2"', 'sh', corpus06.dat, tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(tmp, corpus06.report);
    writeFileSync(stamp, key);
    console.log(`  (made ${path.basename(corpus06.report)}: ${(statSync(corpus06.report).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s with trace-cmd report)`);
  }
  return { name: path.basename(corpus06.report), size: statSync(corpus06.report).size, total: countLines(corpus06.report), first: firstLine(corpus06.report) };
}
const CORPUS06 = prepareCorpus06();

/** Closes the panel of `name` (its editor group goes with it) and gives the editor the focus again. */
async function closePanelOf(name) {
  // The tab's close button: a key would go to the page when it has the focus (the table's grid).
  const tab = page.locator(wb.editorTab, { hasText: iolens.summaryTitle(name) });
  await tab.hover();
  await tab.locator('.codicon-close').click();
  await tab.waitFor({ state: 'detached' });
  await page.locator(`${drv.activeEditor} .view-lines`).first().click();
}

test('timing: corpus 06 (204 MB trace-cmd report) opened with Ctrl+P: first window, diagnostics, next lines, hover', async () => {
  if (CORPUS06.skip) throw new Skip(CORPUS06.skip);
  await closeAllEditors();
  await problemsOf(`**/generated/${CORPUS06.name}`);
  await drv.openQuickInput(keys.quickOpen, CORPUS06.name);
  await page.locator(wb.quickInputRow).first().filter({ has: page.locator(wb.quickInputRowLabel, { hasText: CORPUS06.name }) }).waitFor();
  const t0 = performance.now();
  await page.keyboard.press('Enter');
  const want = `lines 1–${fmt(Math.min(headLinesOf(corpus06.report, WINDOW_LINES), CORPUS06.total))} of ${fmt(CORPUS06.total)}`;
  const at = {};
  await Promise.all([
    page.locator(wb.statusItem, { hasText: want }).first().waitFor({ timeout: 180_000 }).then(() => (at.firstWindowMs = performance.now() - t0)),
    // Corpus 06 is a clean random-read workload: its analysis ends with no finding, so no Problems row
    // marks it; the window's status (its line count is known once the analysis is done) does.
    // The first lines are shown while the analysis runs.
    until('the first line of the report in the editor', async () => ((await drv.lineText(1)) === CORPUS06.first ? true : undefined), 180_000, 20).then(() => (at.firstLinesMs = performance.now() - t0)),
  ]);
  await clearProblemsFilter();
  await hidePanel();
  // The panel of the analysed 204 MB trace: time from the click on "Show Panel" to its first paint. Once at
  // once (VS Code is still taking in the window's document of several MB: the page competes with it), then,
  // closed and opened again after the few seconds a reader looks at the first lines (what the target is about).
  const busy = await showPanelTimed(CORPUS06.name);
  at.panelWhileWindowLoads = { firstPaintMs: busy.firstPaintMs, ...busy.breakdown };
  await closePanelOf(CORPUS06.name);
  await page.waitForTimeout(5000);
  const tp = performance.now();
  const shown = await showPanelTimed(CORPUS06.name);
  const panelView = shown.view;
  at.panelFirstPaintMs = shown.firstPaintMs;
  at.panelBreakdown = shown.breakdown;
  const tableRoot = panelView.locator('#iolens-table .ev-table');
  await panelView.locator('#iolens-table .ev-table[data-total]').waitFor({ timeout: 60_000 });
  at.tableFirstPageMs = performance.now() - tp;
  // The event table over every event: End shows the last event line of the raw file.
  const tableTotal = Number(await tableRoot.getAttribute('data-total'));
  Object.assign(CORPUS06, reportEventLines(corpus06.report));
  if (tableTotal !== CORPUS06.events) throw new Error(`the table has ${tableTotal} rows, the report ${CORPUS06.events} event lines`);
  await panelView.locator('#iolens-table [role="grid"]').focus();
  await page.keyboard.press('End');
  const lastRow = panelView.locator(`#iolens-table .ev-layer .ev-row[data-index="${tableTotal - 1}"]`);
  await lastRow.waitFor({ timeout: 30_000 });
  if (Number(await lastRow.getAttribute('data-line')) !== CORPUS06.lastEventLine) throw new Error(`End shows line ${await lastRow.getAttribute('data-line')}, the last event is line ${CORPUS06.lastEventLine}`);
  // Scrolling the 1.6 M rows: 41 jumps across the whole range, 50 ms apart; the longest gap between two
  // frames of the page meanwhile, and how long each page took from request to reply.
  const scroll = await panelView.locator('#iolens-table .ev-viewport').evaluate(async (vp) => {
    const gaps = [];
    let run = true;
    let last = 0;
    const loop = (t) => {
      if (last > 0) gaps.push(t - last);
      last = t;
      if (run) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    const range = vp.scrollHeight - vp.clientHeight;
    for (let i = 0; i <= 40; i++) {
      vp.scrollTop = ((i % 2 === 0 ? i : 40 - i) / 40) * range;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000));
    run = false;
    return { frames: gaps.length, maxFrameMs: Math.round(Math.max(...gaps)) };
  });
  const pageMs = ((await tableRoot.getAttribute('data-page-ms')) ?? '').split(',').filter((x) => x !== '').map(Number).sort((a, b) => a - b);
  at.table = { ...scroll, pages: pageMs.length, pageP50Ms: pageMs[Math.floor(pageMs.length / 2)], pageP95Ms: pageMs[Math.min(pageMs.length - 1, Math.floor(pageMs.length * 0.95))] };
  // The timeline of every block request: first draw (bars fetched and painted), then 6 zooms and 6 pans with
  // the keyboard, the longest frame gap meanwhile.
  const tl = panelView.locator('#iolens-timeline .tl');
  await until('the timeline drawn', async () => ((await tl.getAttribute('data-draw-ms')) !== null ? true : undefined), 60_000);
  const timeline = await tl.evaluate(async (root) => {
    const firstDrawMs = Number(root.getAttribute('data-draw-ms'));
    const canvas = root.querySelector('canvas.tl-canvas');
    const gaps = [];
    const draws = [];
    let run = true;
    let last = 0;
    const loop = (t) => {
      if (last > 0) gaps.push(t - last);
      last = t;
      if (run) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    for (const key of ['+', '+', '+', '+', '+', '+', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft']) {
      const before = root.getAttribute('data-total') + root.getAttribute('data-draw-ms');
      canvas.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      const t0 = performance.now();
      while (performance.now() - t0 < 2000 && root.getAttribute('data-total') + root.getAttribute('data-draw-ms') === before) await new Promise((r) => setTimeout(r, 5));
      draws.push(Number(root.getAttribute('data-draw-ms')));
      await new Promise((r) => setTimeout(r, 60));
    }
    run = false;
    return { requests: Number(root.getAttribute('data-total')), firstDrawMs, paintMs: Number(root.getAttribute('data-paint-ms')), maxDrawMs: Math.max(...draws), maxFrameMs: Math.round(Math.max(...gaps)) };
  });
  at.timeline = timeline;
  // Close the panel again (its group goes with it) so the editor has its width for the hovers.
  await closePanelOf(CORPUS06.name);
  // A reader spends a while on a window; meanwhile the next one is loaded ahead (what the move then costs).
  await page.waitForTimeout(2000);
  at.nextLinesMs = await showNextLines();
  at.hover = await hoverSamples(5000);
  timings.corpus06 = {
    sizeMB: Math.round(CORPUS06.size / 1e6),
    lines: CORPUS06.total,
    firstLinesMs: Math.round(at.firstLinesMs),
    firstWindowMs: Math.round(at.firstWindowMs),
    analysedMs: Math.round(at.firstWindowMs),
    targetMs: 3000,
    nextLinesMs: Math.round(at.nextLinesMs),
    nextLinesTargetMs: 300,
    panelFirstPaintMs: Math.round(at.panelFirstPaintMs),
    panelFirstPaintTargetMs: 1000,
    panelBreakdown: at.panelBreakdown,
    panelWhileWindowLoads: at.panelWhileWindowLoads,
    tableFirstPageMs: Math.round(at.tableFirstPageMs),
    table: { ...at.table, targets: { maxFrameMs: 50, pageMs: 10 } },
    timeline: { ...at.timeline, targets: { firstDrawMs: 200, maxFrameMs: 50 } },
    hover: at.hover,
  };
  console.log(`    corpus 06: ${JSON.stringify({ ...timings.corpus06, hover: { ...at.hover, samples: undefined } })}`);
  tooSlow('corpus 06 first window after Enter', at.firstWindowMs, 3000);
  tooSlow('corpus 06 Show Next Lines', at.nextLinesMs, 300);
  tooSlow('corpus 06 panel first paint', at.panelFirstPaintMs, 1000);
  tooSlow('corpus 06 timeline first draw', at.timeline.firstDrawMs, 200);
  tooSlow('corpus 06 table scroll frame', at.table.maxFrameMs, 50);
  tooSlow('corpus 06 hover p95', at.hover.p95, 150);
});

test('timing clean-up: editor.hover.delay back to 300', async () => {
  await closeAllEditors();
  await setSetting('editor.hover.delay', /Hover:\s*Delay/, 300);
});

let results;
try {
  results = await run();
} finally {
  await browser.close();
}
writeFileSync(`${env.shots}/timings.json`, JSON.stringify(timings, null, 2) + '\n');
console.log(`timings (${env.shots}/timings.json):\n${JSON.stringify(timings, (k, v) => (k === 'samples' ? undefined : v), 2)}`);
console.log(`UI: ${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
process.exit(results.failed === 0 ? 0 : 1);
