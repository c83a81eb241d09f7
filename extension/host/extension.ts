/**
 * The extension's entry point: wires the thin adapters (analysis + diagnostics, language sniffing,
 * status bar, summary panel, commands) around the engine worker. Every disposable has one owner:
 * `context.subscriptions`. Commands return values so that tests can check them.
 */
import type { AnalysisReport } from '../engine/contracts/report';
import * as vscode from 'vscode';
import { AnalysisController } from './analysisController';
import { readConfig } from './config';
import { EngineClient } from './engineClient';
import { LanguageSniffer } from './languageSniffer';
import { StatusBar } from './statusBar';
import { SummaryPanel } from './summaryPanel';

export function activate(context: vscode.ExtensionContext): { analyses: AnalysisController } {
  const engine = new EngineClient(context.extensionPath, () => ({ budgetMB: readConfig().memoryBudgetMB }));
  const analyses = new AnalysisController(engine);
  const sniffer = new LanguageSniffer((doc) => analyses.maybeAnalyze(doc));
  const statusBar = new StatusBar(analyses);
  context.subscriptions.push(engine, analyses, sniffer, statusBar, ...createCommands(context, analyses));
  return { analyses };
}

async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return vscode.window.activeTextEditor?.document;
}

/** Runs a command on the given or active document, turning failures into one error message. */
async function onDocument<T>(uri: unknown, run: (doc: vscode.TextDocument) => Promise<T>): Promise<T | undefined> {
  const doc = await targetDocument(uri);
  if (!doc) {
    void vscode.window.showWarningMessage('iolens: open a trace file first.');
    return undefined;
  }
  try {
    return await run(doc);
  } catch (err) {
    void vscode.window.showErrorMessage(`iolens: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function createCommands(context: vscode.ExtensionContext, analyses: AnalysisController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('iolens.analyzeFile', (uri?: unknown): Promise<AnalysisReport | undefined> =>
      onDocument(uri, async (doc) => {
        const report = await analyses.analyze(doc);
        const f = report.files[0];
        if (f && uri === undefined) {
          void vscode.window.showInformationMessage(
            `iolens: ${f.events.toLocaleString('en-US')} events, ${f.skippedLines} skipped lines, ${report.findings.length} findings (${f.format}).`,
          );
        }
        return report;
      }),
    ),
    vscode.commands.registerCommand('iolens.showSummary', (uri?: unknown): Promise<{ events: number } | undefined> =>
      onDocument(uri, async (doc) => {
        const report = await analyses.analyze(doc);
        SummaryPanel.createOrShow(context.extensionUri, doc, report);
        return { events: report.files.reduce((n, f) => n + f.events, 0) };
      }),
    ),
  ];
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
