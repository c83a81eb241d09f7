/**
 * Converts engine findings into VS Code diagnostics: the one place where trace line numbers become
 * editor positions (a finding's line is 1-based; the diagnostic covers the whole line).
 */
import type { Finding } from '../engine/contracts/finding';
import * as vscode from 'vscode';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function lineRange(doc: vscode.TextDocument, line1: number): vscode.Range {
  const line = Math.min(Math.max(line1 - 1, 0), Math.max(doc.lineCount - 1, 0));
  return doc.lineAt(line).range;
}

export function toDiagnostic(doc: vscode.TextDocument, f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(doc, f.line), f.message, SEVERITY[f.severity]);
  d.source = 'iolens';
  d.code = f.kind;
  // Evidence in this document, then in the other files analysed with it (the trace of a kernel log).
  d.relatedInformation = f.evidence
    .filter((e) => e.line !== f.line || e.file !== f.file)
    .slice(0, 12)
    .map((e) =>
      e.file === f.file
        ? new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, lineRange(doc, e.line)), `evidence: line ${e.line}`)
        : new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(e.file), new vscode.Range(Math.max(0, e.line - 1), 0, Math.max(0, e.line - 1), 0)),
            `evidence: ${e.file.split('/').pop() ?? e.file} line ${e.line}`,
          ),
    );
  return d;
}
