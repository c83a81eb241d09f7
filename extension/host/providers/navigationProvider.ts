/**
 * NavigationProvider: Go to Definition / Peek (an event -> the start of its request: complete -> issue,
 * exit -> enter, ordered extent finish -> add, a bio -> its fs request or syscall), Find All References
 * (every line of the request at every layer) and document highlights (the other lines of the request in
 * view). Locations are in the same view when it shows the line; a large-trace window moves to a definition
 * outside it; a filtered view points into the trace it filters when that is an open document.
 */
import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import { FileView } from '../fileView';
import { FilteredView } from '../filteredView';
import type { TraceView } from '../traceView';
import type { TraceViews } from '../traceViews';

/** Highlights per request at most (a request of thousands of lines would paint the whole view). */
const MAX_HIGHLIGHTS = 2000;

export class NavigationProvider implements vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.DocumentHighlightProvider {
  constructor(
    private readonly views: TraceViews,
    private readonly engine: EngineClient,
  ) {}

  async provideDefinition(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location | undefined> {
    const at = await this.resolve(doc, pos);
    if (!at) return undefined;
    const target = await this.engine.request('definition', { doc: at.view.session, line: at.line }, token);
    if (target === null || target === at.line) return undefined;
    return this.location(at.view, target, true);
  }

  async provideReferences(doc: vscode.TextDocument, pos: vscode.Position, _ctx: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[]> {
    const at = await this.resolve(doc, pos);
    if (!at) return [];
    const related = await this.engine.request('relatedLines', { doc: at.view.session, line: at.line }, token);
    const lines = [...new Set([at.line, ...related.map((r) => r.line)])].sort((a, b) => a - b);
    if (lines.length <= 1) return [];
    const out: vscode.Location[] = [];
    for (const l of lines) {
      const loc = await this.location(at.view, l, false);
      if (loc) out.push(loc);
    }
    return out;
  }

  async provideDocumentHighlights(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.DocumentHighlight[]> {
    const at = await this.resolve(doc, pos);
    if (!at) return [];
    const related = await this.engine.request('relatedLines', { doc: at.view.session, line: at.line }, token);
    const out: vscode.DocumentHighlight[] = [];
    for (const r of related) {
      if (out.length >= MAX_HIGHLIGHTS) break;
      const l = at.view.toEditor(r.line);
      if (l !== undefined && l < doc.lineCount) out.push(new vscode.DocumentHighlight(doc.lineAt(l).range, vscode.DocumentHighlightKind.Read));
    }
    return out.length > 0 ? [new vscode.DocumentHighlight(doc.lineAt(pos.line).range, vscode.DocumentHighlightKind.Write), ...out] : [];
  }

  private async resolve(doc: vscode.TextDocument, pos: vscode.Position): Promise<{ view: TraceView; line: number } | undefined> {
    const view = this.views.get(doc);
    const line = view?.toSource(pos.line);
    if (view === undefined || line === undefined) return undefined;
    await view.ready();
    return { view, line };
  }

  /**
   * The location of source line `line` for a navigation from `view`: in the view when it shows it, in the
   * window that holds it (a large file, when `move`), else in the filtered trace's own document when open.
   */
  private async location(view: TraceView, line: number, move: boolean): Promise<vscode.Location | undefined> {
    const here = view.toEditor(line);
    if (here !== undefined) return new vscode.Location(view.uri, new vscode.Range(here, 0, here, 0));
    // Another window of a large file holds it (VS Code opens that window's document).
    const shown = move && view.contiguous ? await view.bring(line) : undefined;
    if (shown) return new vscode.Location(shown.view.uri, new vscode.Range(shown.line, 0, shown.line, 0));
    if (view instanceof FilteredView && view.parent instanceof FileView) return new vscode.Location(view.parent.uri, new vscode.Range(line - 1, 0, line - 1, 0));
    return undefined;
  }
}
