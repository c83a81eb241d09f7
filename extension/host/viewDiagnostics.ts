/**
 * ViewDiagnostics: the one DiagnosticCollection of iolens. Each view (a document, a large-trace window, a
 * filtered view) shows the findings of its session whose decisive line it shows, up to the configured
 * maximum, without the hidden kinds.
 */
import * as vscode from 'vscode';
import { readConfig } from './config';
import type { AnalysisReport } from '../engine/contracts/report';
import { toDiagnostic, toFileDiagnostic } from './findingDiagnostics';
import type { TraceView } from './traceView';

export class ViewDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('iolens');

  /** Publishes the diagnostics of a view from its session's report (waits for the analysis). */
  async publish(view: TraceView, doc: vscode.TextDocument): Promise<number> {
    const { report } = await view.ready();
    const config = readConfig();
    const diags: vscode.Diagnostic[] = [];
    for (const f of report.findings) {
      if (diags.length >= config.maxDiagnostics) break;
      if (f.file !== view.sourceFile || config.hiddenKinds.has(f.kind)) continue;
      const d = toDiagnostic(view, doc, f);
      if (d) diags.push(d);
    }
    this.collection.set(view.uri, diags);
    return diags.length;
  }

  /** Publishes the findings of a file whose document is still loading (ranges by line number). */
  publishFile(uri: vscode.Uri, sourceFile: string, report: AnalysisReport): number {
    const config = readConfig();
    const diags: vscode.Diagnostic[] = [];
    for (const f of report.findings) {
      if (diags.length >= config.maxDiagnostics) break;
      if (config.hiddenKinds.has(f.kind)) continue;
      const d = toFileDiagnostic(uri, sourceFile, f);
      if (d) diags.push(d);
    }
    this.collection.set(uri, diags);
    return diags.length;
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
