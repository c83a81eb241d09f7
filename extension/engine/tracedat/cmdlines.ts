/**
 * Cmdlines: the saved `pid comm` table of a trace.dat, and the task name trace-cmd prints for a pid:
 * `<idle>` for pid 0, `<...>` for a pid the table does not have (libtraceevent's find_cmdline).
 */
export class Cmdlines {
  private readonly names = new Map<number, string>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp <= 0) continue;
      const pid = Number(line.slice(0, sp));
      if (Number.isInteger(pid)) this.names.set(pid, line.slice(sp + 1));
    }
  }

  has(pid: number): boolean {
    return pid === 0 || this.names.has(pid);
  }

  comm(pid: number): string {
    if (pid === 0) return '<idle>';
    return this.names.get(pid) ?? '<...>';
  }
}
