/**
 * logLine: what one kernel-log message is, for the task-dump grammar. Each line becomes one token of a
 * kind (a task header, a frame, a register line…) with the fields the grammar's actions need. Patterns
 * follow kernel-formats.md §3 for kernels 5.4–6.18, plus older x86 address frames, the stacks of other
 * architectures (arm32 `(callee) from (caller+off/len [mod])` of every era, arm64 `Call trace:` with or
 * without 6.x `(P)`/`(L)`/`(T)` source marks, ppc64 `[sp] [pc] func+off/len (unreliable)`, MIPS/arm64 4.x
 * `[<addr>] func+off/len`), symbolised output (`decode_stacktrace.sh`, `faddr2line`'s `func at file:line`
 * with `(inlined by)` lines, syzkaller's `func file:line [inline]`), /proc/PID/stack, and what a paste
 * says about a task's state (`/proc/PID/stat`, `/proc/PID/status` `State:`, `ps` tables of any columns).
 *
 * Classification is whitespace-tolerant: pasted logs lose their indentation. Every pattern is anchored
 * and its repetitions are bounded or cannot overlap, so a line costs time linear in its length.
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
  | 'StateLine'
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
  /** StateLine: where the state was read (`/proc/PID/stat`, `/proc/PID/status`). */
  readonly stateFrom?: 'proc-stat' | 'proc-status';
  /** PsHeader: the table's columns (upper case), so that rows are read by position. */
  readonly columns?: readonly string[];
}

/** The hung-task header; 6.x khungtaskd may say `blocked in I/O wait for more than` (a task in io_schedule). */
const HUNG = /^INFO: task (.+):(\d+) blocked (?:in I\/O wait )?for more than (\d+) seconds\.?\s*$/;
/** The header cut by a mail client or a console (its end is on the next line). */
const HUNG_PARTIAL = /^INFO: task (.+):(\d+)(?: blocked(?: in(?: I\/O(?: wait)?)?)?(?: for(?: more(?: than)?(?: \d+)?)?)?)?\s*$/;
const BLOCKER =
  /^INFO: task (.+?):(\d+)(?: <(\w+)>)? (?:is )?blocked on an? (mutex|semaphore|rw-semaphore)(?:,? (?:but the (?:owner|last holder) is not found)|(?: likely (?:owned by|last held by) task (.+):(\d+)(?: <(\w+)>)?))\.?\s*$/;
