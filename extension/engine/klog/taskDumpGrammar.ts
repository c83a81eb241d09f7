/**
 * The task-dump grammar (Chevrotain): how the lines of a kernel log group into dumps. Its tokens are whole
 * lines, classified by logLine.ts; its rules say which lines belong to one task (a hung-task report with
 * its taint and echo lines, a sched_show_task header, the workqueue line, the stack with its markers,
 * frames and registers), to a /proc/PID/stack paste, a ps table, a lockdep or workqueue dump.
 *
 * Error recovery is on: a token the rules do not expect is skipped and reported (Chevrotain re-syncs),
 * so a damaged dump still yields its other tasks. The rules are deliberately permissive (a stack without
 * its header is an `orphan` item, not an error), and the assembler adds diagnostics for what is missing.
 * One parser instance is built once and reused, as Chevrotain recommends.
 */
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../decode/chevrotainRuntime';
import type { LineKind } from './logLine';

const { EmbeddedActionsParser, Lexer, createToken, createTokenInstance } = chevrotain;

const KINDS: readonly LineKind[] = [
  'SysrqHeader', 'HungHeader', 'Taint', 'Coredump', 'Echo', 'BlockerHint', 'Suppressed', 'TaskHeader',
  'PartialTaskHeader', 'ColumnHeader', 'Workqueue', 'TaskExtra', 'CallTrace', 'StackOpen', 'StackClose',
  'Frame', 'AddrFrame', 'ArmFrame', 'Register', 'ProcHeader', 'PsHeader', 'PsRow', 'LockdepHeader',
  'LockHolder', 'LockLine', 'LockdepEnd', 'WqDumpHeader', 'WqDumpLine', 'CpuHeader', 'NmiHeader', 'StateLine', 'Foreign', 'Other',
];

const T = Object.fromEntries(KINDS.map((k) => [k, createToken({ name: k, pattern: Lexer.NA })])) as Record<LineKind, TokenType>;

/** One grammar item: its kind and its tokens in order (token `startOffset` is the index of the line record). */
export type ItemKind = 'hung' | 'blocker' | 'task' | 'cpu' | 'proc' | 'ps' | 'lockdep' | 'wq' | 'orphan' | 'misc';
export interface DumpItem {
  readonly kind: ItemKind;
  readonly tokens: IToken[];
}

class TaskDumpParser extends EmbeddedActionsParser {
  constructor() {
    super(Object.values(T), { recoveryEnabled: true, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly log = this.RULE('log', (): DumpItem[] => {
    const items: DumpItem[] = [];
    this.MANY(() => {
      const item = this.OR([
        { ALT: () => this.SUBRULE(this.hung) },
        { ALT: () => this.SUBRULE(this.blocker) },
        { ALT: () => this.SUBRULE(this.task) },
        { ALT: () => this.SUBRULE(this.cpu) },
        { ALT: () => this.SUBRULE(this.proc) },
        { ALT: () => this.SUBRULE(this.ps) },
        { ALT: () => this.SUBRULE(this.lockdep) },
        { ALT: () => this.SUBRULE(this.wq) },
        { ALT: () => this.SUBRULE(this.orphan) },
        { ALT: () => this.SUBRULE(this.misc) },
      ]);
      this.ACTION(() => items.push(item));
    });
    return items;
  });

  /**
   * INFO: task … blocked for more than N seconds, its follow-up lines, then the task. A foreign line among
   * the follow-up lines (another CPU's message, a damaged line) does not split the report from its task.
   */
  private readonly hung = this.RULE('hung', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.HungHeader)];
    this.MANY(() =>
      toks.push(this.OR([{ ALT: () => this.CONSUME(T.Taint) }, { ALT: () => this.CONSUME(T.Coredump) }, { ALT: () => this.CONSUME(T.Echo) }, { ALT: () => this.CONSUME(T.Foreign) }])),
    );
    this.OPTION(() => toks.push(this.CONSUME(T.TaskHeader)));
    this.SUBRULE(this.body, { ARGS: [toks] });
    return { kind: 'hung', tokens: toks };
  });

