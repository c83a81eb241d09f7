/**
 * Filtered views and the large-trace view. A filter of samples/10 keeps exactly the lines a grep over the
 * raw file keeps, each still hoverable, and jumps back to the same line of the trace. A generated trace
 * above VS Code's 50 MB document limit (240 time-shifted copies of samples/10's report, made by run.sh)
 * opens as a window with its findings, moves, jumps anywhere, and hovers like a small file.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, generatedUri, hoverText, iolensDiagnostics, rawLines, sampleUri, showAs, untilAnswered, waitFor } from './helpers';

const TRACE = sampleUri('10-nowait-partial-read', 'trace.txt');
const LARGE = generatedUri('large-nowait.txt');

suite('filtered views', () => {
  suiteTeardown(closeAllEditors);

  test('Filter Events by task keeps the lines grep keeps, hovers them, and opens the original line', async () => {
    await showAs(TRACE, 'ftrace');
    const raw = await rawLines(TRACE);
    const want = raw.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*pread_nowait-3039\s+\[/.test(l));
    const r = await vscode.commands.executeCommand<{ uri: string; total: number; description: string }>('iolens.filterEvents', TRACE, { pids: [3039] });
    assert.equal(r.total, want.length);
    assert.match(r.description, /pid 3039/);
    const uri = vscode.Uri.parse(r.uri);
    assert.match(uri.path, /trace\.txt \[pid 3039\]/, 'the filter is in the title');
    const doc = await waitFor('the filtered document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.uri && d.lineCount === want.length));
    assert.equal(doc.languageId, 'ftrace');
    for (let k = 0; k < want.length; k++) assert.equal(doc.lineAt(k).text, want[k]!.l, `filtered line ${k + 1}`);
    // The short read is in the view: hover it there.
    const k = want.findIndex(({ l }) => /sys_preadv2 -> 0x10000/.test(l));
    assert.ok(k >= 0);
    const text = hoverText(await untilAnswered('a hover in the filtered view', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(k, 10)), (h) => h.length > 0));
    assert.match(text, /short/);
    // Its diagnostics are the trace's, on the filtered lines.
    await waitFor('a short-read diagnostic in the filtered view', () => (iolensDiagnostics(uri).some((d) => d.code === 'short-read' && d.range.start.line === k) ? true : undefined));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(k, 0, k, 0);
    const back = await vscode.commands.executeCommand<{ line: number; uri: string }>('iolens.openInSource', r.uri);
    assert.equal(back.line, want[k]!.i + 1);
    assert.equal(vscode.window.activeTextEditor!.document.uri.toString(), TRACE.toString());
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, want[k]!.i);
  });

  test('two filtered views of one trace at once, by event name and by CPU', async () => {
    await showAs(TRACE, 'ftrace');
    const raw = await rawLines(TRACE);
    const a = await vscode.commands.executeCommand<{ total: number; uri: string }>('iolens.filterEvents', TRACE, { events: ['block_rq_issue', 'block_rq_complete'] });
    const b = await vscode.commands.executeCommand<{ total: number; uri: string }>('iolens.filterEvents', TRACE, { cpus: [0] });
    assert.equal(a.total, raw.filter((l) => /\] [.\w]{5} +\d+\.\d+: block_rq_(issue|complete):/.test(l)).length);
    assert.equal(b.total, raw.filter((l) => /^\s*\S.*\[000\] /.test(l)).length);
    assert.notEqual(a.uri, b.uri);
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === a.uri));
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === b.uri));
  });
});

suite('large-trace view', () => {
  suiteTeardown(closeAllEditors);

  test('a trace above 50 MB opens as a window with its findings, moves, jumps and hovers', async function () {
    this.timeout(180_000);
    const stat = await vscode.workspace.fs.stat(LARGE);
    assert.ok(stat.size > 50 * 1024 * 1024, 'the generated trace is above VS Code 50 MB limit');
    const raw = await rawLines(LARGE);
    const total = raw.length;
    const r = await vscode.commands.executeCommand<{ uri: string; lines: number; from: number; shown: number; editorLines: number }>('iolens.openLargeTrace', LARGE.fsPath);
    assert.equal(r.lines, total);
    assert.equal(r.from, 1);
    // A window holds at most the setting's lines, and stays below what VS Code treats as a large file
    // (20 MB or 300,000 lines: no colouring, folding or CodeLens there).
    const windowLines = vscode.workspace.getConfiguration('iolens').get<number>('largeFile.windowLines', 200_000);
    assert.ok(r.shown >= 1000 && r.shown <= Math.min(windowLines, total) && r.shown < 300_000, `window of ${r.shown} lines`);
    // The file opens with a short first window (about 2 MiB: on screen at once, while the analysis runs).
    const windowBytes = (from: number, count: number) => raw.slice(from - 1, from - 1 + count).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    assert.ok(windowBytes(1, r.shown) <= 3 * 1024 * 1024 && (r.shown >= 1000 || r.shown === total), `first window of ${windowBytes(1, r.shown)} bytes`);
    const uri = vscode.Uri.parse(r.uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.uri)!;
    assert.equal(doc.languageId, 'ftrace');
    assert.equal(doc.lineAt(0).text, raw[0]);
    assert.equal(doc.lineAt(r.shown - 1).text, raw[r.shown - 1]);
    // Findings of the window, on the lines of the raw short returns in it.
    const shorts = raw.slice(0, r.shown).map((l, i) => (/sys_exit_preadv2:.*0x10000|io_uring_complete:.*result 65536/.test(l) ? i : -1)).filter((i) => i >= 0);
    await waitFor(`${shorts.length} short-read diagnostics in the window`, () => (iolensDiagnostics(uri).filter((d) => d.code === 'short-read').length === shorts.length ? true : undefined), 60_000);
    assert.deepEqual(
      iolensDiagnostics(uri)
        .filter((d) => d.code === 'short-read')
        .map((d) => d.range.start.line)
        .sort((x, y) => x - y),
      shorts,
    );
    // Jump near the end: the window that holds the line replaces the first one; the line is selected.
    const target = total - 5;
    await vscode.commands.executeCommand('iolens.goToLine', r.uri, target);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'iolens-trace');
    assert.equal(editor.document.uri.path, uri.path);
    assert.notEqual(editor.document.uri.toString(), r.uri, 'another window');
    assert.equal(editor.document.lineAt(editor.selection.active.line).text, raw[target - 1]);
    await waitFor('the first window replaced (its tab closed)', () => (vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === r.uri) ? undefined : true), 10_000, [vscode.window.tabGroups.onDidChangeTabs]);
    const moved = editor.document.uri;
    // Hover there.
    const text = hoverText(
      await untilAnswered('a hover in the moved window', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', moved, new vscode.Position(editor.selection.active.line, 10)), (h) => h.length > 0),
    );
    assert.ok(text.length > 0);
    // Previous window, then next.
    const prev = await vscode.commands.executeCommand<{ from: number; count: number; total: number }>('iolens.previousWindow', moved.toString());
    assert.equal(prev.total, total);
    const d2 = vscode.window.activeTextEditor!.document;
    assert.equal(d2.lineAt(0).text, raw[prev.from - 1]);
    assert.equal(d2.lineCount, prev.count);
    // A full window: most of the 20 MB VS Code allows before it turns colouring, folding and CodeLens off.
    const full = windowBytes(prev.from, prev.count);
    assert.ok(full <= 20 * 1024 * 1024 && (full >= 8 * 1024 * 1024 || prev.count === Math.min(windowLines, total)), `a full window of ${prev.count} lines, ${full} bytes`);
    const next = await vscode.commands.executeCommand<{ from: number }>('iolens.nextWindow', d2.uri.toString());
    assert.ok(next.from > prev.from);
    const now = vscode.window.activeTextEditor!.document.uri.toString();
    // Go to the last finding by time: the 240th copy's io_uring short completion.
    const lastShort = raw.map((l, i) => (/io_uring_complete:.*result 65536/.test(l) ? i : -1)).filter((i) => i >= 0).pop()!;
    const seconds = Number(/(\d+\.\d+):/.exec(raw[lastShort]!)![1]);
    const t = await vscode.commands.executeCommand<{ line: number }>('iolens.goToTime', now, seconds);
    assert.ok(t.line <= lastShort + 1 && raw[t.line - 1]!.includes(seconds.toFixed(6)));
  });
});
