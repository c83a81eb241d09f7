/**
 * SummaryPanel: the webview panel of a session: its summary (format, findings by kind, blocked tasks
 * merged by culprit, the wait-for graph laid out in a worker, event counts), and what commands ask for (a request's lifecycle, latency distributions).
 * Follows the canonical webview shape: one panel per session, `createOrShow`, `localResourceRoots` limited
 * to `dist/webview`, a strict CSP with a per-load nonce, no inline handlers, and the typed protocol of
 * extension/protocol/webviewProtocol.ts with every incoming message validated. `revealLine` opens only files of the report the panel shows (a task or graph node can point
 * into another file of a multi-file report), never an arbitrary path named by the webview.
 */
import type { AnalysisReport, RequestLayer } from '../engine/contracts/report';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseFromWebview, type PanelRequest, type ToWebviewMessage } from '../protocol/webviewProtocol';

/** What a panel shows: a session (its key), a title and the session's report. */
export interface PanelSource {
  readonly key: string;
  readonly title: string;
  readonly report: AnalysisReport;
}

/** What the page may ask of the host, for files of the report only (the host checks). */
export interface PanelActions {
  /** Reveals line `line` of a file of the report (the host decides which view). */
  readonly reveal: (file: string, line: number) => void;
  /** Shows the lifecycle of the requests of a line of the panel's source file, layers `expand` unfolded. */
  readonly lifecycle: (file: string, line: number, expand: readonly RequestLayer[]) => void;
  /** Answers a request of the page (the event table) from the panel's session. */
  readonly query: (request: PanelRequest) => Promise<unknown>;
}

export class SummaryPanel implements vscode.Disposable {
  static readonly viewType = 'iolens.summary';
  private static readonly panels = new Map<string, SummaryPanel>();

  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  /** Messages waiting for the page's `ready` (the report first, then what a command asked for). */
  private pending: ToWebviewMessage[] = [];
  /** The report shown; its `files` are the only paths `revealLine` may open. */
  private report: AnalysisReport | undefined;

