/**
 * buildReport: the AnalysisReport (the stable JSON contract of `iolens analyze --format json`), built from
 * file models and the cross-file analyses.
 * Later analyses add top-level sections; existing fields keep their names and meaning.
 */
import type { Finding } from '../contracts/finding';
import type { AnalysisReport, FileSummary } from '../contracts/report';
import type { HangAnalysis } from '../hang/hangAnalysis';
import type { LogIoAnalysis } from '../logio/logIoErrorAnalysis';
import { requestsReport } from '../lifecycle/requestSummary';
import type { FileModel } from '../model/fileModel';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** `logIo`: the kernel logs' I/O error findings, and the trace findings they amend (replaced here by their amended copies). */
export function buildReport(models: readonly FileModel[], hangs?: HangAnalysis, logIo?: LogIoAnalysis): AnalysisReport {
  const eventCounts: Record<string, number> = {};
  const findings: Finding[] = [];
  const files: FileSummary[] = models.map((m) => {
    const r = m.ingest;
    const perFile: Record<string, number> = {};
    for (const [name, n] of sortedCounts(r.eventCounts)) {
      perFile[name] = n;
      eventCounts[name] = (eventCounts[name] ?? 0) + n;
    }
    findings.push(...r.findings);
    if (m.kind === 'trace') findings.push(...m.detectorFindings.map((f) => logIo?.replaced.get(f) ?? f));
    const { store: _store, findings: _findings, eventCounts: _counts, ...facts } = r;
    return { ...facts, eventCounts: perFile, ...(m.kind === 'trace' ? { requests: m.requestsReport } : {}) };
  });
  if (hangs) findings.push(...hangs.findings);
  if (logIo) findings.push(...logIo.findings);
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.file.localeCompare(b.file) || a.line - b.line);
  const sorted: Record<string, number> = {};
  for (const [k, v] of sortedCounts(new Map(Object.entries(eventCounts)))) sorted[k] = v;
  const requests = models.length === 1 && models[0]!.kind === 'trace' ? models[0]!.requestsReport : requestsReport(models.flatMap((m) => (m.kind === 'trace' ? [m.requests] : [])));
  return {
    files,
    eventCounts: sorted,
    findings,
    requests,
    tasks: hangs?.tasks ?? [],
    taskGroups: hangs?.taskGroups ?? [],
    waitGraph: hangs?.waitGraph ?? { nodes: [], edges: [], cycles: [] },
    alignments: hangs?.alignments ?? [],
  };
}

function sortedCounts(m: ReadonlyMap<string, number>): [string, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
