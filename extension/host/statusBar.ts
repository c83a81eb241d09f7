/**
 * The status bar item of the active trace or kernel log: its events and findings (`iolens: 1,234 events,
 * 2 findings`), and for a large-trace or filtered view the window shown (`lines 1–200,000 of 1,620,473`).
 * A click shows the panel.
 */
import * as vscode from 'vscode';
import type { SessionStore } from './sessionStore';
import type { TraceViews } from './traceViews';
import { FilteredView } from './filteredView';
import { WindowedView } from './windowedView';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iolens.status', vscode.StatusBarAlignment.Left, 10);

  constructor(
    private readonly views: TraceViews,
    private readonly sessions: SessionStore,
  ) {
    this.item.name = 'iolens';
    this.item.command = 'iolens.showSummary';
    this.update();
  }

  update(): void {
    const active = this.views.active();
    if (!active) {
      this.item.hide();
      return;
    }
    const { view } = active;
    const done = this.sessions.current(view.session);
    if (!done) {
      this.item.text = '$(sync~spin) iolens: analysing…';
      this.item.tooltip = undefined;
      this.item.show();
      void this.sessions
        .peek(view.session)
        ?.then(() => this.update())
        .catch((err: unknown) => {
          this.item.text = 'iolens: error';
          this.item.tooltip = err instanceof Error ? err.message : String(err);
        });
      return;
    }
    const report = done.report;
    const f = report.files.find((x) => x.path === view.sourceFile) ?? report.files[0];
    const events = f?.events ?? 0;
    const findings = report.findings.filter((x) => x.file === view.sourceFile).length;
    const fmt = (n: number): string => n.toLocaleString('en-US');
    const parts = [f?.format === 'kernel-log' ? `${fmt(report.tasks.filter((t) => t.file === view.sourceFile).length)} task reports` : `${fmt(events)} events`];
    if (findings > 0) parts.push(`${fmt(findings)} finding${findings === 1 ? '' : 's'}`);
    if (view instanceof WindowedView) {
      const w = view.window();
      parts.push(view instanceof FilteredView ? `matches ${fmt(w.count === 0 ? 0 : w.from + 1)}–${fmt(w.from + w.count)} of ${fmt(w.total)}` : `lines ${fmt(w.from + 1)}–${fmt(w.from + w.count)} of ${fmt(w.total)}`);
    }
    this.item.text = `iolens: ${parts.join(', ')}`;
    this.item.tooltip = f ? `${view.label}: ${f.format}, ${fmt(f.lines)} lines, ${f.cpus} CPUs, ${f.skippedLines} skipped lines` : view.label;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
