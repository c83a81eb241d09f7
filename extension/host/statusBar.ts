/** The status bar item: event count of the active trace (`iolens: 1,234 events`); click for the summary. */
import * as vscode from 'vscode';
import type { AnalysisController } from './analysisController';
import { TRACE_LANGUAGES } from './analysisController';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iolens.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly analyses: AnalysisController) {
    this.item.name = 'iolens';
    this.item.command = 'iolens.showSummary';
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      analyses.onDidAnalyze(() => void this.update()),
    ];
    void this.update();
  }

  private async update(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !TRACE_LANGUAGES.has(doc.languageId)) {
      this.item.hide();
      return;
    }
    const pending = this.analyses.peek(doc.uri);
    if (!pending) {
      this.item.text = 'iolens: …';
      this.item.show();
      return;
    }
    try {
      const report = await pending;
      if (vscode.window.activeTextEditor?.document !== doc) return;
      const f = report.files[0];
      const events = f?.events ?? 0;
      const problems = report.findings.length;
      this.item.text = `iolens: ${events.toLocaleString('en-US')} events${problems > 0 ? `, ${problems} finding${problems === 1 ? '' : 's'}` : ''}`;
      this.item.tooltip = f ? `${f.format}, ${f.lines} lines, ${f.cpus} CPUs, ${f.skippedLines} skipped` : undefined;
    } catch (err) {
      this.item.text = 'iolens: error';
      this.item.tooltip = err instanceof Error ? err.message : String(err);
    }
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
