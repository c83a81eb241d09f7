/**
 * The summary webview. Renders what the host sends (typed protocol); every string from a trace goes
 * into the DOM as text (`textContent`), never as HTML, because trace content is untrusted (a task can
 * be called `<img onerror=...>`).
 */
import { el } from './el';
import { WEBVIEW_PROTOCOL_VERSION, type FromWebviewMessage, type PanelMethods, type PanelSection, type PanelState, type RevealLine, type ToWebviewMessage } from '../../extension/protocol/webviewProtocol';
import { createEventTable, type EventTable } from './eventTable';
import { createTimeline } from './timelineView';
import { renderBlockedTasks } from './renderBlockedTasks';
import { renderLatency } from './renderLatency';
import { renderLifecycle } from './renderLifecycle';
import { renderWaitGraph } from './renderWaitGraph';
import { badge, divider, link, textField } from './toolkit';

interface VsCodeApi {
  postMessage(msg: FromWebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/**
 * Timing marks of the first paint, ms since this page's navigation started (performance.timeOrigin, an
 * epoch time, is kept too): the script ran, the report arrived, the first frame with it was painted. The
 * end-to-end tests read them from `<html data-t-*>` to break the panel's first paint down.
 */
const marks = document.documentElement;
marks.setAttribute('data-t-origin', String(performance.timeOrigin));
marks.setAttribute('data-t-script', String(Math.round(performance.now())));

/** Requests to the host (the event table's pages), answered by replies with the same id. */
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function request<M extends keyof PanelMethods>(method: M, params: PanelMethods[M]['params']): Promise<PanelMethods[M]['result']> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    vscode.postMessage({ kind: 'request', id, method, params } as FromWebviewMessage);
  });
}

/** The event table of the trace shown (none for a kernel log). */
let table: { file: string; t: EventTable } | undefined;
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
      const log = f.format === 'kernel-log';
      const tasks = report.tasks.filter((t) => t.file === f.path).length;
      line.append(el('span', log ? `${f.format} · ${f.lines.toLocaleString()} lines · ${tasks.toLocaleString()} task reports · ` : `${f.format} · ${f.lines.toLocaleString()} lines · ${f.events.toLocaleString()} events · ${cpuFacts(f)} · `));
      line.append(badge(`${f.skippedLines} skipped`));
      if (!log) line.append(el('span', ` · lost ${f.lostEvents ?? 'unknown'}`));
      files.append(line);
    }
  }
  const tbody = document.querySelector('#iolens-summary tbody');
  const hasEvents = Object.keys(report.eventCounts).length > 0;
  for (const id of ['iolens-events', 'iolens-summary']) {
    const e = document.getElementById(id);
    if (e) e.hidden = !hasEvents;
  }
  if (tbody) {
    tbody.replaceChildren();
    for (const [name, count] of Object.entries(report.eventCounts)) {
      const tr = el('tr');
      tr.append(el('td', name), el('td', count.toLocaleString(), 'num'));
      tbody.append(tr);
    }
  }
  const findings = document.getElementById('iolens-findings');
  if (findings) renderFindings(findings, report.findings, new Set(report.files.filter((f) => f.format !== 'kernel-log').map((f) => f.path)));
  const tableSection = document.getElementById('iolens-table');
  const tableBody = document.getElementById('iolens-table-body');
  const trace = report.files.find((f) => f.format !== 'kernel-log' && f.events > 0);
  if (tableSection && tableBody) {
    tableSection.hidden = trace === undefined;
    if (trace === undefined) {
      tableBody.replaceChildren();
      table = undefined;
    } else if (table?.file !== trace.path || !tableBody.hasChildNodes()) {
      const saved = vscode.getState() as PanelState | undefined;
      const mine = saved?.file === trace.path ? saved : undefined;
      table = {
        file: trace.path,
        t: createEventTable(trace.path, { request, reveal }, {
          inputs: mine?.table ?? {},
          ...(mine?.selectedLine !== undefined && Number.isInteger(mine.selectedLine) ? { selectedLine: mine.selectedLine } : {}),
          onInputs: (inputs) => saveState({ table: inputs }),
          onSelect: (line) => saveState({ selectedLine: line }),
        }),
      };
      // The lifecycle shown before a reload is asked for again.
      if (Number.isInteger(mine?.lifecycleLine) && mine?.lifecycleLine !== undefined) vscode.postMessage({ kind: 'notify', method: 'showLifecycleAt', params: { file: trace.path, line: mine.lifecycleLine, expand: [] } });
      tableBody.replaceChildren(table.t.element);
      const timelineBody = document.getElementById('iolens-timeline-body');
      const lifecycle = (file: string, line: number): void => vscode.postMessage({ kind: 'notify', method: 'showLifecycleAt', params: { file, line, expand: [] } });
      if (timelineBody) timelineBody.replaceChildren(createTimeline(trace.path, { request, reveal, lifecycle }));
    }
  }
  const timelineSection = document.getElementById('iolens-timeline');
  if (timelineSection) timelineSection.hidden = trace === undefined || !report.files.some((f) => (f.requests?.total ?? 0) > 0);
  const blocked = document.getElementById('iolens-blocked');
  const groups = document.getElementById('iolens-task-groups');
  if (blocked && groups) blocked.hidden = !renderBlockedTasks(groups, report, reveal);
  const graphSection = document.getElementById('iolens-graph');
  const graph = document.getElementById('iolens-wait-graph');
  if (graphSection && graph) {
    graphSection.hidden = report.waitGraph.nodes.length === 0;
    if (graphSection.hidden) graph.replaceChildren();
    else void renderWaitGraph(graph, report, reveal);
  }
  // Only what brings the panel back after a reload: the host analyses the file again (the report can be large).
  const file = report.files[0]?.path;
  const before = vscode.getState() as PanelState | undefined;
  if (file !== undefined) vscode.setState(before?.file === file ? { ...before, kind: 'iolens-panel', file, title } : ({ kind: 'iolens-panel', file, title } satisfies PanelState));
}

