/**
 * Every contributed command: registered, offered only where it makes sense (a `when` clause in the
 * command palette), and each one run on real recordings with its result checked against the raw files.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, rawLines, sampleUri, showAs } from './helpers';

const TRACE = sampleUri('10-nowait-partial-read', 'trace.txt');
const DMESG = sampleUri('21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');

interface Contributes {
  readonly commands: readonly { readonly command: string; readonly title: string; readonly category?: string }[];
  readonly menus: { readonly commandPalette: readonly { readonly command: string; readonly when?: string }[] };
}

function contributes(): Contributes {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  return (ext.packageJSON as { contributes: Contributes }).contributes;
}

function lineOf(lines: readonly string[], re: RegExp): number {
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i;
}

suite('commands', () => {
  suiteTeardown(closeAllEditors);

  test('every contributed command is registered, in category iolens, with a when clause', async () => {
    await showAs(TRACE, 'ftrace');
    const c = contributes();
    const registered = new Set(await vscode.commands.getCommands(true));
    const when = new Map(c.menus.commandPalette.map((m) => [m.command, m.when]));
    assert.ok(c.commands.length >= 15);
    for (const cmd of c.commands) {
      assert.ok(registered.has(cmd.command), `${cmd.command} is registered`);
      assert.equal(cmd.category, 'iolens', `${cmd.command} is in category iolens`);
      const w = when.get(cmd.command);
      assert.ok(typeof w === 'string' && w.length > 0, `${cmd.command} has a when clause`);
    }
    for (const title of ['Analyze Trace', 'Show Panel', 'Show Request Lifecycle', 'Show Blocked Tasks', 'Show Latency Breakdown', 'Next Finding', 'Previous Finding', 'Filter Events…', 'Export Findings…', 'Open Large Trace…']) {
      assert.ok(c.commands.some((x) => x.title === title), `a command titled ${title}`);
    }
  });

  test('Show Panel, Show Request Lifecycle and Show Latency Breakdown on samples/10', async () => {
    await showAs(TRACE, 'ftrace');
    const raw = await rawLines(TRACE);
    const panel = await vscode.commands.executeCommand<{ events: number; findings: number }>('iolens.showSummary', TRACE);
    assert.equal(panel.events, raw.filter((l) => /\[\d{3}\]/.test(l)).length);
    const ret = lineOf(raw, /sys_preadv2 -> 0x10000/) + 1;
    const lc = await vscode.commands.executeCommand<{ line: number; requests: number; layers: string[] }>('iolens.showRequestLifecycle', TRACE.toString(), ret);
    assert.equal(lc.line, ret);
    assert.ok(lc.layers.includes('syscall'), `layers: ${lc.layers.join(', ')}`);
    assert.ok(lc.requests >= 2, 'the syscall and the filesystem read below it');
    const lat = await vscode.commands.executeCommand<{ groups: number; requests: number }>('iolens.showLatency', TRACE);
    assert.ok(lat.groups > 0);
    // Every block request of the sample completes: 102 issues, 102 completions (README).
    assert.ok(lat.requests >= raw.filter((l) => /block_rq_complete:/.test(l)).length);
  });

  test('Next / Previous Finding walk the findings in line order, by kind on request', async () => {
    const doc = await showAs(TRACE, 'ftrace');
    const raw = await rawLines(TRACE);
    const first = lineOf(raw, /sys_preadv2 -> 0x10000/) + 1;
    const second = lineOf(raw, /io_uring_complete:.*user_data 0x1002, result 65536/) + 1;
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const a = await vscode.commands.executeCommand<{ line: number; kind: string }>('iolens.nextFinding');
    assert.deepEqual([a.line, a.kind], [first, 'short-read']);
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, first - 1);
    const b = await vscode.commands.executeCommand<{ line: number; kind: string }>('iolens.nextFinding');
    assert.deepEqual([b.line, b.kind], [second, 'short-read']);
    const c = await vscode.commands.executeCommand<{ line: number }>('iolens.previousFinding');
    assert.equal(c.line, first);
    const d = await vscode.commands.executeCommand<{ line: number; kind: string }>('iolens.nextFindingOfKind', TRACE, 'nowait-retry');
    assert.equal(d.kind, 'nowait-retry');
    const e = await vscode.commands.executeCommand<{ line: number; kind: string }>('iolens.nextFinding');
    assert.equal(e.kind, 'nowait-retry', 'the chosen kind is remembered');
    await vscode.commands.executeCommand('iolens.nextFindingOfKind', TRACE, '');
  });

  test('Go to Line / Time / Finding, and the hover links target', async () => {
    await showAs(TRACE, 'ftrace');
    const raw = await rawLines(TRACE);
    const g = await vscode.commands.executeCommand<{ line: number }>('iolens.goToLine', TRACE, 734);
    assert.equal(g.line, 734);
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, 733);
    const at = lineOf(raw, /io_uring_complete:.*user_data 0x1002/);
    const seconds = Number(/(\d+\.\d+):/.exec(raw[at]!)![1]);
    const t = await vscode.commands.executeCommand<{ line: number }>('iolens.goToTime', TRACE, seconds);
    // The first event at that time (an earlier line may share the timestamp).
    assert.equal(t.line, raw.findIndex((l) => new RegExp(`${seconds.toFixed(6).replace('.', '\\.')}:`).test(l)) + 1);
    const f = await vscode.commands.executeCommand<{ line: number; kind: string }>('iolens.goToFinding', TRACE, 0);
    assert.ok(f.line > 0);
    const r = await vscode.commands.executeCommand<{ line: number }>('iolens.revealLine', TRACE.toString(), 124);
    assert.equal(r.line, 124);
    assert.equal(vscode.window.activeTextEditor!.selection.active.line, 123);
  });

  test('Show Blocked Tasks on the hung-task log', async () => {
    await showAs(DMESG, 'kernel-log');
    const raw = await rawLines(DMESG);
    const reports = raw.filter((l) => /INFO: task \S+ blocked for more than/.test(l)).length;
    const r = await vscode.commands.executeCommand<{ tasks: number; blocked: number; groups: number }>('iolens.showBlockedTasks', DMESG);
    assert.ok(r.tasks >= reports, `${r.tasks} task reports, ${reports} hung-task headers`);
    assert.equal(r.blocked, new Set(raw.map((l) => /INFO: task \S+:(\d+) blocked/.exec(l)?.[1]).filter((x) => x !== undefined)).size);
    assert.ok(r.groups >= 1);
  });

  test('Export Findings writes SARIF and JSON with every finding and labelled related locations', async () => {
    await showAs(TRACE, 'ftrace');
    const report = await vscode.commands.executeCommand<{ findings: { kind: string }[] }>('iolens.analyzeFile', TRACE);
    const dir = mkdtempSync(path.join(tmpdir(), 'iolens-export-'));
    const sarifPath = path.join(dir, 'f.sarif');
    const s = await vscode.commands.executeCommand<{ path: string; format: string }>('iolens.exportFindings', TRACE, { format: 'sarif', path: sarifPath });
    assert.equal(s.path, sarifPath);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as { runs: { results: { relatedLocations?: { message?: { text?: string } }[] }[] }[] };
    assert.equal(sarif.runs[0]!.results.length, report.findings.length);
    for (const res of sarif.runs[0]!.results) for (const rl of res.relatedLocations ?? []) assert.ok((rl.message?.text ?? '').length > 0);
    const jsonPath = path.join(dir, 'f.json');
    await vscode.commands.executeCommand('iolens.exportFindings', TRACE, { format: 'json', path: jsonPath });
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { findings: unknown[] };
    assert.equal(json.findings.length, report.findings.length);
  });
});
