/**
 * The editor on real recordings: hover, Go to Definition, Find All References, document highlights,
 * symbols, folding, CodeLens, inlay hints and labelled related locations, through VS Code's own provider
 * commands (`vscode.executeHoverProvider` and friends), on samples/10 (RWF_NOWAIT short reads) in both
 * spellings and on samples/21's hung-task log. Expected lines come from the raw files (see the sample's
 * README), never from iolens.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, hoverText, rawLines, sampleUri, showAs, untilAnswered, waitForDiagnostics } from './helpers';

const TRACE = sampleUri('10-nowait-partial-read', 'trace.txt');
const REPORT = sampleUri('10-nowait-partial-read', 'report.txt');
const DMESG = sampleUri('21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');

/** 0-based index of the first raw line matching `re`. */
function lineOf(lines: readonly string[], re: RegExp, from = 0): number {
  const i = lines.findIndex((l, k) => k >= from && re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i;
}

function hover(uri: vscode.Uri, line: number): Thenable<vscode.Hover[]> {
  return vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 10));
}

suite('editor: samples/10 in both spellings', () => {
  suiteTeardown(closeAllEditors);

  for (const uri of [TRACE, REPORT]) {
    const name = uri.path.split('/').pop()!;

    test(`${name}: hover on the short preadv2 return shows the event, its request and the finding`, async () => {
      await showAs(uri, 'ftrace');
      const raw = await rawLines(uri);
      // The first RWF_NOWAIT preadv2 returns 0x10000 (65536) of 256 KiB (README step 1).
      const ret = lineOf(raw, /sys_preadv2 -> 0x10000|sys_exit_preadv2:.*0x10000/);
      const text = hoverText(await untilAnswered('the hover of the short read', () => hover(uri, ret), (h) => hoverText(h).includes('short')));
      assert.match(text, /sys_exit_preadv2/);
      assert.match(text, /65536/);
      assert.match(text, /Request lifecycle/);
      assert.match(text, /short-read/);
      assert.match(text, /command:iolens\.revealLine/, 'stage lines are command links');
      assert.match(text, /pread_nowait/);
    });

    test(`${name}: a block completion: definition is its issue, references are its block lines, highlights them`, async () => {
      await showAs(uri, 'ftrace');
      const raw = await rawLines(uri);
      const complete = lineOf(raw, /block_rq_complete:\s+7,0 RA \(\) 192 \+ 8/);
      const issue = lineOf(raw, /block_rq_issue:\s+7,0 RA 4096 \(\) 192 \+ 8/);
      const queue = lineOf(raw, /block_bio_queue:\s+7,0 RA 192 \+ 8/);
      const getrq = lineOf(raw, /block_getrq:\s+7,0 RA 192 \+ 8/);
      assert.ok(queue < getrq && getrq < issue && issue < complete);
      const defs = await untilAnswered(
        'a definition',
        () => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, new vscode.Position(complete, 5)),
        (d) => d.length > 0,
      );
      const def = defs[0]!;
      const target = 'targetUri' in def ? def.targetRange.start.line : def.range.start.line;
      assert.equal(target, issue, 'complete -> issue');
      const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, new vscode.Position(complete, 5));
      const refLines = new Set(refs.map((r) => r.range.start.line));
      for (const l of [queue, getrq, issue, complete]) assert.ok(refLines.has(l), `references include line ${l + 1} (${raw[l]!.trim().slice(0, 80)})`);
      for (const r of refs) assert.equal(r.uri.toString(), uri.toString());
      const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>('vscode.executeDocumentHighlights', uri, new vscode.Position(complete, 5));
      const hl = new Set(highlights.map((h) => h.range.start.line));
      for (const l of [queue, getrq, issue, complete]) assert.ok(hl.has(l), `highlight on line ${l + 1}`);
    });

    test(`${name}: inlay hint on the completion with the Q2C latency from the raw timestamps`, async () => {
      await showAs(uri, 'ftrace');
      const raw = await rawLines(uri);
      const complete = lineOf(raw, /block_rq_complete:\s+7,0 RA \(\) 192 \+ 8/);
      const queue = lineOf(raw, /block_bio_queue:\s+7,0 RA 192 \+ 8/);
      const ts = (l: string): number => Number(/(\d+\.\d+):/.exec(l)![1]);
      const q2cUs = (ts(raw[complete]!) - ts(raw[queue]!)) * 1e6;
      const hints = await untilAnswered(
        'inlay hints',
        () => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, new vscode.Range(queue, 0, complete + 1, 0)),
        (h) => h.length > 0,
      );
      const onComplete = hints.filter((h) => h.position.line === complete);
      assert.equal(onComplete.length, 1, 'one hint on the completion line');
      const label = typeof onComplete[0]!.label === 'string' ? onComplete[0]!.label : onComplete[0]!.label.map((p) => p.value).join('');
      assert.match(label, new RegExp(`Q2C ${q2cUs.toFixed(1).replace('.', '\\.')} µs`));
      // No hint on lines where no request completes.
      for (const h of hints) assert.match(raw[h.position.line]!, /complete|exit|->|io_uring_complete|error/, `a hint on a completion line: ${raw[h.position.line]}`);
    });

    test(`${name}: CodeLenses on the finding's decisive line and its request's first line`, async () => {
      await showAs(uri, 'ftrace');
      const raw = await rawLines(uri);
      const ret = lineOf(raw, /sys_preadv2 -> 0x10000|sys_exit_preadv2:.*0x10000/);
      const enter = lineOf(raw, /sys_preadv2\(fd: 3.*pos_l: 0,.*flags: 8\)|sys_enter_preadv2:.*pos_l: 0x0+,.*flags: 0x0*8$/);
      const lenses = await untilAnswered(
        'CodeLenses',
        () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100),
        (ls) => ls.some((l) => l.range.start.line === ret),
      );
      const finding = lenses.find((l) => l.range.start.line === ret)!;
      assert.match(finding.command?.title ?? '', /short read/i);
      assert.ok(lenses.some((l) => l.range.start.line === enter && /preadv2/.test(l.command?.title ?? '')), `a request lens on line ${enter + 1}`);
    });

    test(`${name}: related locations of the short-read diagnostic say what each line is`, async () => {
      await showAs(uri, 'ftrace');
      const diags = await waitForDiagnostics(uri, 'short-read diagnostics', (ds) => ds.filter((d) => d.code === 'short-read').length === 2);
      for (const d of diags) {
        for (const r of d.relatedInformation ?? []) {
          assert.doesNotMatch(r.message, /^evidence: line \d+$/);
          assert.ok(r.message.length > 3 && r.message.length < 120, r.message);
        }
      }
      const first = diags.find((d) => d.code === 'short-read')!;
      assert.ok((first.relatedInformation ?? []).some((r) => /preadv2/.test(r.message)), (first.relatedInformation ?? []).map((r) => r.message).join(' | '));
    });

    test(`${name}: outline has findings by kind, devices, tasks and CPUs; folding never follows indentation`, async () => {
      await showAs(uri, 'ftrace');
      const symbols = await untilAnswered(
        'document symbols',
        () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri),
        (s) => (s ?? []).length > 0,
      );
      const names = symbols.map((s) => s.name);
      for (const group of ['Findings', 'Devices', 'Tasks', 'CPUs']) assert.ok(names.includes(group), `outline has ${group}: ${names.join(', ')}`);
      const findings = symbols.find((s) => s.name === 'Findings')!;
      assert.deepEqual(findings.children.map((c) => c.name).sort(), ['nowait-retry', 'short-read']);
      assert.equal(findings.children.find((c) => c.name === 'short-read')!.children.length, 2);
      assert.ok(symbols.find((s) => s.name === 'Devices')!.children.some((c) => c.name === '7:0'));
      const raw = await rawLines(uri);
      const firstEvent = lineOf(raw, /\[\d{3}\]/);
      const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri);
      for (const f of folds ?? []) assert.ok(f.end < firstEvent || f.start >= firstEvent, 'no fold spans the header and the events');
      for (const f of folds ?? []) if (f.start >= firstEvent) assert.fail(`a fold over events at line ${f.start + 1}`);
    });
  }
});

