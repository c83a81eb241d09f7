/**
 * TraceViews: finds the TraceView of any document iolens serves (a trace or log document, a large-trace
 * window, a filtered view) and reveals source lines in views, opening the right one for a file named by a
 * finding or a hover link (a large file in the large-trace view, any other in an editor).
 */
import * as vscode from 'vscode';
import type { AnalysisController } from './analysisController';
import { opensInLargeView } from './analysisController';
import { reportFileUri } from './findingDiagnostics';
import { FILTER_SCHEME, FilteredView } from './filteredView';
import type { FilteredViews } from './filteredViews';
import { LARGE_SCHEME, LargeTraceView } from './largeTraceView';
import type { LargeTraceViews } from './largeTraceViews';
import type { TraceView } from './traceView';
import { WindowedView } from './windowedView';

export class TraceViews {
  constructor(
    readonly files: AnalysisController,
    readonly large: LargeTraceViews,
    readonly filtered: FilteredViews,
  ) {}

  /** The view of a document, or undefined when iolens does not serve it. */
  get(doc: vscode.TextDocument): TraceView | undefined {
    switch (doc.uri.scheme) {
      case LARGE_SCHEME:
        return this.large.get(doc.uri);
      case FILTER_SCHEME:
        return this.filtered.get(doc.uri);
      default:
        return this.files.viewOf(doc);
    }
  }

  /** The view and editor of the active editor, when iolens serves it. */
  active(): { view: TraceView; editor: vscode.TextEditor } | undefined {
    const editor = vscode.window.activeTextEditor;
    const view = editor ? this.get(editor.document) : undefined;
    return editor && view ? { view, editor } : undefined;
  }

  /** The document of a view, if open. */
  documentOf(view: TraceView): vscode.TextDocument | undefined {
    const key = view.uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /**
   * Shows source line `line` (1-based) of `view` in an editor, selecting it. A line outside a window opens
   * the window that holds it in its place; in a filtered view a line that does not match shows the next
   * match. Returns the editor.
   */
  async reveal(view: TraceView, line: number, column?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
    const shown = (await view.bring(line)) ?? { view, line: Math.max(0, line - 1) };
    const col = column ?? this.editorOf(view)?.viewColumn;
    if (shown.view instanceof WindowedView) return this.showWindow(shown.view, shown.line, col, view instanceof WindowedView ? view : undefined);
    const doc = this.documentOf(shown.view) ?? (await vscode.workspace.openTextDocument(shown.view.uri));
    const l = Math.max(0, Math.min(shown.line, doc.lineCount - 1));
    const range = new vscode.Range(l, 0, l, 0);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: range, viewColumn: col ?? vscode.ViewColumn.Active });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** Shows a window (in place of `replacing`, whose tab is closed) with editor line `line` selected. */
  showWindow(view: WindowedView, line: number, column?: vscode.ViewColumn, replacing?: WindowedView): Promise<vscode.TextEditor> {
    if (view instanceof LargeTraceView) return this.large.show(view, line, column, replacing);
    if (view instanceof FilteredView) return this.filtered.show(view, line, column, replacing);
    throw new Error('unknown window');
  }

  /** The visible editor of a view, if any. */
  editorOf(view: TraceView): vscode.TextEditor | undefined {
    const key = view.uri.toString();
    const active = vscode.window.activeTextEditor;
    if (active?.document.uri.toString() === key) return active;
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
  }

  /**
   * Shows line `line` of the file a finding or a graph names (`file`: a path, or a URI string for unsaved
   * text): in the view that already shows it, else in a new editor, or in the large-trace view for a file
   * above the threshold or a trace.dat.
   */
  async revealFile(file: string, line: number): Promise<vscode.TextEditor | undefined> {
    const shown = vscode.workspace.textDocuments.map((d) => this.get(d)).find((v) => v !== undefined && v.sourceFile === file && v.contiguous);
    if (shown) return this.reveal(shown, line);
    const uri = reportFileUri(file);
    if (uri.scheme === 'file' && opensInLargeView(uri.fsPath)) {
      return (await this.large.open(uri.fsPath, line)).editor;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const l = Math.max(0, Math.min(line - 1, doc.lineCount - 1));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(l, 0, l, 0) });
    editor.revealRange(new vscode.Range(l, 0, l, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }
}
