/**
 * FilteredViews: serves the `iolens-filter` documents and opens them. Each filter gets its own document
 * (`<trace> [<filter>]` in its title); several can be open over one trace, all on the trace's session.
 */
import * as vscode from 'vscode';
import type { EventFilter } from '../engine/contracts/query';
import { readConfig } from './config';
import type { EngineClient } from './engineClient';
import { describeFilter } from './filterText';
import { FILTER_SCHEME, FilteredView } from './filteredView';
import type { TraceView } from './traceView';
import type { ViewDiagnostics } from './viewDiagnostics';

export class FilteredViews implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly views = new Map<string, FilteredView>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly windowLoaded = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when one of the views shows a new window. */
  readonly onDidLoadWindow = this.windowLoaded.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Views whose document is closed and reopened by a language switch (not a close by the user). */
  private readonly switching = new Set<string>();
  private next = 1;

  constructor(
    private readonly engine: EngineClient,
    private readonly diagnostics: ViewDiagnostics,
  ) {
    this.subscriptions.push(
      this.changes,
      this.windowLoaded,
      vscode.workspace.registerTextDocumentContentProvider(FILTER_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)),
    );
  }

  get(uri: vscode.Uri): FilteredView | undefined {
    return this.views.get(uri.toString());
  }

  all(): FilteredView[] {
    return [...this.views.values()];
  }

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const v = this.views.get(uri.toString());
    if (!v) return Promise.resolve('');
    return v.content();
  }

  /** Opens the events of `parent`'s trace that match `filter` in a new filtered view beside it. */
  async open(parent: TraceView, filter: EventFilter, languageId: string): Promise<{ view: FilteredView; editor: vscode.TextEditor }> {
    const description = describeFilter(filter);
    const uri = vscode.Uri.from({ scheme: FILTER_SCHEME, path: `/${parent.label} [${description}]`, query: `view=${this.next++}` });
    const view = new FilteredView(uri, parent, filter, description, this.engine, () => readConfig().windowLines, (u) => this.changes.fire(u));
    view.onDidLoad(() => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) void this.diagnostics.publish(view, doc).catch(() => undefined);
      this.windowLoaded.fire(uri);
    });
    this.views.set(uri.toString(), view);
    await view.ready();
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== languageId) doc = await this.setLanguage(doc, languageId);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    void this.diagnostics.publish(view, doc).catch(() => undefined);
    return { view, editor };
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
    if (doc.uri.scheme !== FILTER_SCHEME) return;
    const v = this.views.get(doc.uri.toString());
    if (!v) return;
    this.views.delete(doc.uri.toString());
    this.diagnostics.clear(doc.uri);
    v.dispose();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const v of this.views.values()) v.dispose();
  }
}
