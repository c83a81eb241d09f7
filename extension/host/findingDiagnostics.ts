/**
 * Converts engine findings into VS Code diagnostics of a view: the one place where finding lines become
 * editor positions (a finding's line is 1-based in its source; the diagnostic covers the whole editor line
 * that shows it). Each evidence line becomes a related location labelled with its role (`block request
 * issued`, `completed with -5 EIO`), in this view when it shows the line, in the other file of the session
 * (the trace of a kernel log) otherwise.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../engine/contracts/finding';
import type { TraceView } from './traceView';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Related locations kept per diagnostic (VS Code lists them all under the problem). */
const MAX_RELATED = 24;

/** The range of an editor line (0-based), clamped to the document. */
export function editorLineRange(doc: vscode.TextDocument, line: number): vscode.Range {
  const l = Math.min(Math.max(line, 0), Math.max(doc.lineCount - 1, 0));
  return doc.lineAt(l).range;
}

/** The URI of a file named in a report: an absolute path, or the URI string of a document not on disk. */
export function reportFileUri(file: string): vscode.Uri {
  return path.isAbsolute(file) ? vscode.Uri.file(file) : vscode.Uri.parse(file, true);
}

/** The diagnostic of a finding whose decisive line the view shows; undefined when it does not. */
export function toDiagnostic(view: TraceView, doc: vscode.TextDocument, f: Finding): vscode.Diagnostic | undefined {
  const at = f.file === view.sourceFile ? view.toEditor(f.line) : undefined;
  if (at === undefined) return undefined;
  const d = new vscode.Diagnostic(editorLineRange(doc, at), f.message, SEVERITY[f.severity]);
  d.source = 'iolens';
  d.code = f.kind;
  const related: vscode.DiagnosticRelatedInformation[] = [];
  let hidden = 0;
  for (const e of f.evidence) {
    if (e.line === f.line && e.file === f.file) continue;
    if (related.length >= MAX_RELATED) {
      hidden++;
      continue;
    }
    if (e.file === view.sourceFile) {
      const line = view.toEditor(e.line);
      if (line === undefined) {
        hidden++;
        continue;
      }
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(view.uri, editorLineRange(doc, line)), e.role));
    } else {
      const l = Math.max(0, e.line - 1);
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(reportFileUri(e.file), new vscode.Range(l, 0, l, 0)), `${e.role} (${path.basename(e.file)})`));
    }
  }
  if (hidden > 0 && related.length > 0) {
    // Say that more evidence exists (outside a window or beyond the list) rather than hide it silently.
    related.push(new vscode.DiagnosticRelatedInformation(related[0]!.location, `${hidden} more evidence line${hidden === 1 ? '' : 's'} not shown here (iolens: Show Request Lifecycle lists them)`));
  }
  if (related.length > 0) d.relatedInformation = related;
  return d;
}

/**
 * The diagnostic of a finding in a file whose document is not loaded yet (its analysis finished first):
 * whole-line ranges by line number (VS Code fits them to the lines when the document opens).
 */
export function toFileDiagnostic(uri: vscode.Uri, sourceFile: string, f: Finding): vscode.Diagnostic | undefined {
  if (f.file !== sourceFile) return undefined;
  const line = (n: number): vscode.Range => new vscode.Range(Math.max(0, n - 1), 0, Math.max(0, n - 1), 100_000);
  const d = new vscode.Diagnostic(line(f.line), f.message, SEVERITY[f.severity]);
  d.source = 'iolens';
  d.code = f.kind;
  const related = f.evidence
    .filter((e) => !(e.line === f.line && e.file === f.file))
    .slice(0, MAX_RELATED)
    .map((e) => new vscode.DiagnosticRelatedInformation(new vscode.Location(e.file === sourceFile ? uri : reportFileUri(e.file), line(e.line)), e.file === sourceFile ? e.role : `${e.role} (${path.basename(e.file)})`));
  if (related.length > 0) d.relatedInformation = related;
  return d;
}
