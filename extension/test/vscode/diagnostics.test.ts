/**
 * Diagnostics: malformed.trace breaks on purpose at known lines (expected.json `malformedLines`): two
 * garbage lines (parse errors) and one `CPU:1 [LOST 12 EVENTS]` marker (a lost-events warning).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, expected, fixtureUri, iolensDiagnostics, isLostEvents, isParseError, lineNumbers, showFixture, waitForDiagnostics } from './helpers';

suite('diagnostics', () => {
  suiteTeardown(closeAllEditors);
  const uri = (): vscode.Uri => fixtureUri('malformed.trace');
  const want = expected.malformedLines;

  test('parse errors appear on exactly the garbage lines', async () => {
    await showFixture('malformed.trace');
    const diags = await waitForDiagnostics(
      uri(),
      `parse-error diagnostics on lines ${want.parseError.join(', ')} of malformed.trace`,
      (ds) => ds.filter(isParseError).length >= want.parseError.length,
    );
    const parseErrors = diags.filter(isParseError);
    assert.deepEqual(lineNumbers(parseErrors), [...want.parseError]);
    for (const d of parseErrors) {
      assert.equal(d.source, 'iolens');
      // The engine reports unreadable lines as warnings (reading goes on); the contract only asks that
      // they are visible problems, not hints.
      assert.ok(
        d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning,
        `severity ${d.severity} of "${d.message}"`,
      );
    }
  });

  test('the LOST EVENTS line gives a warning', async () => {
    const diags = await waitForDiagnostics(uri(), 'a lost-events diagnostic on malformed.trace', (ds) =>
      ds.some((d) => isLostEvents(d) && !isParseError(d)),
    );
    const lost = diags.filter((d) => isLostEvents(d) && !isParseError(d));
    assert.deepEqual(lineNumbers(lost), [...want.lost]);
    assert.equal(lost[0]?.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(lost[0]?.message ?? '', new RegExp(`\\b${want.lostCount}\\b`), 'the message names the lost count');
  });

  test('the clean kernel.trace has no parse errors', async () => {
    await showFixture('kernel.trace');
    // The command completes an analysis of the file, so diagnostics of the open document are current.
    await vscode.commands.executeCommand('iolens.analyzeFile', fixtureUri('kernel.trace'));
    assert.deepEqual(iolensDiagnostics(fixtureUri('kernel.trace')).filter(isParseError), []);
  });
});
