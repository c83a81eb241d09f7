/**
 * Kernel logs in the editor: a hung-task log gets one `hung-task` diagnostic per blocked task; with the
 * trace of the same window open beside it, the log is analysed again with the trace and its
 * ordered-extent waits name the trace's open extent, with related locations in the trace.
 * Fixtures: hang.dmesg and hang.trace are samples/20-btrfs-hang/dmesg-hung-tasks.txt and trace.txt.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, lineNumbers, showFixture, waitForDiagnostics } from './helpers';

suite('hangs', () => {
  suiteTeardown(closeAllEditors);

  test('a hung-task log gives a diagnostic per blocked task, titled by culprit', async () => {
    const doc = await showFixture('hang.dmesg');
    assert.equal(doc.languageId, 'kernel-log');
    const diags = await waitForDiagnostics(fixtureUri('hang.dmesg'), '4 hung-task diagnostics on hang.dmesg', (ds) => ds.filter((d) => d.code === 'hung-task').length === 4);
    const hung = diags.filter((d) => d.code === 'hung-task');
    assert.deepEqual(lineNumbers(hung), [1, 66, 121, 171]);
    assert.match(hung[0]!.message, /^task hung in btrfs_wait_ordered_range: xfs_io:12012/);
    assert.equal(hung[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(diags.some((d) => d.code === 'ordered-extent-wait'));
  });

  test('with the trace open beside it, ordered-extent waits are linked to the trace', async () => {
    await showFixture('hang.trace');
    const diags = await waitForDiagnostics(fixtureUri('hang.dmesg'), 'an ordered-extent-wait diagnostic naming hang.trace', (ds) =>
      ds.some((d) => d.code === 'ordered-extent-wait' && /hang\.trace/.test(d.message)),
    );
    const fsync = diags.find((d) => d.code === 'ordered-extent-wait' && /xfs_io:12012/.test(d.message))!;
    assert.match(fsync.message, /ino 259 \[0, \+1048576\)/);
    assert.ok((fsync.relatedInformation ?? []).some((r) => r.location.uri.path.endsWith('/hang.trace')));
    const trace = await waitForDiagnostics(fixtureUri('hang.trace'), 'a stalled-io diagnostic on hang.trace', (ds) => ds.some((d) => d.code === 'stalled-io'));
    assert.ok(trace.filter((d) => d.code === 'stalled-io').length === 1);
  });
});
