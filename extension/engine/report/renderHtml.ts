/**
 * renderHtml: the report as one self-contained HTML page (`iolens analyze --html OUT.html`) for CI artifacts
 * and bug reports: the files' facts; the findings grouped by kind and severity, each with its message, its
 * decisive line and its evidence lines with their roles, and, for a finding that names requests, the
 * lifecycle graph of each request chain (laid out by elkjs here, at build time); the blocked tasks of kernel
 * logs and their wait-for graph (folded by culprit above `maxWaitNodes` nodes as in the panel, said in a note); the request
 * table, btt stages, and a latency histogram per layer, op, device and stage (log-scale bins, percentiles).
 *
 * The page runs nothing and loads nothing: no script, no event handler attribute, no URL; one inline
 * `<style>` allowed by its SHA-256 in a `default-src 'none'` Content-Security-Policy. Every string from the
 * inputs goes through `html` (htmlMarkup.ts), so it can only become text. Graphs are capped (`maxGraphs`
 * lifecycle graphs; the page says how many were left out) and so are long lists (findings per group,
 * evidence lines per finding), with the number not shown; the JSON report has everything.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Finding } from '../contracts/finding';
import { describeKind, FINDING_KINDS, kindTitle } from '../contracts/findingKinds';
import type { PlacedGraph } from '../contracts/graphLayout';
import { COLLAPSE_ABOVE } from '../contracts/waitGraphCollapse';
import type { LatencyGroup, LifecycleGraph, LifecycleNode } from '../contracts/query';
import type { AnalysisReport, FileSummary, LatencyStats, RequestsReport } from '../contracts/report';
import { clockScale, type FileModel, type TraceModel } from '../model/fileModel';
import { latencyGroups } from '../query/latencyGroups';
import { namedRequests } from '../query/lensIndex';
import { lifecycleGraph } from '../query/lifecycleGraph';
import { foldWaitGraph } from './foldWaitGraph';
import { formatBytes, formatDuration } from './formatDuration';
import { graphSvg } from './graphSvg';
import { html, joinHtml, type Html, type HtmlValue } from './htmlMarkup';
import { HTML_REPORT_STYLE } from './htmlReportStyle';
import { latencyHistogramSvg } from './latencyHistogramSvg';
import { layoutGraph } from './layoutGraph';

export interface HtmlReportOptions {
  /** The iolens version, named in the footer. */
  readonly version?: string;
  /** Lifecycle graphs drawn at most (default 50). */
  readonly maxGraphs?: number;
  /** Wait-for graph nodes drawn at most: above it, tasks are folded by culprit as in the panel (default 60, the panel's). */
  readonly maxWaitNodes?: number;
  /** Findings listed per kind and severity (default 500). */
  readonly maxFindingsPerGroup?: number;
  /** Evidence lines listed per finding (default 40). */
  readonly maxEvidence?: number;
}

const SEVERITY_ORDER = ['error', 'warning', 'info'] as const;
const KIND_ORDER = Object.keys(FINDING_KINDS);

/** The SHA-256 of a `<style>` element's text, as a CSP source. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/** One kind × severity group of findings, in the page's order. */
interface FindingGroup {
  readonly kind: string;
  readonly severity: Finding['severity'];
  /** Indexes into the report's findings. */
  readonly findings: readonly number[];
  readonly anchor: string;
}