  /** The panel of a session (created, or revealed with the new report). */
  static createOrShow(extensionUri: vscode.Uri, source: PanelSource, actions: PanelActions): SummaryPanel {
    const existing = SummaryPanel.panels.get(source.key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      existing.show(source);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SummaryPanel.viewType, `iolens: ${source.title}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    const created = new SummaryPanel(panel, extensionUri, source.key, actions);
    SummaryPanel.panels.set(source.key, created);
    created.show(source);
    return created;
  }

  /**
   * A panel VS Code restored after a reload (WebviewPanelSerializer): shown again with `source`, analysed
   * anew from its file.
   */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: PanelSource, actions: PanelActions): SummaryPanel {
    SummaryPanel.panels.get(source.key)?.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
    const revived = new SummaryPanel(panel, extensionUri, source.key, actions);
    SummaryPanel.panels.set(source.key, revived);
    revived.show(source);
    return revived;
  }

  /** Every open panel with its session key. */
  static all(): readonly SummaryPanel[] {
    return [...SummaryPanel.panels.values()];
  }

  /** The open panel of a session, if any. */
  static of(key: string): SummaryPanel | undefined {
    return SummaryPanel.panels.get(key);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly key: string,
    private readonly actions: PanelActions,
  ) {
    panel.webview.html = this.html(panel.webview, extensionUri);
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
    );
  }

  show(source: PanelSource): void {
    this.report = source.report;
    this.pending = this.pending.filter((m) => m.kind !== 'notify' || m.method !== 'showReport');
    this.post({ kind: 'notify', method: 'showReport', params: { title: source.title, report: source.report } });
  }

  /** Sends a message to the page (queued until it is ready). */
  post(msg: ToWebviewMessage): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
    else this.pending.push(msg);
  }

  private onMessage(raw: unknown): void {
    const msg = parseFromWebview(raw);
    if (!msg) return;
    switch (msg.method) {
      case 'ready':
        this.ready = true;
        for (const m of this.pending) void this.panel.webview.postMessage(m);
        this.pending = [];
        return;
      case 'revealLine':
        // Only files of the report the panel shows, lines within them: the page is untrusted and may name anything.
        if (this.known(msg.params.file, msg.params.line)) this.actions.reveal(msg.params.file, msg.params.line);
        return;
      case 'showLifecycleAt':
        if (this.known(msg.params.file, msg.params.line)) this.actions.lifecycle(msg.params.file, msg.params.line, msg.params.expand);
        return;
      case 'eventsPage':
      case 'rowIndexOfLine':
      case 'timelineLanes':
      case 'timeline':
      case 'overview':
        if (msg.kind !== 'request') return;
        this.actions.query(msg).then(
          (result) => void this.panel.webview.postMessage({ kind: 'reply', id: msg.id, ok: true, result }),
          (err: unknown) => void this.panel.webview.postMessage({ kind: 'reply', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
    }
  }

  /** True for a line of a file of the shown report. */
  private known(file: string, line: number): boolean {
    const f = this.report?.files.find((x) => x.path === file);
    return f !== undefined && line >= 1 && line <= Math.max(1, f.lines);
  }

  private html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js'));
    const toolkit = webview.asWebviewUri(vscode.Uri.joinPath(base, 'toolkit.min.js'));
    const elkWorker = webview.asWebviewUri(vscode.Uri.joinPath(base, 'elk-worker.min.js'));
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      // The page fetches elkjs's worker script and starts it from a Blob URL (webview/src/elkClient.ts).
      `connect-src ${webview.cspSource}`,
      'worker-src blob:',
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
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .lat-table { font-size: 0.92em; }
  .muted { color: var(--vscode-descriptionForeground); }
  .finding { margin: 4px 0 4px 1.4em; }
  .finding-kind > summary { cursor: pointer; padding: 2px 0; }
  .finding-kind-title { font-weight: 600; }
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
  .lc-graph { margin: 6px 0; overflow: auto; }
  svg.lc-svg { display: block; font-family: var(--vscode-font-family); }
  .lc-gnode { cursor: pointer; }
  .lc-gshape { fill: var(--vscode-editor-background); stroke: var(--vscode-charts-blue); stroke-width: 1.5; }
  .lc-gnode:focus { outline: none; }
  .lc-gnode:focus-visible .lc-gshape { stroke: var(--vscode-focusBorder); stroke-width: 3; }
  .lc-gfailed .lc-gshape { stroke: var(--vscode-errorForeground); stroke-width: 2.5; }
  .lc-gshort .lc-gshape { stroke: var(--vscode-editorWarning-foreground); stroke-width: 2.5; }
  .lc-glabel { font-size: 12px; fill: var(--vscode-foreground); }
  .lc-gdetail { font-size: 11px; fill: var(--vscode-descriptionForeground); }
  .tl { position: relative; }
  .tl-bar { display: flex; gap: 6px; align-items: center; margin: 4px 0; flex-wrap: wrap; }
  .tl-overview, .tl-canvas { display: block; }
  .tl-canvas:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .tl-lanes-box { max-height: 420px; overflow-y: auto; border: 1px solid var(--vscode-panel-border); }
  .tl-tip { position: absolute; z-index: 2; pointer-events: none; padding: 3px 6px; background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground); border: 1px solid var(--vscode-editorHoverWidget-border); font-size: 12px; white-space: nowrap; }
  .ev-filter { display: flex; flex-wrap: wrap; gap: 6px 12px; margin: 4px 0; }
  .ev-field { display: inline-flex; gap: 4px; align-items: center; }
  .ev-filter-dev vscode-text-field, .ev-filter-ino vscode-text-field, .ev-filter-req vscode-text-field, .ev-filter-from vscode-text-field, .ev-filter-to vscode-text-field { width: 8em; }
  .ev-field vscode-text-field { --input-min-width: 3em; }
  .findings-filter vscode-text-field { width: 24em; }
  .ev-filter-text vscode-text-field { width: 18em; } .ev-filter-events vscode-text-field { width: 14em; } .ev-filter-pid vscode-text-field, .ev-filter-cpu vscode-text-field { width: 6em; }
  .ev-status { margin: 2px 0 4px; }
  .ev-chip { display: inline-flex; gap: 6px; align-items: center; margin: 2px 0; padding: 1px 8px; border-radius: 10px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
  .ev-chip[hidden] { display: none; }
  .ev-chip-clear { height: 18px; }
  .lat-bar[role="button"] { cursor: pointer; }
  .lat-bar:focus-visible { outline: 2px solid var(--vscode-focusBorder); }
  .ev-grid { border: 1px solid var(--vscode-panel-border); font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); overflow-x: auto; }
  .ev-head, .ev-viewport { min-width: 72em; }
  .ev-grid:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .ev-viewport { position: relative; overflow-y: auto; overflow-x: hidden; }
  .ev-layer { position: absolute; top: 0; left: 0; right: 0; }
  .ev-row { display: flex; height: 22px; line-height: 22px; white-space: nowrap; cursor: pointer; }
  .ev-head { cursor: default; font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border); }
  .ev-row:hover:not(.ev-head) { background: var(--vscode-list-hoverBackground); }
  .ev-selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  /* High-contrast themes draw selection and focus as borders (their selection backgrounds may be none). */
  body.vscode-high-contrast .ev-selected, body.vscode-high-contrast-light .ev-selected,
  body.vscode-high-contrast .lat-row[aria-selected="true"], body.vscode-high-contrast-light .lat-row[aria-selected="true"] {
    outline: 1px dashed var(--vscode-contrastActiveBorder, var(--vscode-focusBorder)); outline-offset: -1px;
  }
  body.vscode-high-contrast .ev-grid, body.vscode-high-contrast-light .ev-grid, body.vscode-high-contrast .tl-canvas, body.vscode-high-contrast-light .tl-canvas {
    border: 1px solid var(--vscode-contrastBorder);
  }
  body.vscode-high-contrast .tl-bar vscode-button[aria-pressed="true"], body.vscode-high-contrast-light .tl-bar vscode-button[aria-pressed="true"] {
    outline: 2px solid var(--vscode-contrastActiveBorder, var(--vscode-focusBorder)); outline-offset: -2px;
  }
  .ev-cell { padding: 0 6px; overflow: hidden; text-overflow: ellipsis; flex: none; }
  .ev-c-time-s- { width: 9em; text-align: right; } .ev-c-delta { width: 8em; text-align: right; } .ev-c-cpu { width: 3em; text-align: right; }
  .ev-c-task { width: 12em; } .ev-c-event { width: 13em; } .ev-c-req { width: 5em; } .ev-c-fields { flex: 1; }
  .ev-req { cursor: pointer; color: var(--vscode-textLink-foreground); }
  .ev-req:hover { text-decoration: underline; }
  .lat-row { cursor: pointer; }
  .lat-row[aria-selected="true"] { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  .lat-row:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  svg.lat-hist { display: block; max-width: 100%; height: auto; }
  .lat-bar { fill: var(--vscode-charts-blue); }
  .lat-axis { stroke: var(--vscode-descriptionForeground); }
  .lat-tick { font-size: 10px; fill: var(--vscode-descriptionForeground); }
  .lat-mark { stroke-width: 1.5; stroke-dasharray: 3 2; }
  .lat-p50 { stroke: var(--vscode-charts-green); }
  .lat-p90 { stroke: var(--vscode-charts-orange); }
  .lat-p99 { stroke: var(--vscode-charts-red); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .lc-node { margin: 2px 0; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  .lc-failed { color: var(--vscode-errorForeground); }
  .lc-short { color: var(--vscode-editorWarning-foreground); }
  .lc-stages { margin-left: 1.4em; color: var(--vscode-descriptionForeground); }
  .wg-summary, .wg-capped { margin: 4px 0; }
  .wg-scroll { overflow: auto; max-height: 80vh; border: 1px solid var(--vscode-panel-border); }
  svg.wg { display: block; font-family: var(--vscode-font-family); max-width: 100%; height: auto; }
  .wg-scroll.wg-full svg.wg { max-width: none; }
  .wg-size { margin: 4px 0; }
  .wg-group .wg-shape { fill: var(--vscode-charts-blue); stroke: var(--vscode-charts-blue); }
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
<section id="iolens-lifecycle" hidden>
<h3>Request lifecycle</h3>
<div id="iolens-lifecycle-body"></div>
</section>
<h3 id="iolens-findings-title">Findings</h3>
<div id="iolens-findings"></div>
<section id="iolens-latency" hidden>
<h3>Latency</h3>
<div id="iolens-latency-body"></div>
</section>
<section id="iolens-blocked" hidden>
<h3>Blocked tasks</h3>
<div id="iolens-task-groups"></div>
</section>
<section id="iolens-graph" hidden>
<h3>Wait-for graph</h3>
<div id="iolens-wait-graph"></div>
</section>
<section id="iolens-timeline" hidden>
<h3>Timeline</h3>
<div id="iolens-timeline-body"></div>
</section>
<section id="iolens-table" hidden>
<h3>Event table</h3>
<div id="iolens-table-body"></div>
</section>
<h3 id="iolens-events">Events</h3>
<table id="iolens-summary"><thead><tr><th>event</th><th>count</th></tr></thead><tbody></tbody></table>
<script type="module" nonce="${nonce}" src="${toolkit}"></script>
<script nonce="${nonce}" src="${script}" data-elk-worker="${elkWorker}"></script>
</body>
</html>`;
  }

  dispose(): void {
    SummaryPanel.panels.delete(this.key);
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
  }
}

