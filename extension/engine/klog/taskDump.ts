/**
 * The kernel-log model: tasks printed by sysrq-w/sysrq-t, hung-task reports, blocker hints and
 * /proc/PID/stack snapshots, each with its frames and the log lines it came from. This is the JSON
 * contract of `tasks[]` in `iolens analyze --format json` and of `iolens tasks`.
 */

/** Where a task's stack came from. */
export type TaskSource =
  | 'sysrq-w' // sysrq: Show Blocked State
  | 'sysrq-t' // sysrq: Show State
  | 'hung-task' // INFO: task NAME:PID blocked for more than N seconds.
  | 'blocker' // the owner printed after a 6.x blocker hint
  | 'proc-stack' // /proc/PID/stack snapshot
  | 'dump'; // a task dump with no recognised trigger (pasted, or its header was lost)

/** How the log line was stamped. */
export type TimeSource = 'monotonic' | 'wall-clock' | 'none';

export interface StackFrame {
  /** Function name, e.g. `btrfs_start_ordered_extent`, `foo.isra.0`; `0xffffffffc0a1b2c3` for an unresolved address. */
  readonly func: string;
  readonly offset?: number;
  readonly size?: number;
  readonly module?: string;
  /** False for `? ` frames found by stack scanning: kept, but never used for attribution. */
  readonly reliable: boolean;
  /** Stack the frame was printed on: `TASK` (default), `IRQ`, `SOFTIRQ`, `NMI`, … */
  readonly stack?: string;
  /** 1-based line in the log. */
  readonly line: number;
}

export interface BlockerHint {
  readonly lock: 'mutex' | 'semaphore' | 'rw-semaphore';
  /** Role of the waiter / owner for rw-semaphores (`reader`, `writer`). */
  readonly role?: string;
  readonly ownerComm?: string;
  readonly ownerPid?: number;
  readonly ownerRole?: string;
  readonly line: number;
}

export interface DumpedTask {
  /** Index in the file's task list (0-based), stable for one analysis. */
  readonly index: number;
  readonly comm: string;
  /** Undefined only for a /proc stack with no pid anywhere near it. */
  readonly pid?: number;
  readonly tgid?: number;
  readonly ppid?: number;
  /** task_state_to_char: R S D T t X Z P I; `?` when the log does not say. */
  readonly state: string;
  readonly running: boolean;
  readonly workqueue?: { readonly name: string; readonly func: string; readonly module?: string; readonly desc?: string };
  readonly frames: readonly StackFrame[];
  /** `RIP:`, `Code:`, register dump and other lines kept with the task, not frames. */
  readonly extra: readonly { readonly line: number; readonly text: string }[];
  readonly source: TaskSource;
  /** From `blocked for more than N seconds`. */
  readonly hungSeconds?: number;
  readonly blocker?: BlockerHint;
  /** Kernel release from the taint line of a hung-task report (`6.18.44-fc-v657`). */
  readonly kernel?: string;
  /** 1-based, inclusive. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Log timestamp of the task's first line: seconds since boot, or Unix seconds for wall-clock stamps. */
  readonly ts?: number;
  readonly timeSource: TimeSource;
}

/** One trigger in the log and the tasks it printed. */
export interface TaskDump {
  readonly kind: TaskSource;
  readonly line: number;
  readonly ts?: number;
  readonly taskIndexes: readonly number[];
}
