/**
 * KernelLogParser: reads a kernel log line by line (push API, so files stream from disk) and returns the
 * dumped tasks, the dumps that printed them, lock holders and diagnostics for lines it could not place,
 * and (through the IoErrorCollector) the log's I/O error lines.
 *
 * Pipeline: logPrefix strips reader prefixes → logLine classifies each message → lines that belong to a
 * dump are collected into a region (a run of dump lines, with up to two foreign lines inside, e.g. another
 * CPU's message) → the Chevrotain task-dump grammar groups the region into items → `assemble` turns items
 * into DumpedTasks. Lines a mail client or a console re-wrapped are joined first: a header broken in two
 * (a `task:` line before `ppid:`, an `INFO: task` line before `120 seconds.`), an arm32 frame broken
 * anywhere, a frame cut at the console's width, and a tail alone on the next line (` [btrfs]`,
 * `(unreliable)`, `message.`, the release of a taint line).
 *
 * A paste often says a task's state apart from its stack: `/proc/PID/stat` (third field), `/proc/PID/status`
 * (`State:`), a `ps` table. Those lines are kept (`StateRecord`) and, at the end, a task whose own report
 * prints no state takes the one given for its pid, or, when it has no pid, the one printed right next to
 * it; the task says where its state came from (`stateFrom`). Prose ("the thread is in D state") is not a
 * state source.
 *
 * Memory is bounded whatever the input: by the largest region (MAX_REGION records; the lines of an item
 * beyond it are counted and reported, not kept), by a frame budget (a stack keeps its top MAX_HEAD and
 * bottom MAX_TAIL frames; past FRAME_BUDGET frames in the log, new stacks keep only their top and bottom
 * few), by a cap on the tasks that are not blocked (MAX_OTHER_TASKS; blocked and stateless tasks are kept
 * up to MAX_TASKS), on register lines per task, on diagnostics, and on the length of interned names. Every
 * cut is reported as a diagnostic that says what was not kept.
 */
import type { BlockerHint, DumpedTask, StackFrame, StateSource, TaskDump, TaskSource, TimeSource } from '../contracts/report';
import { IoErrorCollector, type KlogIoErrors } from './ioErrorCollector';
import { classifyLine, continuesHeader, isCutArmFrame, lineTail, procContext, type ClassifiedLine, type FrameData, type LineKind } from './logLine';
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

/** A line that may continue on the next one (a wrapped header or frame), held back one line. */
interface Pending {
  readonly line: number;
  readonly endLine: number;
  readonly msg: LogMessage;
  readonly c: ClassifiedLine;
  readonly joins: number;
}

/** A task state stated by the paste (`/proc/PID/stat`, `/proc/PID/status`, a ps row), for stateless stacks. */
interface StateRecord {
  pid: number | undefined;
  readonly comm: string | undefined;
  readonly state: string;
  readonly line: number;
  readonly how: StateSource;
}

/**
 * Records of one region (lines that belong to dumps with no more than MAX_FOREIGN_RUN others between). A
 * region is parsed and dropped at the next item start past REGION_FLUSH records; only one item longer than
 * MAX_REGION lines is cut.
 */
