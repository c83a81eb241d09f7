/**
 * AnalysisController: opens trace and kernel-log documents in the engine worker (which keeps their models
 * as sessions) when they are opened, changed by a save or switched to a trace language, and publishes the
 * findings as diagnostics (one DiagnosticCollection). A kernel log is opened together with the traces open
 * beside it (and a trace with the logs), so blocked tasks are linked to the trace of the same window; the
 * worker shares the model of a companion that is itself open. Each document shows the findings that point
 * into it. Closing a document closes its session. Keeps the last report per document for commands, the
 * status bar and the summary panel; a newer version supersedes (and cancels) the analysis of an older one.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { AnalysisReport } from '../engine/contracts/report';
import type { DocRef } from '../protocol/engineProtocol';
import { readConfig } from './config';
import type { EngineClient } from './engineClient';
import { toDiagnostic } from './findingDiagnostics';

export const TRACE_LANGUAGES = new Set(['ftrace', 'kernel-log']);
/** Companions above this size are not pulled into another document's analysis. */
const MAX_COMPANION_BYTES = 512 * 1024 * 1024;

interface Known {
  readonly version: number;
  readonly generation: number;
  readonly report: Promise<AnalysisReport>;
  readonly cancel: vscode.CancellationTokenSource;
}

export class AnalysisController implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('iolens');
  private readonly reports = new Map<string, Known>();
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
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
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

  /** The report of a document, analysing it (opening its engine session) if needed. */
  analyze(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<AnalysisReport> {
    const key = doc.uri.toString();
    const known = this.reports.get(key);
    if (known && known.version === doc.version && known.generation === this.engine.generation) return known.report;
    known?.cancel.cancel();
    const cancel = new vscode.CancellationTokenSource();
    token?.onCancellationRequested(() => cancel.cancel());
    const report = this.run(doc, cancel.token);
    this.reports.set(key, { version: doc.version, generation: this.engine.generation, report, cancel });
    return report;
  }

  /** The last finished-or-running report of a document, without starting one. */
  peek(uri: vscode.Uri): Promise<AnalysisReport> | undefined {
    return this.reports.get(uri.toString())?.report;
  }

  private async run(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<AnalysisReport> {
    const companions = this.companionDocs(doc)
      .filter((d) => statSize(d.uri.fsPath) <= MAX_COMPANION_BYTES)
      .map((d) => docRef(d));
    const { report } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `iolens: reading ${vscode.workspace.asRelativePath(doc.uri)}` },
      (progress) => {
        let last = 0;
        return this.engine.request('open', { doc: docRef(doc), companions }, token, (read, total) => {
          const pct = total > 0 ? Math.floor((read / total) * 100) : 0;
          if (pct > last) {
            progress.report({ increment: pct - last, message: `${pct}%` });
            last = pct;
          }
        });
      },
    );
    const name = engineName(doc);
    const max = readConfig().maxDiagnostics;
    const diags = report.findings
      .filter((f) => f.file === name)
      .slice(0, max)
      .map((f) => toDiagnostic(doc, f));
    this.diagnostics.set(doc.uri, diags);
    this.changed.fire(doc.uri);
    return report;
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.diagnostics.delete(doc.uri);
    const known = this.reports.get(key);
    if (known) {
      known.cancel.cancel();
      this.reports.delete(key);
      void this.engine.request('close', { doc: key }).catch(() => undefined);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The name the engine uses for a document: its path on disk, or its URI string when it has none. */
export function engineName(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/** The engine's reference to a document: a saved file is read from disk, anything else from its text. */
export function docRef(doc: vscode.TextDocument): DocRef {
  const key = doc.uri.toString();
  if (doc.uri.scheme === 'file' && !doc.isDirty) return { key, version: doc.version, name: doc.uri.fsPath, path: doc.uri.fsPath };
  return { key, version: doc.version, name: engineName(doc), bytes: Buffer.from(doc.getText(), 'utf8') };
}

function statSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
