/**
 * SummaryPanel: the webview panel that shows a trace's or kernel log's summary (format, event counts,
 * findings, blocked tasks, wait-for graph). Follows the canonical webview shape: one panel per document,
 * `createOrShow`, `localResourceRoots` limited to `dist/webview`, a strict CSP with a per-load nonce, no
 * inline handlers, and the typed protocol of webview/src/protocol.ts with every incoming message
 * validated. `revealLine` opens only files of the report the panel shows (a task or graph node can point
 * into another file of a multi-file report), never an arbitrary path named by the webview.
 */
import type { AnalysisReport } from '../engine/contracts/report';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineName } from './analysisController';
import { parseFromWebview, type ToWebviewMessage } from '../protocol/webviewProtocol';

export class SummaryPanel implements vscode.Disposable {
  static readonly viewType = 'iolens.summary';
  private static readonly panels = new Map<string, SummaryPanel>();

  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private pending: ToWebviewMessage | undefined;
  /** The report shown; its `files` are the only paths `revealLine` may open. */
  private report: AnalysisReport | undefined;

  static createOrShow(extensionUri: vscode.Uri, doc: vscode.TextDocument, report: AnalysisReport): SummaryPanel {
    const key = doc.uri.toString();
    const existing = SummaryPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      existing.show(report);
      return existing;
    }
    const name = doc.uri.path.split('/').pop() ?? 'trace';
    const panel = vscode.window.createWebviewPanel(SummaryPanel.viewType, `iolens: ${name}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    const created = new SummaryPanel(panel, extensionUri, doc);
    SummaryPanel.panels.set(key, created);
    created.show(report);
    return created;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly doc: vscode.TextDocument,
  ) {
    panel.webview.html = this.html(panel.webview, extensionUri);
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
    );
  }

  show(report: AnalysisReport): void {
    const name = this.doc.uri.path.split('/').pop() ?? 'trace';
    this.report = report;
    const msg: ToWebviewMessage = { kind: 'notify', method: 'showReport', params: { title: name, report } };
    if (this.ready) void this.panel.webview.postMessage(msg);
    else this.pending = msg;
  }

  private onMessage(raw: unknown): void {
    const msg = parseFromWebview(raw);
    if (!msg) return;
    switch (msg.method) {
      case 'ready':
        this.ready = true;
        if (this.pending) void this.panel.webview.postMessage(this.pending);
        this.pending = undefined;
        return;
      case 'revealLine':
        void this.reveal(msg.params.file, msg.params.line);
        return;
    }
  }

  /** Shows `line` (1-based) of `file`, which must be one of the shown report's files. */
  private async reveal(file: string, line: number): Promise<void> {
    if (!this.report?.files.some((f) => f.path === file)) return; // not a file of this report: ignore
    try {
      const doc = file === engineName(this.doc) ? this.doc : await vscode.workspace.openTextDocument(reportFileUri(file));
      const l = Math.max(0, Math.min(line - 1, doc.lineCount - 1));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(l, 0, l, 0) });
    } catch (err) {
      void vscode.window.showErrorMessage(`iolens: cannot open ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js'));
    const toolkit = webview.asWebviewUri(vscode.Uri.joinPath(base, 'toolkit.min.js'));
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>iolens summary</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
  table { border-collapse: collapse; margin: 0.5em 0; }
  th, td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--vscode-panel-border); }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: var(--vscode-descriptionForeground); }
  .finding { margin: 4px 0; }
  .sev-error { color: var(--vscode-errorForeground); }
  .sev-warning { color: var(--vscode-editorWarning-foreground); }
  .task-group { margin: 2px 0; }
  .task-group > summary { cursor: pointer; padding: 2px 0; }
  .task-group-title { font-weight: 600; }
  .task-list { margin: 2px 0 6px 1.4em; }
  .task { margin: 4px 0; }
  .task-name { font-family: var(--vscode-editor-font-family); }
  .task-frames { margin-left: 1.4em; }
  .task-frames > summary { cursor: pointer; }
  .frame-list { margin: 2px 0; padding-left: 2.4em; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  .frame.culprit { font-weight: 600; }
  .wg-summary, .wg-capped { margin: 4px 0; }
  .wg-scroll { overflow: auto; max-height: 80vh; border: 1px solid var(--vscode-panel-border); }
  svg.wg { display: block; font-family: var(--vscode-font-family); }
  .wg-node-label { font-size: 12px; fill: var(--vscode-foreground); pointer-events: none; }
  .wg-edge-label { font-size: 10px; fill: var(--vscode-descriptionForeground); }
  .wg-edge-line { fill: none; stroke: var(--vscode-descriptionForeground); stroke-width: 1.2; }
  .wg-arrowhead { fill: var(--vscode-descriptionForeground); }
  .wg-shape { stroke-width: 1.5; fill-opacity: 0.18; }
  .wg-task .wg-shape { fill: var(--vscode-charts-blue); stroke: var(--vscode-charts-blue); }
  .wg-resource .wg-shape { fill: var(--vscode-charts-purple); stroke: var(--vscode-charts-purple); }
  .wg-ordered-extent .wg-shape { fill: var(--vscode-charts-yellow); stroke: var(--vscode-charts-yellow); }
  .wg-bio .wg-shape { fill: var(--vscode-charts-green); stroke: var(--vscode-charts-green); }
  .wg-node.wg-stuck .wg-shape { stroke: var(--vscode-errorForeground); stroke-width: 2.5; }
  .wg-halo { fill: none; stroke: var(--vscode-charts-orange); stroke-width: 2; stroke-dasharray: 4 3; }
  .wg-edge.wg-cycle .wg-edge-line { stroke: var(--vscode-charts-orange); stroke-width: 2.2; }
  .wg-arrowhead-cycle { fill: var(--vscode-charts-orange); }
  .wg-edge.wg-cycle .wg-edge-label { fill: var(--vscode-charts-orange); }
  .wg-link { cursor: pointer; }
  .wg-link:hover .wg-shape { fill-opacity: 0.35; }
  .wg-link:focus { outline: none; }
  .wg-link:focus-visible .wg-shape { stroke: var(--vscode-focusBorder); stroke-width: 3; }
</style>
</head>
<body>
<h2 id="iolens-title">iolens</h2>
<div id="iolens-files" class="muted"></div>
<h3>Events</h3>
<table id="iolens-summary"><thead><tr><th>event</th><th>count</th></tr></thead><tbody></tbody></table>
<h3>Findings</h3>
<div id="iolens-findings"></div>
<section id="iolens-blocked" hidden>
<h3>Blocked tasks</h3>
<div id="iolens-task-groups"></div>
</section>
<section id="iolens-graph" hidden>
<h3>Wait-for graph</h3>
<div id="iolens-wait-graph"></div>
</section>
<script type="module" nonce="${nonce}" src="${toolkit}"></script>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    SummaryPanel.panels.delete(this.doc.uri.toString());
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
  }
}

/** The name the engine gave a document's file (as the analysis controller passes it: fsPath or URI). */
/** The URI of a report file name: an absolute path, or the URI string of a document that is not on disk. */
function reportFileUri(file: string): vscode.Uri {
  return path.isAbsolute(file) ? vscode.Uri.file(file) : vscode.Uri.parse(file, true);
}
