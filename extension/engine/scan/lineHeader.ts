/**
 * LineHeader: what the scanners extract from one line of ftrace text, as byte positions and numbers.
 *
 * One instance is reused for every line (the hot path allocates nothing). Positions index the buffer
 * the line was scanned from and are only valid until the next line. Timestamps are split into
 * `tsHi` (whole units of 1e9 ns, i.e. seconds for ns clocks) and `tsLo` (0..999999999) so that raw
 * 20-digit counter values and long uptimes stay exact.
 */
export const LineKind = {
  /** Nothing but blanks. */
  Blank: 0,
  /** `# ...` header/comment line of the kernel `trace` file. */
  Comment: 1,
  /** An event record. */
  Event: 2,
  /** `CPU:N [LOST M EVENTS]`, `CPU:N [M EVENTS DROPPED]` and their count-less forms. */
  Lost: 3,
  /** `##### CPU N buffer started ####`. */
  BufferStarted: 4,
  /** trace-cmd preamble: `cpus=N`, `version = N`, `CPU N is empty`, `CPU:N [SUBBUFFER START]`. */
  Preamble: 5,
  /** Tool noise that stands for an undecodable record (`ug! no event found for type N`, `[UNKNOWN EVENT]`). */
  Noise: 6,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** How the event header was laid out. */
export const Layout = {
  /** `comm-pid [cpu] ts: ` (trace-cmd default, kernel with irq-info off). */
  Bracket: 0,
  /** `comm-pid [cpu] flags ts: ` (kernel formatter). */
  BracketFlags: 1,
  /** `comm-pid cpu+flags ts: ` (trace-cmd report -l, kernel latency-format). */
  Latency: 2,
} as const;
export type Layout = (typeof Layout)[keyof typeof Layout];

/** How the event name was written. */
export const EventForm = {
  Normal: 0,
  /** Kernel formatter `sys_read(fd: 3, ...)`: the event is `sys_enter_read`. */
  SysEnter: 1,
  /** Kernel formatter `sys_read -> 0x340`: the event is `sys_exit_read`. */
  SysExit: 2,
  /** Kernel formatter `tracing_mark_write: msg`: the event is `print`, payload includes the ip. */
  MarkWrite: 3,
  /** Function tracer `func <-parent`: the event is `function`. */
  Function: 4,
} as const;
export type EventForm = (typeof EventForm)[keyof typeof EventForm];

export class LineHeader {
  kind: LineKind = LineKind.Blank;
  layout: Layout = Layout.Bracket;
  form: EventForm = EventForm.Normal;
  /** trace-cmd buffer/file prefix (`inst_fmt: `), -1 when absent. */
  prefixStart = -1;
  prefixEnd = -1;
  commStart = 0;
  commEnd = 0;
  pid = 0;
  /** record-tgid column; -1 when absent or `(-------)`. */
  tgid = -1;
  cpu = 0;
  flagsStart = -1;
  flagsEnd = -1;
  tsHi = 0;
  tsLo = 0;
  /** Digits after the decimal point (6 = µs, 9 = ns); 0 for raw counter clocks. */
  tsFracDigits = 0;
  /** trace-cmd `--ts-diff` column present. */
  tsDiff = false;
  nameStart = 0;
  nameEnd = 0;
  payloadStart = 0;
  payloadEnd = 0;
  /** For Lost lines: the count, or -1 when unknown. For Preamble `cpus=N`: N. */
  count = -1;
  /** Human-readable reason for Noise lines. */
  note = '';
}
