/**
 * commandTarget: the view a command acts on. A command's first argument may name a document (a Uri or a
 * URI string: a file, a large-trace or a filtered view); without one it is the active editor, or the
 * active tab's file when that file was too large for an editor (or binary: a trace.dat). A file above the
 * large-file threshold, or a trace.dat, opens in the large-trace view.
 */
import * as vscode from 'vscode';
import { sniffContent } from '../../engine/ingest/sniffContent';
import { opensInLargeView, statSize, VIEW_SCHEMES } from '../analysisController';
import type { TraceView } from '../traceView';
import type { TraceViews } from '../traceViews';

export interface CommandTarget {
  readonly view: TraceView;
  /** The editor showing the view, when one does. */
  readonly editor: vscode.TextEditor | undefined;
}

/** Thrown for a command run where it has nothing to act on (shown as a warning, not an error). */
export class NoTarget extends Error {}

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return /^[a-z][\w+.-]*:/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  return undefined;
}

function editorOf(uri: vscode.Uri): vscode.TextEditor | undefined {
  const key = uri.toString();
  if (vscode.window.activeTextEditor?.document.uri.toString() === key) return vscode.window.activeTextEditor;
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
}

export async function commandTarget(views: TraceViews, arg: unknown): Promise<CommandTarget> {
  const uri = asUri(arg) ?? activeUri();
  if (uri === undefined) throw new NoTarget('open a trace or a kernel log first.');
  if (VIEW_SCHEMES.has(uri.scheme)) {
    const view = views.large.get(uri) ?? views.filtered.get(uri);
    if (!view) throw new NoTarget(`${uri.path} is no longer open.`);
    return { view, editor: editorOf(uri) };
  }
  if (uri.scheme === 'file') {
    const size = statSize(uri.fsPath);
    if (size === Number.POSITIVE_INFINITY) throw new Error(`cannot read ${uri.fsPath}`);
    if (opensInLargeView(uri.fsPath)) {
      const { view, editor } = await views.large.open(uri.fsPath);
      return { view, editor };
    }
  }
  let doc = await vscode.workspace.openTextDocument(uri);
  let view = views.get(doc);
  if (!view) {
    // Not known as a trace or log yet (a .txt opened by the command itself): decide from its content.
    const lang = sniffContent(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 80), 0)));
    if (lang !== undefined) {
      doc = await vscode.languages.setTextDocumentLanguage(doc, lang);
      view = views.get(doc);
    }
  }
  if (!view) throw new NoTarget(`${vscode.workspace.asRelativePath(uri)} is neither a trace nor a kernel log.`);
  return { view, editor: editorOf(doc.uri) };
}

/** The active editor's document, or the active tab's file (a file too large for an editor, or binary, has only a tab). */
function activeUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : undefined;
}

/** The source line a command acts on: the given one, or the cursor's in the target's editor. */
export function targetLine(target: CommandTarget, arg: unknown): number | undefined {
  if (typeof arg === 'number' && Number.isInteger(arg) && arg > 0) return arg;
  const editor = target.editor;
  return editor ? target.view.toSource(editor.selection.active.line) : undefined;
}
