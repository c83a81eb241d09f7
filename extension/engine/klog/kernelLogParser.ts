/**
 * KernelLogParser: reads a kernel log line by line (push API, so files stream from disk) and returns the
 * dumped tasks, the dumps that printed them, lock holders and diagnostics for lines it could not place,
 * and (through the IoErrorCollector) the log's I/O error lines.
 *
 * Pipeline: logPrefix strips reader prefixes → logLine classifies each message → lines that belong to a
 * dump are collected into a region (a run of dump lines, with up to two foreign lines inside, e.g. another
 * CPU's message) → the Chevrotain task-dump grammar groups the region into items → `assemble` turns items
 * into DumpedTasks. Re-wrapped header lines (a `task:` line broken before `ppid:`, an `INFO: task` line
 * broken before `120 seconds.`) are joined first. Memory is bounded by the largest region, not the file.
 */
import type { BlockerHint, DumpedTask, StackFrame, TaskDump, TaskSource, TimeSource } from '../contracts/report';
import { IoErrorCollector, type KlogIoErrors } from './ioErrorCollector';
import { classifyLine, continuesHeader, type ClassifiedLine, type FrameData, type LineKind } from './logLine';
import { stripLogPrefix, type LogMessage } from './logPrefix';
import { parseRegion, type DumpItem } from './taskDumpGrammar';

export interface LogDiagnostic {
  readonly line: number;
  /** Last line of a run of lines with the same problem. */
  readonly endLine: number;
  readonly severity: 'warning' | 'info';
  readonly message: string;
  /** What the lines are, in a few words (`damaged line inside a dump`): the role of the finding's evidence. */
  readonly what: string;
}

export interface LockHeld {
  readonly pid: number;
  readonly comm: string;
  readonly name: string;
  readonly at: string;
  readonly line: number;
}

/**
 * A region of the log for outlines and folding: a dump item (a hung-task report, a task, a CPU backtrace, a
 * /proc stack, a ps table, a lockdep or workqueue dump) or a part of one (its stack, its register block).
 */
export interface LogSection {
  readonly kind: 'hung' | 'blocker' | 'task' | 'cpu' | 'proc' | 'ps' | 'lockdep' | 'wq' | 'stack' | 'registers';
  readonly line: number;
  readonly endLine: number;
  /** Index in `tasks` of the task the section belongs to, -1 for none. */
  readonly task: number;
}

export interface KernelLogResult {
  readonly tasks: DumpedTask[];
  /** Foldable regions, in line order. */
  readonly sections: LogSection[];
  readonly dumps: TaskDump[];
  readonly locks: LockHeld[];
  readonly diagnostics: LogDiagnostic[];
  readonly lines: number;
  /** Lines with a reader prefix (dmesg, journal, syslog…). */
  readonly prefixedLines: number;
  readonly timeSource: TimeSource;
  readonly firstTs?: number;
  readonly lastTs?: number;
  /** The log's I/O error lines (block layer, drivers, md/dm, filesystems) and the device names it proves. */
  readonly ioErrors: KlogIoErrors;
}

interface LineRecord {
  readonly line: number;
  readonly endLine: number;
  readonly text: string;
  readonly c: ClassifiedLine;
  readonly ts?: number;
  readonly timeSource: TimeSource;
}

const MAX_REGION = 20_000;
const KMSG_DICT = /^ [A-Z][A-Z0-9_]*=/;
const MAX_FOREIGN_RUN = 2;
const DAMAGED = /[\x00-\x08\x0e-\x1f\x7f\ufffd]|^\??\s*[A-Za-z_][\w.]*(?:\+0x[0-9a-f]*(?:\/(?:0x[0-9a-f]*)?)?)?\s*$|^\[<[0-9a-f]*>?\]?/;

export class KernelLogParser {
  private readonly tasks: DumpedTask[] = [];
  private readonly sections: LogSection[] = [];
  private readonly dumps: TaskDump[] = [];
  private readonly locks: LockHeld[] = [];
  private readonly diagnostics: LogDiagnostic[] = [];
  private readonly psStates = new Map<number, { state: string; comm: string }>();
  private readonly names = new Map<string, string>();
  private region: LineRecord[] = [];
  private others: LineRecord[] = [];
  private pending: { line: number; msg: LogMessage } | undefined;
  private lines = 0;
  private prefixedLines = 0;
  private inPs = false;
  private trigger: { kind: TaskSource; dump: TaskDump | undefined } = { kind: 'dump', dump: undefined };
  private firstTs: number | undefined;
  private lastTs: number | undefined;
  private sawMonotonic = false;
  private sawWall = false;
  private readonly io = new IoErrorCollector();

