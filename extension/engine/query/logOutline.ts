/**
 * logOutline: the outline (document symbols) and folding ranges of a kernel-log model. The outline lists
 * the findings by kind, then each dump region (a hung-task round, a sysrq dump, a /proc snapshot) with its
 * task reports, each titled `comm:pid D` with its culprit frame; folding covers every task report, stack,
 * register block, lockdep and workqueue section the parser recognised.
 */
import type { Finding } from '../contracts/finding';
import type { FoldRange, OutlineItem } from '../contracts/query';
import type { DumpedTask } from '../contracts/report';
import { baseName, culpritFrame } from '../hang/stackFacts';
import type { KernelLogModel } from '../model/fileModel';

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  'hung-task': 'hung-task report',
  'sysrq-w': 'sysrq-w: blocked tasks',
  'sysrq-t': 'sysrq-t: all tasks',
  'proc-stack': '/proc stacks',
  blocker: 'blocker',
  dump: 'task dump',
};

function taskItem(t: DumpedTask): OutlineItem {
  const c = culpritFrame(t);
  return {
    name: `${t.comm}:${t.pid ?? '?'} ${t.state}`,
    detail: c ? `in ${baseName(c.func)}` : t.frames.length === 0 ? 'no stack' : '',
    kind: 'task',
    line: t.firstLine,
    endLine: Math.max(t.firstLine, t.lastLine),
    children: [],
  };
}

/** The outline of a kernel log: findings by kind, then dump regions with their tasks. */
export function logOutline(m: KernelLogModel, findings: readonly Finding[], maxTasks = 2000): OutlineItem[] {
  const out: OutlineItem[] = [];
  const mine = findings.filter((f) => f.file === m.path && f.kind !== 'parse-error');
  if (mine.length > 0) {
    const byKind = new Map<string, OutlineItem[]>();
    for (const f of mine) {
      let l = byKind.get(f.kind);
      if (!l) byKind.set(f.kind, (l = []));
      l.push({ name: f.message.length > 80 ? `${f.message.slice(0, 79)}…` : f.message, detail: `${f.severity}, line ${f.line}`, kind: 'finding', line: f.line, endLine: f.line, children: [] });
    }
    const kinds = [...byKind].map(([kind, items]) => ({ name: kind, detail: `${items.length}`, kind: 'findings', line: Math.min(...items.map((i) => i.line)), endLine: Math.max(...items.map((i) => i.line)), children: items }));
    out.push({ name: 'Findings', detail: `${mine.length}`, kind: 'findings', line: Math.min(...kinds.map((k) => k.line)), endLine: Math.max(...kinds.map((k) => k.endLine)), children: kinds });
  }
  const tasks = m.log.tasks;
  const inDump = new Set<number>();
  const regions: OutlineItem[] = [];
  for (const d of m.log.dumps) {
    const members = d.taskIndexes.map((i) => tasks[i]).filter((t): t is DumpedTask => t !== undefined);
    for (const i of d.taskIndexes) inDump.add(i);
    const items = members.slice(0, maxTasks).map(taskItem);
    const end = Math.max(d.line, ...items.map((i) => i.endLine));
    regions.push({ name: SOURCE_NAMES[d.kind] ?? d.kind, detail: `${members.length} task${members.length === 1 ? '' : 's'}, line ${d.line}`, kind: 'region', line: d.line, endLine: end, children: items });
  }
  // Tasks printed outside any recognised trigger (a pasted dump): one region of their own.
  const loose = tasks.map((t, i) => [t, i] as const).filter(([, i]) => !inDump.has(i));
  if (loose.length > 0) {
    const items = loose.slice(0, maxTasks).map(([t]) => taskItem(t));
    regions.push({ name: 'tasks', detail: `${loose.length}`, kind: 'region', line: items[0]!.line, endLine: Math.max(...items.map((i) => i.endLine)), children: items });
  }
  out.push(...regions.sort((a, b) => a.line - b.line));
  return out;
}

/** Folding ranges of a kernel log: every section the parser recognised (reports, stacks, registers, lockdep…). */
export function logFolding(m: KernelLogModel): FoldRange[] {
  const seen = new Set<string>();
  const out: FoldRange[] = [];
  for (const s of m.log.sections) {
    if (s.endLine <= s.line) continue;
    const key = `${s.line}:${s.endLine}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ start: s.line, end: s.endLine, kind: 'region' });
  }
  return out;
}
