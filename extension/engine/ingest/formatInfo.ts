/**
 * FormatInfo: what an input file is, decided from its content (never from its name), and the votes the
 * ingester collects to decide it.
 */
import type { FormatDetails, InputFormat } from '../contracts/report';

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

