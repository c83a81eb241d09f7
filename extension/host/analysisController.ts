/**
 * AnalysisController: opens trace and kernel-log documents in the engine worker (which keeps their models
 * as sessions) when they are opened, changed by a save or switched to a trace language, and publishes their
 * findings as diagnostics. A kernel log is opened together with the traces open beside it (and a trace with
 * the logs), so blocked tasks are linked to the trace of the same window; the worker shares the model of a
 * companion that is itself open. Closing a document closes its session. Files above the large-file
 * threshold and trace.dat files (binary: their text is rendered by the engine) are left to the large-trace
 * view (see LargeTraceViews), never analysed twice.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { AnalysisReport } from '../engine/contracts/report';
import { readConfig } from './config';
import { isTraceDatFile } from './fileSniff';
import { docRef, FileView } from './fileView';
import type { ProgressStyle, SessionStore } from './sessionStore';
import type { ViewDiagnostics } from './viewDiagnostics';

export const TRACE_LANGUAGES = new Set(['ftrace', 'kernel-log']);
/** URI schemes of iolens's own views (their documents are served by other classes). */
export const VIEW_SCHEMES = new Set(['iolens-trace', 'iolens-filter']);
/** Companions above this size are not pulled into another document's analysis. */
const MAX_COMPANION_BYTES = 512 * 1024 * 1024;

export class AnalysisController implements vscode.Disposable {
  private readonly views = new Map<string, FileView>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's analysis is ready. */
  readonly onDidAnalyze = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: SessionStore,
    private readonly diagnostics: ViewDiagnostics,
  ) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.maybeAnalyze(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.maybeAnalyze(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.maybeAnalyze(d);
  }

  /** True for a document this controller serves: a trace or log in an editor, not one of iolens's views. */
  serves(doc: vscode.TextDocument): boolean {
    return TRACE_LANGUAGES.has(doc.languageId) && !VIEW_SCHEMES.has(doc.uri.scheme);
  }

  /** The view of a served document. */
  viewOf(doc: vscode.TextDocument): FileView | undefined {
    if (!this.serves(doc)) return undefined;
    const key = doc.uri.toString();
    let v = this.views.get(key);
    if (v === undefined || v.doc !== doc) {
      v = new FileView(doc, (d) => this.open(d));
      this.views.set(key, v);
    }
    return v;
  }

  /** Called when a document's language changes (sniffing) or it is opened or saved. */
  maybeAnalyze(doc: vscode.TextDocument): void {
    if (!this.serves(doc) || isLarge(doc)) return;
    void this.analyze(doc).catch(() => undefined);
    // The documents of the other kind are analysed again with this one as their companion.
    for (const other of this.companionDocs(doc)) {
      this.sessions.close(other.uri.toString());
      void this.analyze(other).catch(() => undefined);
    }
  }

  /** The report of a document, analysing it (opening its engine session) if needed. */
  async analyze(doc: vscode.TextDocument, style: ProgressStyle = 'window', token?: vscode.CancellationToken): Promise<AnalysisReport> {
    return (await this.open(doc, style, token)).report;
  }

  /** The running or finished analysis of a document, without starting one. */
  peek(uri: vscode.Uri): Promise<AnalysisReport> | undefined {
    return this.sessions.peek(uri.toString())?.then((r) => r.report);
  }

  private open(doc: vscode.TextDocument, style: ProgressStyle = 'window', token?: vscode.CancellationToken): ReturnType<SessionStore['open']> {
    const ref = docRef(doc);
    const running = this.sessions.peek(ref.key);
    const fresh = this.sessions.open(ref, this.companionRefs(doc), style, token);
    if (fresh !== running) {
      void fresh.then(
        () => {
          const view = this.viewOf(doc);
          if (view) void this.diagnostics.publish(view, doc).catch(() => undefined);
          this.changed.fire(doc.uri);
        },
        () => undefined,
      );
    }
    return fresh;
  }

  /** Saved files of the other kind (logs for a trace, traces for a log) open beside `doc`. */
  private companionDocs(doc: vscode.TextDocument): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter(
      (d) => d !== doc && d.uri.scheme === 'file' && !d.isDirty && this.serves(d) && d.languageId !== doc.languageId && !isLarge(d),
    );
  }

  private companionRefs(doc: vscode.TextDocument): ReturnType<typeof docRef>[] {
    return this.companionDocs(doc)
      .filter((d) => statSize(d.uri.fsPath) <= MAX_COMPANION_BYTES)
      .map((d) => docRef(d));
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (VIEW_SCHEMES.has(doc.uri.scheme)) return;
    this.diagnostics.clear(doc.uri);
    this.views.delete(key);
    this.sessions.close(key);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** True for a document of a file that belongs in the large-trace view (above the threshold, or a trace.dat). */
export function isLarge(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && opensInLargeView(doc.uri.fsPath);
}

/** True for a file on disk above the large-file threshold or a trace.dat (of any size): it opens in the large-trace view. */
export function opensInLargeView(file: string): boolean {
  const size = statSize(file);
  return size !== Number.POSITIVE_INFINITY && (size > readConfig().largeFileBytes || isTraceDatFile(file));
}

export function statSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
