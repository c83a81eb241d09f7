/**
 * LargeTraceViews: serves the `iolens-trace` documents (a window of a file too large for an editor) and
 * opens them: on `iolens: Open Large Trace`, and when the user opens a trace or kernel log above the
 * large-file threshold (`iolens.largeFile.thresholdMB`) the ordinary way, whose tab is then replaced by the
 * view. Closing the view releases its engine session.
 */
import * as vscode from 'vscode';
import { statSize, VIEW_SCHEMES } from './analysisController';
import { readConfig } from './config';
import { languageOf, sniffFile } from './fileSniff';
import type { EngineClient } from './engineClient';
import { LARGE_SCHEME, LargeTraceView } from './largeTraceView';
import type { SessionStore } from './sessionStore';
import type { ViewDiagnostics } from './viewDiagnostics';

export class LargeTraceViews implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly views = new Map<string, LargeTraceView>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly windowLoaded = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when one of the views shows a new window. */
  readonly onDidLoadWindow = this.windowLoaded.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Views whose document is closed and reopened by a language switch (not a close by the user). */
  private readonly switching = new Set<string>();
  /** Files whose tab is being replaced (a second tab event must not open them twice). */
  private readonly redirecting = new Set<string>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly engine: EngineClient,
    private readonly diagnostics: ViewDiagnostics,
  ) {
    this.subscriptions.push(
      this.changes,
      this.windowLoaded,
      vscode.workspace.registerTextDocumentContentProvider(LARGE_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.opened) void this.maybeRedirect(tab);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => void this.maybeRedirectDocument(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)),
    );
    for (const group of vscode.window.tabGroups.all) for (const tab of group.tabs) void this.maybeRedirect(tab);
  }

  /** The view of an `iolens-trace` URI. */
  get(uri: vscode.Uri): LargeTraceView | undefined {
    return this.views.get(uri.toString());
  }

  /** All open views. */
  all(): LargeTraceView[] {
    return [...this.views.values()];
  }

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return this.view(uri.fsPath).content();
  }

  /** The view of a file (created when needed). */
  view(file: string): LargeTraceView {
    const uri = vscode.Uri.from({ scheme: LARGE_SCHEME, path: vscode.Uri.file(file).path });
    const key = uri.toString();
    let v = this.views.get(key);
    if (v === undefined) {
      const view = new LargeTraceView(uri, file, this.sessions, this.engine, () => readConfig().windowLines, (u) => this.changes.fire(u));
      view.onDidLoad(() => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        if (doc) void this.diagnostics.publish(view, doc).catch(() => undefined);
        this.windowLoaded.fire(uri);
      });
      this.views.set(key, view);
      v = view;
    }
    return v;
  }

  /**
   * Opens `file` in the large-trace view (in `column`), analysing it in the worker with a cancellable
   * progress notification; shows `line` (1-based) when given. Returns the view and its editor.
   */
  async open(file: string, line?: number, column?: vscode.ViewColumn): Promise<{ view: LargeTraceView; editor: vscode.TextEditor }> {
    const view = this.view(file);
    await view.ready();
    let doc = await vscode.workspace.openTextDocument(view.uri);
    const lang = languageOf(file);
    if (doc.languageId !== lang) doc = await this.setLanguage(doc, lang);
    let at = 0;
    if (line !== undefined) at = (await view.bring(line)) ?? 0;
    const editor = await vscode.window.showTextDocument(doc, { preview: false, ...(column !== undefined ? { viewColumn: column } : {}), selection: new vscode.Range(at, 0, at, 0) });
    if (line !== undefined) editor.revealRange(new vscode.Range(at, 0, at, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    void this.diagnostics.publish(view, doc).catch(() => undefined);
    return { view, editor };
  }

  /** A tab of a file on disk above the threshold that sniffs as a trace or log: replace it by the view. */
  private async maybeRedirect(tab: vscode.Tab): Promise<void> {
    const input = tab.input;
    if (!(input instanceof vscode.TabInputText) || input.uri.scheme !== 'file') return;
    const file = input.uri.fsPath;
    if (!this.isLargeTrace(file) || this.redirecting.has(file)) return;
    this.redirecting.add(file);
    try {
      await this.open(file, undefined, tab.group.viewColumn);
      await vscode.window.tabGroups.close(tab).then(undefined, () => false);
    } catch (err) {
      void vscode.window.showErrorMessage(`iolens: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.redirecting.delete(file);
    }
  }

  /** A document above the threshold that VS Code still handed over (a threshold below 50 MB). */
  private async maybeRedirectDocument(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || VIEW_SCHEMES.has(doc.uri.scheme)) return;
    const file = doc.uri.fsPath;
    if (!this.isLargeTrace(file) || this.redirecting.has(file)) return;
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString());
    if (tab) await this.maybeRedirect(tab);
  }

  private isLargeTrace(file: string): boolean {
    const size = statSize(file);
    return size !== Number.POSITIVE_INFINITY && size > readConfig().largeFileBytes && sniffFile(file) !== undefined;
  }

  /** Switches a view's language (VS Code closes and reopens the document: the view must survive that). */
  private async setLanguage(doc: vscode.TextDocument, languageId: string): Promise<vscode.TextDocument> {
    const key = doc.uri.toString();
    this.switching.add(key);
    try {
      return await vscode.languages.setTextDocumentLanguage(doc, languageId);
    } finally {
      this.switching.delete(key);
    }
  }

  private closed(doc: vscode.TextDocument): void {
    if (this.switching.has(doc.uri.toString())) return;
    if (doc.uri.scheme !== LARGE_SCHEME) return;
    const key = doc.uri.toString();
    const v = this.views.get(key);
    if (!v) return;
    this.views.delete(key);
    this.diagnostics.clear(doc.uri);
    this.sessions.close(v.session);
    v.dispose();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const v of this.views.values()) v.dispose();
  }
}