/** The taint line; the release may be on the next line when a mail client wrapped it. */
const TAINT = /^(?:Not tainted|Tainted: [A-Z ]{0,40}?)(?:\s+(\d+\.\d+\S*)(?:\s+#\S*)?)?\s*$/;
/** The echo line, also cut by a mail client after the command (`... disables this` / `message.`). */
const ECHO = /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs"(?: disables(?: this(?: message\.?)?)?)?\s*$/;
const SYSRQ = /^(?:sysrq|SysRq ?): (?:SysRq : )?(Show Blocked State|Show State|Show Locks Held|Show backtrace of all active CPUs|Show Regs|Show Memory|Show Pending Timers|Show clockevent devices & pending hrtimers \(no others\)|[A-Z][\w &()/-]*)\s*$/;
/** The comm is `%-15.15s`: up to 15 characters and their padding (bounded, so a line of blanks stays linear). */
const TASK =
  /^task:(.{0,64}?)\s{0,64}state:\s{0,8}([RSDTtXZPIKW])(\s{1,8}running task)?\s{1,32}stack:\s{0,16}(\d{1,12})\s{1,32}pid:\s{0,16}(\d{1,10})(?:\s{1,32}tgid:\s{0,16}(\d{1,10}))?\s{1,32}ppid:\s{0,16}(\d{1,10})(?:\s{1,32}task_flags:\s{0,8}0x[0-9a-f]{1,16})?\s{1,32}flags:\s{0,8}0x[0-9a-f]{1,16}\s*$/;
const TASK_START = /^task:.*\bstate:/;
const COLUMNS_REST = /^\s*(running task\s+)?(?:[0-9a-f]{8,16}\s+)?(\d+)\s+(\d+)\s+(\d+)\s+0x[0-9a-f]+\s*$/;
/** 5.x prints `%c%5lu`: a five-digit free-stack count abuts the state (`kworker/u4:0    D12192     7      2 0x80004000`). */
const COLUMNS_LOOSE = /^(\S(?:.{0,14}?\S)?)\s+([RSDTtXZPI])(?:\s+|(?=\d))(running task\s+)?(?:[0-9a-f]{8,16}\s+)?(\d+)\s+(\d+)\s+(\d+)\s+0x[0-9a-f]+\s*$/;
const COLUMN_HEADER = /^task\s+(?:PC\s+)?stack\s+pid\s+father\s*$/;
const WORKQUEUE = /^Workqueue: (\S+) ([\w.$]+)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[([\w-]+)(?: [0-9a-f]+)?\])?(?: \((.*)\))?\s*$/;
const TASK_EXTRA = /^(?:Stopper: |Sched_ext: |Hardware name: |Modules linked in:|Blocked by coredump)/;
const CALL_TRACE = /^(?:Call Trace|Call trace|Backtrace|Exception stack|Stack)\s{0,8}:\s*$/i;
const MARKER = /^<(\/?)(TASK|IRQ|SOFTIRQ|NMI|#DF|#DB|#MC|#VC2?|ENTRY_TRAMPOLINE|EOI|EOE)>\s*$/;
const FUNC = String.raw`[A-Za-z_.$][\w.$]*`;
const OFF = String.raw`\+0x([0-9a-f]+)\/0x([0-9a-f]+)`;
const MOD = String.raw`(?: \[([\w-]+)(?: [0-9a-f]{20,})?\])?`;
const SRC = String.raw`(?: \(?[\w./+-]+\.[chS]:\d+(?::\d+)?(?: [\w./+-]+\.[chS]:\d+)*\)?(?: \(discriminator \d+\))?)?`;
/** arm64 6.x marks where the unwinder found a frame: `(P)` pc of a pt_regs, `(L)` its lr, `(T)` a task's saved pc. */
const SOURCE_MARK = String.raw`(?: \([A-Z]{1,2}\))?`;
const FRAME = new RegExp(String.raw`^(\? )?(${FUNC})${OFF}${MOD}${SRC}(?: ${FUNC}| \[inline\])?${SOURCE_MARK}\s*$`);
/** faddr2line / `addr2line -fi` style: `context_switch at kernel/sched/core.c:5376`, `? srso_alias_return_thunk at arch/x86/lib/retpoline.S:181`. */
const FRAME_AT = new RegExp(String.raw`^(\? )?(${FUNC})(?:${OFF})? at [\w./+-]{1,512}:\d{1,9}(?: \(discriminator \d{1,9}\))?\s*$`);
/** syzkaller-symbolised inline frame: `context_switch kernel/sched/core.c:5446 [inline]`. */
const FRAME_INLINE = new RegExp(String.raw`^(${FUNC}) [\w./+-]{1,512}:\d{1,9}(?::\d{1,9})? \[inline\]\s*$`);
/** ppc64: `[c000000a65f874b0] [c000000000021a1c] __switch_to+0x2dc/0x450`, the first one often `0xc00… (unreliable)`. */
const PPC_FRAME = new RegExp(String.raw`^\[[0-9a-f]{8,16}\] \[[0-9a-f]{8,16}\] (?:(${FUNC})${OFF}${MOD}|0x([0-9a-f]{1,16}))( \(unreliable\))?\s*$`);
/** decode_stacktrace.sh ≥5.x without offsets: `__schedule (kernel/sched/core.c:5298)` */
const FRAME_DECODED = new RegExp(String.raw`^(\? )?(${FUNC}) \([\w./+-]+\.[chS]:\d+.*\)(?: [\w-]+)?\s*$`);
const INLINED = new RegExp(String.raw`^(?:(${FUNC})(?:${OFF})? )?\(inlined by\) (${FUNC})`);
/** Module part of an arm32 parenthesis: `(btrfs_start_ordered_extent+0x128/0x158 [btrfs])`. */
const PMOD = String.raw`(?: \[([\w-]{1,64})\])?`;
const BARE_ADDR = /^(\? )?0x([0-9a-f]{8,16})\s*$/;
const ADDR_FRAME = new RegExp(String.raw`^\[<([0-9a-f]+)>\] (\? )?(${FUNC})(?:${OFF})?${MOD}\s*$`);
/** The end marker of a 4.x /proc/PID/stack (`[<ffffffffffffffff>] 0xffffffffffffffff`, hashed `[<0>] 0xffffffffffffffff`) and unresolved addresses. */
const ADDR_BARE = /^\[<[0-9a-f]{1,16}>\] (\? )?0x([0-9a-f]{1,16})\s*$/;
/**
 * arm32 frame-pointer / unwinder backtrace: `[<where>] (callee) from [<lr>] (caller+0x5c/0xe0)`. The callee
 * is the function executing at `where` (4.x+: `%ps`, no offset; 3.x: `%pS`, with one), the caller the
 * function `lr` returns into, with its offset; each carries ` [module]` inside its parentheses.
 */
const ARM32 = new RegExp(String.raw`^\[<[0-9a-f]{1,16}>\] \((${FUNC})(?:${OFF})?${PMOD}\) from \[<[0-9a-f]{1,16}>\] \((${FUNC})(?:${OFF})?${PMOD}\)\s*$`);
/** An arm32 line cut by a mail client or a console (the rest is on the next line). */
const ARM32_CUT = /^\[<[0-9a-f]{1,16}>\] (?:\(|\S{1,512}$)/;
/** arm32 6.x without addresses: `__schedule from schedule+0x20/0x134` (the caller always has its offset: `%pS`). */
const ARM32_NEW = new RegExp(String.raw`^(${FUNC})(?:${OFF})?${MOD} from (${FUNC})${OFF}${MOD}\s*$`);
const REGISTER =
  /^(?:(?:RIP|EIP|RSP|ESP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|EAX|EBX|ECX|EDX|ESI|EDI|EBP|R\d\d|FS|GS|CS|DS|CR\d|DR\d|PKRU|Code|pc|lr|sp|pstate|psr|ip|fp|r\d+|x\d+|ra|gp|tp|t\d|s\d+|a\d|epc|badaddr|status|cause|NIP|LR|CTR|XER|MSR|CFAR|DAR|DSISR|IRQMASK|SOFTE|TRAP|REGS|GPR\d\d)\s{0,8}: |(?:NIP|LR) {1,4}\[[0-9a-f]{1,16}\] |--- interrupt: |Instruction dump:|Function entered at \[<)/;
/** 4.x raw stack words after the task line; arm32 `r10:… r9:…`, `Exception stack(…)` and its hex rows. */
const STACK_WORDS = /^(?:(?:[0-9a-f]{16}|[0-9a-f]{8})(?: +(?:[0-9a-f]{16}|[0-9a-f]{8}|<[0-9a-f]{8,16}>))+|r\d+ ?:[0-9a-f]{8}(?: +\w+ ?:[0-9a-f]{8})*|Exception stack\(0x[0-9a-f]+ to 0x[0-9a-f]+\)|[0-9a-f]{3,4}:(?: +[0-9a-f]{8})+)\s*$/;
const PROC_HEADER = [
  /^--- task (\d+) \((.*)\) state (\S)/,
  /^[#$] (?:sudo )?(?:cat|more|less) \/proc\/(\d+)(?:\/task\/(\d+))?\/stack\s*$/,
  /^==> \/proc\/(\d+)(?:\/task\/(\d+))?\/stack <==\s*$/,
  /^\/proc\/(\d+)(?:\/task\/(\d+))?\/stack:\s*$/,
];
/**
 * A shell command that prints a /proc file of a task: `# cat /proc/4321/stack`, `$ sudo cat /proc/$(pidof
 * x)/status`, `root@host:~# cat /proc/`pidof x`/stat`. The pid is undefined when the command computes it.
 */
const PROMPT = String.raw`(?:\[[^\]]{1,64}\][#$] ?|[^\s#$\[]{0,64}[#$] ?)?`;
const PROC_CMD = new RegExp(String.raw`^${PROMPT}(?:sudo )?(?:cat|more|less|head|tail) {1,4}(?:-\S{1,8} {1,4})?\/proc\/([^\s/]{1,64}|\`[^\`]{1,64}\`|\$\([^)]{1,64}\))(?:\/task\/([^\s/]{1,64}))?\/(stack|stat|status)\s*$`);
/** A `ps` command (its output may have lost its header to a `| grep`): `# ps aux|grep x`, `[root@h ~]# ps -ax | grep dd`. */
const PS_CMD = new RegExp(String.raw`^${PROMPT}(?:sudo )?ps(?: {1,4}[-\w,:=%]{1,128}){0,8}(?: {0,4}\|.{0,200})?$`);
/** `/proc/PID/stat`: `4321 (btrfs-transacti) D 2 0 0 …` (the comm may hold blanks and parentheses). */
const PROC_STAT = /^(\d{1,10}) \((.{1,64})\) ([RSDTtXZPIKWx]) -?\d{1,10} -?\d{1,10} -?\d{1,10} /;
/** `/proc/PID/status`: `State:\tD (disk sleep)`, `Name:\tbtrfs-transacti`, `Pid:\t4321`. */
const STATUS_STATE = /^State:\s{1,8}([RSDTtXZPIKWx]) \(([a-z ]{1,24})\)\s*$/;
const STATUS_PID = /^Pid:\s{1,8}(\d{1,10})\s*$/;
const STATUS_NAME = /^Name:\s{1,8}(\S.{0,63}?)\s*$/;
/** A ps header: upper-case column names only, among them PID and a state column (STAT, S or STATE). */
const PS_HEADER = /^\s{0,16}(?:[A-Z%]{1,8}(?::\d{1,3})?\s{1,32}){1,24}[A-Z%]{1,8}\s*$/;
const PS_STATE_COLUMNS: ReadonlySet<string> = new Set(['STAT', 'S', 'STATE']);
const PS_PID_COLUMNS: ReadonlySet<string> = new Set(['TID', 'LWP', 'SPID']);
const PS_COMMAND_COLUMNS: ReadonlySet<string> = new Set(['COMMAND', 'CMD', 'COMM', 'ARGS', 'UCOMM']);
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
export function classifyLine(raw: string, inPsTable: boolean, psColumns?: readonly string[]): ClassifiedLine {
  const t = raw.trim();
  if (t.length === 0) return { kind: 'Other' };
  if (t.length > 4096) return { kind: 'Other' };
  const c0 = t.charCodeAt(0);
  let m: RegExpExecArray | null;

  // Frames first: they are most of a dump.
  if ((m = FRAME.exec(t))) return { kind: 'Frame', frame: frame(m[1], m[2]!, m[3], m[4], m[5]) };
  if (c0 === 0x5b /* [ */) {
    if ((m = ADDR_FRAME.exec(t))) return { kind: 'AddrFrame', frame: frame(m[2], m[3]!, m[4], m[5], m[6]) };
    if ((m = ADDR_BARE.exec(t))) return { kind: 'AddrFrame', frame: { func: `0x${m[2]!}`, reliable: m[1] === undefined } };
    if ((m = ARM32.exec(t))) return { kind: 'ArmFrame', frame: { ...frame(undefined, m[1]!, m[2], m[3], m[4]), caller: frame(undefined, m[5]!, m[6], m[7], m[8]) } };
    if ((m = PPC_FRAME.exec(t))) {
      const unreliable = m[6] !== undefined ? '?' : undefined;
      return { kind: 'Frame', frame: m[1] !== undefined ? frame(unreliable, m[1], m[2], m[3], m[4]) : { func: `0x${m[5]!}`, reliable: unreliable === undefined } };
    }
  }
  if ((m = BARE_ADDR.exec(t))) return { kind: 'Frame', frame: { func: `0x${m[2]!}`, reliable: m[1] === undefined } };
  if ((m = MARKER.exec(t))) return { kind: m[1] ? 'StackClose' : 'StackOpen', marker: m[2]! };
  if (t.includes('(inlined by)') && (m = INLINED.exec(t))) return { kind: 'Frame', frame: frame(undefined, m[4]!) };
  if ((m = FRAME_DECODED.exec(t))) return { kind: 'Frame', frame: frame(m[1], m[2]!) };
  if (t.includes(' at ') && (m = FRAME_AT.exec(t))) return { kind: 'Frame', frame: frame(m[1], m[2]!, m[3], m[4]) };
  if (t.endsWith('[inline]') && (m = FRAME_INLINE.exec(t))) return { kind: 'Frame', frame: frame(undefined, m[1]!) };
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
  if (t.includes('/stack')) {
    // `cat /proc/$(pidof x)/stack`: a stack paste whose pid the command computes (a stat line may give it).
    const pc = procContext(t);
    if (pc?.kind === 'cmd' && pc.file === 'stack') return { kind: 'ProcHeader', ...(pc.pid !== undefined ? { pid: pc.pid } : {}) };
  }
  if (c0 >= 0x41 && c0 <= 0x5a && PS_HEADER.test(t)) {
    const columns = t.split(/\s+/).map((c) => c.replace(/:\d+$/, ''));
    if (columns.includes('PID') && columns.some((c) => PS_STATE_COLUMNS.has(c))) return { kind: 'PsHeader', columns };
  }
  // A ps command: its rows follow, read without a header until a line is not one.
  if (t.length < 300 && /\bps\b/.test(t) && PS_CMD.test(t)) return { kind: 'PsHeader' };
  if (inPsTable) {
    const row = psRow(t, psColumns);
    if (row) return row;
  }
  if ((m = PROC_STAT.exec(t))) return { kind: 'StateLine', pid: Number(m[1]), comm: m[2]!, state: m[3]!, stateFrom: 'proc-stat' };
  if (c0 === 0x53 /* S */ && (m = STATUS_STATE.exec(t))) return { kind: 'StateLine', state: m[1]!, stateFrom: 'proc-status' };
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

/**
 * A row of a ps table read by the header's columns: the pid (the thread id when the table has one), the
 * state's first letter and the command. Rows with fewer fields than the columns before the command, or
 * without a pid and a state letter where the header puts them, are not rows.
 */
function psRow(t: string, columns: readonly string[] | undefined): ClassifiedLine | undefined {
  if (!columns) {
    // No header (a `ps … | grep x`): the pid is the first number, the state the first STAT-like field after it
    // among the next eight (`root 61679 20.1 0.0 2873604 17524 ? Sl 02:05 …`, `1348 pts/0 D 0:33 dd …`).
    const fields = t.split(/\s+/, 12);
    const p = fields.findIndex((f) => /^\d{1,10}$/.test(f));
    if (p < 0 || p > 1) return undefined;
    for (let i = p + 1; i < Math.min(fields.length, p + 9); i++) {
      if (/^[RSDTtXZPIWK][<NLsl+]{0,5}$/.test(fields[i]!)) return { kind: 'PsRow', pid: Number(fields[p]), state: fields[i]!.charAt(0), comm: '?' };
    }
    return undefined;
  }
  const cmd = columns.findIndex((c) => PS_COMMAND_COLUMNS.has(c));
  const fields = t.split(/\s+/, cmd >= 0 && cmd === columns.length - 1 ? cmd : columns.length);
  const tid = columns.findIndex((c) => PS_PID_COLUMNS.has(c));
  const pidText = fields[tid >= 0 ? tid : columns.indexOf('PID')];
  const stateText = fields[columns.findIndex((c) => PS_STATE_COLUMNS.has(c))];
  if (pidText === undefined || stateText === undefined || !/^\d{1,10}$/.test(pidText) || !/^[RSDTtXZPIWK][A-Za-z<+]{0,6}$/.test(stateText)) return undefined;
  let comm = '?';
  if (cmd >= 0 && cmd === columns.length - 1) {
    // The command is the rest of the line after the other columns (it may hold blanks and a tree).
    let at = 0;
    for (let i = 0; i < cmd; i++) {
      at = t.indexOf(fields[i]!, at) + fields[i]!.length;
    }
    comm = t.slice(at).trim();
  } else if (cmd >= 0) comm = fields[cmd] ?? '?';
  comm = comm.replace(/^[\s|\\_]{0,64}/, '').replace(/^\[(.{1,64})\]$/, '$1').split(' ')[0] ?? '?';
  return { kind: 'PsRow', pid: Number(pidText), state: stateText.charAt(0), comm: comm === '' ? '?' : comm };
}

/** A line of a paste that prints /proc files: the command, or the `Pid:`/`Name:` lines of a status file. */
export type ProcContext = { readonly kind: 'cmd'; readonly pid?: number; readonly file: 'stack' | 'stat' | 'status' } | { readonly kind: 'pid'; readonly pid: number } | { readonly kind: 'name'; readonly name: string };

/** The /proc context a line gives (cheap first-character checks; undefined for most lines). */
export function procContext(raw: string): ProcContext | undefined {
  let i = 0;
  while (i < raw.length && i < 64 && (raw.charCodeAt(i) === 0x20 || raw.charCodeAt(i) === 0x09)) i++;
  const first = raw.charCodeAt(i);
  if (first !== 0x50 /* P */ && first !== 0x4e /* N */ && (raw.length >= 400 || !raw.includes('/proc/'))) return undefined;
  const t = raw.trim();
  const c0 = t.charCodeAt(0);
  let m: RegExpExecArray | null;
  if (c0 === 0x50 /* P */ && (m = STATUS_PID.exec(t))) return { kind: 'pid', pid: Number(m[1]) };
  if (c0 === 0x4e /* N */ && (m = STATUS_NAME.exec(t))) return { kind: 'name', name: m[1]! };
  if (t.length < 400 && t.includes('/proc/') && (m = PROC_CMD.exec(t))) {
    const id = m[2] ?? m[1]!;
    return { kind: 'cmd', file: m[3] as 'stack' | 'stat' | 'status', ...(/^\d{1,10}$/.test(id) ? { pid: Number(id) } : {}) };
  }
  return undefined;
}

/** True for an arm32 frame line cut short (its caller is on the next line). */
export function isCutArmFrame(t: string): boolean {
  return ARM32_CUT.test(t) || / from$/.test(t);
}

/**
 * What a line continues when it only holds the tail of the line above (a mail client or console wrapped
 * it): ` [btrfs]` / `[btrfs])` after a frame, `(unreliable)` after a ppc64 frame, `message.` after the echo
 * line, the release after a taint line.
 */
export type LineTail = { readonly kind: 'module'; readonly module: string } | { readonly kind: 'mark' } | { readonly kind: 'echo' } | { readonly kind: 'release'; readonly kernel: string };

export function lineTail(prev: LineKind, raw: string): LineTail | undefined {
  const t = raw.trim();
  let m: RegExpExecArray | null;
  switch (prev) {
    case 'Frame':
    case 'AddrFrame':
    case 'ArmFrame':
    case 'Workqueue':
      if ((m = /^\[([A-Za-z_][\w-]{0,63})(?: [0-9a-f]{20,64})?\]\)?$/.exec(t))) return { kind: 'module', module: m[1]! };
      if (/^\((?:unreliable|[A-Z]{1,2})\)$/.test(t)) return { kind: 'mark' };
      return undefined;
    case 'Echo':
      return /^(?:disables )?(?:this )?message\.?$/.test(t) ? { kind: 'echo' } : undefined;
    case 'Taint':
      return (m = /^(\d{1,3}\.\d{1,3}\S{0,128})(?:\s{1,8}#\S{0,64})?$/.exec(t)) ? { kind: 'release', kernel: m[1]! } : undefined;
    default:
      return undefined;
  }
}

