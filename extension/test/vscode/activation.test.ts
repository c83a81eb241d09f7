/** The extension activates when a trace opens, and `.trace` files get the ftrace language. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, EXTENSION_ID, showFixture, waitFor } from './helpers';

suite('activation', () => {
  suiteTeardown(closeAllEditors);

  test('the iolens extension is installed from the development path', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
    assert.equal(ext.packageJSON['main'], './dist/extension.js');
  });

  test('opening kernel.trace gives language ftrace and activates the extension', async () => {
    const doc = await showFixture('kernel.trace');
    assert.equal(doc.languageId, 'ftrace');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await waitFor('the extension to activate', () => (ext?.isActive === true ? true : undefined), 20_000, [
      vscode.extensions.onDidChange,
    ]);
  });

  test('both commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('iolens.analyzeFile'), 'iolens.analyzeFile missing');
    assert.ok(commands.includes('iolens.showSummary'), 'iolens.showSummary missing');
  });
});
