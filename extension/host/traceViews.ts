/**
 * TraceViews: finds the TraceView of any document iolens serves (a trace or log document, a large-trace
 * window, a filtered view) and reveals source lines in views, opening the right one for a file named by a
 * finding or a hover link (a large file in the large-trace view, any other in an editor).
 */
import * as vscode from 'vscode';
import type { AnalysisController } from './analysisController';
import { statSize } from './analysisController';
import { readConfig } from './config';
import { reportFileUri } from './findingDiagnostics';
import { FILTER_SCHEME } from './filteredView';
import type { FilteredViews } from './filteredViews';
import { LARGE_SCHEME } from './largeTraceView';
import type { LargeTraceViews } from './largeTraceViews';
import type { TraceView } from './traceView';

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
   * Shows source line `line` (1-based) of `view` in an editor, selecting it. A window moves to it; in a
   * filtered view a line that does not match shows the next match. Returns the editor.
   */
  async reveal(view: TraceView, line: number, column?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
    const at = await view.bring(line);
    const doc = this.documentOf(view) ?? (await vscode.workspace.openTextDocument(view.uri));
    const l = Math.max(0, Math.min(at ?? 0, doc.lineCount - 1));
    const range = new vscode.Range(l, 0, l, 0);
    const existing = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: range, viewColumn: column ?? existing?.viewColumn ?? vscode.ViewColumn.Active });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /**
   * Shows line `line` of the file a finding or a graph names (`file`: a path, or a URI string for unsaved
   * text): in the view that already shows it, else in a new editor, or in the large-trace view for a file
   * above the threshold.
   */
  async revealFile(file: string, line: number): Promise<vscode.TextEditor | undefined> {
    const shown = vscode.workspace.textDocuments.map((d) => this.get(d)).find((v) => v !== undefined && v.sourceFile === file && v.contiguous);
    if (shown) return this.reveal(shown, line);
    const uri = reportFileUri(file);
    if (uri.scheme === 'file' && statSize(uri.fsPath) > readConfig().largeFileBytes && statSize(uri.fsPath) !== Number.POSITIVE_INFINITY) {
      return (await this.large.open(uri.fsPath, line)).editor;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const l = Math.max(0, Math.min(line - 1, doc.lineCount - 1));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(l, 0, l, 0) });
    editor.revealRange(new vscode.Range(l, 0, l, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }
}
