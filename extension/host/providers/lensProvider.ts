/**
 * LensProvider: CodeLenses. On the decisive line of each finding (its short title; a click peeks at its
 * evidence lines) and on the first line of each request a finding names (op, range, latency or result; a
 * click opens its lifecycle in the panel), for the lines the view shows. On a large-trace or filtered view,
 * lenses at the window's edges say which lines are shown and move the window, and a filtered view's first
 * line offers the way back to the same line of the original. `iolens.codeLens.enabled` turns the finding
 * and request lenses off (the window lenses stay: they are the view's navigation).
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { FilteredView } from '../filteredView';
import { LargeTraceView } from '../largeTraceView';
import type { SessionStore } from '../sessionStore';
import type { TraceViews } from '../traceViews';
import { WindowedView } from '../windowedView';

export class LensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly views: TraceViews,
    private readonly engine: EngineClient,
    private readonly sessions: SessionStore,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const view = this.views.get(doc);
    if (!view) return [];
    const out: vscode.CodeLens[] = [];
    await view.ready();
    if (view instanceof WindowedView) out.push(...this.windowLenses(view, doc));
    if (!readConfig().codeLensEnabled) return out;
    const { first, last } = view.shownRange();
    if (last < first) return out;
    const lenses = await this.engine.request('lenses', { doc: view.session, from: first, to: last }, token);
    const findings = this.sessions.report(view.session)?.findings ?? [];
    const hidden = readConfig().hiddenKinds;
    for (const lens of lenses) {
      const f = findings[lens.finding];
      if (f !== undefined && hidden.has(f.kind)) continue;
      const line = view.toEditor(lens.line);
      if (line === undefined || line >= doc.lineCount) continue;
      const range = new vscode.Range(line, 0, line, 0);
      if (lens.kind === 'finding' && f !== undefined) {
        const locations = f.evidence
          .filter((e) => e.file === view.sourceFile)
          .map((e) => view.toEditor(e.line))
          .filter((l): l is number => l !== undefined && l < doc.lineCount)
          .map((l) => new vscode.Location(doc.uri, new vscode.Range(l, 0, l, 0)));
        out.push(
          new vscode.CodeLens(range, {
            title: `$(${f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'}) ${lens.title}`,
            tooltip: lens.tooltip,
            command: 'editor.action.showReferences',
            arguments: [doc.uri, new vscode.Position(line, 0), locations],
          }),
        );
      } else {
        out.push(new vscode.CodeLens(range, { title: `$(git-commit) ${lens.title}`, tooltip: lens.tooltip, command: 'iolens.showRequestLifecycle', arguments: [doc.uri.toString(), lens.line] }));
      }
    }
    return out;
  }

  private windowLenses(view: WindowedView, doc: vscode.TextDocument): vscode.CodeLens[] {
    const { from, count, total } = view.window();
    const top = new vscode.Range(0, 0, 0, 0);
    const out: vscode.CodeLens[] = [];
    const fmt = (n: number): string => n.toLocaleString('en-US');
    if (view instanceof FilteredView) {
      const { first, last } = view.shownRange();
      out.push(
        new vscode.CodeLens(top, {
          title: `$(filter) ${view.description}: ${fmt(count === 0 ? 0 : from + 1)}–${fmt(from + count)} of ${fmt(total)} matching events${count > 0 ? ` (lines ${fmt(first)}–${fmt(last)} of ${view.label})` : ''}`,
          command: '',
        }),
        new vscode.CodeLens(top, { title: `$(go-to-file) Open in ${view.label} at the cursor`, command: 'iolens.openInSource', arguments: [doc.uri.toString()] }),
      );
    } else if (view instanceof LargeTraceView) {
      out.push(
        new vscode.CodeLens(top, { title: `$(book) ${view.label}: lines ${fmt(from + 1)}–${fmt(from + count)} of ${fmt(total)}`, command: 'iolens.goToLine', arguments: [doc.uri.toString()] }),
        new vscode.CodeLens(top, { title: '$(symbol-number) Go to Line…', command: 'iolens.goToLine', arguments: [doc.uri.toString()] }),
        new vscode.CodeLens(top, { title: '$(clock) Go to Time…', command: 'iolens.goToTime', arguments: [doc.uri.toString()] }),
        new vscode.CodeLens(top, { title: '$(warning) Go to Finding…', command: 'iolens.goToFinding', arguments: [doc.uri.toString()] }),
      );
    }
    if (from > 0) out.push(new vscode.CodeLens(top, { title: '$(arrow-up) Previous lines', command: 'iolens.previousWindow', arguments: [doc.uri.toString()] }));
    if (from + count < total && doc.lineCount > 0) {
      const end = new vscode.Range(doc.lineCount - 1, 0, doc.lineCount - 1, 0);
      out.push(new vscode.CodeLens(end, { title: `$(arrow-down) Next lines (${fmt(total - from - count)} more)`, command: 'iolens.nextWindow', arguments: [doc.uri.toString()] }));
    }
    return out;
  }
}