  constructor(private readonly assumedYear = new Date().getUTCFullYear()) {}

  /** Feeds the next line (1-based numbers must increase by one). */
  pushLine(text: string, line: number): void {
    this.lines = line;
    // /dev/kmsg dictionary continuations (` SUBSYSTEM=pci`, ` DEVICE=+pci:0000:00:1f.2`) belong to the record before.
    if (KMSG_DICT.test(text)) return;
    const msg = stripLogPrefix(text, this.assumedYear);
    if (msg.prefixed) this.prefixedLines++;
    this.io.push(line, msg);
    if (msg.ts !== undefined) {
      this.firstTs ??= msg.ts;
      this.lastTs = msg.ts;
      if (msg.timeSource === 'monotonic') this.sawMonotonic = true;
      else this.sawWall = true;
    }
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      if (continuesHeader(msg.msg)) {
        const joined: LogMessage = { ...p.msg, msg: `${p.msg.msg.trimEnd()} ${msg.msg.trim()}` };
        this.accept(p.line, line, joined, classifyLine(joined.msg, false));
        return;
      }
      this.accept(p.line, p.line, p.msg, classifyLine(p.msg.msg, false));
    }
    const c = classifyLine(msg.msg, this.inPs);
    if (c.kind === 'PartialTaskHeader') {
      this.pending = { line, msg };
      return;
    }
    this.accept(line, line, msg, c);
  }

  /** A line too long to read (it is reported, not parsed). */
  pushOverlong(line: number, bytes: number): void {
    this.lines = line;
    this.diagnostics.push({ line, endLine: line, severity: 'warning', message: `line of ${bytes} bytes is too long to be a kernel log line; skipped`, what: 'line too long for a kernel log' });
  }

  finish(): KernelLogResult {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.accept(p.line, p.line, p.msg, classifyLine(p.msg.msg, false));
    }
    this.flush();
    for (const t of this.tasks) {
      if (t.source !== 'proc-stack' || t.pid === undefined) continue;
      const ps = this.psStates.get(t.pid);
      if (ps && t.state === '?') (t as { state: string }).state = ps.state;
      if (ps && t.comm === '?') (t as { comm: string }).comm = ps.comm;
    }
    return {
      tasks: this.tasks,
      sections: this.sections.sort((a, b) => a.line - b.line || b.endLine - a.endLine),
      dumps: this.dumps,
      locks: this.locks,
      diagnostics: this.diagnostics.sort((a, b) => a.line - b.line),
      lines: this.lines,
      prefixedLines: this.prefixedLines,
      timeSource: this.sawMonotonic ? 'monotonic' : this.sawWall ? 'wall-clock' : 'none',
      ...(this.firstTs !== undefined ? { firstTs: this.firstTs } : {}),
      ...(this.lastTs !== undefined ? { lastTs: this.lastTs } : {}),
      ioErrors: this.io.finish(),
    };
  }

  /**
   * One flat copy per distinct name: substrings of a line keep the whole decoded slice alive in V8, and
   * frame names repeat across thousands of tasks.
   */
  private intern(s: string): string {
    let v = this.names.get(s);
    if (v === undefined) {
      v = flat(s);
      if (this.names.size < 200_000) this.names.set(v, v);
    }
    return v;
  }

  private accept(line: number, endLine: number, msg: LogMessage, c: ClassifiedLine): void {
    this.inPs = c.kind === 'PsHeader' || (this.inPs && c.kind === 'PsRow');
    const rec: LineRecord = { line, endLine, text: msg.msg, c, timeSource: msg.timeSource, ...(msg.ts !== undefined ? { ts: msg.ts } : {}) };
    if (c.kind === 'Other') {
      if (this.region.length === 0) return;
      // A damaged frame right after a stack line is part of that stack, not a new log message.
      if (this.others.length === 0 && isDamaged(msg.msg.trim()) && isStackKind(this.region[this.region.length - 1]!.c.kind)) {
        this.region.push({ ...rec, c: { kind: 'Foreign' } });
        return;
      }
      this.others.push(rec);
      if (this.others.length > MAX_FOREIGN_RUN) this.flush();
      return;
    }
    if (this.others.length > 0) {
      for (const o of this.others) this.region.push({ ...o, c: { kind: 'Foreign' } });
      this.others = [];
    }
    if (this.region.length >= MAX_REGION && startsItem(c.kind)) this.flush();
    this.region.push(rec);
  }

  private flush(): void {
    const region = this.region;
    this.region = [];
    this.others = [];
    if (region.length === 0) return;
    const { items, errors } = parseRegion(region.map((r) => r.c.kind));
    for (const e of errors) {
      const r = region[Math.min(e.record, region.length - 1)]!;
      this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'warning', message: `kernel log line not placed in a dump: ${e.message}`, what: 'line not placed in a dump' });
    }
    for (const item of items) {
      const before = this.tasks.length;
      this.assemble(item, region);
      this.section(item, region, this.tasks.length > before ? this.tasks.length - 1 : -1);
    }
    this.trigger = { kind: 'dump', dump: undefined };
  }

  /** Records an item's region, and its stack and register runs. */
  private section(item: DumpItem, region: readonly LineRecord[], task: number): void {
    if (item.kind === 'misc' || item.kind === 'orphan') return;
    const recs = item.tokens.filter((t) => !t.isInsertedInRecovery && Number.isFinite(t.startOffset)).map((t) => region[t.startOffset]!);
    if (recs.length < 2) return;
    this.sections.push({ kind: item.kind, line: recs[0]!.line, endLine: recs[recs.length - 1]!.endLine, task });
    let run: { kind: 'stack' | 'registers'; line: number; endLine: number } | undefined;
    const close = (): void => {
      if (run && run.endLine > run.line) this.sections.push({ ...run, task });
      run = undefined;
    };
    for (const r of recs) {
      const k = r.c.kind;
      const kind = k === 'Register' ? 'registers' : k === 'CallTrace' || k === 'Frame' || k === 'AddrFrame' || k === 'ArmFrame' || k === 'StackOpen' || k === 'StackClose' ? 'stack' : undefined;
      if (kind === undefined) {
        close();
        continue;
      }
      if (run && run.kind === kind) run.endLine = r.endLine;
      else {
        close();
        run = { kind, line: r.line, endLine: r.endLine };
      }
    }
    close();
  }

  private assemble(item: DumpItem, region: readonly LineRecord[]): void {
    const recs = item.tokens.filter((t) => !t.isInsertedInRecovery && Number.isFinite(t.startOffset)).map((t) => region[t.startOffset]!);
    if (recs.length === 0) return;
    const first = recs[0]!;
    switch (item.kind) {
      case 'misc':
        return this.misc(first);
      case 'hung':
        return this.hung(recs);
      case 'blocker':
        return this.blocker(recs);
      case 'task': {
        const h = first.c.task!;
        const src = this.trigger.kind === 'sysrq-w' || this.trigger.kind === 'sysrq-t' ? this.trigger.kind : 'dump';
        this.addTask(src, h.comm, h.pid, h.state, h.running, recs, first, { ppid: h.ppid, tgid: h.tgid });
        return;
      }
      case 'cpu': {
        const hdr = recs.find((r) => r.c.kind === 'CpuHeader');
        this.addTask('dump', hdr?.c.comm ?? '?', hdr?.c.pid, 'R', true, recs, first, {});
        return;
      }
      case 'proc':
        return this.proc(recs);
      case 'ps':
        for (const r of recs) if (r.c.kind === 'PsRow') this.psStates.set(r.c.pid!, { state: r.c.state!, comm: r.c.comm! });
        return;
      case 'lockdep':
        return this.lockdep(recs);
      case 'wq':
        this.foreignInside(recs, 'the workqueue dump');
        return;
      case 'orphan': {
        this.diagnostics.push({
          line: first.line,
          endLine: recs[recs.length - 1]!.endLine,
          severity: 'warning',
          message: `${recs.length} stack line(s) without a task header (the header was lost or cut off), first: ${clip(first.text)}`,
          what: 'stack lines without a task header',
        });
        return;
      }
    }
  }

  private misc(r: LineRecord): void {
    const k = r.c.kind;
    if (k === 'SysrqHeader') {
      const s = r.c.sysrq!;
      const kind: TaskSource = s === 'Show Blocked State' ? 'sysrq-w' : s === 'Show State' ? 'sysrq-t' : 'dump';
      const dump: TaskDump = { kind, line: r.line, ...(r.ts !== undefined ? { ts: r.ts } : {}), taskIndexes: [] };
      if (kind !== 'dump') this.dumps.push(dump);
      this.trigger = { kind, dump: kind !== 'dump' ? dump : undefined };
    } else if (k === 'PartialTaskHeader') {
      this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'warning', message: `incomplete task header (cut or re-wrapped): ${clip(r.text)}`, what: 'incomplete task header' });
    } else if (k === 'Foreign' && isDamaged(r.text.trim()) && r.text.trim().length > 0) {
      this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line next to a dump: ${clip(r.text)}`, what: 'damaged line next to a dump' });
    } else if (k === 'LockHolder' || k === 'LockLine' || k === 'PsRow' || k === 'WqDumpLine') {
      this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'info', message: `${k} line outside its section: ${clip(r.text)}`, what: `${k} line outside its section` });
    }
  }

  private hung(recs: LineRecord[]): void {
    const h = recs[0]!;
    const header = recs.find((r) => r.c.kind === 'TaskHeader');
    const taint = recs.find((r) => r.c.kind === 'Taint');
    const comm = header?.c.task?.comm ?? h.c.comm!;
    if (!header && recs.some((r) => isStackKind(r.c.kind))) {
      this.diagnostics.push({ line: h.line, endLine: h.endLine, severity: 'info', message: `hung-task report of ${h.c.comm}:${h.c.pid} has no task: line; its stack is taken as that task's`, what: 'hung-task report without a task: line' });
    }
    const dump: TaskDump = { kind: 'hung-task', line: h.line, ...(h.ts !== undefined ? { ts: h.ts } : {}), taskIndexes: [] };
    this.dumps.push(dump);
    this.trigger = { kind: 'hung-task', dump };
    this.addTask('hung-task', comm, h.c.pid!, header?.c.task?.state ?? 'D', header?.c.task?.running ?? false, recs, h, {
      ppid: header?.c.task?.ppid,
      tgid: header?.c.task?.tgid,
      hungSeconds: h.c.seconds,
      kernel: taint?.c.kernel,
    });
  }

  private blocker(recs: LineRecord[]): void {
    const h = recs[0]!;
    const b = h.c.blocker!;
    const hint: BlockerHint = { ...b, line: h.line };
    for (let i = this.tasks.length - 1; i >= 0 && i >= this.tasks.length - 64; i--) {
      const t = this.tasks[i]!;
      if (t.pid === h.c.pid) {
        (t as { blocker?: BlockerHint }).blocker = hint;
        break;
      }
    }
    const header = recs.find((r) => r.c.kind === 'TaskHeader');
    if (header) {
      const t = header.c.task!;
      this.addTask('blocker', t.comm, t.pid, t.state, t.running, recs.slice(recs.indexOf(header)), header, { ppid: t.ppid, tgid: t.tgid });
    }
  }

  private proc(recs: LineRecord[]): void {
    const hdr = recs[0]!.c.kind === 'ProcHeader' ? recs[0]! : undefined;
    const ps = hdr?.c.pid !== undefined ? this.psStates.get(hdr.c.pid) : undefined;
    if (!this.trigger.dump || this.trigger.kind !== 'proc-stack') {
      const dump: TaskDump = { kind: 'proc-stack', line: recs[0]!.line, ...(recs[0]!.ts !== undefined ? { ts: recs[0]!.ts } : {}), taskIndexes: [] };
      this.dumps.push(dump);
      this.trigger = { kind: 'proc-stack', dump };
    }
    this.addTask('proc-stack', hdr?.c.comm ?? ps?.comm ?? '?', hdr?.c.pid, hdr?.c.state ?? ps?.state ?? '?', false, recs, recs[0]!, {});
  }

  private lockdep(recs: LineRecord[]): void {
    let holder: LineRecord | undefined;
    for (const r of recs) {
      if (r.c.kind === 'LockHolder') holder = r;
      else if (r.c.kind === 'LockLine' && holder) this.locks.push({ pid: holder.c.pid!, comm: holder.c.comm!, name: r.c.lock!.name, at: r.c.lock!.at, line: r.line });
    }
    this.foreignInside(recs, 'the lockdep dump');
  }

  /**
   * Lines inside a dump that are not part of it: a damaged line is reported; a whole message of another
   * writer (the console interleaves CPUs: an NVMe timeout between two frames) is ordinary log text and is
   * not (it is read as a log line of its own, and the dump goes on around it).
   */
  private foreignInside(recs: readonly LineRecord[], where: string): void {
    for (const r of recs) {
      if (r.c.kind !== 'Foreign' || !isDamaged(r.text.trim())) continue;
      this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line inside ${where}: ${clip(r.text)}`, what: 'damaged line inside a dump' });
    }
  }

  private addTask(
    source: TaskSource,
    comm: string,
    pid: number | undefined,
    state: string,
    running: boolean,
    recs: readonly LineRecord[],
    first: LineRecord,
    more: { ppid?: number | undefined; tgid?: number | undefined; hungSeconds?: number | undefined; kernel?: string | undefined },
  ): void {
    const frames: StackFrame[] = [];
    const extra: { line: number; text: string }[] = [];
    let stack: string | undefined;
    let workqueue: DumpedTask['workqueue'];
    let last = first;
    let armCaller: { f: FrameData; line: number } | undefined;
    const pushFrame = (f: FrameData, line: number): void => {
      frames.push({
        func: this.intern(f.func),
        ...(f.offset !== undefined ? { offset: f.offset } : {}),
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(f.module !== undefined ? { module: this.intern(f.module) } : {}),
        reliable: f.reliable,
        ...(stack !== undefined && stack !== 'TASK' ? { stack } : {}),
        line,
      });
    };
    const name = pid !== undefined ? `${comm}:${pid}` : comm;
    for (const r of recs) {
      switch (r.c.kind) {
        case 'Frame':
        case 'AddrFrame':
          pushFrame(r.c.frame!, r.line);
          break;
        case 'ArmFrame':
          pushFrame(r.c.frame!, r.line);
          armCaller = { f: r.c.frame!.caller!, line: r.line };
          break;
        case 'StackOpen':
          stack = r.c.marker;
          break;
        case 'StackClose':
          stack = r.c.marker === 'TASK' || stack === r.c.marker ? undefined : stack;
          break;
        case 'Workqueue':
          workqueue = r.c.workqueue;
          break;
        case 'Register':
        case 'TaskExtra':
          extra.push({ line: r.line, text: flat(r.text.trim()) });
          break;
        case 'Foreign': {
          // An interleaved message of another writer is log text, not damage: only damaged lines are reported.
          if (isDamaged(r.text.trim())) {
            this.diagnostics.push({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line in the stack of ${name}: ${clip(r.text)}`, what: 'damaged line in a stack' });
          }
          continue;
        }
        default:
          break;
      }
      last = r;
      if ((r.c.kind === 'Frame' || r.c.kind === 'AddrFrame') && armCaller) {
        pushFrame(armCaller.f, armCaller.line);
        armCaller = undefined;
      }
    }
    if (armCaller) pushFrame(armCaller.f, armCaller.line);
    if (frames.length === 0 && recs.some((r) => r.c.kind === 'CallTrace')) {
      this.diagnostics.push({ line: first.line, endLine: last.endLine, severity: 'warning', message: `${name}: Call Trace with no frames (the dump was cut)`, what: 'Call Trace with no frames' });
    }
    if (workqueue) workqueue = { ...workqueue, name: this.intern(workqueue.name), func: this.intern(workqueue.func), ...(workqueue.module ? { module: this.intern(workqueue.module) } : {}), ...(workqueue.desc ? { desc: flat(workqueue.desc) } : {}) };
    const task: DumpedTask = {
      index: this.tasks.length,
      comm: this.intern(comm),
      ...(pid !== undefined ? { pid } : {}),
      ...(more.tgid !== undefined ? { tgid: more.tgid } : {}),
      ...(more.ppid !== undefined ? { ppid: more.ppid } : {}),
      state,
      running,
      ...(workqueue ? { workqueue } : {}),
      frames,
      extra,
      source,
      ...(more.hungSeconds !== undefined ? { hungSeconds: more.hungSeconds } : {}),
      ...(more.kernel !== undefined ? { kernel: more.kernel } : {}),
      firstLine: first.line,
      lastLine: last.endLine,
      ...(first.ts !== undefined ? { ts: first.ts } : {}),
      timeSource: first.timeSource,
    };
    this.tasks.push(task);
    const dump = this.trigger.dump;
    if (dump && (source === this.trigger.kind || source === 'blocker')) (dump.taskIndexes as number[]).push(task.index);
  }
}

/** Junk, a frame cut short, or several records run together (their line breaks lost). */
function isDamaged(text: string): boolean {
  return DAMAGED.test(text) || text.length > 2048 || /\S\[\s*\d+\.\d{6}\]/.test(text);
}

/** A copy of `s` that does not share the memory of the string it was cut from. */
function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function isStackKind(k: LineKind): boolean {
  return k === 'Frame' || k === 'AddrFrame' || k === 'ArmFrame' || k === 'CallTrace' || k === 'StackOpen' || k === 'StackClose' || k === 'Register';
}

function startsItem(k: LineKind): boolean {
  return k === 'TaskHeader' || k === 'HungHeader' || k === 'ProcHeader' || k === 'SysrqHeader';
}

function clip(s: string): string {
  const t = s.trim().replace(/[\x00-\x1f\x7f]/g, '?');
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
