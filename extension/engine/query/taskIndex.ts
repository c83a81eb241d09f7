/**
 * TaskIndex: the task reports of one kernel log by line, for hovers: the report a line lies in
 * (`firstLine <= line <= lastLine`), answered as that pid's first report in the log when the pid was
 * reported several times (hung-task rounds, a sysrq dump and a /proc snapshot of one task), so every
 * report of a task shows the same task. Reports of a log do not nest; a binary search over their first
 * lines finds the candidate, and a few earlier reports are checked in case one spans further.
 */
import type { TaskReport } from '../contracts/report';

/** Earlier reports checked when the nearest one ends before the line. */
const LOOK_BACK = 8;

export class TaskIndex {
  /** The file's reports, by first line. */
  private readonly byLine: TaskReport[];
  /** pid -> its first report in the file. */
  private readonly firstOfPid = new Map<number, TaskReport>();

  constructor(tasks: readonly TaskReport[], file: string) {
    this.byLine = tasks.filter((t) => t.file === file).sort((a, b) => a.firstLine - b.firstLine || a.index - b.index);
    for (const t of this.byLine) if (t.pid !== undefined && !this.firstOfPid.has(t.pid)) this.firstOfPid.set(t.pid, t);
  }

  /** The report `line` lies in (its pid's first report), or null. */
  at(line: number): TaskReport | null {
    const list = this.byLine;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.firstLine <= line) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - LOOK_BACK; i--) {
      const t = list[i]!;
      if (t.lastLine < line) continue;
      return t.pid !== undefined ? (this.firstOfPid.get(t.pid) ?? t) : t;
    }
    return null;
  }
}
