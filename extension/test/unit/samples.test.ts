// Golden tests over samples/: every file of every sample against its expected.json, which was derived
// from trace-cmd's own output by the scripts in samples/record/ (not by this parser).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ingestFile } from '../../engine/ingest/ingestFile';
import { samplesDir } from './helpers/paths';

interface ExpectedFile {
  format: string;
  lines: number;
  events: number;
  skippedLines: number;
  cpus: number;
  lostEvents: number | null;
  eventCounts: Record<string, number>;
}
interface ExpectedFinding {
  kind: string;
  file: string;
  line: number;
  note?: string;
}
interface Expected {
  files: Record<string, ExpectedFile>;
  findings: ExpectedFinding[];
}

const INGEST_KINDS = new Set(['parse-error', 'lost-events', 'timestamp-disorder']);

for (const sample of readdirSync(samplesDir).sort()) {
  const expFile = path.join(samplesDir, sample, 'expected.json');
  if (!existsSync(expFile)) continue;
  const expected = JSON.parse(readFileSync(expFile, 'utf8')) as Expected;
  for (const [name, exp] of Object.entries(expected.files)) {
    test(`sample ${sample}/${name}`, async () => {
      const r = await ingestFile(path.join(samplesDir, sample, name), { decodeAll: true });
      if (exp.lines > 0) assert.equal(r.format, exp.format, 'format');
      assert.equal(r.lines, exp.lines, 'lines');
      assert.equal(r.events, exp.events, 'events');
      assert.equal(r.skippedLines, exp.skippedLines, `skippedLines: ${JSON.stringify(r.findings.filter((f) => f.kind === 'parse-error').slice(0, 3))}`);
      assert.equal(r.cpus, exp.cpus, 'cpus');
      assert.equal(r.lostEvents, exp.lostEvents, 'lostEvents');
      assert.deepEqual(Object.fromEntries([...r.eventCounts].sort()), Object.fromEntries(Object.entries(exp.eventCounts).sort()), 'eventCounts');
      // Findings of the ingest kinds: the same set of (kind, line), a run of skipped lines covering its lines.
      const ours = new Set<string>();
      for (const f of r.findings) {
        if (!INGEST_KINDS.has(f.kind) || f.details['scope'] === 'payload') continue;
        const last = typeof f.details['lastLine'] === 'number' ? f.details['lastLine'] : f.line;
        for (let l = f.line; l <= last; l++) ours.add(`${f.kind}:${l}`);
      }
      const theirs = new Set(expected.findings.filter((f) => f.file === name && INGEST_KINDS.has(f.kind)).map((f) => `${f.kind}:${f.line}`));
      assert.deepEqual([...ours].sort(), [...theirs].sort(), 'findings (kind:line)');
      const payloadErrors = r.findings.filter((f) => f.details['scope'] === 'payload');
      assert.deepEqual(payloadErrors, [], 'every payload of a known event decodes');
    });
  }
}
