/**
 * SummaryPanel: the webview panel that shows a trace's summary (format, event counts, findings).
 * Follows the canonical webview shape: one panel per document, `createOrShow`, `localResourceRoots`
 * limited to `dist/webview`, a strict CSP with a per-load nonce, no inline handlers, and the typed
 * protocol of webview/src/protocol.ts with every incoming message validated.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AnalysisReport } from '../engine/report/analysisReport';
import { parseFromWebview, type ToWebviewMessage } from '../../webview/src/protocol';

export class SummaryPanel implements vscode.Disposable {
  static readonly viewType = 'iolens.summary';
  private static readonly panels = new Map<string, SummaryPanel>();

  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private pending: ToWebviewMessage | undefined;

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
    const msg: ToWebviewMessage = { type: 'showReport', title: name, report };
    if (this.ready) void this.panel.webview.postMessage(msg);
    else this.pending = msg;
  }

  private onMessage(raw: unknown): void {
    const msg = parseFromWebview(raw);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.pending) void this.panel.webview.postMessage(this.pending);
        this.pending = undefined;
        return;
      case 'revealLine': {
        const line = Math.min(msg.line - 1, this.doc.lineCount - 1);
        void vscode.window.showTextDocument(this.doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
        return;
      }
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
</style>
</head>
<body>
<h2 id="iolens-title">iolens</h2>
<div id="iolens-files" class="muted"></div>
<h3>Events</h3>
<table id="iolens-summary"><thead><tr><th>event</th><th>count</th></tr></thead><tbody></tbody></table>
<h3>Findings</h3>
<div id="iolens-findings"></div>
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
