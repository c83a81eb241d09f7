/**
 * trace-cmd's binary trace.dat in the editor: fixtures/trace.dat (a copy of samples/01's) opens as the
 * `iolens-trace` view of the text `trace-cmd report` prints for it, through `iolens.openLargeTrace`, through
 * a command given the file, and when the file is opened the ordinary way (`vscode.open`), under any name
 * (generated/xfs-recording.bin). Its lines, diagnostics, hovers, outline and CodeLenses answer like those of
 * a large text trace. The truth is samples/01's report.txt (trace-cmd's own output for that file); lines
 * are compared up to the event name (the payload text is the engine's to test).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, generatedUri, hoverText, iolensDiagnostics, rawLines, sampleUri, untilAnswered, waitFor, waitForDiagnostics } from './helpers';

const DAT = fixtureUri('trace.dat');
const RENAMED = generatedUri('xfs-recording.bin');
const REPORT = sampleUri('01-layouts-xfs', 'report.txt');
const SUFFIX = ' (trace-cmd report)';

/** `comm-pid [cpu] ts: name:` of a report line, or undefined for a line that is not an event. */
function eventPrefix(line: string): string | undefined {
  return /^\s*\S.*-\d+\s+\[\d{3}\]\s+\d+\.\d+: [\w:]+:/.exec(line)?.[0];
}

/** The tabs of the report view of `file`, and those of the file itself. */
function tabsOf(file: vscode.Uri): { view: vscode.Tab[]; file: vscode.Tab[] } {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  const uriOf = (t: vscode.Tab): vscode.Uri | undefined => (t.input instanceof vscode.TabInputText ? t.input.uri : undefined);
  return {
    view: tabs.filter((t) => uriOf(t)?.scheme === 'iolens-trace' && uriOf(t)?.path === `${file.path}${SUFFIX}`),
    file: tabs.filter((t) => uriOf(t)?.toString() === file.toString()),
  };
}

