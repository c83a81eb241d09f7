/**
 * renderSarif: SARIF 2.1.0 for code-scanning tools and CI. One rule per finding kind (described by the
 * catalog in contracts/findingKinds); each result points
 * at the trace line of the decisive event, with the evidence lines as related locations whose message is
 * the line's role (`block write request completed: -5 EIO`).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import type { AnalysisReport } from '../contracts/report';
import { describeKind } from '../contracts/findingKinds';

function level(f: Finding): 'error' | 'warning' | 'note' {
  return f.severity === 'info' ? 'note' : f.severity;
}

function location(file: string, line: number): JsonValue {
  return { physicalLocation: { artifactLocation: { uri: toUri(file) }, region: { startLine: line } } };
}

function toUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function renderSarif(report: AnalysisReport, toolVersion: string): string {
  const kinds = [...new Set(report.findings.map((f) => f.kind))].sort();
  const ruleIndex = new Map(kinds.map((k, i) => [k, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iolens',
            version: toolVersion,
            informationUri: 'https://example.invalid/iolens',
            rules: kinds.map((k) => ({ id: k, shortDescription: { text: describeKind(k) } })),
          },
        },
        artifacts: report.files.map((f) => ({
          location: { uri: toUri(f.path) },
          length: f.bytes,
          // The file's summary figures, with how the derived ones were obtained (the same facts as the JSON report).
          properties: { format: f.format, lines: f.lines, events: f.events, cpus: f.cpus, cpusFrom: f.cpusFrom, cpusSeen: f.cpusSeen, lostEvents: f.lostEvents, derived: f.derived },
        })),
        results: report.findings.map((f) => ({
          ruleId: f.kind,
          ruleIndex: ruleIndex.get(f.kind),
          level: level(f),
          message: { text: f.message },
          locations: [location(f.file, f.line)],
          relatedLocations: f.evidence.map((e, i) => ({ id: i, ...(location(e.file, e.line) as object), message: { text: e.role } })),
          properties: f.details,
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
