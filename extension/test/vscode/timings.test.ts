/**
 * Measurements inside the extension host (reported, not asserted tightly: timed tests do not prove speed,
 * the numbers are for the CHANGELOG): diagnostics after opening a 40 MB trace, the hover provider's time
 * from request to answer (measured by the extension itself, `iolens.debug.timings`) on the 40 MB document
 * and on the 56 MB large-trace view, and moving the large view's window. Written to
 * .vscode-test/shots/host-timings.json.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, generatedUri, iolensDiagnostics, waitFor, waitForLanguage } from './helpers';

interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

const results: Record<string, unknown> = {};

suite('timings (reported)', () => {
  suiteTeardown(async () => {
    await closeAllEditors();
    const dir = path.join(__dirname, '..', 'shots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'host-timings.json'), JSON.stringify(results, null, 2) + '\n');
    console.log(`host timings: ${JSON.stringify(results)}`);
  });

  test('diagnostics of a 40 MB trace after it is opened; hover answers on it', async function () {
    this.timeout(120_000);
    const uri = generatedUri('medium-nowait.txt');
    const t0 = Date.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const tOpen = Date.now() - t0;
    await waitForLanguage(uri, 'ftrace', 60_000);
    await waitFor('short-read diagnostics on the 40 MB trace', () => (iolensDiagnostics(uri).some((d) => d.code === 'short-read') ? true : undefined), 60_000, [vscode.languages.onDidChangeDiagnostics]);
    results['diagnostics40MB'] = { documentOpenMs: tOpen, diagnosticsMs: Date.now() - t0, sizeMB: (await vscode.workspace.fs.stat(uri)).size / 1e6 };
    const live = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    results['hover40MB'] = await hoverSamples(uri, live.lineCount);
  });

  test('the large-trace view: first window, window moves, hover answers', async function () {
    this.timeout(180_000);
    const uri = generatedUri('large-nowait.txt');
    const t0 = Date.now();
    const r = await vscode.commands.executeCommand<{ uri: string; lines: number }>('iolens.openLargeTrace', uri.fsPath);
    const view = vscode.Uri.parse(r.uri);
    await waitFor('diagnostics in the first window', () => (iolensDiagnostics(view).length > 0 ? true : undefined), 60_000, [vscode.languages.onDidChangeDiagnostics]);
    const firstWindowMs = Date.now() - t0;
    const moves: number[] = [];
    for (let i = 0; i < 4; i++) {
      await aheadLoaded();
      const t = Date.now();
      await vscode.commands.executeCommand('iolens.nextWindow', vscode.window.activeTextEditor!.document.uri.toString());
      moves.push(Date.now() - t);
    }
    results['largeView56MB'] = { firstWindowWithDiagnosticsMs: firstWindowMs, moveWindowMs: moves };
    const doc = vscode.window.activeTextEditor!.document;
    results['hoverLargeView'] = await hoverSamples(doc.uri, doc.lineCount);
    const t = (await vscode.commands.executeCommand<Record<string, Summary>>('iolens.debug.timings'))!;
    results['extension'] = t;
    assert.ok(t['hover'] && t['hover'].n >= 40, 'the extension measured its hovers');
  });
});

/** Hovers 40 lines spread over the document; the provider's own timing is read back later. */
async function hoverSamples(uri: vscode.Uri, lineCount: number): Promise<Summary> {
  const ms: number[] = [];
  for (let i = 0; i < 40; i++) {
    const line = Math.floor(((i + 0.5) / 40) * (lineCount - 1));
    const t = performance.now();
    await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 12));
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { n: ms.length, p50: ms[Math.floor(ms.length * 0.5)]!, p95: ms[Math.floor(ms.length * 0.95)]!, max: ms[ms.length - 1]! };
}

/** Waits (up to 20 s) until the window after the active one is loaded: a reader spends longer on a window. */
async function aheadLoaded(): Promise<void> {
  const cur = vscode.window.activeTextEditor!.document.uri;
  const from = Number(new URLSearchParams(cur.query).get('from'));
  await waitFor('the next window loaded ahead', () => (vscode.workspace.textDocuments.some((d) => d.uri.scheme === cur.scheme && d.uri.path === cur.path && Number(new URLSearchParams(d.uri.query).get('from')) > from) ? true : undefined), 20_000).catch(() => undefined);
}