suite('trace.dat: the trace-cmd report view', () => {
  suiteTeardown(closeAllEditors);

  let view: vscode.Uri;
  let report: string[];

  suiteSetup(async function () {
    this.timeout(60_000);
    report = await rawLines(REPORT);
    const r = await vscode.commands.executeCommand<{ uri: string; lines: number; from: number; shown: number }>('iolens.openLargeTrace', DAT.fsPath);
    view = vscode.Uri.parse(r.uri);
    assert.equal(r.lines, report.length, 'as many lines as trace-cmd report printed');
    assert.equal(r.from, 1);
    assert.equal(r.shown, report.length, 'a small trace.dat fits one window');
  });

  test('the view is titled "trace.dat (trace-cmd report)" and shows cpus=2, then the report\'s event lines', async () => {
    assert.equal(view.scheme, 'iolens-trace');
    assert.equal(path.posix.basename(view.path), `trace.dat${SUFFIX}`);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === view.toString());
    assert.ok(doc, 'the view document is open');
    assert.equal(doc.languageId, 'ftrace');
    assert.equal(doc.lineCount, report.length);
    assert.equal(doc.lineAt(0).text, 'cpus=2');
    const cpus = new Set<string>();
    for (let k = 1; k < report.length; k++) {
      const want = eventPrefix(report[k]!);
      assert.ok(want !== undefined, `report line ${k + 1} is an event`);
      assert.ok(doc.lineAt(k).text.startsWith(want), `line ${k + 1} reads ${JSON.stringify(doc.lineAt(k).text)}, trace-cmd report's starts ${JSON.stringify(want)}`);
      cpus.add(/\[(\d{3})\]/.exec(want)![1]!);
    }
    assert.deepEqual([...cpus].sort(), ['000', '001']);
  });

  test('its diagnostics are the findings of the trace.dat, on the lines they name', async function () {
    this.timeout(60_000);
    const out = path.join(os.tmpdir(), `iolens-trace-dat-${process.pid}.json`);
    // A command given the .dat file itself acts on its view.
    await vscode.commands.executeCommand('iolens.exportFindings', DAT, { format: 'json', path: out });
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { findings: { file: string; line: number; kind: string }[] };
    const mine = exported.findings.filter((f) => f.file === DAT.fsPath);
    const max = vscode.workspace.getConfiguration('iolens').get<number>('diagnostics.maxPerFile', 1000);
    const want = mine.slice(0, max).map((f) => `${f.line}:${f.kind}`).sort();
    const diags = await waitForDiagnostics(view, `${want.length} diagnostics on the view`, (ds) => ds.length === want.length);
    assert.deepEqual(diags.map((d) => `${d.range.start.line + 1}:${String(d.code)}`).sort(), want);
  });

  test('a hover on an event line shows the event, its CPU, task and time as trace-cmd printed them', async () => {
    const k = report.findIndex((l) => /: block_rq_issue:/.test(l));
    const [, comm, pid, cpu, ts] = /^\s*(\S.*?)-(\d+)\s+\[(\d{3})\]\s+(\d+\.\d+):/.exec(report[k]!)!;
    const text = hoverText(
      await untilAnswered('a hover on the block_rq_issue line', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', view, new vscode.Position(k, 30)), (h) => hoverText(h).includes('block_rq_issue')),
    );
    for (const want of ['block_rq_issue', `CPU ${Number(cpu)}`, comm!, `pid ${pid}`, ts!]) assert.ok(text.includes(want), `the hover shows ${want}:\n${text.slice(0, 800)}`);
  });

  test('the outline lists the CPUs and tasks of the report, and the view has its CodeLenses', async () => {
    const symbols = await untilAnswered('document symbols', () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', view), (s) => (s ?? []).length > 0);
    const cpus = symbols.find((s) => s.name === 'CPUs');
    assert.deepEqual(cpus?.children.map((c) => c.name).sort(), ['CPU 0', 'CPU 1']);
    const tasks = symbols.find((s) => s.name === 'Tasks');
    const pids = new Set(report.map((l) => /-(\d+)\s+\[\d{3}\]/.exec(l)?.[1]).filter((p) => p !== undefined));
    assert.equal(tasks?.children.length, pids.size, 'one task per pid of the report');
    const lenses = await untilAnswered('CodeLenses', () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', view, 100), (ls) => ls.length > 0);
    assert.ok(lenses.some((l) => l.range.start.line === 0 && /Go to Line/.test(l.command?.title ?? '')), lenses.map((l) => l.command?.title).join(' | '));
  });

  test('definition of a block completion is its issue (once the payloads are rendered)', async function () {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === view.toString())!;
    const complete = report.findIndex((l) => /: block_rq_complete:\s+7,0 \S+ \(\) \d+ \+ \d+/.test(l));
    assert.ok(complete > 0);
    // The engine renders event lines up to the name until their payload text is done: nothing to join then.
    if (doc.lineAt(complete).text.trimEnd().endsWith('block_rq_complete:')) this.skip();
    const sector = /\(\) (\d+) \+/.exec(report[complete]!)![1]!;
    let issue = -1;
    for (let k = complete - 1; k > 0 && issue < 0; k--) if (new RegExp(`: block_rq_issue:\\s+7,0 .* ${sector} \\+`).test(report[k]!)) issue = k;
    assert.ok(issue > 0, `an issue of sector ${sector} before line ${complete + 1}`);
    const defs = await untilAnswered(
      'a definition',
      () => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', view, new vscode.Position(complete, 5)),
      (d) => d.length > 0,
    );
    const def = defs[0]!;
    assert.equal('targetUri' in def ? def.targetUri.toString() : def.uri.toString(), view.toString(), 'in the same view');
    assert.equal('targetUri' in def ? def.targetRange.start.line : def.range.start.line, issue);
  });

  for (const file of [DAT, RENAMED]) {
    const name = path.posix.basename(file.path);
    test(`opening ${name} the ordinary way replaces its tab by the report view`, async function () {
      this.timeout(60_000);
      await closeAllEditors();
      await vscode.commands.executeCommand('vscode.open', file);
      await waitFor(`the report view of ${name} instead of its own tab`, () => {
        const t = tabsOf(file);
        return t.view.length === 1 && t.file.length === 0 ? true : undefined;
      }, 30_000, [vscode.window.tabGroups.onDidChangeTabs]);
      const active = vscode.window.activeTextEditor;
      assert.ok(active !== undefined && active.document.uri.scheme === 'iolens-trace', `the active editor shows ${active?.document.uri.toString() ?? 'nothing'}`);
      assert.equal(active.document.lineAt(0).text, 'cpus=2');
      assert.equal(iolensDiagnostics(file).length, 0, 'no diagnostics on the binary file itself');
    });
  }
});

// A trace.dat of some size (the corpus's version 6 copy of recording 01, 7.5 MB) is read by a reader thread
// that the engine worker starts (the small fixture is read inline): the view has trace-cmd's lines, and lines
// anywhere in it (rendered again from the saved merge states) are trace-cmd's.
suite('trace.dat: a larger file, read by the reader thread inside the engine worker', () => {
  suiteTeardown(closeAllEditors);
  const corpus = vscode.Uri.joinPath(fixtureUri('.'), '..', '..', '..', '..', '..', 'shared', 'corpus', '01-xfs-buffered-read-uring-eof');
  const dat = vscode.Uri.joinPath(corpus, 'trace-v6.dat');
  const have = existsSync(dat.fsPath);

  (have ? test : test.skip)('its view holds the lines trace-cmd report printed, at the start and after a jump', async function () {
    this.timeout(120_000);
    const want = await rawLines(vscode.Uri.joinPath(corpus, 'report.txt'));
    const r = await vscode.commands.executeCommand<{ uri: string; lines: number; from: number; shown: number }>('iolens.openLargeTrace', dat.fsPath);
    assert.equal(r.lines, want.length);
    const view = vscode.Uri.parse(r.uri);
    const doc = await waitFor('the view document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === view.toString()));
    for (const i of [0, 1, 2, Math.min(doc.lineCount, want.length) - 1]) assert.equal(doc.lineAt(i).text, want[r.from - 1 + i], `line ${r.from + i}`);
    // Opened at a line near the end: the window holds it, and it is trace-cmd's line.
    const target = want.length - 10;
    const j = await vscode.commands.executeCommand<{ uri: string; lines: number; from: number; shown: number }>('iolens.openLargeTrace', dat.fsPath, target);
    assert.ok(j.from <= target && target < j.from + j.shown, `line ${target} in the window ${j.from}..${j.from + j.shown - 1}`);
    const d = await waitFor('the moved window', () => vscode.workspace.textDocuments.find((x) => x.uri.toString() === j.uri && x.lineCount >= target - j.from + 1));
    assert.equal(d.lineAt(target - j.from).text, want[target - 1]);
  });
});
