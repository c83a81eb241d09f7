/**
 * registerCommand: every iolens command goes through here, so each one returns its result (tests assert on
 * it) and turns a failure into one message: a warning when there was nothing to act on, an error otherwise.
 */
import * as vscode from 'vscode';
import { NoTarget } from './commandTarget';

export function registerCommand<T>(id: string, run: (...args: unknown[]) => Promise<T | undefined> | T | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]): Promise<T | undefined> => {
    try {
      return await run(...args);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      if (err instanceof NoTarget) void vscode.window.showWarningMessage(`iolens: ${text}`);
      else if (text !== 'cancelled' && !(err instanceof vscode.CancellationError)) void vscode.window.showErrorMessage(`iolens: ${text}`);
      return undefined;
    }
  });
}
