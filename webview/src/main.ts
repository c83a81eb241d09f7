/**
 * The summary webview. Renders what the host sends (typed protocol); every string from a trace goes
 * into the DOM as text (`textContent`), never as HTML, because trace content is untrusted (a task can
 * be called `<img onerror=...>`).
 */
import { el } from './el';
import { WEBVIEW_PROTOCOL_VERSION, type FromWebviewMessage, type PanelSection, type RevealLine, type ToWebviewMessage } from '../../extension/protocol/webviewProtocol';
import { renderBlockedTasks } from './renderBlockedTasks';
import { renderLatency } from './renderLatency';
import { renderLifecycle } from './renderLifecycle';
import { renderWaitGraph } from './renderWaitGraph';
import { badge, divider, link } from './toolkit';

interface VsCodeApi {
  postMessage(msg: FromWebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const reveal: RevealLine = (file, line) => vscode.postMessage({ kind: 'notify', method: 'revealLine', params: { file, line } });

type ShowReport = Extract<ToWebviewMessage, { method: 'showReport' }>;

function render(msg: ShowReport): void {
  const { report, title } = msg.params;
  const titleEl = document.getElementById('iolens-title');
  if (titleEl) titleEl.textContent = `iolens: ${title}`;
  const files = document.getElementById('iolens-files');
  if (files) {
    files.replaceChildren();
    for (const f of report.files) {
      const line = el('div');
      line.append(el('span', `${f.format} · ${f.lines.toLocaleString()} lines · ${f.events.toLocaleString()} events · ${f.cpus} CPUs · `));
      line.append(badge(`${f.skippedLines} skipped`));
      line.append(el('span', ` · lost ${f.lostEvents ?? 'unknown'}`));
      files.append(line);
    }
  }
  const tbody = document.querySelector('#iolens-summary tbody');
  if (tbody) {
    tbody.replaceChildren();
    for (const [name, count] of Object.entries(report.eventCounts)) {
      const tr = el('tr');
      tr.append(el('td', name), el('td', count.toLocaleString(), 'num'));
      tbody.append(tr);
    }
  }
  const findings = document.getElementById('iolens-findings');
  if (findings) {
    findings.replaceChildren();
    if (report.findings.length === 0) findings.append(el('div', 'No findings.', 'muted'));
    for (const f of report.findings.slice(0, 500)) {
      const row = el('div', undefined, 'finding');
      row.append(el('span', `${f.severity} `, `sev-${f.severity}`), el('span', `[${f.kind}] `, 'muted'));
      row.append(link(`line ${f.line}`, () => reveal(f.file, f.line)));
      row.append(el('span', ` ${f.message}`));
      findings.append(row);
    }
    findings.append(divider());
  }
  const blocked = document.getElementById('iolens-blocked');
  const groups = document.getElementById('iolens-task-groups');
  if (blocked && groups) blocked.hidden = !renderBlockedTasks(groups, report, reveal);
  const graphSection = document.getElementById('iolens-graph');
  const graph = document.getElementById('iolens-wait-graph');
  if (graphSection && graph) {
    graphSection.hidden = report.waitGraph.nodes.length === 0;
    if (graphSection.hidden) graph.replaceChildren();
    else void renderWaitGraph(graph, report.waitGraph, reveal);
  }
  vscode.setState(msg);
}

/** The element of each section a command can bring into view. */
const SECTIONS: Record<PanelSection, string> = {
  summary: 'iolens-title',
  findings: 'iolens-findings-title',
  lifecycle: 'iolens-lifecycle',
  tasks: 'iolens-blocked',
  latency: 'iolens-latency',
};

function focus(section: PanelSection): void {
  const target = document.getElementById(SECTIONS[section]);
  if (target) {
    target.hidden = false;
    target.scrollIntoView({ block: 'start' });
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = e.data as ToWebviewMessage | undefined;
  if (!msg || msg.kind !== 'notify') return;
  switch (msg.method) {
    case 'showReport':
      render(msg);
      return;
    case 'showLifecycle': {
      const section = document.getElementById('iolens-lifecycle');
      const body = document.getElementById('iolens-lifecycle-body');
      if (section && body) {
        renderLifecycle(body, msg.params.file, msg.params.line, msg.params.chains, reveal);
        section.hidden = false;
      }
      return;
    }
    case 'showLatency': {
      const section = document.getElementById('iolens-latency');
      const body = document.getElementById('iolens-latency-body');
      if (section && body) {
        renderLatency(body, msg.params.groups);
        section.hidden = false;
      }
      return;
    }
    case 'focus':
      focus(msg.params.section);
      return;
  }
});

// A state saved by an older version may lack the newer report sections: drop it, the host resends.
const saved = vscode.getState() as ShowReport | undefined;
if (saved && saved.kind === 'notify' && saved.method === 'showReport' && Array.isArray(saved.params.report.tasks) && saved.params.report.waitGraph !== undefined) render(saved);
vscode.postMessage({ kind: 'notify', method: 'ready', params: { version: WEBVIEW_PROTOCOL_VERSION } });