/** C0 controls, DEL and C1 controls in a task name. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
const MAX_REGION = 20_000;
const REGION_FLUSH = 10_000;
const KMSG_DICT = /^ [A-Z][A-Z0-9_]*=/;
const MAX_FOREIGN_RUN = 2;
const DAMAGED = /[\x00-\x08\x0e-\x1f\x7f\ufffd]|^\??\s*[A-Za-z_][\w.]*(?:\+0x[0-9a-f]*(?:\/(?:0x[0-9a-f]*)?)?)?\s*$|^\[<[0-9a-f]*>?\]?/;
/** A frame cut short: one identifier, maybe with a partial `+0x…/0x…` (the console wrapped the rest). */
const CUT_FRAME = /^\??\s?[A-Za-z_][\w.]{0,511}(?:\+0x[0-9a-f]{0,16}(?:\/(?:0x[0-9a-f]{0,16})?)?)?$/;
/** ppc64 frame cut after its two addresses. */
const CUT_PPC = /^\[[0-9a-f]{8,16}\] \[[0-9a-f]{8,16}\]$/;
/** A frame whose ` [module <build id>]` was broken inside the brackets, a lone `?`, a `Workqueue:` without its function. */
const CUT_MODULE = /^(?:\? )?[A-Za-z_.$][\w.$]{0,255}\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16} \[[\w-]{1,64}$/;
const CUT_MISC = /^(?:\?|Workqueue: \S{1,64})$/;
/** The echo line of a hung-task report, which mail clients break inside its command. */
const ECHO_LINE = '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.';
/** A trace event line (`comm-pid [cpu] …`) in a file read as a kernel log. */
const TRACE_EVENT = /^\s{0,32}\S.{0,40}?-\d{1,10}\s{1,8}(?:\(\s{0,8}[\d-]{1,8}\)\s{1,8})?\[\d{3,4}\]\s/;

/** A stack keeps its top MAX_HEAD and bottom MAX_TAIL frames; the middle of a longer one is counted. */
const MAX_HEAD = 192;
const MAX_TAIL = 64;
/** Frames kept in full across one log; past it a new stack keeps its top and bottom few. */
const FRAME_BUDGET = 500_000;
const BUDGET_HEAD = 8;
const BUDGET_TAIL = 4;
/** Tasks kept: all blocked and stateless ones up to MAX_TASKS, the others up to MAX_OTHER_TASKS. */
const MAX_TASKS = 200_000;
const MAX_OTHER_TASKS = 20_000;
/** Register and other extra lines kept per task, and their length. */
const MAX_EXTRA = 48;
const MAX_EXTRA_CHARS = 256;
/** Interned names (functions, modules, comms) longer than this are cut (kernel symbols are < 512). */
const MAX_NAME = 256;
const MAX_COMM = 64;
const MAX_INTERNED = 200_000;
const MAX_DIAGNOSTICS = 5_000;
const MAX_STATE_RECORDS = 100_000;
const MAX_LOCKS = 100_000;
const MAX_DUMPS = 100_000;
/** A state line names a task without a pid only if it is printed at most this many lines from its stack. */
const STATE_REACH = 40;
/** A record's text longer than this is kept as a short copy (the full line would keep its slice alive). */
const MAX_RECORD_TEXT = 2048;

/** Options of a KernelLogParser. */
export interface KernelLogParserOptions {
  /** Year for stamps that print none (syslog, `dmesg -e`); default: this year. */
  readonly assumedYear?: number;
  /**
   * True when the parser reads the whole file (a file sniffed as a kernel log): lines that look like trace
   * events are then counted and reported, since nothing else reads them. False when it reads the non-event
   * lines of a trace.
   */
  readonly standalone?: boolean;
}

export class KernelLogParser {
  private readonly tasks: DumpedTask[] = [];
  private readonly sections: LogSection[] = [];
  private readonly dumps: TaskDump[] = [];
  private readonly locks: LockHeld[] = [];
  private readonly diagnostics: LogDiagnostic[] = [];
  private diagnosticsDropped = 0;
  private readonly states: StateRecord[] = [];
  private readonly names = new Map<string, string>();
  private region: LineRecord[] = [];
  private others: LineRecord[] = [];
  private pending: Pending | undefined;
  private lines = 0;
  private prefixedLines = 0;
  private inPs = false;
  private psColumns: readonly string[] | undefined;
  /** Whether the line before had a reader prefix (an unprefixed line under one is its wrapped rest). */
  private lastPrefixed = false;
  /** The last `cat /proc/X/…` command, `Name:` and `State:` of a pasted status file. */
  private procCmd: { pid: number | undefined; file: string; line: number } | undefined;
  private statusName: { name: string; line: number } | undefined;
  private statusState: StateRecord | undefined;
  /** Lines of the region's current item not kept (past MAX_REGION). */
  private regionCut: { first: number; last: number; count: number } | undefined;
  private framesKept = 0;
  private budgetCut: { line: number; tasks: number; frames: number } | undefined;
  private otherTasks = 0;
  private tasksCut: { line: number; count: number } | undefined;
  private traceLines: { first: number; count: number } | undefined;
  private statesCut: { line: number; count: number } | undefined;
  private readonly assumedYear: number;
  private readonly standalone: boolean;
  private trigger: { kind: TaskSource; dump: TaskDump | undefined } = { kind: 'dump', dump: undefined };
  private firstTs: number | undefined;
  private lastTs: number | undefined;
  private sawMonotonic = false;
  private sawWall = false;
  private readonly io = new IoErrorCollector();

  /** `assumedYear` (a number) is the year for stamps that print none; or the options. */
  constructor(options: number | KernelLogParserOptions = {}) {
    const o = typeof options === 'number' ? { assumedYear: options } : options;
    this.assumedYear = o.assumedYear ?? new Date().getUTCFullYear();
    this.standalone = o.standalone ?? false;
  }

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
      if (this.join(p, msg, line)) return;
      this.accept(p.line, p.endLine, p.msg, p.c);
    }
    // The tail of the line above, alone on this line (a mail client wrapped it), is part of that line.
    const prevPrefixed = this.lastPrefixed;
    this.lastPrefixed = msg.prefixed;
    if (!msg.prefixed && this.tail(msg.msg, line, prevPrefixed)) {
      this.lastPrefixed = prevPrefixed;
      return;
    }
    const c = classifyLine(msg.msg, this.inPs, this.psColumns);
    if (c.kind === 'PartialTaskHeader' || (c.kind === 'Other' && mayBeCut(msg))) {
      this.pending = { line, endLine: line, msg, c, joins: 0 };
      return;
    }
    this.accept(line, line, msg, c);
  }

  /** A line too long to read (it is reported, not parsed). */
  pushOverlong(line: number, bytes: number): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.accept(p.line, p.endLine, p.msg, p.c);
    }
    this.lines = line;
    this.diag({ line, endLine: line, severity: 'warning', message: `line of ${bytes} bytes is too long to be a kernel log line; skipped`, what: 'line too long for a kernel log' });
  }

  finish(): KernelLogResult {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.accept(p.line, p.endLine, p.msg, p.c);
    }
    this.flush();
    this.bindStates();
    this.reportCuts();
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
   * frame names repeat across thousands of tasks. Names are cut at `max` characters.
   */
  private intern(s: string, max = MAX_NAME): string {
    const k = s.length > max ? `${s.slice(0, max)}…` : s;
    let v = this.names.get(k);
    if (v === undefined) {
      v = flat(k);
      if (this.names.size < MAX_INTERNED) this.names.set(v, v);
    }
    return v;
  }

  /** Records a diagnostic, or counts it past MAX_DIAGNOSTICS. */
  private diag(d: LogDiagnostic): void {
    if (this.diagnostics.length < MAX_DIAGNOSTICS) this.diagnostics.push(d);
    else this.diagnosticsDropped++;
  }

  /**
   * Joins a held-back line with the next one when together they make the line the first was cut from
   * (a header, a frame). A continuation has no reader prefix of its own, except a `task:` header the
   * kernel split itself (pr_cont). Console wraps (no blank at the cut) are glued only behind a prefixed line.
   */
  private join(p: Pending, msg: LogMessage, line: number): boolean {
    const b = msg.msg.trim();
    if (b === '' || b.length > MAX_RECORD_TEXT) return false;
    const header = p.c.kind === 'PartialTaskHeader';
    if (msg.prefixed && !header) return false;
    const a = p.msg.msg.trimEnd();
    const candidates = header || !p.msg.prefixed ? [`${a} ${b}`] : [`${a} ${b}`, `${a}${b}`];
    for (const joined of candidates) {
      const jc = classifyLine(joined, false);
      if (header ? jc.kind === 'TaskHeader' || jc.kind === 'HungHeader' : JOINED_KINDS.has(jc.kind)) {
        this.accept(p.line, line, { ...p.msg, msg: joined }, jc);
        return true;
      }
      if (header && jc.kind === 'PartialTaskHeader' && p.joins < 3 && continuesHeader(b)) {
        this.pending = { line: p.line, endLine: line, msg: { ...p.msg, msg: joined }, c: jc, joins: p.joins + 1 };
        return true;
      }
    }
    return false;
  }

  /**
   * Absorbs a line that only holds the tail of the record above it (see lineTail), and, in a log whose
   * lines carry reader prefixes, an unprefixed line right under a register line (its wrapped rest).
   */
  private tail(text: string, line: number, prevPrefixed: boolean): boolean {
    const last = this.region[this.region.length - 1];
    if (!last || this.others.length > 0 || last.endLine !== line - 1) return false;
    if (prevPrefixed && (last.c.kind === 'Register' || last.c.kind === 'TaskExtra') && text.trim() !== '' && classifyLine(text, false).kind === 'Other') {
      this.region[this.region.length - 1] = { ...last, endLine: line };
      return true;
    }
    const t = lineTail(last.c.kind, text);
    if (!t) return false;
    let c = last.c;
    if (t.kind === 'module' && c.frame && c.frame.module === undefined && c.kind !== 'ArmFrame') c = { ...c, frame: { ...c.frame, module: t.module } };
    else if (t.kind === 'module' && c.workqueue && c.workqueue.module === undefined) c = { ...c, workqueue: { ...c.workqueue, module: t.module } };
    else if (t.kind === 'release' && c.kernel === undefined) c = { ...c, kernel: t.kernel };
    this.region[this.region.length - 1] = { ...last, endLine: line, c };
    return true;
  }

  private accept(line: number, endLine: number, msg: LogMessage, c: ClassifiedLine): void {
    if (c.kind === 'PsHeader') this.psColumns = c.columns;
    this.inPs = c.kind === 'PsHeader' || (this.inPs && c.kind === 'PsRow');
    if (c.kind === 'StateLine') {
      this.stateLine(line, c);
      c = { kind: 'Other' };
    } else if (c.kind === 'Other') this.otherLine(line, msg);
    const text = msg.msg.length > MAX_RECORD_TEXT ? flat(msg.msg.slice(0, MAX_RECORD_TEXT + 1)) : msg.msg;
    const rec: LineRecord = { line, endLine, text, c, timeSource: msg.timeSource, ...(msg.ts !== undefined ? { ts: msg.ts } : {}) };
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
    if (this.region.length >= REGION_FLUSH && startsItem(c.kind)) this.flush();
    else if (this.region.length >= MAX_REGION) {
      // One item longer than the region budget: its further lines are counted, not kept.
      this.others = [];
      if (this.regionCut) {
        this.regionCut.last = endLine;
        this.regionCut.count++;
      } else this.regionCut = { first: line, last: endLine, count: 1 };
      return;
    }
    if (this.others.length > 0) {
      for (const o of this.others) this.region.push({ ...o, c: { kind: 'Foreign' } });
      this.others = [];
    }
    this.region.push(rec);
  }

  /** What an Other line says besides: /proc context of a paste, a trace event in a log. */
  private otherLine(line: number, msg: LogMessage): void {
    const pc = procContext(msg.msg);
    if (pc) {
      if (pc.kind === 'cmd') {
        this.procCmd = { pid: pc.pid, file: pc.file, line };
        this.statusState = undefined;
      } else if (pc.kind === 'name') this.statusName = { name: pc.name, line };
      else if (pc.kind === 'pid' && this.statusState && this.statusState.pid === undefined && line - this.statusState.line <= 12) this.statusState.pid = pc.pid;
      return;
    }
    if (this.standalone && !msg.prefixed && TRACE_EVENT.test(msg.msg)) {
      if (this.traceLines) this.traceLines.count++;
      else this.traceLines = { first: line, count: 1 };
    }
  }

  /** A `/proc/PID/stat` line or the `State:` of a `/proc/PID/status` paste. */
  private stateLine(line: number, c: ClassifiedLine): void {
    if (c.stateFrom === 'proc-stat') {
      this.addState({ pid: c.pid, comm: c.comm, state: c.state!, line, how: 'proc-stat' });
      return;
    }
    const cmd = this.procCmd && this.procCmd.file === 'status' && line - this.procCmd.line <= 60 ? this.procCmd : undefined;
    const name = this.statusName && line - this.statusName.line <= 4 ? this.statusName.name : undefined;
    const rec: StateRecord = { pid: cmd?.pid, comm: name, state: c.state!, line, how: 'proc-status' };
    this.statusState = rec;
    this.addState(rec);
  }

  private addState(r: StateRecord): void {
    if (this.states.length < MAX_STATE_RECORDS) this.states.push(r);
    else this.statesCut ??= { line: r.line, count: 0 };
    if (this.statesCut) this.statesCut.count++;
  }

  private flush(): void {
    const region = this.region;
    this.region = [];
    this.others = [];
    if (this.regionCut) {
      const c = this.regionCut;
      this.regionCut = undefined;
      this.diag({
        line: c.first,
        endLine: c.last,
        severity: 'info',
        message: `${c.count} line(s) of one dump item were not kept: an item of more than ${MAX_REGION} lines is read up to that many (memory budget)`,
        what: 'dump lines not kept (memory budget)',
      });
    }
    if (region.length === 0) return;
    const { items, errors } = parseRegion(region.map((r) => r.c.kind));
    for (const e of errors) {
      const r = region[Math.min(e.record, region.length - 1)]!;
      this.diag({ line: r.line, endLine: r.endLine, severity: 'warning', message: `kernel log line not placed in a dump: ${e.message}`, what: 'line not placed in a dump' });
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
        // A ps COMMAND column is a command line (or a thread name), not the kernel comm: only the state is taken.
        for (const r of recs) if (r.c.kind === 'PsRow') this.addState({ pid: r.c.pid!, comm: undefined, state: r.c.state!, line: r.line, how: 'ps' });
        return;
      case 'lockdep':
        return this.lockdep(recs);
      case 'wq':
        this.foreignInside(recs, 'the workqueue dump');
        return;
      case 'orphan': {
        this.diag({
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
      if (kind !== 'dump') this.addDump(dump);
      this.trigger = { kind, dump: kind !== 'dump' ? dump : undefined };
    } else if (k === 'PartialTaskHeader') {
      this.diag({ line: r.line, endLine: r.endLine, severity: 'warning', message: `incomplete task header (cut or re-wrapped): ${clip(r.text)}`, what: 'incomplete task header' });
    } else if (k === 'Foreign' && isDamaged(r.text.trim()) && r.text.trim().length > 0) {
      this.diag({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line next to a dump: ${clip(r.text)}`, what: 'damaged line next to a dump' });
    } else if (k === 'LockHolder' || k === 'LockLine' || k === 'PsRow' || k === 'WqDumpLine') {
      this.diag({ line: r.line, endLine: r.endLine, severity: 'info', message: `${k} line outside its section: ${clip(r.text)}`, what: `${k} line outside its section` });
    }
  }

  private hung(recs: LineRecord[]): void {
    const h = recs[0]!;
    const header = recs.find((r) => r.c.kind === 'TaskHeader');
    const taint = recs.find((r) => r.c.kind === 'Taint');
    const comm = header?.c.task?.comm ?? h.c.comm!;
    if (!header && recs.some((r) => isStackKind(r.c.kind))) {
      this.diag({ line: h.line, endLine: h.endLine, severity: 'info', message: `hung-task report of ${h.c.comm}:${h.c.pid} has no task: line; its stack is taken as that task's`, what: 'hung-task report without a task: line' });
    }
    const dump: TaskDump = { kind: 'hung-task', line: h.line, ...(h.ts !== undefined ? { ts: h.ts } : {}), taskIndexes: [] };
    this.addDump(dump);
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
    // The pid of a `cat /proc/PID/stack` that printed nothing else (a `[<0>]` paste right under its command).
    const cmd = !hdr && this.procCmd?.file === 'stack' && this.procCmd.line >= recs[0]!.line - 2 ? this.procCmd : undefined;
    if (!hdr && !cmd && recs.length < 3 && !recs.some((r) => r.text.trimStart().startsWith('[<0>]'))) {
      // One or two `[<address>]` frames alone: the tail of a dump whose header is not in the text, not a /proc paste.
      this.diag({
        line: recs[0]!.line,
        endLine: recs[recs.length - 1]!.endLine,
        severity: 'warning',
        message: `${recs.length} stack line(s) without a task header (the header was lost or cut off), first: ${clip(recs[0]!.text)}`,
        what: 'stack lines without a task header',
      });
      return;
    }
    if (!this.trigger.dump || this.trigger.kind !== 'proc-stack') {
      const dump: TaskDump = { kind: 'proc-stack', line: recs[0]!.line, ...(recs[0]!.ts !== undefined ? { ts: recs[0]!.ts } : {}), taskIndexes: [] };
      this.addDump(dump);
      this.trigger = { kind: 'proc-stack', dump };
    }
    const pid = hdr?.c.pid ?? cmd?.pid;
    this.addTask('proc-stack', hdr?.c.comm ?? '?', pid, hdr?.c.state ?? '?', false, recs, recs[0]!, {});
  }

  private addDump(d: TaskDump): void {
    if (this.dumps.length < MAX_DUMPS) this.dumps.push(d);
  }

  private lockdep(recs: LineRecord[]): void {
    let holder: LineRecord | undefined;
    for (const r of recs) {
      if (r.c.kind === 'LockHolder') holder = r;
      else if (r.c.kind === 'LockLine' && holder && this.locks.length < MAX_LOCKS) {
        this.locks.push({ pid: holder.c.pid!, comm: this.intern(holder.c.comm!, MAX_COMM), name: this.intern(r.c.lock!.name), at: this.intern(r.c.lock!.at), line: r.line });
      }
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
      this.diag({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line inside ${where}: ${clip(r.text)}`, what: 'damaged line inside a dump' });
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
    const name = pid !== undefined ? `${comm}:${pid}` : comm;
    // A task name with control characters (NUL, DEL, escape sequences) is read, and reported: damage, or a
    // task that named itself so (it is shown escaped everywhere).
    const controls = CONTROL_CHARS.exec(comm);
    if (controls) {
      const shown = [...new Set(comm.match(CONTROL_CHARS_ALL) ?? [])].map((c) => `0x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(' ');
      this.diagnostics.push({ line: first.line, endLine: first.line, severity: 'warning', message: `task name of pid ${pid ?? '?'} holds control characters (${shown}): damaged, or a task that named itself so`, what: 'control characters in a task name' });
    }
    // Tasks that are not blocked (nor of unknown state) are of no use to the blocked-task analysis past a budget.
    const blockedOrUnknown = state === 'D' || state === '?';
    if (this.tasks.length >= MAX_TASKS || (!blockedOrUnknown && this.otherTasks >= MAX_OTHER_TASKS)) {
      if (this.tasksCut) this.tasksCut.count++;
      else this.tasksCut = { line: first.line, count: 1 };
      return;
    }
    if (!blockedOrUnknown) this.otherTasks++;
    const budget = this.framesKept >= FRAME_BUDGET;
    const stack = new FrameCollector(budget ? BUDGET_HEAD : MAX_HEAD, budget ? BUDGET_TAIL : MAX_TAIL);
    const extra: { line: number; text: string }[] = [];
    let extraDropped = 0;
    let marker: string | undefined;
    let workqueue: DumpedTask['workqueue'];
    let last = first;
    // arm32 `(A) from (B+off)`: A runs, B called it. B is the next line's A; its offset and module are on this line.
    let armCaller: { f: FrameData; line: number } | undefined;
    const pushFrame = (f: FrameData, line: number): void => {
      stack.push({
        func: this.intern(f.func),
        ...(f.offset !== undefined ? { offset: f.offset } : {}),
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(f.module !== undefined ? { module: this.intern(f.module) } : {}),
        reliable: f.reliable,
        ...(marker !== undefined && marker !== 'TASK' ? { stack: marker } : {}),
        line,
      });
    };
    for (const r of recs) {
      switch (r.c.kind) {
        case 'Frame':
        case 'AddrFrame':
          if (armCaller) pushFrame(armCaller.f, armCaller.line);
          armCaller = undefined;
          pushFrame(r.c.frame!, r.line);
          break;
        case 'ArmFrame': {
          const callee = r.c.frame!;
          if (armCaller && armCaller.f.func === callee.func) {
            // The same function, seen from its caller's line (offset, module) and as the callee here.
            const f = armCaller.f;
            pushFrame({ ...callee, ...(f.offset !== undefined && callee.offset === undefined ? { offset: f.offset, size: f.size } : {}), ...(callee.module === undefined && f.module !== undefined ? { module: f.module } : {}) }, r.line);
          } else {
            // A frame lost between the two lines: keep the caller the line above named.
            if (armCaller) pushFrame(armCaller.f, armCaller.line);
            pushFrame(callee, r.line);
          }
          armCaller = { f: callee.caller!, line: r.line };
          break;
        }
        case 'StackOpen':
          marker = r.c.marker;
          break;
        case 'StackClose':
          marker = r.c.marker === 'TASK' || marker === r.c.marker ? undefined : marker;
          break;
        case 'Workqueue':
          workqueue = r.c.workqueue;
          break;
        case 'Register':
        case 'TaskExtra':
          if (extra.length < MAX_EXTRA) extra.push({ line: r.line, text: flat(clipText(r.text.trim(), MAX_EXTRA_CHARS)) });
          else extraDropped++;
          break;
        case 'Foreign': {
          // An interleaved message of another writer is log text, not damage: only damaged lines are reported.
          if (isDamaged(r.text.trim())) {
            this.diag({ line: r.line, endLine: r.endLine, severity: 'warning', message: `damaged line in the stack of ${clip(name)}: ${clip(r.text)}`, what: 'damaged line in a stack' });
          }
          continue;
        }
        default:
          break;
      }
      last = r;
    }
    if (armCaller) pushFrame(armCaller.f, armCaller.line);
    const frames = stack.frames();
    this.framesKept += frames.length;
    if (stack.dropped > 0) {
      if (budget) {
        if (this.budgetCut) {
          this.budgetCut.tasks++;
          this.budgetCut.frames += stack.dropped;
        } else this.budgetCut = { line: first.line, tasks: 1, frames: stack.dropped };
      } else {
        this.diag({
          line: first.line,
          endLine: last.endLine,
          severity: 'info',
          message: `the stack of ${clip(name)} has ${stack.total} frames: its top ${MAX_HEAD} and bottom ${MAX_TAIL} are kept, the ${stack.dropped} between them are not (memory budget)`,
          what: 'stack frames not kept (memory budget)',
        });
      }
    }
    if (extraDropped > 0) {
      this.diag({ line: first.line, endLine: last.endLine, severity: 'info', message: `${clip(name)}: ${extraDropped} register line(s) past the first ${MAX_EXTRA} were not kept (memory budget)`, what: 'register lines not kept (memory budget)' });
    }
    if (frames.length === 0 && recs.some((r) => r.c.kind === 'CallTrace')) {
      this.diag({ line: first.line, endLine: last.endLine, severity: 'warning', message: `${clip(name)}: Call Trace with no frames (the dump was cut)`, what: 'Call Trace with no frames' });
    }
    if (workqueue) {
      workqueue = {
        ...workqueue,
        name: this.intern(workqueue.name),
        func: this.intern(workqueue.func),
        ...(workqueue.module ? { module: this.intern(workqueue.module) } : {}),
        ...(workqueue.desc ? { desc: flat(clipText(workqueue.desc, MAX_NAME)) } : {}),
      };
    }
    const task: DumpedTask = {
      index: this.tasks.length,
      comm: this.intern(comm, MAX_COMM),
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
      ...(more.kernel !== undefined ? { kernel: this.intern(more.kernel, MAX_COMM) } : {}),
      firstLine: first.line,
      lastLine: last.endLine,
      ...(first.ts !== undefined ? { ts: first.ts } : {}),
      timeSource: first.timeSource,
    };
    this.tasks.push(task);
    const dump = this.trigger.dump;
    if (dump && (source === this.trigger.kind || source === 'blocker')) (dump.taskIndexes as number[]).push(task.index);
  }

  /**
   * Gives a task whose report prints no state (a /proc stack, a bare dump) the state its paste states
   * elsewhere: the record of its pid nearest to it, else (no pid) a record printed right next to it with
   * no other task between. The task also takes the record's pid and comm when it has none.
   */
  private bindStates(): void {
    if (this.states.length === 0) return;
    // Records are in line order; so are the lists per pid.
    const byPid = new Map<number, StateRecord[]>();
    for (const r of this.states) {
      if (r.pid === undefined) continue;
      let l = byPid.get(r.pid);
      if (!l) byPid.set(r.pid, (l = []));
      l.push(r);
    }
    const tasks = this.tasks;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      if (t.state !== '?') continue;
      const near = (r: StateRecord): number => (r.line > t.lastLine ? r.line - t.lastLine : t.firstLine - r.line);
      let best = t.pid !== undefined ? nearestRecord(byPid.get(t.pid) ?? [], t.firstLine, t.lastLine) : undefined;
      if (!best) {
        // No record of its pid: one printed right next to it, with no other task between (and no other pid).
        const after = tasks[i + 1]?.firstLine ?? Infinity;
        const before = tasks[i - 1]?.lastLine ?? -Infinity;
        const ok = (r: StateRecord): boolean => (t.pid === undefined || r.pid === undefined) && near(r) <= STATE_REACH && ((r.line > t.lastLine && r.line < after) || (r.line < t.firstLine && r.line > before));
        const at = firstAfter(this.states, t.lastLine);
        for (let k = at; k < this.states.length && this.states[k]!.line - t.lastLine <= STATE_REACH; k++) {
          const r = this.states[k]!;
          if (ok(r) && (!best || near(r) < near(best))) best = r;
        }
        for (let k = firstAfter(this.states, t.firstLine - 1) - 1; k >= 0 && t.firstLine - this.states[k]!.line <= STATE_REACH; k--) {
          const r = this.states[k]!;
          if (ok(r) && (!best || near(r) < near(best))) best = r;
        }
      }
      if (!best) continue;
      const m = t as { state: string; stateFrom?: DumpedTask['stateFrom']; pid?: number; comm: string };
      m.state = best.state;
      m.stateFrom = { how: best.how, line: best.line };
      if (m.pid === undefined && best.pid !== undefined) m.pid = best.pid;
      if (m.comm === '?' && best.comm !== undefined) m.comm = this.intern(best.comm, MAX_COMM);
    }
  }

  /** The diagnostics of what the budgets cut, and of lines that look like trace events in a log. */
  private reportCuts(): void {
    if (this.budgetCut) {
      const c = this.budgetCut;
      this.diag({
        line: c.line,
        endLine: c.line,
        severity: 'info',
        message: `frame budget of ${FRAME_BUDGET} frames reached: from here on, ${c.tasks} stack(s) keep only their top ${BUDGET_HEAD} and bottom ${BUDGET_TAIL} frames (${c.frames} frames not kept)`,
        what: 'stack frames not kept (memory budget)',
      });
    }
    if (this.tasksCut) {
      const c = this.tasksCut;
      this.diag({
        line: c.line,
        endLine: c.line,
        severity: 'info',
        message: `${c.count} task(s) from here on were counted, not kept: a log keeps ${MAX_TASKS} tasks, of which at most ${MAX_OTHER_TASKS} that are not blocked (memory budget)`,
        what: 'tasks not kept (memory budget)',
      });
    }
    if (this.statesCut) {
      const c = this.statesCut;
      this.diag({
        line: c.line,
        endLine: c.line,
        severity: 'info',
        message: `${c.count} task state line(s) (/proc/PID/stat, status, ps) from here on were not kept: a log keeps ${MAX_STATE_RECORDS} (memory budget)`,
        what: 'state lines not kept (memory budget)',
      });
    }
    if (this.traceLines && this.traceLines.count > 1) {
      const c = this.traceLines;
      this.diag({
        line: c.first,
        endLine: c.first,
        severity: 'warning',
        message: `${c.count} line(s) from here on look like trace events, but the file was read as a kernel log (its head is one): analyse the trace part as a file of its own`,
        what: 'trace event lines in a kernel log',
      });
    }
    if (this.diagnosticsDropped > 0) {
      const lastLine = this.diagnostics[this.diagnostics.length - 1]?.line ?? 1;
      this.diagnostics.push({ line: lastLine, endLine: lastLine, severity: 'info', message: `${this.diagnosticsDropped} more diagnostic(s) not listed (the first ${MAX_DIAGNOSTICS} are)`, what: 'diagnostics not listed' });
    }
  }
}

/** Index of the first record printed after `line` (records in line order). */
function firstAfter(list: readonly StateRecord[], line: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.line > line) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The record of a list (in line order) printed nearest to the lines [first, last]. */
function nearestRecord(list: readonly StateRecord[], first: number, last: number): StateRecord | undefined {
  if (list.length === 0) return undefined;
  const k = firstAfter(list, last);
  const after = list[k];
  const before = list[firstAfter(list, first - 1) - 1];
  if (!after) return before;
  if (!before) return after;
  return after.line - last <= first - before.line ? after : before;
}

/** Collects a stack's frames, keeping its top `head` and bottom `tail` and counting the ones between. */
class FrameCollector {
  private readonly top: StackFrame[] = [];
  private readonly ring: StackFrame[] = [];
  private at = 0;
  total = 0;

  constructor(
    private readonly head: number,
    private readonly tail: number,
  ) {}

  push(f: StackFrame): void {
    this.total++;
    if (this.top.length < this.head) this.top.push(f);
    else if (this.ring.length < this.tail) this.ring.push(f);
    else {
      this.ring[this.at] = f;
      this.at = (this.at + 1) % this.tail;
    }
  }

  get dropped(): number {
    return this.total - this.top.length - this.ring.length;
  }

  frames(): StackFrame[] {
    return [...this.top, ...this.ring.slice(this.at), ...this.ring.slice(0, this.at)];
  }
}

/** What a held-back line may become when joined with the next one. */
const JOINED_KINDS: ReadonlySet<LineKind> = new Set<LineKind>(['Frame', 'AddrFrame', 'ArmFrame', 'Workqueue', 'Echo']);

/** True for a line a mail client or console may have cut (its rest on the next line). */
function mayBeCut(msg: LogMessage): boolean {
  const t = msg.msg.trim();
  if (t.length === 0 || t.length > 512) return false;
  const c0 = t.charCodeAt(0);
  if (c0 === 0x5b /* [ */) return isCutArmFrame(t) || CUT_PPC.test(t);
  if (c0 === 0x22 /* " */) return t.length >= 5 && ECHO_LINE.startsWith(t);
  if (t.endsWith(' from')) return isCutArmFrame(t);
  if (CUT_MISC.test(t) || CUT_MODULE.test(t)) return true;
  // A frame cut at the console's width: only behind a reader prefix (its rest then has none).
  return msg.prefixed && CUT_FRAME.test(t);
}

function clipText(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
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
