/**
 * HoverProvider: a hover on any line of a trace or kernel log (a document, a large-trace window or a
 * filtered view) asks the engine worker for the line's LineInfo in one round trip and renders it with
 * `hoverMarkdown`. Only the reveal command is enabled in the markdown; the time from request to answer is
 * recorded for the end-to-end measurements.
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { hoverMarkdown, REVEAL_COMMAND } from '../hoverMarkdown';
import type { Timings } from '../timings';
import type { TraceViews } from '../traceViews';

export class HoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly views: TraceViews,
    private readonly engine: EngineClient,
    private readonly timings: Timings,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const config = readConfig();
    if (!config.hoverEnabled) return undefined;
    const view = this.views.get(doc);
    const line = view?.toSource(pos.line);
    if (view === undefined || line === undefined) return undefined;
    await view.ready();
    if (token.isCancellationRequested) return undefined;
    const t0 = performance.now();
    const info = await this.engine.request('lineInfo', { doc: view.session, line }, token);
    const text = hoverMarkdown(info, { viewUri: view.uri.toString(), sourceFile: view.sourceFile, hiddenKinds: config.hiddenKinds });
    this.timings.add('hover', performance.now() - t0);
    if (text === undefined) return undefined;
    const md = new vscode.MarkdownString(text);
    md.isTrusted = { enabledCommands: [REVEAL_COMMAND] };
    md.supportHtml = false;
    md.supportThemeIcons = true;
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}