/** Merges `patch` into the page's saved state (what a reload restores). */
function saveState(patch: Partial<Pick<PanelState, 'table' | 'selectedLine' | 'lifecycleLine'>>): void {
  const cur = vscode.getState() as PanelState | undefined;
  if (cur) vscode.setState({ ...cur, ...patch } satisfies PanelState);
}

/**
 * The CPUs of a trace as the file states them: the header's count, or (no header) the CPUs that have events,
 * listed, with how the figure was found in the tooltip of the facts line.
 */
function cpuFacts(f: ShowReport['params']['report']['files'][number]): string {
  const seen = f.cpusSeen ?? [];
  const list = seen.length <= 8 ? seen.join(', ') : `${seen.slice(0, 8).join(', ')}, …`;
  if (f.cpusFrom === 'events') return `${seen.length} CPU${seen.length === 1 ? '' : 's'} with events (${list}; no header states the count)`;
  if (f.cpusFrom === 'header' && seen.length > 0 && seen.length < f.cpus) return `${f.cpus} CPUs (header; events on ${list})`;
  return `${f.cpus} CPU${f.cpus === 1 ? '' : 's'}`;
}

const SEVERITY_ORDER: Readonly<Record<string, number>> = { error: 0, warning: 1, info: 2 };
/** Findings listed per kind before "… and N more". */
const MAX_FINDINGS_PER_KIND = 200;

/**
 * The findings grouped by kind (errors first, then by count): one collapsible row per kind with its count
 * per severity; a kind's rows list each finding's severity, a link to its decisive line and its message.
 */
function renderFindings(container: HTMLElement, all: ShowReport['params']['report']['findings'], traces: ReadonlySet<string>): void {
  container.replaceChildren();
  if (all.length === 0) {
    container.append(el('div', 'No findings.', 'muted'));
    return;
  }
  // A filter over kind, severity and message (case-insensitive), for reports with many findings.
  const box = el('label', undefined, 'ev-field findings-filter');
  const input = textField('filter findings (kind, severity, words of the message)', 'filter findings');
  const count = el('span', '', 'muted findings-count');
  count.setAttribute('aria-live', 'polite');
  box.append(input, count);
  const groups = el('div', undefined, 'findings-groups');
  container.append(box, groups);
  const show = (): void => {
    const q = input.value.trim().toLowerCase();
    const shown = q === '' ? all : all.filter((f) => `${f.kind} ${f.severity} ${f.message}`.toLowerCase().includes(q));
    count.textContent = q === '' ? ` ${all.length} findings` : ` ${shown.length} of ${all.length} findings`;
    renderFindingGroups(groups, shown, traces);
  };
  let t: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(t);
    t = setTimeout(show, 150);
  });
  show();
}

