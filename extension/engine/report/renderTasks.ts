/**
 * renderTasks: the text of `iolens tasks`: blocked tasks grouped by culprit and stack, what each group
 * waits on, the ordered-extent waits explained, the trace alignment and the wait-for graph's edges. Every
 * line is escaped as a whole (task names, frames and paths come from the input; see textEscape.ts).
 */
import type { AnalysisReport } from '../contracts/report';
import { textLines } from './textEscape';

const MAX_FRAMES = 14;

export function renderTasks(report: AnalysisReport): string {
  const out: string[] = [];
  const tasks = report.tasks;
  const blockedPids = new Set<string>();
  for (const g of report.taskGroups) for (const i of g.tasks) blockedPids.add(tasks[i]!.node);
  if (report.taskGroups.length === 0) out.push('No blocked tasks.');
  for (const g of report.taskGroups) {
    const members = g.tasks.map((i) => tasks[i]!);
    out.push(`${g.title}  (${members.length} task${members.length === 1 ? '' : 's'})`);
    out.push(`  waits on ${g.waitsOn}`);
    for (const t of members) {
      const who = t.pid !== undefined ? `${t.comm}:${t.pid}` : t.comm;
      const hung = t.hungSeconds !== undefined ? `  blocked > ${t.hungSeconds} s` : '';
      const wq = t.workqueue ? `  [${t.workqueue.name} ${t.workqueue.func}]` : '';
      const also = t.alsoReportedAt?.length ? `  (+${t.alsoReportedAt.length} more report${t.alsoReportedAt.length === 1 ? '' : 's'})` : '';
      out.push(`  ${who}  ${t.state}  ${t.source}${hung}${wq}  ${t.file}:${t.firstLine}-${t.lastLine}${also}`);
      if (t.orderedExtentWait) out.push(`      ordered-extent wait (${t.orderedExtentWait.role}): ${t.orderedExtentWait.words}`);
      if (t.trace) {
        const blocked = t.trace.blockedTs !== undefined ? `, blocked since ${t.trace.blockedTs.toFixed(6)}${t.trace.blockedLine ? ` (line ${t.trace.blockedLine})` : ''}` : '';
        const hangs = t.trace.hangEvents.length > 0 ? `, sched_process_hang at line${t.trace.hangEvents.length > 1 ? 's' : ''} ${t.trace.hangEvents.join(', ')}` : '';
        out.push(`      in ${t.trace.file}: reported at ${t.trace.reportTs.toFixed(6)}${blocked}${hangs}`);
      }
    }
    const first = members[0];
    if (first) {
      const frames = first.frames.filter((f) => f.reliable);
      out.push(`  stack of ${first.comm}${first.pid !== undefined ? `:${first.pid}` : ''}:`);
      for (const f of frames.slice(0, MAX_FRAMES)) out.push(`    ${f.func}${f.module ? ` [${f.module}]` : ''}${f.func === g.culprit ? '   <- culprit' : ''}`);
      if (frames.length > MAX_FRAMES) out.push(`    … ${frames.length - MAX_FRAMES} more`);
    }
    out.push('');
  }
  const notBlocked = new Map<string, number>();
  for (const t of tasks) if (!t.blocked && !blockedPids.has(t.node)) notBlocked.set(t.state, (notBlocked.get(t.state) ?? 0) + 1);
  if (notBlocked.size > 0) {
    out.push(
      `Not blocked: ${[...notBlocked.entries()]
        .map(([s, n]) => `${n} in state ${s}`)
        .join(', ')} (only D tasks are blocked)`,
    );
    out.push('');
  }
  const explained = report.findings.filter((f) => f.kind === 'ordered-extent-wait' || f.kind === 'wait-cycle' || f.kind === 'stalled-io');
  if (explained.length > 0) {
    out.push('Explained');
    for (const f of explained) out.push(`  ${f.file}:${f.line}: [${f.kind}] ${f.message}`);
    out.push('');
  }
  for (const a of report.alignments) out.push(`Alignment ${a.log} ↔ ${a.trace}: ${a.note}`);
  if (report.alignments.length > 0) out.push('');
  const g = report.waitGraph;
  if (g.edges.length > 0) {
    const label = new Map(g.nodes.map((n) => [n.id, n.label]));
    out.push(`Wait-for graph (${g.nodes.length} nodes, ${g.edges.length} edges${g.cycles.length > 0 ? `, ${g.cycles.length} cycle(s)` : ''})`);
    for (const e of g.edges) out.push(`  ${label.get(e.from) ?? e.from}  --${e.kind}-->  ${label.get(e.to) ?? e.to}`);
  }
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return textLines(out);
}
