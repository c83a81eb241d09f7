/**
 * renderText: the human form of an AnalysisReport: a short summary of each file, then the findings (each
 * with its first evidence lines and their roles on one line), then the request and latency tables, then the
 * event counts. Every line is escaped as a whole (textEscape.ts `textLines`): paths, buffer, task and event
 * names, messages and roles come from the input.
 */
import type { Finding } from '../contracts/finding';
import type { AnalysisReport, FileFacts, LatencyStats } from '../contracts/report';
import { textLines } from './textEscape';

function fmtTs(ns: number | null, counter: boolean): string {
  if (ns === null) return '-';
  if (counter) return String(ns);
  const s = Math.floor(ns / 1e9);
  const frac = String(Math.round(ns - s * 1e9)).padStart(9, '0');
  return `${s}.${frac}`;
}

function ms(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e3).toFixed(1)} µs`;
}

function latencyRow(label: string, l: LatencyStats | null, width: number): string {
  if (!l) return `  ${label.padEnd(width)}  ${'-'.padStart(8)}`;
  return `  ${label.padEnd(width)}  ${String(l.count).padStart(8)} ${ms(l.p50).padStart(10)} ${ms(l.p90).padStart(10)} ${ms(l.p99).padStart(10)} ${ms(l.max).padStart(10)}`;
}

/** At most this many evidence lines are listed per finding (the JSON has them all). */
const MAX_EVIDENCE_LISTED = 6;

/** `12 preadv2 entered; 14 preadv2 returned: 65536 of 262144; … (+9 more)`; lines of another file carry its name. */
function evidenceText(f: Finding): string {
  const shown = f.evidence.slice(0, MAX_EVIDENCE_LISTED).map((e) => `${e.file === f.file ? '' : `${e.file}:`}${e.line} ${e.role}`);
  const more = f.evidence.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; … (+${more} more)` : '');
}

/** `2 (header #P:2; events on CPUs 0, 1)`, `2 (no header states it: counted the CPUs with events (12, 13))`. */
function cpusText(f: FileFacts): string {
  const how = f.derived['cpus'];
  return how === undefined ? String(f.cpus) : `${f.cpus} (${how})`;
}

export function renderText(report: AnalysisReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    const counter = f.formatDetails.clock === 'counter';
    const span = f.firstTimestamp !== null && f.lastTimestamp !== null ? f.lastTimestamp - f.firstTimestamp : null;
    out.push(`${f.path}`);
    out.push(`  format      ${f.format}${f.formatDetails.instances.length > 0 ? ` (buffers: ${f.formatDetails.instances.join(', ')})` : ''}`);
    if (f.container) {
      const c = f.container;
      out.push(`  container   trace-cmd trace.dat, file version ${c.version}, compression ${c.compression}, ${c.fileBytes} bytes, ${c.records} records${c.gaps > 0 ? `, ${c.gaps} damaged parts skipped` : ''}; lines are those of \`trace-cmd report\``);
    }
    out.push(`  lines       ${f.lines}  events ${f.events}  skipped ${f.skippedLines}  cpus ${cpusText(f)}  lost ${f.lostEvents ?? 'unknown'}`);
    const lostHow = f.derived['lostEvents'];
    if (lostHow !== undefined) out.push(`  lost events ${lostHow}`);
    out.push(
      `  time        ${fmtTs(f.firstTimestamp, counter)} .. ${fmtTs(f.lastTimestamp, counter)}${span !== null && !counter ? `  (${(span / 1e9).toFixed(6)} s from the first to the last event)` : ''}`,
    );
  }
  out.push('');
  if (report.findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(`Findings (${report.findings.length})`);
    for (const f of report.findings) {
      out.push(`  ${f.file}:${f.line}: ${f.severity} [${f.kind}] ${f.message}`);
      if (f.evidence.length > 0) out.push(`      evidence: ${evidenceText(f)}`);
    }
  }
  if (report.taskGroups.length > 0) {
    out.push('');
    out.push(`Blocked tasks (${report.taskGroups.reduce((n, g) => n + g.tasks.length, 0)}; details: iolens tasks)`);
    for (const g of report.taskGroups) {
      const who = g.tasks.map((i) => report.tasks[i]!).map((t) => (t.pid !== undefined ? `${t.comm}:${t.pid}` : t.comm));
      out.push(`  ${g.title}: ${who.slice(0, 8).join(', ')}${who.length > 8 ? ', …' : ''}  (waits on ${g.waitsOn})`);
    }
  }
  const req = report.requests;
  if (req.total > 0) {
    out.push('');
    out.push(`Requests (${req.total})            count        p50        p90        p99        max`);
    const w = 28;
    for (const [layer, s] of Object.entries(req.byLayer)) {
      if (!s) continue;
      const ops = Object.entries(s.byOp)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ');
      out.push(latencyRow(`${layer} (${s.complete}/${s.total} complete)`, s.latency, w));
      out.push(`  ${''.padEnd(w)}  ${ops}`);
    }
    for (const dev of req.block) {
      out.push('');
      out.push(`Block latency ${dev.device} (btt)          count        p50        p90        p99        max`);
      for (const [stage, l] of Object.entries(dev.stages)) out.push(latencyRow(stage, l, w));
    }
  }
  const counts = Object.entries(report.eventCounts);
  if (counts.length > 0) {
    out.push('');
    out.push('Events');
    const width = Math.max(...counts.map(([k]) => k.length));
    for (const [name, n] of counts) out.push(`  ${name.padEnd(width)}  ${String(n).padStart(9)}`);
  }
  return textLines(out);
}
