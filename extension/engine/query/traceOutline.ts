/**
 * traceOutline: the outline (document symbols) and folding ranges of a trace model. The outline groups the
 * findings by kind, then lists the devices, tasks and CPUs of the trace, each with the line range of its
 * events; the header (the kernel's `#` lines, trace-cmd's preamble) is a region of its own. Folding covers
 * the header and CPU buffer headers, never runs of events (folding by indentation would hide a trace's
 * events under its first line).
 */
import type { Finding } from '../contracts/finding';
import type { FoldRange, OutlineItem } from '../contracts/query';
import { devName } from '../lifecycle/devName';
import type { TraceModel } from '../model/fileModel';
import { CHUNK_ROWS } from '../store/chunkedColumn';

interface Span {
  count: number;
  first: number;
  last: number;
  label: string;
}

/** Per key: event count and first/last line, over the store's columns in one pass. */
function spans(m: TraceModel): { tasks: Map<number, Span>; cpus: Map<number, Span>; devs: Map<number, Span> } {
  const store = m.events;
  const tasks = new Map<number, Span>();
  const cpus = new Map<number, Span>();
  const devs = new Map<number, Span>();
  const note = (map: Map<number, Span>, key: number, line: number, label: () => string): void => {
    const s = map.get(key);
    if (s === undefined) map.set(key, { count: 1, first: line, last: line, label: label() });
    else {
      s.count++;
      s.last = line;
    }
  };
  const lines = new Uint32Array(CHUNK_ROWS);
  for (let ch = 0; ch < store.type.chunkCount; ch++) {
    const base = ch * CHUNK_ROWS;
    const n = Math.min(store.count, base + CHUNK_ROWS) - base;
    const task = store.task.chunk(ch);
    const cpu = store.cpu.chunk(ch);
    const key = store.key.chunk(ch);
    store.lines.decode(base, n, lines);
    for (let i = 0; i < n; i++) {
      const l = lines[i]!;
      const t = task[i]!;
      note(tasks, store.taskPid(t), l, () => `${store.strings.get(store.taskComm(t))}-${store.taskPid(t)}`);
      note(cpus, cpu[i]!, l, () => `CPU ${cpu[i]!}`);
      const dev = store.keyDev(key[i]!);
      if (dev >= 0) note(devs, dev, l, () => devName(dev));
    }
  }
  return { tasks, cpus, devs };
}

function group(name: string, kind: string, items: OutlineItem[]): OutlineItem {
  const line = Math.min(...items.map((i) => i.line));
  const endLine = Math.max(...items.map((i) => i.endLine));
  return { name, detail: `${items.length}`, kind, line, endLine, children: items };
}

function firstWords(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The outline of a trace: findings by kind, devices, tasks, CPUs (and the header). */
export function traceOutline(m: TraceModel, findings: readonly Finding[], maxPerGroup = 500): OutlineItem[] {
  const out: OutlineItem[] = [];
  const firstEvent = m.events.count > 0 ? m.events.lineOf(0) : m.ingest.lines + 1;
  if (firstEvent > 1) out.push({ name: 'Header', detail: `lines 1-${firstEvent - 1}`, kind: 'preamble', line: 1, endLine: firstEvent - 1, children: [] });
  const mine = findings.filter((f) => f.file === m.path);
  if (mine.length > 0) {
    const byKind = new Map<string, Finding[]>();
    for (const f of mine) {
      let l = byKind.get(f.kind);
      if (!l) byKind.set(f.kind, (l = []));
      l.push(f);
    }
    const kinds: OutlineItem[] = [];
    for (const [kind, list] of byKind) {
      const items = list.slice(0, maxPerGroup).map((f) => ({ name: firstWords(f.message), detail: `${f.severity}, line ${f.line}`, kind: 'finding', line: f.line, endLine: f.line, children: [] }));
      kinds.push({ ...group(kind, 'findings', items), detail: `${list.length}` });
    }
    out.push(group('Findings', 'findings', kinds));
  }
  if (m.events.count === 0) return out;
  const { tasks, cpus, devs } = spans(m);
  const items = (map: Map<number, Span>, kind: string, sort: (a: [number, Span], b: [number, Span]) => number): OutlineItem[] =>
    [...map]
      .sort(sort)
      .slice(0, maxPerGroup)
      .map(([, s]) => ({ name: s.label, detail: `${s.count.toLocaleString('en-US')} events`, kind, line: s.first, endLine: s.last, children: [] }));
  if (devs.size > 0) out.push(group('Devices', 'devices', items(devs, 'device', (a, b) => a[0] - b[0])));
  out.push({ ...group('Tasks', 'tasks', items(tasks, 'task', (a, b) => b[1].count - a[1].count || a[0] - b[0])), detail: `${tasks.size}` });
  out.push(group('CPUs', 'cpus', items(cpus, 'cpu', (a, b) => a[0] - b[0])));
  return out;
}

/** Folding ranges of a trace: the header before the first event. */
export function traceFolding(m: TraceModel): FoldRange[] {
  const firstEvent = m.events.count > 0 ? m.events.lineOf(0) : m.ingest.lines + 1;
  return firstEvent > 2 ? [{ start: 1, end: firstEvent - 1, kind: 'comment' }] : [];
}
