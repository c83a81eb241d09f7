/**
 * AnalysisReport: the stable JSON contract of `iolens analyze --format json`, built from ingest results.
 * Later analyses add top-level sections; existing fields keep their names and meaning.
 */
import type { Finding } from '../contracts/finding';
import type { AnalysisReport, FileSummary } from '../contracts/report';
import type { AnalyzedFile } from '../analyze';
import { mergeRequestReports } from '../analysis/mergeRequestReports';
import type { HangAnalysis } from '../hang/hangAnalysis';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function buildReport(analyzed: readonly AnalyzedFile[], hangs?: HangAnalysis): AnalysisReport {
  const eventCounts: Record<string, number> = {};
  const findings: Finding[] = [];
  const files: FileSummary[] = analyzed.map(({ ingest: r, analysis }) => {
    const perFile: Record<string, number> = {};
    for (const [name, n] of sortedCounts(r.eventCounts)) {
      perFile[name] = n;
      eventCounts[name] = (eventCounts[name] ?? 0) + n;
    }
    findings.push(...r.findings);
    if (analysis) findings.push(...analysis.findings);
    const { store: _store, findings: _findings, eventCounts: _counts, ...facts } = r;
    return { ...facts, eventCounts: perFile, ...(analysis ? { requests: analysis.requests } : {}) };
  });
  if (hangs) findings.push(...hangs.findings);
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.file.localeCompare(b.file) || a.line - b.line);
  const sorted: Record<string, number> = {};
  for (const [k, v] of sortedCounts(new Map(Object.entries(eventCounts)))) sorted[k] = v;
  const requests = mergeRequestReports(analyzed.flatMap((a) => (a.analysis ? [a.analysis.requestSet] : [])));
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
