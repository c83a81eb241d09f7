/**
 * The commands that analyse a document and show it in the panel: Analyze Trace (a cancellable progress
 * notification), Show Panel, Show Request Lifecycle (the request of the cursor's line), Show Blocked Tasks,
 * Show Latency Breakdown, and Export Findings (JSON or SARIF, written by the engine's renderers).
 */
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { LifecycleGraph, RequestChain } from '../../engine/contracts/query';
import type { AnalysisReport, RequestLayer } from '../../engine/contracts/report';
import type { EngineClient } from '../engineClient';
import { FileView } from '../fileView';
import { escapeHtml } from '../../engine/contracts/escapeHtml';
import { parsePanelState } from '../../protocol/webviewProtocol';
import { type PanelActions, SummaryPanel } from '../summaryPanel';
import type { TraceView } from '../traceView';
import type { TraceViews } from '../traceViews';
import { commandTarget, NoTarget, targetLine } from './commandTarget';
import { registerCommand } from './registerCommand';

export interface PanelCommandDeps {
  readonly views: TraceViews;
  readonly engine: EngineClient;
  readonly extensionUri: vscode.Uri;
}

/** The analysis of a view: a cancellable notification for an editor document that is not analysed yet. */
async function analyse(deps: PanelCommandDeps, view: TraceView): Promise<AnalysisReport> {
  if (view instanceof FileView) return deps.views.files.analyze(view.doc, 'notification');
  return (await view.ready()).report;
}

/** The panel of `view`, shown with `report`; its latency is asked for unless the caller sends it (`latency: false`). */
function panel(deps: PanelCommandDeps, view: TraceView, report: AnalysisReport, { latency = true } = {}): SummaryPanel {
  const p = SummaryPanel.createOrShow(deps.extensionUri, { key: view.session, title: view.label, report }, actions(deps, view, report));
  if (latency) withLatency(deps, p, view, report);
  return p;
}

/** What the panel of `view` may ask (the panel has checked that the file and line belong to the report). */
function actions(deps: PanelCommandDeps, view: TraceView, report: AnalysisReport): PanelActions {
  return {
    reveal: (file, line) => void deps.views.revealFile(file, line),
    lifecycle: (file, line, expand) => {
      // The session answers for lines of its own source (a log's companion trace has its own session).
      if (file !== view.sourceFile) return;
      void showLifecycle(deps, view, report, line, expand).catch(() => undefined);
    },
    query: async (req) => {
      const f = report.files.find((x) => x.path === view.sourceFile);
      if (f === undefined || f.format === 'kernel-log') return null;
      switch (req.method) {
        case 'eventsPage':
          return deps.engine.request('eventsPage', { doc: view.session, filter: req.params.filter, offset: req.params.offset, limit: req.params.limit });
        case 'rowIndexOfLine':
          if (req.params.line > f.lines) throw new Error(`line ${req.params.line} is past the end of ${view.label}`);
          return deps.engine.request('rowIndexOfLine', { doc: view.session, filter: req.params.filter, line: req.params.line });
        case 'timelineLanes':
          return deps.engine.request('timelineLanes', { doc: view.session, by: req.params.by });
        case 'timeline':
          return deps.engine.request('timeline', { doc: view.session, ...req.params });
        case 'overview':
          return deps.engine.request('overview', { doc: view.session, bins: req.params.bins });
      }
    },
  };
}

/**
 * The event table follows the editor: when the cursor moves in a view of a session whose panel is open,
 * the panel is told the source line (debounced; a move made by the panel's own reveal selects the row
 * that is already selected).
 */
export function editorSync(views: TraceViews): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return vscode.window.onDidChangeTextEditorSelection((e) => {
    const view = views.get(e.textEditor.document);
    const p = view ? SummaryPanel.of(view.session) : undefined;
    if (!view || !p) return;
    const line = view.toSource(e.selections[0]?.active.line ?? 0);
    if (line === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => p.post({ kind: 'notify', method: 'cursor', params: { file: view.sourceFile, line } }), 120);
  });
}

/** The chains and lifecycle graphs of the requests of `line`, shown in the panel; returns what was shown. */
async function showLifecycle(deps: PanelCommandDeps, view: TraceView, report: AnalysisReport, line: number, expand: readonly RequestLayer[]): Promise<{ chains: RequestChain[]; graphs: LifecycleGraph[] }> {
  const chains = await deps.engine.request('requestChains', { doc: view.session, line, maxNodes: 400 });
  const graphs: LifecycleGraph[] = [];
  for (const c of chains.slice(0, MAX_GRAPHS)) {
    const g = await deps.engine.request('lifecycleGraph', { doc: view.session, request: c.root, expand });
    if (g) graphs.push(g);
  }
  const p = SummaryPanel.of(view.session) ?? panel(deps, view, report);
  p.post({ kind: 'notify', method: 'showLifecycle', params: { file: view.sourceFile, line, chains, graphs, expand } });
  p.post({ kind: 'notify', method: 'focus', params: { section: 'lifecycle' } });
  return { chains, graphs };
}

/** Lifecycle graphs drawn for one line (a line may start several requests). */
const MAX_GRAPHS = 4;

/** A trace with requests shows its latency distributions in the panel without being asked. */
function withLatency(deps: PanelCommandDeps, p: SummaryPanel, view: TraceView, report: AnalysisReport): void {
  if (!report.files.some((f) => (f.requests?.total ?? 0) > 0)) return;
  void deps.engine
    .request('latency', { doc: view.session, query: {} })
    .then((groups) => {
      if (groups.length > 0) p.post({ kind: 'notify', method: 'showLatency', params: { groups } });
    })
    .catch(() => undefined);
}

