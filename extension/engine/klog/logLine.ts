/**
 * logLine: what one kernel-log message is, for the task-dump grammar. Each line becomes one token of a
 * kind (a task header, a frame, a register line…) with the fields the grammar's actions need. Patterns
 * follow kernel-formats.md §3 for kernels 5.4–6.18, plus older x86 address frames, arm/arm64 stacks,
 * decode_stacktrace.sh output and /proc/PID/stack.
 *
 * Classification is whitespace-tolerant: pasted logs lose their indentation.
 */

export type LineKind =
  | 'SysrqHeader'
  | 'HungHeader'
  | 'Taint'
  | 'Coredump'
  | 'Echo'
  | 'BlockerHint'
  | 'Suppressed'
  | 'TaskHeader'
  | 'PartialTaskHeader'
  | 'ColumnHeader'
  | 'Workqueue'
  | 'TaskExtra'
  | 'CallTrace'
  | 'StackOpen'
  | 'StackClose'
  | 'Frame'
  | 'AddrFrame'
  | 'ArmFrame'
  | 'Register'
  | 'ProcHeader'
  | 'PsHeader'
  | 'PsRow'
  | 'LockdepHeader'
  | 'LockHolder'
  | 'LockLine'
  | 'LockdepEnd'
  | 'WqDumpHeader'
  | 'WqDumpLine'
  | 'CpuHeader'
  | 'NmiHeader'
  | 'Foreign'
  | 'Other';

export interface FrameData {
  readonly func: string;
  readonly offset?: number;
  readonly size?: number;
  readonly module?: string;
  readonly reliable: boolean;
  /** arm32 `(A) from (B)`: B, the caller. */
  readonly caller?: FrameData;
}

export interface TaskHeaderData {
  readonly comm: string;
  readonly state: string;
  readonly running: boolean;
  readonly pid: number;
  readonly ppid?: number;
  readonly tgid?: number;
}

export interface ClassifiedLine {
  readonly kind: LineKind;
  readonly task?: TaskHeaderData;
  readonly frame?: FrameData;
  /** HungHeader, BlockerHint, ProcHeader, LockHolder, CpuHeader, PsRow: the task named. */
  readonly comm?: string;
  readonly pid?: number;
  readonly seconds?: number;
  readonly sysrq?: string;
  readonly marker?: string;
  readonly workqueue?: { readonly name: string; readonly func: string; readonly module?: string; readonly desc?: string };
  readonly blocker?: { lock: 'mutex' | 'semaphore' | 'rw-semaphore'; role?: string; ownerComm?: string; ownerPid?: number; ownerRole?: string };
  readonly kernel?: string;
  readonly lock?: { readonly name: string; readonly at: string };
  readonly state?: string;
}

const HUNG = /^INFO: task (.+):(\d+) blocked for more than (\d+) seconds\.?\s*$/;
const HUNG_PARTIAL = /^INFO: task (.+):(\d+) blocked for more(?: than)?(?: \d+)?\s*$/;
const BLOCKER =
  /^INFO: task (.+?):(\d+)(?: <(\w+)>)? (?:is )?blocked on an? (mutex|semaphore|rw-semaphore)(?:,? (?:but the (?:owner|last holder) is not found)|(?: likely (?:owned by|last held by) task (.+):(\d+)(?: <(\w+)>)?))\.?\s*$/;
