/** renderText: the human form of an AnalysisReport (summary first, then findings). */
import type { AnalysisReport } from './analysisReport';

function fmtTs(ns: number | null, counter: boolean): string {
  if (ns === null) return '-';
  if (counter) return String(ns);
  const s = Math.floor(ns / 1e9);
  const frac = String(Math.round(ns - s * 1e9)).padStart(9, '0');
  return `${s}.${frac}`;
}

export function renderText(report: AnalysisReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    const counter = f.formatDetails.clock === 'counter';
    const span = f.firstTimestamp !== null && f.lastTimestamp !== null ? f.lastTimestamp - f.firstTimestamp : null;
    out.push(`${f.path}`);
    out.push(`  format      ${f.format}${f.formatDetails.instances.length > 0 ? ` (buffers: ${f.formatDetails.instances.join(', ')})` : ''}`);
    out.push(`  lines       ${f.lines}  events ${f.events}  skipped ${f.skippedLines}  cpus ${f.cpus}  lost ${f.lostEvents ?? 'unknown'}`);
    out.push(
      `  time        ${fmtTs(f.firstTimestamp, counter)} .. ${fmtTs(f.lastTimestamp, counter)}${span !== null && !counter ? `  (${(span / 1e9).toFixed(6)} s)` : ''}`,
    );
  }
  const counts = Object.entries(report.eventCounts);
  if (counts.length > 0) {
    out.push('');
    out.push('Events');
    const width = Math.max(...counts.map(([k]) => k.length));
    for (const [name, n] of counts) out.push(`  ${name.padEnd(width)}  ${String(n).padStart(9)}`);
  }
  out.push('');
  if (report.findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(`Findings (${report.findings.length})`);
    for (const f of report.findings) out.push(`  ${f.file}:${f.line}: ${f.severity} [${f.kind}] ${f.message}`);
  }
  return out.join('\n') + '\n';
}
