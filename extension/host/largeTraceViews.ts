/**
 * LargeTraceViews: the `iolens-trace` windows, and opening them: on `iolens: Open Large Trace`, and when
 * the user opens, the ordinary way (explorer, Quick Open, `code file`), a trace or kernel log above the
 * large-file threshold (`iolens.largeFile.thresholdMB`) or a trace-cmd trace.dat of any size and name
 * (found by its magic bytes): VS Code's tab of the file (its "too large" or "binary" placeholder) is then
 * replaced by the view. Only tabs of `file:` URIs are replaced, and the view's own are not, so a
 * replacement never triggers another. Closing the last window of a file releases its engine session.
 */
import * as vscode from 'vscode';
import { statSize, VIEW_SCHEMES } from './analysisController';
import { readConfig } from './config';
import { headLinesFor, windowLinesFor } from './windowSize';
import type { EngineClient } from './engineClient';
import { isTraceDatFile, languageOf, sniffFile } from './fileSniff';
import { LARGE_SCHEME, LargeTraceFile, LargeTraceView, viewFile } from './largeTraceView';
import type { SessionStore } from './sessionStore';
import type { ViewDiagnostics } from './viewDiagnostics';
import { WindowDocuments } from './windowDocuments';

export class LargeTraceViews extends WindowDocuments<LargeTraceView> {
  private readonly files = new Map<string, LargeTraceFile>();
  /** Files whose tab is being replaced (a second tab event must not open them twice). */
  private readonly redirecting = new Set<string>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly engine: EngineClient,
    diagnostics: ViewDiagnostics,
  ) {
    super(LARGE_SCHEME, diagnostics);
    this.subscriptions.push(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.opened) void this.maybeRedirect(tab);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => void this.maybeRedirectDocument(doc)),
    );
    for (const group of vscode.window.tabGroups.all) for (const tab of group.tabs) void this.maybeRedirect(tab);
  }

  /** The shared state of the windows of a file. */
  file(path: string): LargeTraceFile {
    let f = this.files.get(path);
    if (f === undefined) {
      f = new LargeTraceFile(path, isTraceDatFile(path), languageOf(path), this.sessions, this.engine, () => windowLinesFor(path, readConfig().windowLines), () => headLinesFor(path, readConfig().windowLines), (uri) => this.get(uri)!);
      this.files.set(path, f);
    }
    return f;
  }

  protected create(uri: vscode.Uri): LargeTraceView | undefined {
    return new LargeTraceView(uri, this.file(viewFile(uri)));
  }

  protected onClosed(view: LargeTraceView): void {
    const file = view.file;
    if (!this.anyOpen((v) => v.file === file)) this.sessions.close(file.session);
  }

  /**
   * Opens `file` in the large-trace view (in `column`), analysing it in the worker with a cancellable
   * progress notification; shows `line` (1-based) when given. Returns the window and its editor.
   */
  async open(path: string, line?: number, column?: vscode.ViewColumn): Promise<{ view: LargeTraceView; editor: vscode.TextEditor }> {
    const f = this.file(path);
    // A trace.dat has no text head on disk: its first window waits for the analysis.
    if (line === undefined && !f.dat) {
      // The file's first lines (a short window, on screen at once) are shown while the analysis runs; its
      // findings are published when it answers. A failed or cancelled analysis closes the window again.
      const view = f.headWindow();
      view.readHead();
      const analysed = f.ready();
      analysed.catch(() => this.closeTabsOf(view));
      const editor = await this.show(view, 0, column);
      await analysed;
      return { view, editor };
    }
    await f.ready();
    const view = line === undefined ? f.windowAt(0) : f.windowAt(line - 1 - Math.floor(windowLinesFor(path, readConfig().windowLines) / 4));
    const at = line === undefined ? 0 : (view.toEditor(line) ?? 0);
    const editor = await this.show(view, at, column);
    return { view, editor };
  }

  /** A tab of a trace.dat, or of a file on disk above the threshold that sniffs as a trace or log: replace it by the view. */
  private async maybeRedirect(tab: vscode.Tab): Promise<void> {
    const input = tab.input;
    if (!(input instanceof vscode.TabInputText) || input.uri.scheme !== 'file') return;
    const file = input.uri.fsPath;
    if (!belongsInView(file) || this.redirecting.has(file)) return;
    this.redirecting.add(file);
    try {
      await this.open(file, undefined, tab.group.viewColumn);
      // The Tab object of the event may be stale by now (VS Code replaces it when its state changes).
      const key = input.uri.toString();
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
      if (tabs.length > 0) await vscode.window.tabGroups.close(tabs).then(undefined, () => false);
    } catch (err) {
      void vscode.window.showErrorMessage(`iolens: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.redirecting.delete(file);
    }
  }

  /** A document above the threshold that VS Code still handed over (a threshold below 50 MB), or a trace.dat opened anyway as text. */
  private async maybeRedirectDocument(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || VIEW_SCHEMES.has(doc.uri.scheme)) return;
    const file = doc.uri.fsPath;
    if (!belongsInView(file) || this.redirecting.has(file)) return;
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString());
    if (tab) await this.maybeRedirect(tab);
  }
}

/** A trace.dat (any size), or a trace or kernel log above the threshold. */
function belongsInView(file: string): boolean {
  if (isTraceDatFile(file)) return true;
  const size = statSize(file);
  return size !== Number.POSITIVE_INFINITY && size > readConfig().largeFileBytes && sniffFile(file) !== undefined;
}