const TAINT = /^(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+\S*)(?:\s+#\S*)?\s*$/;
const ECHO = /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs" disables this message\.?\s*$/;
const SYSRQ = /^(?:sysrq|SysRq ?): (?:SysRq : )?(Show Blocked State|Show State|Show Locks Held|Show backtrace of all active CPUs|Show Regs|Show Memory|Show Pending Timers|Show clockevent devices & pending hrtimers \(no others\)|[A-Z][\w &()/-]*)\s*$/;
const TASK =
  /^task:(.*?)\s*state:\s*([RSDTtXZPIKW])(\s+running task)?\s+stack:\s*(\d+)\s+pid:\s*(\d+)(?:\s+tgid:\s*(\d+))?\s+ppid:\s*(\d+)(?:\s+task_flags:\s*0x[0-9a-f]+)?\s+flags:\s*0x[0-9a-f]+\s*$/;
const TASK_START = /^task:.*\bstate:/;
const COLUMNS_REST = /^\s*(running task\s+)?(?:[0-9a-f]{8,16}\s+)?(\d+)\s+(\d+)\s+(\d+)\s+0x[0-9a-f]+\s*$/;
const COLUMNS_LOOSE = /^(\S(?:.{0,14}?\S)?)\s+([RSDTtXZPI])\s+(running task\s+)?(?:[0-9a-f]{8,16}\s+)?(\d+)\s+(\d+)\s+(\d+)\s+0x[0-9a-f]+\s*$/;
const COLUMN_HEADER = /^task\s+(?:PC\s+)?stack\s+pid\s+father\s*$/;
const WORKQUEUE = /^Workqueue: (\S+) ([\w.$]+)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[([\w-]+)(?: [0-9a-f]+)?\])?(?: \((.*)\))?\s*$/;
const TASK_EXTRA = /^(?:Stopper: |Sched_ext: |Hardware name: |Modules linked in:|Blocked by coredump)/;
const CALL_TRACE = /^(?:Call Trace|Call trace|Backtrace|Exception stack|Stack)\s*:\s*$/i;
const MARKER = /^<(\/?)(TASK|IRQ|SOFTIRQ|NMI|#DF|#DB|#MC|#VC2?|ENTRY_TRAMPOLINE|EOI|EOE)>\s*$/;
const FUNC = String.raw`[A-Za-z_.$][\w.$]*`;
const OFF = String.raw`\+0x([0-9a-f]+)\/0x([0-9a-f]+)`;
const MOD = String.raw`(?: \[([\w-]+)(?: [0-9a-f]{20,})?\])?`;
const SRC = String.raw`(?: \(?[\w./+-]+\.[chS]:\d+(?::\d+)?(?: [\w./+-]+\.[chS]:\d+)*\)?(?: \(discriminator \d+\))?)?`;
const FRAME = new RegExp(String.raw`^(\? )?(${FUNC})${OFF}${MOD}${SRC}(?: ${FUNC})?\s*$`);
/** decode_stacktrace.sh ≥5.x without offsets: `__schedule (kernel/sched/core.c:5298)` */
const FRAME_DECODED = new RegExp(String.raw`^(\? )?(${FUNC}) \([\w./+-]+\.[chS]:\d+.*\)(?: [\w-]+)?\s*$`);
const INLINED = new RegExp(String.raw`^(?:(${FUNC})(?:${OFF})? )?\(inlined by\) (${FUNC})`);
const BARE_ADDR = /^(\? )?0x([0-9a-f]{8,16})\s*$/;
const ADDR_FRAME = new RegExp(String.raw`^\[<([0-9a-f]+)>\] (\? )?(${FUNC})(?:${OFF})?${MOD}\s*$`);
const ARM32 = new RegExp(String.raw`^\[<[0-9a-f]+>\] \((${FUNC})(?:${OFF})?\) from \[<[0-9a-f]+>\] \((${FUNC})(?:${OFF})?\)\s*$`);
const ARM32_NEW = new RegExp(String.raw`^(${FUNC})(?:${OFF})?${MOD} from (${FUNC})(?:${OFF})?${MOD}\s*$`);
const REGISTER =
  /^(?:(?:RIP|EIP|RSP|ESP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|EAX|EBX|ECX|EDX|ESI|EDI|EBP|R\d\d|FS|GS|CS|DS|CR\d|DR\d|PKRU|Code|pc|lr|sp|pstate|psr|ip|fp|r\d+|x\d+|ra|gp|tp|t\d|s\d+|a\d|epc|badaddr|status|cause)\s*: )/;
/** 4.x raw stack words after the task line; arm32 `r10:… r9:…`, `Exception stack(…)` and its hex rows. */
const STACK_WORDS = /^(?:(?:[0-9a-f]{16}|[0-9a-f]{8})(?: +(?:[0-9a-f]{16}|[0-9a-f]{8}|<[0-9a-f]{8,16}>))+|r\d+ ?:[0-9a-f]{8}(?: +\w+ ?:[0-9a-f]{8})*|Exception stack\(0x[0-9a-f]+ to 0x[0-9a-f]+\)|[0-9a-f]{3,4}:(?: +[0-9a-f]{8})+)\s*$/;
const PROC_HEADER = [
  /^--- task (\d+) \((.*)\) state (\S)/,
  /^[#$] (?:sudo )?(?:cat|more|less) \/proc\/(\d+)(?:\/task\/(\d+))?\/stack\s*$/,
  /^==> \/proc\/(\d+)(?:\/task\/(\d+))?\/stack <==\s*$/,
  /^\/proc\/(\d+)(?:\/task\/(\d+))?\/stack:\s*$/,
];
const PS_HEADER = /^\s*(?:USER\s+)?PID\s+(?:TID\s+)?(?:.*\s)?STAT\s+.*\b(?:COMMAND|CMD|COMM)\s*$/;
const LOCKDEP_HEADER = /^(?:Showing all locks held in the system:|INFO: lockdep is turned off\.)\s*$/;
const LOCK_HOLDER = /^(?:(\d+) locks? held by (.+)\/(\d+):|no locks held by (.+)\/(\d+)\.)\s*$/;
const LOCK_LINE = /^#(\d+):\s+(?:[0-9a-f]+ )?\((.+)\)\{[^}]*\}(?:-\{[^}]*\})?, at: (\S+)/;
const LOCKDEP_END = /^={20,}\s*$/;
const WQ_HEADER = /^Showing busy workqueues and worker pools:\s*$/;
const WQ_LINE = /^(?:workqueue \S+: flags=0x|pwq \d+: |pool \d+: |in-flight: |pending: |inactive: |delayed: |Showing backtraces of running workers)/;
const CPU_HEADER = /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.{1,20}?) (?:Not tainted|Tainted: )/;
const NMI_HEADER = /^NMI backtrace for cpu \d+/;
const SUPPRESSED = /^Future hung task reports are suppressed/;

function hex(s: string | undefined): number | undefined {
  return s === undefined ? undefined : parseInt(s, 16);
}

function frame(unreliable: string | undefined, func: string, off?: string, size?: string, mod?: string): FrameData {
  return {
    func,
    ...(off !== undefined ? { offset: hex(off)! } : {}),
    ...(size !== undefined ? { size: hex(size)! } : {}),
    ...(mod !== undefined ? { module: mod } : {}),
    reliable: unreliable === undefined,
  };
}

/** Classifies one message (prefix already stripped). `line` is the raw text for fixed-column formats. */
export function classifyLine(raw: string, inPsTable: boolean): ClassifiedLine {
  const t = raw.trim();
  if (t.length === 0) return { kind: 'Other' };
  if (t.length > 4096) return { kind: 'Other' };
  const c0 = t.charCodeAt(0);
  let m: RegExpExecArray | null;

  // Frames first: they are most of a dump.
  if ((m = FRAME.exec(t))) return { kind: 'Frame', frame: frame(m[1], m[2]!, m[3], m[4], m[5]) };
  if (c0 === 0x5b /* [ */) {
    if ((m = ADDR_FRAME.exec(t))) return { kind: 'AddrFrame', frame: frame(m[2], m[3]!, m[4], m[5], m[6]) };
    if ((m = ARM32.exec(t))) return { kind: 'ArmFrame', frame: { ...frame(undefined, m[1]!, m[2], m[3]), caller: frame(undefined, m[4]!, m[5], m[6]) } };
  }
  if ((m = BARE_ADDR.exec(t))) return { kind: 'Frame', frame: { func: `0x${m[2]!}`, reliable: m[1] === undefined } };
  if ((m = MARKER.exec(t))) return { kind: m[1] ? 'StackClose' : 'StackOpen', marker: m[2]! };
  if (t.includes('(inlined by)') && (m = INLINED.exec(t))) return { kind: 'Frame', frame: frame(undefined, m[4]!) };
  if ((m = FRAME_DECODED.exec(t))) return { kind: 'Frame', frame: frame(m[1], m[2]!) };
  if ((m = ARM32_NEW.exec(t))) return { kind: 'ArmFrame', frame: { ...frame(undefined, m[1]!, m[2], m[3], m[4]), caller: frame(undefined, m[5]!, m[6], m[7], m[8]) } };

  if (t.startsWith('task:')) {
    if ((m = TASK.exec(t))) {
      return {
        kind: 'TaskHeader',
        task: { comm: m[1]!.trimEnd(), state: m[2]!, running: m[3] !== undefined, pid: Number(m[5]), ppid: Number(m[7]), ...(m[6] ? { tgid: Number(m[6]) } : {}) },
      };
    }
    if (TASK_START.test(t) || /^task:\S/.test(t)) return { kind: 'PartialTaskHeader' };
  }
  if (t.startsWith('INFO: ')) {
    if ((m = HUNG.exec(t))) return { kind: 'HungHeader', comm: m[1]!, pid: Number(m[2]), seconds: Number(m[3]) };
    if ((m = BLOCKER.exec(t))) {
      return {
        kind: 'BlockerHint',
        comm: m[1]!,
        pid: Number(m[2]),
        blocker: {
          lock: m[4] as 'mutex' | 'semaphore' | 'rw-semaphore',
          ...(m[3] ? { role: m[3] } : {}),
          ...(m[5] ? { ownerComm: m[5] } : {}),
          ...(m[6] ? { ownerPid: Number(m[6]) } : {}),
          ...(m[7] ? { ownerRole: m[7] } : {}),
        },
      };
    }
    if (HUNG_PARTIAL.test(t)) return { kind: 'PartialTaskHeader' };
    if (LOCKDEP_HEADER.test(t)) return { kind: 'LockdepHeader' };
  }
  if ((m = TAINT.exec(t))) return { kind: 'Taint', kernel: m[1]! };
  if (ECHO.test(t)) return { kind: 'Echo' };
  if (t.startsWith('Blocked by coredump')) return { kind: 'Coredump' };
  if ((m = SYSRQ.exec(t))) return { kind: 'SysrqHeader', sysrq: m[1]! };
  if (SUPPRESSED.test(t)) return { kind: 'Suppressed' };
  if ((m = WORKQUEUE.exec(t))) {
    return { kind: 'Workqueue', workqueue: { name: m[1]!, func: m[2]!, ...(m[3] ? { module: m[3] } : {}), ...(m[4] ? { desc: m[4] } : {}) } };
  }
  if (CALL_TRACE.test(t)) return { kind: 'CallTrace' };
  if (REGISTER.test(t) || STACK_WORDS.test(t)) return { kind: 'Register' };
  if (TASK_EXTRA.test(t)) return { kind: 'TaskExtra' };
  if (COLUMN_HEADER.test(t)) return { kind: 'ColumnHeader' };
  for (const re of PROC_HEADER) {
    if ((m = re.exec(t))) {
      const pid = Number(m[2] && re !== PROC_HEADER[0] ? m[2] : m[1]);
      if (re === PROC_HEADER[0]) return { kind: 'ProcHeader', pid, comm: m[2]!, state: m[3]! };
      return { kind: 'ProcHeader', pid };
    }
  }
  if (PS_HEADER.test(t)) return { kind: 'PsHeader' };
  if (inPsTable) {
    const row = /^(\d+)\s+(?:(\d+)\s+)?([RSDTtXZPIW][A-Za-z<+]*)\s+(?:(\S+)\s+)?(.+?)\s*$/.exec(t);
    if (row) return { kind: 'PsRow', pid: Number(row[2] ?? row[1]), state: row[3]!.charAt(0), comm: row[5]! };
  }
  if (LOCKDEP_HEADER.test(t)) return { kind: 'LockdepHeader' };
  if ((m = LOCK_HOLDER.exec(t))) return { kind: 'LockHolder', comm: (m[2] ?? m[4])!, pid: Number(m[3] ?? m[5]) };
  if ((m = LOCK_LINE.exec(t))) return { kind: 'LockLine', lock: { name: m[2]!, at: m[3]! } };
  if (LOCKDEP_END.test(t)) return { kind: 'LockdepEnd' };
  if (WQ_HEADER.test(t)) return { kind: 'WqDumpHeader' };
  if (WQ_LINE.test(t)) return { kind: 'WqDumpLine' };
  if ((m = CPU_HEADER.exec(t))) return { kind: 'CpuHeader', pid: Number(m[2]), comm: m[3]! };
  if (NMI_HEADER.test(t)) return { kind: 'NmiHeader' };

  // 5.4–5.9 sched_show_task: `%-15.15s %c` then free stack, pid, ppid, flags. The comm is the first 15
  // columns (it may hold spaces); pasted text may have lost the padding, so a looser form follows.
  const fixed = raw.replace(/^\s+/, (s) => (s.length === 1 ? '' : s)).trimEnd();
  if (fixed.length > 17 && fixed.charCodeAt(15) === 0x20 && /[RSDTtXZPI]/.test(fixed.charAt(16)) && fixed.charCodeAt(17) === 0x20) {
    const rest = COLUMNS_REST.exec(fixed.slice(17));
    if (rest) return { kind: 'TaskHeader', task: { comm: fixed.slice(0, 15).trimEnd(), state: fixed.charAt(16), running: rest[1] !== undefined, pid: Number(rest[3]), ppid: Number(rest[4]) } };
  }
  if ((m = COLUMNS_LOOSE.exec(t))) {
    return { kind: 'TaskHeader', task: { comm: m[1]!, state: m[2]!, running: m[3] !== undefined, pid: Number(m[5]), ppid: Number(m[6]) } };
  }
  return { kind: 'Other' };
}

/** Fields a re-wrapped header line can continue with (`ppid:`, `flags:`, `120 seconds.`). */
export function continuesHeader(next: string): boolean {
  return /^\s*(?:stack:|pid:|tgid:|ppid:|task_flags:|flags:|than |\d+ seconds\.|seconds\.)/.test(next);
}

