/**
 * renderSarif: SARIF 2.1.0 for code-scanning tools and CI. One rule per finding kind; each result points
 * at the trace line of the decisive event, with the evidence lines as related locations.
 */
import type { Finding, JsonValue } from '../analysis/finding';
import { detectorDescriptions } from '../analysis/analysisRegistry';
import type { AnalysisReport } from './analysisReport';
import { HANG_FINDING_DESCRIPTIONS } from '../hang/hangAnalysis';

const RULES: Record<string, string> = {
  'parse-error': 'A line or payload of the input could not be read and was skipped.',
  'lost-events': 'The trace lost events (ring buffer overrun or dropped records); analyses across the gap are incomplete.',
  'timestamp-disorder': 'Timestamps go backwards within one CPU.',
  ...HANG_FINDING_DESCRIPTIONS,
};

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
  const descriptions = detectorDescriptions();
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
            rules: kinds.map((k) => ({ id: k, shortDescription: { text: RULES[k] ?? descriptions[k] ?? k } })),
          },
        },
        artifacts: report.files.map((f) => ({ location: { uri: toUri(f.path) }, length: f.bytes })),
        results: report.findings.map((f) => ({
          ruleId: f.kind,
          ruleIndex: ruleIndex.get(f.kind),
          level: level(f),
          message: { text: f.message },
          locations: [location(f.file, f.line)],
          relatedLocations: f.evidence.map((e, i) => ({ id: i, ...(location(e.file, e.line) as object) })),
          properties: f.details,
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