suite('editor: a hung-task kernel log (samples/21)', () => {
  suiteTeardown(closeAllEditors);

  test('each task report folds and is a symbol titled comm:pid D with its culprit; hover explains it', async () => {
    await showAs(DMESG, 'kernel-log');
    const raw = await rawLines(DMESG);
    // Every "blocked for more than" header starts a report (the sample's README).
    const reports = raw.map((l, i) => (/blocked for more than \d+ seconds/.test(l) ? i : -1)).filter((i) => i >= 0);
    assert.ok(reports.length >= 2);
    const folds = await untilAnswered(
      'folding ranges',
      () => vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', DMESG),
      (f) => (f ?? []).length > 0,
    );
    for (const r of reports) assert.ok(folds.some((f) => f.start === r), `a fold starts at report line ${r + 1}`);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', DMESG);
    const all = symbols.flatMap((s) => [s, ...s.children]);
    for (const r of reports) {
      const comm = /INFO: task (\S+):(\d+) blocked/.exec(raw[r]!);
      if (!comm) continue;
      assert.ok(all.some((s) => s.name.startsWith(`${comm[1]}:${comm[2]} D`)), `a symbol for ${comm[1]}:${comm[2]}`);
    }
    const text = hoverText(await untilAnswered('a hover on a task report', () => hover(DMESG, reports[0]! + 2), (h) => h.length > 0));
    assert.match(text, /D \(uninterruptible\)/);
    assert.match(text, /Culprit frame/);
    const hung = await waitForDiagnostics(DMESG, 'hung-task diagnostics', (ds) => ds.some((d) => d.code === 'hung-task'));
    for (const d of hung.filter((x) => x.code === 'hung-task')) assert.ok(reports.includes(d.range.start.line), `a hung-task diagnostic on a report's first line (${d.range.start.line + 1})`);
  });
});
