/** `iolens.showSummary` opens a webview panel titled "iolens: <file name>". */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, showFixture, waitFor } from './helpers';

function summaryTab(label: string): vscode.Tab | undefined {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.label === label && tab.input instanceof vscode.TabInputWebview) return tab;
    }
  }
  return undefined;
}

suite('iolens.showSummary', () => {
  suiteTeardown(closeAllEditors);

  test('opens a webview panel for the active trace', async () => {
    await showFixture('kernel.trace');
    await vscode.commands.executeCommand('iolens.showSummary');
    const tab = await waitFor('a webview tab "iolens: kernel.trace"', () => summaryTab('iolens: kernel.trace'), 20_000, [
      vscode.window.tabGroups.onDidChangeTabs,
    ]);
    assert.ok(tab.input instanceof vscode.TabInputWebview);
  });
});
