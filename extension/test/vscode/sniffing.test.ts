/**
 * Content sniffing: a `.txt` / `.log` file whose first lines are a trace or a kernel log is switched to
 * `ftrace` / `kernel-log` when it opens; prose stays plaintext.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, openDocument, showFixture, waitForLanguage } from './helpers';

suite('content sniffing', () => {
  suiteTeardown(closeAllEditors);

  test('the sniffing setting is on by default', () => {
    assert.equal(vscode.workspace.getConfiguration('iolens').get('sniff.enabled'), true);
  });

  test('notes.txt (prose) stays plaintext', async () => {
    // Runs first in this suite: open the prose file, then a trace that must be switched. Once that switch
    // has happened the sniffer has handled both opens, so no sleep is needed to know prose was left alone.
    await showFixture('notes.txt');
    await showFixture('report.txt');
    await waitForLanguage(fixtureUri('report.txt'), 'ftrace');
    assert.equal(openDocument(fixtureUri('notes.txt'))?.languageId, 'plaintext');
  });

  test('report.txt (trace-cmd report output) becomes ftrace', async () => {
    await showFixture('report.txt');
    await waitForLanguage(fixtureUri('report.txt'), 'ftrace');
  });

  test('dmesg.log becomes kernel-log', async () => {
    await showFixture('dmesg.log');
    await waitForLanguage(fixtureUri('dmesg.log'), 'kernel-log');
  });
});
