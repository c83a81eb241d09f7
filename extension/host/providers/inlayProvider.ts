/**
 * InlayProvider: at the end of each line on which a request completes (a block completion, a syscall exit,
 * an io_uring completion, a direct-I/O completion, an ordered extent's finish), its latency or its error, as
 * an inlay hint: `Q2C 86.2 µs`, `-5 EIO after 3.1 ms`. Asked only for the lines on screen; off with
 * `iolens.inlayHints.enabled`.
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import type { TraceViews } from '../traceViews';

export class InlayProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(
    private readonly views: TraceViews,
    private readonly engine: EngineClient,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(doc: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
    if (!readConfig().inlayHintsEnabled) return [];
    const view = this.views.get(doc);
    if (!view) return [];
    // Source lines of the editor range (a filtered view's lines are not contiguous: ask for their span).
    const first = view.toSource(range.start.line);
    const last = view.toSource(Math.min(range.end.line, doc.lineCount - 1));
    if (first === undefined || last === undefined) return [];
    await view.ready();
    const hints = await this.engine.request('inlayHints', { doc: view.session, from: first, to: last }, token);
    const out: vscode.InlayHint[] = [];
    for (const h of hints) {
      const line = view.toEditor(h.line);
      if (line === undefined || line >= doc.lineCount) continue;
      const hint = new vscode.InlayHint(doc.lineAt(line).range.end, h.text, vscode.InlayHintKind.Parameter);
      hint.paddingLeft = true;
      hint.tooltip = h.tooltip;
      out.push(hint);
    }
    return out;
  }
}
