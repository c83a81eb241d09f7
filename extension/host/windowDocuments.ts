/**
 * WindowDocuments: serves the documents of one kind of window (large-trace or filtered): their content
 * (a pure function of the URI), their language, their diagnostics, and showing a window in place of
 * another (the old tab is closed). A language switch closes and reopens a document: that close is not the
 * user's and is ignored.
 *
 * Moving a window is dominated by VS Code loading the new document (about 100 ms per MB in code-server:
 * the text crosses to the workbench and back), so when a window is shown its neighbours are loaded in the
 * background, one after the other (next first); a move to one of them only shows an open document. VS Code
 * drops documents no editor shows after a few minutes or past its own memory cap, and a dropped window is
 * simply loaded again. A loaded window publishes its diagnostics only once it is shown.
 */
import * as vscode from 'vscode';
import type { ViewDiagnostics } from './viewDiagnostics';
import type { WindowedView } from './windowedView';

export abstract class WindowDocuments<V extends WindowedView> implements vscode.TextDocumentContentProvider, vscode.Disposable {
  protected readonly views = new Map<string, V>();
  private readonly switching = new Set<string>();
  /** Windows being loaded ahead of a move, by URI. */
  private readonly ahead = new Map<string, Promise<vscode.TextDocument>>();
  private readonly loaded = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a window's content was served. */
  readonly onDidLoadWindow = this.loaded.event;
  protected readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly scheme: string,
    protected readonly diagnostics: ViewDiagnostics,
  ) {
    this.subscriptions.push(
      this.loaded,
      vscode.workspace.registerTextDocumentContentProvider(scheme, this),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === scheme) this.closed(doc);
      }),
      // A window opened by VS Code itself (a definition or a reference in another window): its findings.
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (doc.uri.scheme !== scheme) return;
        if (this.ahead.has(doc.uri.toString())) return;
        const v = this.get(doc.uri);
        if (v) void v.load().then(() => this.diagnostics.publish(v, doc)).catch(() => undefined);
      }),
    );
  }

  /** The window a URI names (made on first use), or undefined for one this session does not know. */
  protected abstract create(uri: vscode.Uri): V | undefined;
  /** A window's document was closed by the user. */
  protected abstract onClosed(view: V): void;

  get(uri: vscode.Uri): V | undefined {
    if (uri.scheme !== this.scheme) return undefined;
    const key = uri.toString();
    let v = this.views.get(key);
    if (v === undefined) {
      v = this.create(uri);
      if (v !== undefined) this.views.set(key, v);
    }
    return v;
  }

  all(): V[] {
    return [...this.views.values()];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const v = this.get(uri);
    if (v === undefined) return '';
    const text = await v.content();
    this.loaded.fire(uri);
    return text;
  }

  /**
   * Shows a window with `line` (0-based) selected, in `column`; when it replaces another window (`replacing`),
   * that window's tabs are closed.
   */
  async show(view: V, line: number, column?: vscode.ViewColumn, replacing?: WindowedView): Promise<vscode.TextEditor> {
    const key = view.uri.toString();
    const early = this.ahead.get(key);
    this.ahead.delete(key);
    let doc = (early ? await early.catch(() => undefined) : undefined) ?? (await vscode.workspace.openTextDocument(view.uri));
    if (doc.languageId !== view.source.languageId) doc = await this.setLanguage(doc, view.source.languageId);
    const l = Math.max(0, Math.min(line, doc.lineCount - 1));
    const range = new vscode.Range(l, 0, l, 0);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: range, ...(column !== undefined ? { viewColumn: column } : {}) });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    void this.diagnostics.publish(view, doc).catch(() => undefined);
    if (replacing !== undefined && replacing.uri.toString() !== key) {
      // Its document may stay loaded a while (a move back is then quick): its diagnostics go with its tab.
      this.closeTabsOf(replacing);
    }
    void this.loadAhead(view);
    return editor;
  }

  /** Closes the tabs of a window (not awaited) and withdraws its diagnostics. */
  protected closeTabsOf(view: WindowedView): void {
    const key = view.uri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
    if (tabs.length > 0) void vscode.window.tabGroups.close(tabs).then(undefined, () => false);
    this.diagnostics.clear(view.uri);
  }

  /** Loads the windows before and after `view` (next first) so that moving to them is quick. */
  private async loadAhead(view: V): Promise<void> {
    try {
      await view.load();
    } catch {
      return;
    }
    for (const dir of [1, -1] as const) {
      const n = view.neighbour(dir);
      const key = n.uri.toString();
      if (key === view.uri.toString() || this.ahead.has(key) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) continue;
      const p = (async () => {
        await n.load();
        const doc = await vscode.workspace.openTextDocument(n.uri);
        return doc.languageId === n.source.languageId ? doc : this.setLanguage(doc, n.source.languageId);
      })();
      this.ahead.set(key, p);
      await p.catch(() => this.ahead.delete(key));
    }
  }

  /** Switches a window's language (VS Code closes and reopens the document: the window must survive that). */
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
    const key = doc.uri.toString();
    if (this.switching.has(key)) return;
    this.ahead.delete(key);
    const v = this.views.get(key);
    if (!v) return;
    this.views.delete(key);
    this.diagnostics.clear(doc.uri);
    this.onClosed(v);
  }

  /** True when the document of a window that `match` accepts is open. */
  protected anyOpen(match: (v: V) => boolean): boolean {
    return vscode.workspace.textDocuments.some((d) => {
      const v = this.views.get(d.uri.toString());
      return v !== undefined && match(v);
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
