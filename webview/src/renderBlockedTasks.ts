/**
 * renderBlockedTasks: the "Blocked tasks" section. One collapsible row per task group (title, number of
 * tasks, what they wait on); opened, it lists the member tasks (comm:pid, state, source, hung seconds, a
 * link to the task's first line) and, collapsed under each task, its reliable frames.
 *
 * Groups of the report that share a culprit and what they wait on (they differ only further down their
 * stacks) are one row, saying how many stack variants it holds: six tasks blocked in one function are
 * one "6 tasks" row, not six "1 task" rows.
 *
 * Rows are filled the first time they are opened, so a sysrq-t dump of thousands of tasks costs one row
 * per group until someone looks. Report strings go in as `textContent` only.
 */
import type { AnalysisReport, StackFrame, TaskGroup, TaskReport } from '../../extension/engine/contracts/report';
import { el } from './el';
import type { RevealLine } from '../../extension/protocol/webviewProtocol';
import { badge, link } from './toolkit';

/** Member tasks listed per group before "… and N more". */
const MAX_TASKS_PER_GROUP = 200;
/** Groups listed before "… and N more groups". */
const MAX_GROUPS = 500;

/**
 * Fills `container` with one row per task group of `report`; returns false (and empties it) when the
 * report has no tasks, so the caller can hide the section.
 */
export function renderBlockedTasks(container: HTMLElement, report: AnalysisReport, reveal: RevealLine): boolean {
  container.replaceChildren();
  if (report.tasks.length === 0) return false;
  const multiFile = report.files.length > 1;
  if (report.taskGroups.length === 0) container.append(el('div', `${report.tasks.length} tasks, none of them blocked.`, 'muted'));
  const rows = mergeByCulprit(report.taskGroups);
  for (const [i, row] of rows.slice(0, MAX_GROUPS).entries()) container.append(groupRow(i, row, report.tasks, multiFile, reveal));
  if (rows.length > MAX_GROUPS) container.append(el('div', `… and ${rows.length - MAX_GROUPS} more groups.`, 'muted'));
  return true;
}

/** One row: the report's groups with one culprit and one `waitsOn`, in report order. */
interface GroupRow {
  readonly group: TaskGroup;
  readonly tasks: readonly number[];
  readonly variants: number;
}

/** The report's task groups merged by culprit and what they wait on (stack variants in one row). */
export function mergeByCulprit(groups: readonly TaskGroup[]): GroupRow[] {
  const rows = new Map<string, { group: TaskGroup; tasks: number[]; variants: number }>();
  for (const g of groups) {
    const key = `${g.culprit}\u0000${g.waitsOn}`;
    const row = rows.get(key);
    if (row) {
      row.tasks.push(...g.tasks);
      row.variants++;
    } else rows.set(key, { group: g, tasks: [...g.tasks], variants: 1 });
  }
  return [...rows.values()];
}

function groupRow(index: number, r: GroupRow, tasks: readonly TaskReport[], multiFile: boolean, reveal: RevealLine): HTMLElement {
  const group = r.group;
  const row = el('details', undefined, 'task-group');
  row.setAttribute('data-group', String(index));
  const summary = el('summary');
  const n = r.tasks.length;
  summary.append(el('span', group.title, 'task-group-title'), el('span', ' '), badge(`${n} task${n === 1 ? '' : 's'}`));
  if (r.variants > 1) summary.append(el('span', ` ${r.variants} stack variants`, 'muted task-group-variants'));
  summary.append(el('span', ` waits on ${group.waitsOn}`, 'muted task-group-waits'));
  row.append(summary);
  let filled = false;
  row.addEventListener('toggle', () => {
    if (!row.open || filled) return;
    filled = true;
    const list = el('div', undefined, 'task-list');
    for (const ti of r.tasks.slice(0, MAX_TASKS_PER_GROUP)) {
      const t = tasks[ti];
      if (t) list.append(taskRow(t, group.culprit, multiFile, reveal));
    }
    if (n > MAX_TASKS_PER_GROUP) list.append(el('div', `… and ${n - MAX_TASKS_PER_GROUP} more tasks.`, 'muted'));
    row.append(list);
  });
  return row;
}

function taskRow(t: TaskReport, culprit: string, multiFile: boolean, reveal: RevealLine): HTMLElement {
  const box = el('div', undefined, 'task');
  const head = el('div', undefined, 'task-head');
  head.append(el('span', t.pid !== undefined ? `${t.comm}:${t.pid}` : t.comm, 'task-name'));
  const facts = [`state ${t.state}`, t.source];
  if (t.hungSeconds !== undefined) facts.push(`blocked > ${t.hungSeconds.toLocaleString()} s`);
  head.append(el('span', ` · ${facts.join(' · ')} · `, 'muted'));
  const where = multiFile ? `${baseName(t.file)}:${t.firstLine}` : `line ${t.firstLine}`;
  head.append(link(where, () => reveal(t.file, t.firstLine)));
  for (const r of t.alsoReportedAt ?? []) {
    head.append(el('span', ' · also ', 'muted'), link(multiFile ? `${baseName(r.file)}:${r.line}` : `line ${r.line}`, () => reveal(r.file, r.line)));
  }
  box.append(head);

  const reliable = t.frames.filter((f) => f.reliable);
  if (reliable.length > 0) {
    const frames = el('details', undefined, 'task-frames');
    frames.append(el('summary', `${reliable.length} reliable frame${reliable.length === 1 ? '' : 's'}`, 'muted'));
    let filled = false;
    frames.addEventListener('toggle', () => {
      if (!frames.open || filled) return;
      filled = true;
      const ol = el('ol', undefined, 'frame-list');
      for (const f of reliable) {
        const li = el('li', undefined, f.func === culprit ? 'frame culprit' : 'frame');
        li.append(link(frameText(f), () => reveal(t.file, f.line)));
        ol.append(li);
      }
      frames.append(ol);
    });
    box.append(frames);
  } else {
    box.append(el('div', 'no reliable frames', 'muted task-frames'));
  }
  return box;
}

/** `func+0xoff/0xsize [module]`, the way the kernel prints it. */
function frameText(f: StackFrame): string {
  let s = f.func;
  if (f.offset !== undefined) s += `+0x${f.offset.toString(16)}`;
  if (f.size !== undefined) s += `/0x${f.size.toString(16)}`;
  if (f.module !== undefined) s += ` [${f.module}]`;
  if (f.stack !== undefined && f.stack !== 'TASK') s += ` (${f.stack})`;
  return s;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