/**
 * Restores the panels VS Code kept across a reload: the file named by the page's state is analysed again
 * (through the same views as a command) and shown; a file that is gone, or a state that is not ours, gets a
 * panel that says so (no script).
 */
function panelSerializer(deps: PanelCommandDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SummaryPanel.viewType, {
    async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, raw: unknown): Promise<void> {
      const state = parsePanelState(raw);
      try {
        if (state === undefined) throw new Error('the panel was saved by another version of iolens');
        const { view } = await commandTarget(deps.views, state.file);
        const report = await analyse(deps, view);
        const p = SummaryPanel.revive(webviewPanel, deps.extensionUri, { key: view.session, title: view.label, report }, actions(deps, view, report));
        withLatency(deps, p, view, report);
      } catch (err) {
        webviewPanel.webview.options = { enableScripts: false };
        const why = err instanceof Error ? err.message : String(err);
        webviewPanel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>iolens could not restore this panel: ${escapeHtml(why)}. Open the file and run iolens: Show Panel.</p></body></html>`;
      }
    },
  });
}

export function panelCommands(deps: PanelCommandDeps): vscode.Disposable[] {
  return [
    panelSerializer(deps),
    registerCommand('iolens.analyzeFile', async (arg?: unknown): Promise<AnalysisReport> => {
      const { view } = await commandTarget(deps.views, arg);
      const report = await analyse(deps, view);
      const f = report.files[0];
      if (f && arg === undefined) {
        void vscode.window.showInformationMessage(
          `iolens: ${view.label}: ${f.events.toLocaleString('en-US')} events, ${f.skippedLines} skipped lines, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${f.format}).`,
        );
      }
      return report;
    }),

    registerCommand('iolens.showSummary', async (arg?: unknown): Promise<{ events: number; findings: number }> => {
      const { view } = await commandTarget(deps.views, arg);
      const report = await analyse(deps, view);
      panel(deps, view, report);
      return { events: report.files.reduce((n, f) => n + f.events, 0), findings: report.findings.length };
    }),

    registerCommand('iolens.showRequestLifecycle', async (arg?: unknown, lineArg?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      const line = targetLine(target, lineArg);
      if (line === undefined) throw new NoTarget('place the cursor on an event line first.');
      const report = await analyse(deps, target.view);
      panel(deps, target.view, report);
      const { chains, graphs } = await showLifecycle(deps, target.view, report, line, []);
      if (chains.length === 0) void vscode.window.showInformationMessage(`iolens: line ${line} of ${target.view.label} belongs to no request.`);
      const nodes = chains.flatMap((c) => c.nodes);
      return { line, requests: nodes.length, layers: [...new Set(nodes.map((n) => n.layer))], roots: chains.map((c) => c.root), graphNodes: graphs.reduce((n, g) => n + g.nodes.length, 0) };
    }),

    registerCommand('iolens.showBlockedTasks', async (arg?: unknown) => {
      const { view } = await commandTarget(deps.views, arg);
      const report = await analyse(deps, view);
      const blocked = report.tasks.filter((t) => t.blocked);
      if (report.tasks.length === 0) void vscode.window.showInformationMessage(`iolens: no task dumps in ${view.label} or the logs analysed with it.`);
      const p = panel(deps, view, report);
      p.post({ kind: 'notify', method: 'focus', params: { section: report.tasks.length > 0 ? 'tasks' : 'summary' } });
      return { tasks: report.tasks.length, blocked: new Set(blocked.map((t) => t.pid)).size, groups: report.taskGroups.length };
    }),

    registerCommand('iolens.showLatency', async (arg?: unknown) => {
      const { view } = await commandTarget(deps.views, arg);
      const report = await analyse(deps, view);
      const groups = await deps.engine.request('latency', { doc: view.session, query: {} });
      if (groups.length === 0) void vscode.window.showInformationMessage(`iolens: no completed requests with latencies in ${view.label}.`);
      const p = panel(deps, view, report, { latency: false });
      p.post({ kind: 'notify', method: 'showLatency', params: { groups } });
      p.post({ kind: 'notify', method: 'focus', params: { section: 'latency' } });
      return { groups: groups.length, requests: groups.filter((g) => g.stage === 'total' && g.device === 'all').reduce((n, g) => n + g.count, 0) };
    }),

    registerCommand('iolens.exportFindings', async (arg?: unknown, options?: unknown) => {
      const { view } = await commandTarget(deps.views, arg);
      await analyse(deps, view);
      const o = (typeof options === 'object' && options !== null ? options : {}) as { format?: unknown; path?: unknown };
      let format: 'json' | 'sarif' | undefined = o.format === 'json' || o.format === 'sarif' ? o.format : undefined;
      if (format === undefined) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'SARIF', description: 'for code-scanning tools and CI', format: 'sarif' as const },
            { label: 'JSON', description: 'the `iolens analyze --format json` contract', format: 'json' as const },
          ],
          { title: 'iolens: export the findings as' },
        );
        if (!pick) return undefined;
        format = pick.format;
      }
      let file = typeof o.path === 'string' ? o.path : undefined;
      if (file === undefined) {
        const base = view.sourceFile.replace(/\.[^./]*$/, '');
        const uri = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file(`${base}.iolens.${format === 'sarif' ? 'sarif' : 'json'}`),
          filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { JSON: ['json'] },
        });
        if (!uri) return undefined;
        file = uri.fsPath;
      }
      const text = await deps.engine.request('exportFindings', { doc: view.session, format });
      await writeFile(file, text, 'utf8');
      if (typeof o.path !== 'string') void vscode.window.showInformationMessage(`iolens: findings written to ${file}`);
      return { path: file, format, bytes: Buffer.byteLength(text) };
    }),
  ];
}
