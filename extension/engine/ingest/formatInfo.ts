/**
 * FormatInfo: what an input file is, decided from its content (never from its name), and the votes the
 * ingester collects to decide it.
 */

/** Input formats. `trace-dat` (binary) is recognised but not read yet. */
export type InputFormat =
  | 'ftrace-kernel'
  | 'trace-cmd-report'
  | 'trace-cmd-report-latency'
  | 'trace-cmd-report-raw'
  | 'kernel-log'
  | 'trace-dat'
  | 'empty'
  | 'unknown';

/** Options of the layout that were seen, for the summary and for later analyses. */
export interface FormatDetails {
  /** `ns` for sec.usec clocks (local, global, boot, mono...), `counter` for raw counter clocks. */
  clock: 'ns' | 'counter';
  /** Digits after the decimal point of the timestamps (6, or 9 with `trace-cmd report -t`). */
  timestampDigits: number;
  recordTgid: boolean;
  irqInfo: boolean;
  tsDiff: boolean;
  /** trace-cmd buffer/file prefixes seen (`inst_fmt`), in order of first appearance. */
  instances: string[];
  /** `version = N` preamble, when printed. */
  traceCmdVersion: number | null;
  /** Kernel `# tracer:` header name, when present. */
  tracer: string | null;
}

export class FormatVotes {
  kernelHeader = false;
  traceCmdPreamble = false;
  latencyHeader = false;
  readonly layouts = [0, 0, 0];
  kernelSpellings = 0;
  rawPayloads = 0;
  templatePayloads = 0;
  kernelLogLines = 0;
  readonly details: FormatDetails = {
    clock: 'ns',
    timestampDigits: 6,
    recordTgid: false,
    irqInfo: false,
    tsDiff: false,
    instances: [],
    traceCmdVersion: null,
    tracer: null,
  };

  decide(events: number, lines: number): InputFormat {
    if (lines === 0) return 'empty';
    if (events === 0) {
      if (this.kernelLogLines > 0) return 'kernel-log';
      if (this.kernelHeader) return 'ftrace-kernel';
      if (this.traceCmdPreamble) return 'trace-cmd-report';
      return 'unknown';
    }
    const [bracket, flags, latency] = this.layouts as [number, number, number];
    if (latency > bracket + flags) return this.kernelHeader || this.latencyHeader ? 'ftrace-kernel' : 'trace-cmd-report-latency';
    if (flags > bracket) return 'ftrace-kernel';
    if (this.kernelHeader || (this.kernelSpellings > 0 && !this.traceCmdPreamble)) return 'ftrace-kernel';
    if (this.rawPayloads > this.templatePayloads) return 'trace-cmd-report-raw';
    return 'trace-cmd-report';
  }
}

/** What is known about one input file: the `files[]` entry of the JSON contract (without its counts). */
export interface FileFacts {
  readonly path: string;
  readonly format: InputFormat;
  readonly formatDetails: FormatDetails;
  readonly bytes: number;
  readonly lines: number;
  readonly events: number;
  readonly skippedLines: number;
  readonly cpus: number;
  /** Sum of the lost/dropped counts the file states; null when markers exist but none gives a count. */
  readonly lostEvents: number | null;
  /** Absolute time of the earliest/latest event in ns (raw units for counter clocks); null without events. */
  readonly firstTimestamp: number | null;
  readonly lastTimestamp: number | null;
}
