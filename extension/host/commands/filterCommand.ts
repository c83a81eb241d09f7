/**
 * Filter Events: picks what to keep (event names, tasks, CPUs, devices, inodes, the request of the cursor's
 * line, a time range) with quick picks over what the trace holds, and opens the matching lines in a new
 * filtered view beside the trace. With a filter as argument it opens that view directly (scripts, tests).
 */
import * as vscode from 'vscode';
import type { EventFilter, OutlineItem } from '../../engine/contracts/query';
import type { EngineClient } from '../engineClient';
import type { TraceViews } from '../traceViews';
import { commandTarget, NoTarget, targetLine, type CommandTarget } from './commandTarget';
import { registerCommand } from './registerCommand';

type Dimension = 'events' | 'tasks' | 'cpus' | 'devices' | 'inodes' | 'request' | 'time';

/** A filter given as an argument, keeping only the known fields with the right types. */
export function parseFilter(raw: unknown): EventFilter | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const f: Record<string, unknown> = {
    events: strings(r['events']),
    pids: numbers(r['pids']),
    comms: strings(r['comms']),
    cpus: numbers(r['cpus']),
    devices: strings(r['devices']),
    inodes: numbers(r['inodes']),
    requests: numbers(r['requests']),
    findings: numbers(r['findings']),
    from: num(r['from']),
    to: num(r['to']),
    fromLine: num(r['fromLine']),
    toLine: num(r['toLine']),
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return Object.keys(f).length > 0 ? (f as EventFilter) : undefined;
}

export function filterCommand(views: TraceViews, engine: EngineClient): vscode.Disposable {
  return registerCommand('iolens.filterEvents', async (arg?: unknown, filterArg?: unknown) => {
    const target = await commandTarget(views, arg);
    const { kind } = await target.view.ready();
    if (kind !== 'trace') throw new NoTarget(`${target.view.label} is a kernel log: Filter Events works on traces.`);
    const filter = parseFilter(filterArg) ?? (await pickFilter(target, engine));
    if (filter === undefined) return undefined;
    const language = target.editor?.document.languageId ?? 'ftrace';
    const { view } = await views.filtered.open(target.view, filter, language === 'kernel-log' ? 'ftrace' : language);
    return { uri: view.uri.toString(), total: view.matching, description: view.description };
  });
}

async function pickFilter(target: CommandTarget, engine: EngineClient): Promise<EventFilter | undefined> {
  const line = targetLine(target, undefined);
  const dims: { label: string; description?: string; dim: Dimension }[] = [
    { label: '$(symbol-event) Event names', dim: 'events' },
    { label: '$(person) Tasks', dim: 'tasks' },
    { label: '$(chip) CPUs', dim: 'cpus' },
    { label: '$(database) Devices', dim: 'devices' },
    { label: '$(file) Inodes', dim: 'inodes' },
    ...(line !== undefined ? [{ label: '$(git-commit) The request of the cursor line', description: `line ${line}`, dim: 'request' as const }] : []),
    { label: '$(clock) A time range', dim: 'time' },
  ];
  const dim = await vscode.window.showQuickPick(dims, { title: `iolens: filter the events of ${target.view.label} by` });
  if (!dim) return undefined;
  const session = target.view.session;
  switch (dim.dim) {
    case 'events': {
      const { report } = await target.view.ready();
      const counts = report.files.find((f) => f.path === target.view.sourceFile)?.eventCounts ?? report.eventCounts;
      const picks = await vscode.window.showQuickPick(
        Object.entries(counts)
          .sort((a, b) => b[1] - a[1])
          .map(([name, n]) => ({ label: name, description: `${n.toLocaleString('en-US')} events` })),
        { title: 'iolens: keep these events', canPickMany: true, matchOnDescription: true },
      );
      return picks && picks.length > 0 ? { events: picks.map((p) => p.label) } : undefined;
    }
    case 'tasks':
    case 'cpus':
    case 'devices': {
      const outline = await engine.request('outline', { doc: session });
      const group = outline.find((o) => o.kind === dim.dim);
      const items: OutlineItem[] = group?.children.slice() ?? [];
      if (items.length === 0) throw new NoTarget(`the trace names no ${dim.dim}.`);
      const picks = await vscode.window.showQuickPick(
        items.map((i) => ({ label: i.name, description: i.detail })),
        { title: `iolens: keep the events of these ${dim.dim}`, canPickMany: true },
      );
      if (!picks || picks.length === 0) return undefined;
      if (dim.dim === 'tasks') {
        const pids = picks.map((p) => Number(/-(\d+)$/.exec(p.label)?.[1])).filter((n) => Number.isInteger(n));
        return { pids };
      }
      if (dim.dim === 'cpus') return { cpus: picks.map((p) => Number(/(\d+)/.exec(p.label)?.[1])).filter((n) => Number.isInteger(n)) };
      return { devices: picks.map((p) => p.label) };
    }
    case 'inodes': {
      const text = await vscode.window.showInputBox({
        title: 'iolens: keep the events of these inodes',
        prompt: 'inode numbers, decimal or 0x hex, separated by commas or spaces',
        validateInput: (v) => (/^\s*(0x[0-9a-f]+|\d+)([\s,]+(0x[0-9a-f]+|\d+))*\s*$/i.test(v) ? undefined : 'e.g. 131, 0x94'),
      });
      if (text === undefined) return undefined;
      return { inodes: text.split(/[\s,]+/).filter((t) => t !== '').map((t) => Number(t)) };
    }
    case 'request': {
      const chains = await engine.request('requestChains', { doc: session, line: line!, maxNodes: 1000 });
      const ids = [...new Set(chains.flatMap((c) => c.nodes.map((n) => n.id)))];
      if (ids.length === 0) throw new NoTarget(`line ${line} belongs to no request.`);
      return { requests: ids };
    }
    case 'time': {
      const { report } = await target.view.ready();
      const f = report.files[0];
      const hint = f && f.firstTimestamp !== null && f.lastTimestamp !== null ? ` (${(f.firstTimestamp / 1e9).toFixed(6)} to ${(f.lastTimestamp / 1e9).toFixed(6)})` : '';
      const text = await vscode.window.showInputBox({
        title: 'iolens: keep the events of a time range',
        prompt: `from and to, in seconds${hint}`,
        validateInput: (v) => (/^\s*\d+(\.\d+)?\s*[-–, ]\s*\d+(\.\d+)?\s*$/.test(v) ? undefined : 'e.g. 1110.8 1111.2'),
      });
      if (text === undefined) return undefined;
      const [a, b] = text.split(/\s*[-–, ]\s*/).filter((t) => t !== '').map(Number) as [number, number];
      return { from: Math.min(a, b), to: Math.max(a, b) };
    }
  }
}
