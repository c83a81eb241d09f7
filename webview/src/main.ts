/**
 * The summary webview. Renders what the host sends (typed protocol); every string from a trace goes
 * into the DOM as text (`textContent`), never as HTML, because trace content is untrusted (a task can
 * be called `<img onerror=...>`).
 */
import type { FromWebviewMessage, ToWebviewMessage } from './protocol';
import { badge, divider, link } from './toolkit';

interface VsCodeApi {
  postMessage(msg: FromWebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function render(msg: ToWebviewMessage): void {
  const { report, title } = msg;
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
      row.append(link(`line ${f.line}`, () => vscode.postMessage({ type: 'revealLine', file: f.file, line: f.line })));
      row.append(el('span', ` ${f.message}`));
      findings.append(row);
    }
    findings.append(divider());
  }
  vscode.setState(msg);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = e.data as ToWebviewMessage | undefined;
  if (msg && msg.type === 'showReport') render(msg);
});

const saved = vscode.getState() as ToWebviewMessage | undefined;
if (saved && saved.type === 'showReport') render(saved);
vscode.postMessage({ type: 'ready' });