  /** A 6.x blocker hint, then the owner's sched_show_task (absent when the owner is hung itself). */
  private readonly blocker = this.RULE('blocker', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.BlockerHint)];
    this.OPTION(() => {
      toks.push(this.CONSUME(T.TaskHeader));
      this.SUBRULE(this.body, { ARGS: [toks] });
    });
    return { kind: 'blocker', tokens: toks };
  });

  private readonly task = this.RULE('task', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.TaskHeader)];
    this.SUBRULE(this.body, { ARGS: [toks] });
    return { kind: 'task', tokens: toks };
  });

  /** dump_stack()/NMI backtrace of a running task: `CPU: 1 PID: 25394 Comm: …`. */
  private readonly cpu = this.RULE('cpu', (): DumpItem => {
    const toks: IToken[] = [];
    this.OR([
      {
        ALT: () => {
          toks.push(this.CONSUME(T.NmiHeader));
          this.OPTION(() => toks.push(this.CONSUME(T.CpuHeader)));
        },
      },
      { ALT: () => toks.push(this.CONSUME2(T.CpuHeader)) },
    ]);
    this.SUBRULE(this.body, { ARGS: [toks] });
    return { kind: 'cpu', tokens: toks };
  });

  /** The lines after a task header: workqueue, stopper, `Call Trace:`, markers, frames, registers. */
  private readonly body = this.RULE('body', (toks: IToken[]): void => {
    this.MANY(() => {
      const t = this.OR([
        { ALT: () => this.CONSUME(T.Workqueue) },
        { ALT: () => this.CONSUME(T.TaskExtra) },
        { ALT: () => this.CONSUME(T.CallTrace) },
        { ALT: () => this.CONSUME(T.StackOpen) },
        { ALT: () => this.CONSUME(T.StackClose) },
        { ALT: () => this.CONSUME(T.Frame) },
        { ALT: () => this.CONSUME(T.AddrFrame) },
        { ALT: () => this.CONSUME(T.ArmFrame) },
        { ALT: () => this.CONSUME(T.Register) },
        { ALT: () => this.CONSUME(T.Foreign) },
      ]);
      this.ACTION(() => toks.push(t));
    });
  });

  /** A /proc/PID/stack paste: an optional `cat /proc/N/stack` or snapshot header, then `[<0>] func+…` lines. */
  private readonly proc = this.RULE('proc', (): DumpItem => {
    const toks: IToken[] = [];
    this.OR([
      {
        ALT: () => {
          toks.push(this.CONSUME(T.ProcHeader));
          this.MANY(() => toks.push(this.OR2([{ ALT: () => this.CONSUME(T.AddrFrame) }, { ALT: () => this.CONSUME(T.Frame) }])));
        },
      },
      { ALT: () => this.AT_LEAST_ONE(() => toks.push(this.CONSUME2(T.AddrFrame))) },
    ]);
    return { kind: 'proc', tokens: toks };
  });

  private readonly ps = this.RULE('ps', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.PsHeader)];
    this.MANY(() => toks.push(this.CONSUME(T.PsRow)));
    return { kind: 'ps', tokens: toks };
  });

  private readonly lockdep = this.RULE('lockdep', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.LockdepHeader)];
    this.MANY(() => toks.push(this.OR([{ ALT: () => this.CONSUME(T.LockHolder) }, { ALT: () => this.CONSUME(T.LockLine) }, { ALT: () => this.CONSUME(T.Foreign) }])));
    this.OPTION(() => toks.push(this.CONSUME(T.LockdepEnd)));
    return { kind: 'lockdep', tokens: toks };
  });

  private readonly wq = this.RULE('wq', (): DumpItem => {
    const toks: IToken[] = [this.CONSUME(T.WqDumpHeader)];
    this.MANY(() => toks.push(this.OR([{ ALT: () => this.CONSUME(T.WqDumpLine) }, { ALT: () => this.CONSUME(T.Foreign) }])));
    return { kind: 'wq', tokens: toks };
  });

  /** Stack lines whose task header is missing (lost, or cut off by the paste). */
  private readonly orphan = this.RULE('orphan', (): DumpItem => {
    const toks: IToken[] = [];
    this.OR([
      { ALT: () => toks.push(this.CONSUME(T.CallTrace)) },
      { ALT: () => toks.push(this.CONSUME(T.StackOpen)) },
      { ALT: () => toks.push(this.CONSUME(T.StackClose)) },
      { ALT: () => toks.push(this.CONSUME(T.Frame)) },
      { ALT: () => toks.push(this.CONSUME(T.ArmFrame)) },
      { ALT: () => toks.push(this.CONSUME(T.Register)) },
      { ALT: () => toks.push(this.CONSUME(T.Workqueue)) },
      { ALT: () => toks.push(this.CONSUME(T.TaskExtra)) },
    ]);
    this.SUBRULE(this.body, { ARGS: [toks] });
    return { kind: 'orphan', tokens: toks };
  });

  private readonly misc = this.RULE('misc', (): DumpItem => {
    const t = this.OR([
      { ALT: () => this.CONSUME(T.SysrqHeader) },
      { ALT: () => this.CONSUME(T.Suppressed) },
      { ALT: () => this.CONSUME(T.ColumnHeader) },
      { ALT: () => this.CONSUME(T.PartialTaskHeader) },
      { ALT: () => this.CONSUME(T.Taint) },
      { ALT: () => this.CONSUME(T.Echo) },
      { ALT: () => this.CONSUME(T.Coredump) },
      { ALT: () => this.CONSUME(T.LockHolder) },
      { ALT: () => this.CONSUME(T.LockLine) },
      { ALT: () => this.CONSUME(T.LockdepEnd) },
      { ALT: () => this.CONSUME(T.WqDumpLine) },
      { ALT: () => this.CONSUME(T.PsRow) },
      { ALT: () => this.CONSUME(T.StateLine) },
      { ALT: () => this.CONSUME(T.Foreign) },
      { ALT: () => this.CONSUME(T.Other) },
    ]);
    return { kind: 'misc', tokens: [t] };
  });
}

let parser: TaskDumpParser | undefined;

/** A grammar error: the line (record index) of the token it happened at, and Chevrotain's message. */
export interface GrammarError {
  readonly record: number;
  readonly message: string;
}

/** Parses one region of line records (`kinds[i]` is the kind of record i) into items. */
export function parseRegion(kinds: readonly LineKind[]): { items: DumpItem[]; errors: GrammarError[] } {
  parser ??= new TaskDumpParser();
  const tokens: IToken[] = kinds.map((k, i) => createTokenInstance(T[k], k, i, i, i + 1, i + 1, 1, 1));
  parser.input = tokens;
  const items = parser.log();
  const errors = parser.errors.map((e) => ({ record: Number.isNaN(e.token.startOffset) ? kinds.length - 1 : e.token.startOffset, message: e.message }));
  return { items: items ?? [], errors };
}
