/**
 * `iolens.analyzeFile` returns the analysis JSON; its numbers must equal the ones computed with awk from
 * the fixtures (expected.json, see computeExpected.sh).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, expected, type ExpectedFile, fixtureUri, showFixture } from './helpers';

/** The part of the analysis JSON contract these tests read. */
interface Analysis {
  readonly files: readonly {
    readonly path: string;
    readonly format: string;
    readonly lines: number;
    readonly events: number;
    readonly skippedLines: number;
    readonly cpus: number;
    readonly lostEvents: number | null;
    readonly firstTimestamp: number | null;
    readonly lastTimestamp: number | null;
  }[];
  readonly eventCounts: Readonly<Record<string, number>>;
  readonly findings: readonly { readonly kind: string }[];
}

async function analyze(uri?: vscode.Uri): Promise<Analysis> {
  const result: unknown = await vscode.commands.executeCommand('iolens.analyzeFile', ...(uri ? [uri] : []));
  assert.ok(result !== null && typeof result === 'object', `iolens.analyzeFile returned ${String(result)}`);
  const a = result as Analysis;
  // files[0] is the document; kernel logs open beside a trace (and traces beside a log) are analysed with it
  // as companions and follow it in files[] (they add no events to a trace's counts).
  assert.ok(Array.isArray(a.files) && a.files.length >= 1, 'files[] has the document first');
  if (uri) assert.equal(a.files[0]!.path, uri.fsPath, 'files[0] is the analysed document');
  assert.ok(a.eventCounts !== null && typeof a.eventCounts === 'object', 'eventCounts is an object');
  assert.ok(Array.isArray(a.findings), 'findings is an array');
  return a;
}

function checkCounts(a: Analysis, want: ExpectedFile): void {
  const file = a.files[0]!;
  assert.deepEqual({ ...a.eventCounts }, { ...want.eventCounts });
  assert.equal(file.events, want.events, 'files[0].events');
  assert.equal(file.lines, want.lines, 'files[0].lines');
  assert.equal(file.firstTimestamp, want.firstTimestamp, 'files[0].firstTimestamp (ns)');
  assert.equal(file.lastTimestamp, want.lastTimestamp, 'files[0].lastTimestamp (ns)');
}

suite('iolens.analyzeFile', () => {
  suiteTeardown(closeAllEditors);

  test('kernel.trace (kernel ftrace text) by URI', async () => {
    const a = await analyze(fixtureUri('kernel.trace'));
    checkCounts(a, expected['kernel.trace']);
    assert.equal(a.files[0]!.cpus, expected['kernel.trace'].cpus, 'files[0].cpus');
    assert.equal(a.files[0]!.skippedLines, 0, 'files[0].skippedLines');
    assert.deepEqual(a.findings.filter((f) => f.kind === 'parse-error'), []);
  });

  test('report.txt (trace-cmd report) gives the same counts as the kernel text of the same window', async () => {
    const a = await analyze(fixtureUri('report.txt'));
    checkCounts(a, expected['report.txt']);
  });

  test('malformed.trace: counts, skipped lines, lost events and findings', async () => {
    const a = await analyze(fixtureUri('malformed.trace'));
    checkCounts(a, expected['malformed.trace']);
    const file = a.files[0]!;
    assert.equal(file.skippedLines, expected.malformedLines.parseError.length, 'files[0].skippedLines');
    assert.equal(file.lostEvents, expected.malformedLines.lostCount, 'files[0].lostEvents');
    const kinds = new Set(a.findings.map((f) => f.kind));
    assert.ok(kinds.has('parse-error'), `findings kinds: ${[...kinds].join(', ')}`);
    assert.ok(kinds.has('lost-events'), `findings kinds: ${[...kinds].join(', ')}`);
  });

  test('without an argument it analyses the active editor', async () => {
    await showFixture('kernel.trace');
    const a = await analyze();
    assert.match(a.files[0]!.path, /kernel\.trace$/);
    assert.deepEqual({ ...a.eventCounts }, { ...expected['kernel.trace'].eventCounts });
  });
});
