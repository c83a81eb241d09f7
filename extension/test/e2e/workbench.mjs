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
  /** Runs only the UI tests whose name matches (plus those that set the stage); for working on one test. */
  grep: process.env.IOLENS_E2E_UI_GREP ?? '',
  chromium: process.env.IOLENS_CHROMIUM ?? '/usr/bin/chromium',
};
for (const [k, v] of Object.entries(env)) if (k !== 'grep' && (v === '' || v === 0)) throw new Error(`workbench.mjs: ${k} not set (run through run.sh)`);

/**
 * The workbench URL that opens `folder` with the extension at `extDir` loaded as a development extension;
 * `testsPath` (a .js file) additionally runs it as the extension tests module; `development: false` opens
 * the folder with only the installed extensions (the VSIX test).
 */
export function workbenchUrl({ port = env.port, folder = env.folder, extDir = env.extDir, testsPath, development = true } = {}) {
  const authority = `127.0.0.1:${port}`;
  // Without the development path the workbench runs only the extensions installed in its extensions dir.
  if (!development) return `http://${authority}/?folder=${encodeURIComponent(folder)}`;
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

/** Thrown by a test that cannot run on this machine (a missing tool or input): reported as skipped with its reason. */
export class Skip extends Error {}

/**
 * A minimal sequential runner: each `test(name, fn)` runs in order; a failure is reported, screenshot
 * as `<shots>/FAIL-<n>.png`, and the remaining tests still run (they may fail as a consequence). A test
 * that throws `Skip` counts as neither passed nor failed. With IOLENS_E2E_UI_GREP set, only the tests whose
 * name matches it run, and those registered with `{ always: true }` (the ones that load the workbench).
 */
export function createRunner(page) {
  let tests = [];
  return {
    test: (name, fn, { always = false } = {}) => tests.push({ name, fn, always }),
    async run() {
      if (env.grep) tests = tests.filter((t) => t.always || new RegExp(env.grep, 'i').test(t.name));
      mkdirSync(env.shots, { recursive: true });
      let passed = 0;
      const failures = [];
      const skips = [];
      for (const [i, t] of tests.entries()) {
        const t0 = Date.now();
        try {
          await t.fn();
          passed++;
          console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`);
        } catch (err) {
          if (err instanceof Skip) {
            skips.push({ title: t.name, reason: err.message });
            console.log(`  - ${t.name} (skipped: ${err.message})`);
            continue;
          }
          const message = err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n      ') : String(err);
          failures.push({ title: t.name, error: message });
          console.log(`  ✘ ${t.name} (${Date.now() - t0} ms)\n      ${message}`);
          await page.screenshot({ path: `${env.shots}/FAIL-${String(i + 1).padStart(2, '0')}.png` }).catch(() => undefined);
        }
      }
      const results = { passed, failed: failures.length, skipped: skips.length, failures, skips };
      writeResults(results);
      return results;
    },
  };
}

/**
 * What a user does with the workbench, bound to one page: quick inputs, and the rendered text editor of
 * the active editor group read from its DOM (line numbers in the gutter, lines in `.view-lines`, both
 * positioned by the same `top`). Every wait is on a condition, never a fixed time.
 */
export function workbenchDriver(page, wb, keys) {
  const activeEditor = `${wb.activeGroup} ${wb.textEditor}`;

  /**
   * Opens the quick input with `key` (Ctrl+P, F1, Ctrl+G) and types `text` into it; returns the input.
   * Now and then the workbench does not take the text for many seconds (seen after closing editors of
   * tens of MB): then the quick input is closed and opened again, and the retry is printed.
   */
  async function openQuickInput(key, text) {
    const input = page.locator(wb.quickInputBox);
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press(key);
      await input.waitFor();
      try {
        await input.fill(text, { timeout: attempt < 3 ? 10_000 : 30_000 });
        return input;
      } catch (err) {
        if (attempt >= 3) throw err;
        console.log(`    [retry] the quick input did not take "${text}" within 10 s (attempt ${attempt}); reopening it`);
        await page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      }
    }
  }

  /** Ctrl+P / F1 quick input: type, then click the matching row (Enter would take the first row). */
  async function quickInput(key, text, rowText) {
    const input = await openQuickInput(key, text);
    await page.locator(wb.quickInputRow, { hasText: rowText }).first().click();
    await input.waitFor({ state: 'hidden' });
  }

  /**
   * Runs a command from the palette by its exact title (not a longer title that starts with it). A command
   * that asks something in the quick input (`{ asks: true }`) leaves it open.
   */
  async function command(title, { asks = false } = {}) {
    const input = await openQuickInput(keys.commandPalette, `>${title}`);
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await page.locator(wb.quickInputRow).filter({ has: page.locator(wb.quickInputRowLabel, { hasText: exact }) }).first().click();
    if (!asks) await input.waitFor({ state: 'hidden' });
  }

  /** Rendered lines of the active editor, top to bottom: `{ n, text, top, height }` (text with real spaces, inlay hints included). */
  function renderedLines() {
    return page.evaluate((sel) => {
      const ed = document.querySelector(sel);
      if (!ed) return [];
      const lines = new Map();
      for (const vl of ed.querySelectorAll('.view-lines .view-line')) lines.set(vl.style.top, vl);
      const out = [];
      for (const ln of ed.querySelectorAll('.margin-view-overlays .line-numbers')) {
        const top = ln.parentElement.style.top;
        const vl = lines.get(top);
        if (!vl) continue;
        const b = vl.getBoundingClientRect();
        out.push({ n: Number(ln.textContent.trim()), text: vl.textContent.replace(/\u00a0/g, ' '), top: b.top, height: b.height });
      }
      return out.sort((a, b) => a.top - b.top);
    }, activeEditor);
  }

  /** The text of rendered editor line `n` without inlay hints, or undefined when it is not rendered. */
  function lineText(n) {
    return page.evaluate(
      ({ sel, n }) => {
        const ed = document.querySelector(sel);
        for (const ln of ed?.querySelectorAll('.margin-view-overlays .line-numbers') ?? []) {
          if (ln.textContent.trim() !== String(n)) continue;
          for (const vl of ed.querySelectorAll('.view-lines .view-line')) {
            if (vl.style.top !== ln.parentElement.style.top) continue;
            // Inlay hints are injected text: spans with a dyn-rule class after the line's own text.
            let text = '';
            for (const span of vl.querySelectorAll(':scope > span > span')) if (!/\bdyn-rule-/.test(span.className)) text += span.textContent;
            return text.replace(/\u00a0/g, ' ');
          }
        }
        return undefined;
      },
      { sel: activeEditor, n },
    );
  }

  /** The centre of the first occurrence of `word` in rendered line `n` of the active editor, or null. */
  function wordCentre(n, word) {
    return page.evaluate(
      ({ sel, n, word }) => {
        const ed = document.querySelector(sel);
        for (const ln of ed?.querySelectorAll('.margin-view-overlays .line-numbers') ?? []) {
          if (ln.textContent.trim() !== String(n)) continue;
          for (const vl of ed.querySelectorAll('.view-lines .view-line')) {
            if (vl.style.top !== ln.parentElement.style.top) continue;
            // The line's text nodes (Monaco cuts long untokenized lines into chunks, so a word may span two).
            const walker = document.createTreeWalker(vl, NodeFilter.SHOW_TEXT);
            const nodes = [];
            let node;
            let text = '';
            while ((node = walker.nextNode())) {
              nodes.push({ node, at: text.length });
              text += node.textContent.replace(/\u00a0/g, ' ');
            }
            const i = text.indexOf(word);
            if (i >= 0) {
              const locate = (offset) => {
                const k = nodes.findLastIndex((x) => x.at <= offset);
                return [nodes[k].node, offset - nodes[k].at];
              };
              const r = document.createRange();
              r.setStart(...locate(i));
              r.setEnd(...locate(i + word.length - 1));
              r.setEnd(r.endContainer, r.endOffset + 1);
              const b = r.getBoundingClientRect();
              // Only where the mouse really reaches the text: nothing on top of it (a scrollbar, the scroll
              // shadow at the top, a widget or a toast), inside the editor.
              const x = b.x + b.width / 2;
              const y = b.y + b.height / 2;
              const hit = document.elementFromPoint(x, y);
              return hit && vl.contains(hit) ? { x, y } : null;
            }
          }
        }
        return null;
      },
      { sel: activeEditor, n, word },
    );
  }

  /** Ctrl+G to line `n` of the active editor; resolves when the line is rendered. */
  async function goToLine(n) {
    const input = await openQuickInput(keys.goToLine, `:${n}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      ({ sel, n }) => [...(document.querySelector(sel)?.querySelectorAll('.margin-view-overlays .line-numbers') ?? [])].some((e) => e.textContent.trim() === String(n)),
      { sel: activeEditor, n },
    );
  }

  /** Moves the mouse where nothing shows a hover, and waits until no editor hover is visible. */
  async function mouseAway() {
    const bar = await page.locator(wb.activityBar).boundingBox();
    await page.mouse.move(bar ? bar.x + bar.width / 2 : 5, bar ? bar.y + bar.height - 150 : 450);
    await page.locator(wb.editorHover).first().waitFor({ state: 'hidden' }).catch(() => undefined);
    if (await page.locator(`${wb.editorHover}:visible`).count()) {
      await page.keyboard.press('Escape');
      await page.locator(wb.editorHover).first().waitFor({ state: 'hidden' });
    }
  }

  /**
   * Waits until the active editor's layout stops moving (CodeLenses and inlay hints arrive after the text
   * and push lines down): the rendered lines keep their positions over two polls.
   */
  async function settled(timeout = 10_000) {
    const deadline = Date.now() + timeout;
    let last = '';
    for (;;) {
      const now = JSON.stringify((await renderedLines()).map((l) => [l.n, Math.round(l.top)]));
      if (now === last || Date.now() > deadline) return;
      last = now;
      await page.waitForTimeout(250);
    }
  }

  /**
   * Hovers `word` on rendered line `n` with the mouse and waits until the iolens part of the hover shows
   * (`.markdown-hover` with text); returns its locator and the milliseconds from the mouse move. If the
   * line moved under the mouse meanwhile (a CodeLens arrived), the hover is redone; if no hover came within
   * 10 s, it is tried again (printed; `retries` counts both).
   */
  async function hover(n, word, { timeout = 30_000 } = {}) {
    for (let attempt = 0; ; attempt++) {
      await mouseAway();
      const at = await wordCentre(n, word);
      if (!at) throw new Error(`"${word}" is not shown on line ${n} (not rendered, or outside the editor's view)`);
      const t0 = performance.now();
      await page.mouse.move(at.x, at.y);
      const part = page.locator(`${wb.editorHover}:visible ${wb.hoverMarkdownPart}`).filter({ hasText: /\S/ }).first();
      const last = attempt >= 2;
      const shown = await part.waitFor({ timeout: last ? timeout : 10_000 }).then(
        () => true,
        async (err) => {
          const seen = (await page.locator(`${wb.editorHover}:visible`).allInnerTexts()).map((t) => t.slice(0, 200));
          const sel = await page.locator(wb.statusSelection).innerText().catch(() => '?');
          const what = `no hover on line ${n} ("${word}" at ${Math.round(at.x)},${Math.round(at.y)}; cursor ${sel}); hover shown: ${JSON.stringify(seen)}`;
          if (last) throw new Error(`${what} (attempt ${attempt + 1})`, { cause: err });
          console.log(`    [retry] ${what}; hovering again`);
          return false;
        },
      );
      if (!shown) continue;
      const ms = performance.now() - t0;
      const still = await wordCentre(n, word);
      if ((still && Math.abs(still.x - at.x) < 2 && Math.abs(still.y - at.y) < 2) || attempt >= 3) {
        return { widget: page.locator(`${wb.editorHover}:visible`).first(), part, ms, retries: attempt };
      }
    }
  }

  /** Visible CodeLens texts of the active editor, top to bottom. */
  function codeLenses() {
    return page.evaluate((sel) => {
      const ed = document.querySelector(sel);
      return [...(ed?.querySelectorAll('.codelens-decoration') ?? [])]
        .filter((e) => e.getBoundingClientRect().height > 0)
        .map((e) => ({ text: e.innerText.replace(/\s+/g, ' ').trim(), top: e.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top);
    }, activeEditor);
  }

  return { activeEditor, openQuickInput, quickInput, command, renderedLines, lineText, wordCentre, goToLine, mouseAway, settled, hover, codeLenses };
}

/** p50 / p95 / max of a list of milliseconds (nearest rank), rounded to 0.1 ms. */
export function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const r = (v) => Math.round(v * 10) / 10;
  return { n: s.length, p50: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1]) };
}
