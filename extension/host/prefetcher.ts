/**
 * Prefetcher: starts the analysis of a trace or kernel log when its editor tab opens, from the file on disk,
 * while VS Code is still loading the document (seconds for tens of MB). Models are shared by file in the
 * engine, so the document's own session finds the model built when the document arrives. The findings are
 * published as soon as they are known, even before the document has loaded. Files above the large-file
 * threshold and trace.dat files are left to the large-trace view; small files load at once and need no
 * head start.
 */
import * as vscode from 'vscode';
import { statSize } from './analysisController';
import { readConfig } from './config';
import { isTraceDatFile, sniffFile } from './fileSniff';
import { diskVersion } from './largeTraceView';
import type { SessionStore } from './sessionStore';
import type { ViewDiagnostics } from './viewDiagnostics';

/** Files below this load fast enough: no head start. */
const MIN_BYTES = 4 * 1024 * 1024;

export class Prefetcher implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private readonly running = new Set<string>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly diagnostics: ViewDiagnostics,
  ) {
    this.subscription = vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) void this.maybePrefetch(tab);
    });
  }

  private async maybePrefetch(tab: vscode.Tab): Promise<void> {
    const input = tab.input;
    if (!(input instanceof vscode.TabInputText) || input.uri.scheme !== 'file') return;
    const uri = input.uri;
    const key = uri.toString();
    if (this.running.has(key) || this.sessions.peek(key) !== undefined) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    const file = uri.fsPath;
    const size = statSize(file);
    if (size === Number.POSITIVE_INFINITY || size < MIN_BYTES || size > readConfig().largeFileBytes) return;
    if (isTraceDatFile(file) || sniffFile(file) === undefined) return;
    this.running.add(key);
    const prefetchKey = `prefetch:${key}`;
    try {
      const { report } = await this.sessions.open({ key: prefetchKey, version: diskVersion(file), name: file, path: file });
      // The document's own analysis has not published yet: show what is known now.
      if (this.sessions.current(key) === undefined) this.diagnostics.publishFile(uri, file, report);
    } catch {
      // The document's own analysis will report the problem.
    } finally {
      this.running.delete(key);
      // The model stays in the engine for a while after its last session: the document's session takes it.
      this.sessions.close(prefetchKey);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