function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, { kind: string; severity: Finding['severity']; findings: number[] }>();
  findings.forEach((f, i) => {
    const key = `${f.severity}\u0000${f.kind}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { kind: f.kind, severity: f.severity, findings: [] }));
    g.findings.push(i);
  });
  const rank = (k: string): number => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  return [...groups.values()]
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind))
    .map((g, i) => ({ ...g, anchor: `group-${i + 1}` }));
}

function fmtTs(ns: number | null, counter: boolean): string {
  if (ns === null) return '-';
  if (counter) return String(ns);
  const s = Math.floor(ns / 1e9);
  return `${s}.${String(Math.round(ns - s * 1e9)).padStart(9, '0')}`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/** A lifecycle graph drawn for the page, or why it was not. */
interface DrawnGraph {
  readonly id: string;
  readonly markup: Html;
}

/** Lays out and draws the lifecycle graph of one chain. */
async function drawLifecycle(g: LifecycleGraph, id: string, m: TraceModel): Promise<Html> {
  const byId = new Map<string, LifecycleNode>(g.nodes.map((n) => [n.id, n]));
  const nodes = g.nodes.map((n) => ({
    id: n.id,
    lines: [n.label, `${n.detail} · line ${n.line}`],
    kind: n.layer,
    classes: [...(n.failed ? ['failed'] : []), ...(n.short ? ['short'] : []), ...(n.count > 1 ? ['group'] : [])],
    line: n.line,
  }));
  const edges = g.edges.map((e) => ({ from: e.from, to: e.to, label: e.label, classes: [] }));
  const root = g.nodes.find((n) => n.request === g.root) ?? g.nodes[0];
  const caption = html`<figcaption>${`Lifecycle of ${root ? `${root.layer} ${root.label}` : `request ${g.root}`} (${path.basename(m.path)}, request ${g.root}): ${plural(g.nodes.length, 'node')}${
    g.collapsed.length > 0 ? `; layers folded into one node each: ${g.collapsed.join(', ')}` : ''
  }. Edges: time from the parent's start to the child's.`}</figcaption>`;
  let placed: PlacedGraph;
  try {
    placed = await layoutGraph(nodes, edges);
  } catch (err) {
    return html`<figure class="lifecycle-figure">${caption}<p class="note">The graph could not be laid out: ${err instanceof Error ? err.message : String(err)}</p></figure>`;
  }
  const svg = graphSvg(placed, {
    id,
    className: 'lifecycle',
    label: `Lifecycle graph of request ${g.root}`,
    nodeTitle: (n) => {
      const src = byId.get(n.id);
      return src ? `${src.layer} ${src.label}: ${src.detail} (line ${src.line}${src.count > 1 ? `; ${src.count} requests` : ''})` : n.id;
    },
  });
  return html`<figure class="lifecycle-figure">${caption}${svg}</figure>`;
}

/** Evidence lines of a finding as a table (line, role); other files' lines carry the file name. */
function evidenceTable(f: Finding, max: number): HtmlValue {
  if (f.evidence.length === 0) return '';
  const shown = f.evidence.slice(0, max);
  const more = f.evidence.length - shown.length;
  return html`<table class="evidence"><tbody>${shown.map(
    (e) => html`<tr><td class="ln">${e.file === f.file ? String(e.line) : `${path.basename(e.file)}:${e.line}`}</td><td>${e.role}</td></tr>`,
  )}${more > 0 ? html`<tr><td></td><td class="note">${`… ${plural(more, 'more evidence line')} (in the JSON report)`}</td></tr>` : ''}</tbody></table>`;
}

function statsCells(l: LatencyStats | null, scale: number): Html {
  if (!l) return html`<td class="num">-</td><td></td><td></td><td></td><td></td>`;
  const d = (x: number): string => formatDuration(x, scale);
  return html`<td class="num">${l.count}</td><td class="num">${d(l.p50)}</td><td class="num">${d(l.p90)}</td><td class="num">${d(l.p99)}</td><td class="num">${d(l.max)}</td>`;
}

function filesSection(report: AnalysisReport): Html {
  const row = (f: FileSummary): Html => {
    const counter = f.formatDetails.clock === 'counter';
    const log = f.format === 'kernel-log';
    const span = f.firstTimestamp !== null && f.lastTimestamp !== null ? f.lastTimestamp - f.firstTimestamp : null;
    return html`<tr><td class="mono">${f.path}</td><td>${f.format}${f.formatDetails.instances.length > 0 ? ` (buffers: ${f.formatDetails.instances.join(', ')})` : ''}</td><td class="num">${formatBytes(f.bytes)}</td><td class="num">${f.lines}</td><td class="num">${log ? '-' : f.events}</td><td class="num">${f.skippedLines}</td><td class="num" title="${f.derived['cpus'] ?? ''}">${log ? '-' : f.cpus}</td><td class="num" title="${f.derived['lostEvents'] ?? ''}">${log ? '-' : (f.lostEvents ?? 'unknown')}</td><td class="mono">${`${fmtTs(f.firstTimestamp, counter)} .. ${fmtTs(f.lastTimestamp, counter)}`}${
      span !== null && !counter ? ` (${(span / 1e9).toFixed(6)} s)` : counter ? ' (counter clock)' : ''
    }</td></tr>`;
  };
  const counts = (f: FileSummary): HtmlValue => {
    const entries = Object.entries(f.eventCounts);
    if (entries.length === 0) return '';
    return html`<details><summary>${`Events of ${path.basename(f.path)} (${plural(entries.length, 'event type')})`}</summary><table><tbody>${entries.map(
      ([name, n]) => html`<tr><td class="mono">${name}</td><td class="num">${n}</td></tr>`,
    )}</tbody></table></details>`;
  };
  return html`<section id="files"><h2>Files</h2><div class="scroll"><table><thead><tr><th>file</th><th>format</th><th class="num">size</th><th class="num">lines</th><th class="num">events</th><th class="num">skipped</th><th class="num">CPUs</th><th class="num">lost</th><th>time</th></tr></thead><tbody>${report.files.map(
    row,
  )}</tbody></table></div>${report.files.map(counts)}${
    report.alignments.length > 0
      ? html`<h3>Log and trace alignment</h3><table><tbody>${report.alignments.map(
          (a) => html`<tr><td class="mono">${`${path.basename(a.log)} ↔ ${path.basename(a.trace)}`}</td><td>${a.method}${a.certain ? '' : ' (uncertain)'}</td><td>${a.note}</td></tr>`,
        )}</tbody></table>`
      : ''
  }</section>`;
}

function requestsSection(req: RequestsReport, scale: number): HtmlValue {
  if (req.total === 0) return '';
  const layers = Object.entries(req.byLayer).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined);
  return html`<h3>${`Requests (${req.total.toLocaleString('en-US')})`}</h3><table><thead><tr><th>layer</th><th class="num">complete</th><th>ops</th><th class="num">count</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr></thead><tbody>${layers.map(
    ([layer, s]) =>
      html`<tr><td>${layer}</td><td class="num">${`${s.complete}/${s.total}`}</td><td>${Object.entries(s.byOp)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}</td>${statsCells(s.latency, scale)}</tr>`,
  )}</tbody></table>${req.block.map(
    (dev) =>
      html`<h4>${`Block stages, device ${dev.device} (btt), ${plural(dev.requests, 'request')}`}</h4><table><thead><tr><th>stage</th><th class="num">count</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr></thead><tbody>${Object.entries(
        dev.stages,
      ).map(([stage, l]) => html`<tr><td>${stage}</td>${statsCells(l, scale)}</tr>`)}</tbody></table>`,
  )}`;
}

function histogramsOf(groups: readonly LatencyGroup[], scale: number): Html {
  // One heading per (layer, op, device); its stages side by side.
  const cells = new Map<string, LatencyGroup[]>();
  for (const g of groups) {
    const key = `${g.layer} ${g.op} ${g.device === 'all' ? 'all devices' : g.device === 'unknown' ? '' : g.device}`.trim();
    let list = cells.get(key);
    if (list === undefined) cells.set(key, (list = []));
    list.push(g);
  }
  const d = (x: number): string => formatDuration(x, scale);
  return html`<div class="hists">${[...cells].map(
    ([key, list]) =>
      html`<div class="hgroup"><h4>${key}</h4>${list.map(
          (g) =>
            html`<figure class="hist" data-layer="${g.layer}" data-op="${g.op}" data-device="${g.device}" data-stage="${g.stage}"><figcaption>${`${g.stage === 'total' ? 'first stage to completion' : g.stage}: ${plural(g.count, 'request')}; min ${d(g.min)}, p50 ${d(g.p50)}, p90 ${d(g.p90)}, p99 ${d(g.p99)}, max ${d(g.max)}, mean ${d(g.mean)}`}</figcaption><div class="scroll">${latencyHistogramSvg(
              g,
              `${key} ${g.stage}`,
              scale,
            )}</div></figure>`,
      )}</div>`,
  )}</div>`;
}

async function waitGraphSection(report: AnalysisReport, maxNodes: number): Promise<HtmlValue> {
  if (report.taskGroups.length === 0 && report.waitGraph.nodes.length === 0) return '';
  const blocked = report.taskGroups.reduce((n, g) => n + g.tasks.length, 0);
  const groups = html`<table><thead><tr><th>group</th><th>tasks</th><th>waits on</th></tr></thead><tbody>${report.taskGroups.map((g) => {
    const tasks = g.tasks.map((i) => report.tasks[i]).filter((t) => t !== undefined);
    return html`<tr><td>${g.title}</td><td>${joinHtml(
      tasks.map((t) => html`<span class="mono">${t.pid !== undefined ? `${t.comm}:${t.pid}` : t.comm}</span> <span class="muted">${`(${path.basename(t.file)}:${t.firstLine})`}</span>`),
      ', ',
    )}</td><td>${g.waitsOn}</td></tr>`;
  })}</tbody></table>`;
  let graph: HtmlValue = '';
  const wg = report.waitGraph;
  if (wg.nodes.length > 0) {
    const c = foldWaitGraph(wg, report.tasks, maxNodes);
    const titles = new Map(c.nodes.map((n) => [n.id, n.title]));
    const cycleEdges = new Set(wg.cycles.flatMap((cy) => cy.map((id, i) => `${id}\u0000${cy[(i + 1) % cy.length] ?? id}`)));
    const edgeTitles = new Map(c.edges.map((e) => [`${e.from}\u0000${e.to}`, `${e.kind}: ${e.label}`]));
    const summary = `${plural(wg.nodes.length, 'node')}, ${plural(wg.edges.length, 'edge')}, ${wg.cycles.length > 0 ? `${plural(wg.cycles.length, 'wait cycle')} (deadlock, drawn in orange)` : 'no wait cycle'}.`;
    try {
      const placed = await layoutGraph(
        c.nodes.map((n) => ({ id: n.id, lines: n.lines, kind: n.kind, classes: n.classes, ...(n.line !== undefined ? { line: n.line } : {}) })),
        c.edges.map((e) => ({
          from: e.from,
          to: e.to,
          label: e.count > 1 ? `${e.kind} ×${e.count}` : e.kind,
          classes: [`e-${e.kind}`, ...(cycleEdges.has(`${e.from}\u0000${e.to}`) ? ['cycle'] : [])],
        })),
      );
      graph = html`<figure><figcaption>${summary}${c.note ? ` ${c.note}` : ''}</figcaption>${graphSvg(placed, {
        id: 'wait-graph',
        className: 'wait-graph',
        label: 'Wait-for graph of the blocked tasks',
        nodeTitle: (n) => titles.get(n.id) ?? n.id,
        edgeTitle: (e) => edgeTitles.get(`${e.from}\u0000${e.to}`) ?? e.label,
      })}</figure>`;
    } catch (err) {
      graph = html`<p class="note">${`${summary} The wait-for graph could not be laid out: ${err instanceof Error ? err.message : String(err)}`}</p>`;
    }
  }
  return html`<section id="tasks"><h2>${`Blocked tasks (${blocked})`}</h2>${report.taskGroups.length > 0 ? groups : ''}<h3>Wait-for graph</h3>${graph}</section>`;
}

/** The report as one HTML page (see the header). Async: elkjs lays graphs out asynchronously. */
export async function renderHtml(report: AnalysisReport, models: readonly FileModel[], options: HtmlReportOptions = {}): Promise<string> {
  const maxGraphs = options.maxGraphs ?? 50;
  const maxPerGroup = options.maxFindingsPerGroup ?? 500;
  const maxEvidence = options.maxEvidence ?? 40;
  const traces = new Map<string, TraceModel>();
  for (const m of models) if (m.kind === 'trace') traces.set(m.path, m);
  const groups = groupFindings(report.findings);

  // Lifecycle graphs: one per request chain a shown finding names, drawn under the first finding naming it.
  const graphOf = new Map<string, DrawnGraph>();
  const graphsAt = new Map<number, { drawn: Html[]; refs: string[]; missing: number }>();
  let leftOut = 0;
  for (const g of groups) {
    for (const i of g.findings.slice(0, maxPerGroup)) {
      const f = report.findings[i]!;
      const m = traces.get(f.file);
      if (m === undefined) continue;
      const roots = [...new Set(namedRequests(m.requests, f.line).map((r) => m.requests.root(r)))];
      if (roots.length === 0) continue;
      const at = { drawn: [] as Html[], refs: [] as string[], missing: 0 };
      graphsAt.set(i, at);
      for (const root of roots) {
        const key = `${m.path}\u0000${root}`;
        const known = graphOf.get(key);
        if (known) {
          if (known.id === '') at.missing++;
          else at.refs.push(known.id);
          continue;
        }
        if (graphOf.size >= maxGraphs) {
          at.missing++;
          leftOut++;
          graphOf.set(key, { id: '', markup: html`` });
          continue;
        }
        const id = `lifecycle-${graphOf.size + 1}`;
        const drawn = { id, markup: await drawLifecycle(lifecycleGraph(m.path, m.requests, root), id, m) };
        graphOf.set(key, drawn);
        at.drawn.push(drawn.markup);
      }
    }
  }
  const drawnGraphs = [...graphOf.values()].filter((g) => g.id !== '').length;

  const findingItem = (i: number): Html => {
    const f = report.findings[i]!;
    const at = graphsAt.get(i);
    const refs = at?.refs ?? [];
    return html`<li class="${`finding f-${f.severity}`}" id="finding-${i + 1}" data-kind="${f.kind}" data-line="${f.line}"><p><span class="mono">${`${path.basename(f.file)}:${f.line}`}</span> <span class="${`sev sev-${f.severity}`}">${f.severity}</span> <code>${f.kind}</code></p><p class="msg">${f.message}</p>${evidenceTable(
      f,
      maxEvidence,
    )}${at ? joinHtml(at.drawn) : ''}${
      refs.length > 0 ? html`<p class="note">Lifecycle graph: ${joinHtml(refs.map((r) => html`<a href="#${r}">${r.replace('lifecycle-', 'graph ')}</a>`), ', ')} (above).</p>` : ''
    }${at && at.missing > 0 ? html`<p class="note">${`${plural(at.missing, 'lifecycle graph')} not drawn: the page draws at most ${maxGraphs}.`}</p>` : ''}</li>`;
  };

  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const findingsSection = html`<section id="findings"><h2>${`Findings (${report.findings.length})`}</h2>${
    report.findings.length === 0
      ? html`<p>No findings.</p>`
      : html`<p>${SEVERITY_ORDER.filter((s) => counts.has(s))
          .map((s) => plural(counts.get(s) ?? 0, s))
          .join(', ')}.${traces.size > 0 ? ` ${plural(drawnGraphs, 'lifecycle graph')} drawn${leftOut > 0 ? `; ${plural(leftOut, 'more request chain')} named by findings not drawn (at most ${maxGraphs} graphs)` : ''}.` : ''}</p><table><thead><tr><th>severity</th><th>kind</th><th class="num">findings</th></tr></thead><tbody>${groups.map(
          (g) =>
            html`<tr><td class="${`sev sev-${g.severity}`}">${g.severity}</td><td><a href="#${g.anchor}">${kindTitle(g.kind)}</a> <code>${g.kind}</code></td><td class="num">${g.findings.length}</td></tr>`,
        )}</tbody></table>${groups.map(
          (g) =>
            html`<section class="group" id="${g.anchor}" data-kind="${g.kind}" data-severity="${g.severity}"><h3><span class="${`sev sev-${g.severity}`}">${g.severity}</span> ${`${kindTitle(g.kind)} (${g.kind}): ${g.findings.length}`}</h3><p class="note">${describeKind(
              g.kind,
            )}</p><ol class="findings">${g.findings.slice(0, maxPerGroup).map(findingItem)}</ol>${
              g.findings.length > maxPerGroup ? html`<p class="note">${`${plural(g.findings.length - maxPerGroup, 'more finding')} of this kind not listed (in the JSON report).`}</p>` : ''
            }</section>`,
        )}`
  }</section>`;

  const tasksSection = await waitGraphSection(report, options.maxWaitNodes ?? COLLAPSE_ABOVE);

  // Requests and latency: the report's tables for all files, then histograms per trace file.
  const traceModels = [...traces.values()];
  const firstScale = traceModels[0] ? clockScale(traceModels[0]) : 1e9;
  const latencyParts: Html[] = [];
  for (const m of traceModels) {
    const groupsOfFile = latencyGroups([m.requests]);
    if (groupsOfFile.length === 0) continue;
    const scale = clockScale(m);
    latencyParts.push(
      html`<h3>${`Latency histograms of ${path.basename(m.path)}`}</h3><p class="note">${`Log-scale bins (4 per decade), per layer, op, device and stage (total = first stage to completion; btt's Q2G, G2I, I2D, Q2D, D2C, Q2C for block requests); merged block requests left out.${
        scale !== 1e9 ? ' Times are ticks of a counter clock.' : ''
      }`}</p>${histogramsOf(groupsOfFile, scale)}`,
    );
  }
  const latencySection =
    report.requests.total > 0 || latencyParts.length > 0 ? html`<section id="latency"><h2>Requests and latency</h2>${requestsSection(report.requests, firstScale)}${joinHtml(latencyParts)}</section>` : '';

  const names = report.files.map((f) => path.basename(f.path));
  const nav = html`<nav><ul><li><a href="#files">Files</a></li><li><a href="#findings">${`Findings (${report.findings.length})`}</a></li>${tasksSection ? html`<li><a href="#tasks">Blocked tasks</a></li>` : ''}${
    latencySection ? html`<li><a href="#latency">Requests and latency</a></li>` : ''
  }</ul></nav>`;
  const body = html`<header><h1>iolens report</h1><p class="muted">${names.join(', ')}</p></header>${nav}${filesSection(report)}${findingsSection}${tasksSection}${latencySection}<footer>${`Made by iolens${options.version ? ` ${options.version}` : ''} (iolens analyze --html). Lines are 1-based lines of the files above. This page runs no script and loads nothing.`}</footer>`;
  const css = HTML_REPORT_STYLE;
  const csp = `default-src 'none'; style-src ${styleHash(css)}`;
  const head = html`<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${`iolens: ${names.join(', ')}`}</title>`;
  return `<!DOCTYPE html>\n<html lang="en"><head>${head}<style>${css}</style></head><body>${body}</body></html>\n`;
}