function renderFindingGroups(container: HTMLElement, all: ShowReport['params']['report']['findings'], traces: ReadonlySet<string>): void {
  container.replaceChildren();
  const byKind = new Map<string, typeof all>();
  for (const f of all) {
    const list = byKind.get(f.kind);
    if (list) list.push(f);
    else byKind.set(f.kind, [f]);
  }
  const worst = (list: typeof all): number => Math.min(...list.map((f) => SEVERITY_ORDER[f.severity] ?? 3));
  const kinds = [...byKind.entries()].sort((a, b) => worst(a[1]) - worst(b[1]) || b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [kind, list] of kinds) {
    const row = el('details', undefined, 'finding-kind');
    row.setAttribute('data-kind', kind);
    if (kinds.length === 1 || list.length <= 3) row.open = true;
    const summary = el('summary');
    const counts = new Map<string, number>();
    for (const f of list) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    summary.append(el('span', kind, 'finding-kind-title'), el('span', ' '), badge(String(list.length)));
    for (const [sev, n] of [...counts.entries()].sort((a, b) => (SEVERITY_ORDER[a[0]] ?? 3) - (SEVERITY_ORDER[b[0]] ?? 3))) summary.append(el('span', ` ${n} ${sev}`, `sev-${sev}`));
    row.append(summary);
    for (const f of list.slice(0, MAX_FINDINGS_PER_KIND)) {
      const item = el('div', undefined, 'finding');
      item.append(el('span', `${f.severity} `, `sev-${f.severity}`));
      item.append(link(`line ${f.line}`, () => reveal(f.file, f.line)));
      if (traces.has(f.file)) {
        item.append(el('span', ' '));
        item.append(link('lifecycle', () => vscode.postMessage({ kind: 'notify', method: 'showLifecycleAt', params: { file: f.file, line: f.line, expand: [] } })));
      }
      item.append(el('span', ` ${f.message}`));
      row.append(item);
    }
    if (list.length > MAX_FINDINGS_PER_KIND) row.append(el('div', `… and ${list.length - MAX_FINDINGS_PER_KIND} more (the Problems panel lists them all).`, 'muted'));
    container.append(row);
  }
  container.append(divider());
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
  if (!msg) return;
  if (msg.kind === 'reply') {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (w) {
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(msg.error));
    }
    return;
  }
  if (msg.kind !== 'notify') return;
  switch (msg.method) {
    case 'cursor':
      if (table?.file === msg.params.file) table.t.cursor(msg.params.line);
      return;
    case 'showReport': {
      const first = !marks.hasAttribute('data-t-report');
      if (first) marks.setAttribute('data-t-report', String(Math.round(performance.now())));
      render(msg);
      if (first) requestAnimationFrame(() => setTimeout(() => marks.setAttribute('data-t-painted', String(Math.round(performance.now()))), 0));
      return;
    }
    case 'showLifecycle': {
      const section = document.getElementById('iolens-lifecycle');
      const body = document.getElementById('iolens-lifecycle-body');
      if (section && body) {
        const { file, line } = msg.params;
        saveState({ lifecycleLine: line });
        const eventsOf =
          table?.file === file
            ? (root: number): void => {
                table?.t.showRequests([root]);
                document.getElementById('iolens-table')?.scrollIntoView({ block: 'start' });
              }
            : undefined;
        renderLifecycle(body, msg.params, reveal, (expand) => vscode.postMessage({ kind: 'notify', method: 'showLifecycleAt', params: { file, line, expand: [...expand] } }), eventsOf);
        section.hidden = false;
      }
      return;
    }
    case 'showLatency': {
      const section = document.getElementById('iolens-latency');
      const body = document.getElementById('iolens-latency-body');
      if (section && body) {
        renderLatency(body, msg.params.groups, (bin, label) => {
          if (!table) return;
          table.t.setLatency(bin, label);
          document.getElementById('iolens-table')?.scrollIntoView({ block: 'start' });
        });
        section.hidden = false;
      }
      return;
    }
    case 'focus':
      focus(msg.params.section);
      return;
  }
});

// After a reload the host restores the panel from the state (WebviewPanelSerializer) and sends the report.
vscode.postMessage({ kind: 'notify', method: 'ready', params: { version: WEBVIEW_PROTOCOL_VERSION } });
