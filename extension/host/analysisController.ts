/**
 * AnalysisController: analyses trace and kernel-log documents when they are opened or saved and publishes
 * the findings as diagnostics (one DiagnosticCollection). A kernel log is analysed together with the
 * traces open beside it (and a trace with the logs), so blocked tasks are linked to the trace of the same
 * window; each document shows the findings that point into it. Keeps the last report per document for
 * commands, the status bar and the summary panel.
 */
import type { AnalysisReport } from '../engine/contracts/report';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { EngineClient } from './engineClient';
import { toDiagnostic } from './findingDiagnostics';

export const TRACE_LANGUAGES = new Set(['ftrace', 'kernel-log']);
/** Companions above this size are not pulled into another document's analysis. */
const MAX_COMPANION_BYTES = 512 * 1024 * 1024;

export class AnalysisController implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('iolens');
  private readonly reports = new Map<string, { version: number; report: Promise<AnalysisReport> }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's report is ready. */
  readonly onDidAnalyze = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly engine: EngineClient) {
    this.subscriptions.push(
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.maybeAnalyze(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.maybeAnalyze(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.diagnostics.delete(d.uri);
        this.reports.delete(d.uri.toString());
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.maybeAnalyze(d);
  }

  /** Called when a document's language changes (sniffing) or it is opened. */
  maybeAnalyze(doc: vscode.TextDocument): void {
    if (!TRACE_LANGUAGES.has(doc.languageId)) return;
    void this.analyze(doc).catch(() => undefined);
    // The documents of the other kind are analysed again with this one as their companion.
    for (const other of this.companionDocs(doc)) {
      this.reports.delete(other.uri.toString());
      void this.analyze(other).catch(() => undefined);
    }
  }

  /** Saved files of the other kind (logs for a trace, traces for a log) open beside `doc`. */
  private companionDocs(doc: vscode.TextDocument): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter(
      (d) => d !== doc && d.uri.scheme === 'file' && !d.isDirty && TRACE_LANGUAGES.has(d.languageId) && d.languageId !== doc.languageId,
    );
  }

  /** The report of a document, analysing it if needed. */
  analyze(doc: vscode.TextDocument): Promise<AnalysisReport> {
    const key = doc.uri.toString();
    const known = this.reports.get(key);
    if (known && known.version === doc.version) return known.report;
    const report = this.run(doc);
    this.reports.set(key, { version: doc.version, report });
    return report;
  }

  /** The last finished-or-running report of a document, without starting one. */
  peek(uri: vscode.Uri): Promise<AnalysisReport> | undefined {
    return this.reports.get(uri.toString())?.report;
  }

  private async run(doc: vscode.TextDocument): Promise<AnalysisReport> {
    const name = engineName(doc);
    const big = doc.uri.scheme === 'file' && !doc.isDirty;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `iolens: reading ${vscode.workspace.asRelativePath(doc.uri)}` },
      (progress) => {
        let last = 0;
        const companions = this.companionDocs(doc)
          .map((d) => d.uri.fsPath)
          .filter((p) => statSize(p) <= MAX_COMPANION_BYTES);
        return big
          ? this.engine.analyzeFile(
              doc.uri.fsPath,
              undefined,
              (read, total) => {
                const pct = total > 0 ? Math.floor((read / total) * 100) : 0;
                if (pct > last) {
                  progress.report({ increment: pct - last, message: `${pct}%` });
                  last = pct;
                }
              },
              companions,
            )
          : this.engine.analyzeText(name, doc.getText());
      },
    );
    const max = vscode.workspace.getConfiguration('iolens').get<number>('diagnostics.maxPerFile', 1000);
    const diags = report.findings
      .filter((f) => f.file === name)
      .slice(0, max)
      .map((f) => toDiagnostic(doc, f));
    this.diagnostics.set(doc.uri, diags);
    this.changed.fire(doc.uri);
    return report;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The file name the engine uses for a document: its path on disk, or its URI string when it has none. */
export function engineName(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

function statSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
