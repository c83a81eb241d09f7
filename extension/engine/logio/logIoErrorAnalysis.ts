/**
 * logIoErrorAnalysis: the kernel-log I/O error analysis of an `analyze` run: every log's I/O error lines
 * grouped by device (ioErrorGroups) and reported as `io-error` findings (logIoErrorFinding), and, when
 * traces of the same window are analysed too, each group linked to the traces' failed block requests
 * (traceIoLink): the log finding gets the trace lines as evidence, and the trace's own `io-error`
 * findings of the linked requests get the log lines (they are replaced in the report by amended copies;
 * the trace models keep theirs).
 */
import type { Finding } from '../contracts/finding';
import type { KernelLogResult } from '../klog/kernelLogParser';
import { groupIoErrors, wholeDisk } from './ioErrorGroups';
import { logIoErrorFinding } from './logIoErrorFinding';
import { amendTraceFindings, linkGroupToTraces, type GroupLink, type TraceIoInput } from './traceIoLink';

export type { TraceIoInput };

export interface LogIoInput {
  readonly file: string;
  readonly log: KernelLogResult;
}

export interface LogIoAnalysis {
  /** One `io-error` finding per device group of each log that has a failed I/O. */
  readonly findings: Finding[];
  /** Trace findings that gained kernel-log evidence: original -> amended copy. */
  readonly replaced: ReadonlyMap<Finding, Finding>;
}

export function analyzeLogIoErrors(logs: readonly LogIoInput[], traces: readonly TraceIoInput[]): LogIoAnalysis {
  const findings: Finding[] = [];
  const links: GroupLink[] = [];
  for (const { file, log } of logs) {
    const errors = log.ioErrors;
    for (const group of groupIoErrors(errors)) {
      if (!group.lines.some((l) => l.cls === 'io')) continue;
      let dropped = 0;
      for (const [k, n] of errors.dropped) if (wholeDisk(k) === group.device) dropped += n;
      const link = traces.length > 0 ? linkGroupToTraces(file, group, traces.map((t) => t.side)) : undefined;
      if (link) links.push(link);
      const f = logIoErrorFinding(file, group, dropped, link?.note);
      if (f) findings.push(f);
    }
  }
  return { findings, replaced: amendTraceFindings(links, traces) };
}
