// The findings of every sample input against its ground truth: `findingTruth` in samples/*/expected.json, the
// findings iolens should report ({file, kind, line, why}: the decisive line of each), which
// samples/record/expected.py derives from the raw files and the workloads with finding_truth.py (never from iolens
// output), and `findingTruthFiles`, the inputs that were judged (a file without entries must give no finding).
// Each file is analysed alone, in process; per finding kind of the detectors and of the kernel-log analysis, the
// lines found must be the lines of the truth. (The ingest kinds, parse-error / lost-events / timestamp-disorder,
// are checked by samples.test.ts and kernelLogForms.test.ts; samples/record/score.mjs scores all kinds.)
// Cases that fail because of known detector bugs are `todo` so the suite stays green; the fixes turn them on.
import type { Finding } from '../../engine/contracts/finding';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeFiles, closeModel } from '../../engine/analyze';
import { FINDING_KINDS, type FindingKindInfo } from '../../engine/contracts/findingKinds';
import { samplesDir } from './helpers/paths';

interface TruthEntry {
  readonly file: string;
  readonly kind: string;
  readonly line: number;
  readonly why: string;
}
interface Expected {
  readonly findingTruth?: readonly TruthEntry[];
  readonly findingTruthFiles?: readonly string[];
}

/** The kinds checked here: every kind that is not an ingest kind. */
const KINDS = (Object.entries(FINDING_KINDS) as [string, FindingKindInfo][]).filter(([, k]) => k.source !== 'ingest').map(([name]) => name);

/**
 * Known detector bugs: `sample/file:kind` (file `*` = every file of the sample) -> why the case is todo.
 */
const TODO: Readonly<Record<string, string>> = {
  '22-kernel-log-forms/pasted-mail.txt:hung-task':
    'issue 12: a pasted /proc/PID/stack prints no state; the mail says the task is in D state (line 78), but only tasks whose report prints D are blocked',
  '22-kernel-log-forms/pasted-mail.txt:ordered-extent-wait':
    'issue 12: the /proc/4321/stack paste (btrfs_wait_ordered_extents) is not taken for a blocked task (no state printed), so its ordered-extent wait is not reported',
};

function todoFor(sample: string, file: string, kind: string): string | undefined {
  return TODO[`${sample}/${file}:${kind}`] ?? TODO[`${sample}/*:${kind}`];
}

function brief(fs: readonly Finding[]): string {
  return fs.map((f) => `  ${f.line} ${f.severity} ${f.kind}: ${f.message.slice(0, 160)}`).join('\n');
}

for (const sample of readdirSync(samplesDir).sort()) {
  const expFile = path.join(samplesDir, sample, 'expected.json');
  if (!existsSync(expFile)) continue;
  const expected = JSON.parse(readFileSync(expFile, 'utf8')) as Expected;
  if (!expected.findingTruthFiles) continue;
  for (const file of expected.findingTruthFiles) {
    const truth = (expected.findingTruth ?? []).filter((e) => e.file === file);
    test(`findingTruth ${sample}/${file}: ${truth.filter((e) => KINDS.includes(e.kind)).length} detector / kernel-log finding(s)`, async (t) => {
      const r = await analyzeFiles([path.join(samplesDir, sample, file)]);
      let findings: Finding[];
      try {
        findings = r.report.findings.filter((f) => path.basename(f.file) === file);
      } finally {
        await Promise.all(r.models.map(closeModel));
      }
      for (const kind of KINDS) {
        const want = truth.filter((e) => e.kind === kind);
        const got = findings.filter((f) => f.kind === kind);
        if (want.length === 0 && got.length === 0) continue;
        const todo = todoFor(sample, file, kind);
        await t.test(`${kind}: lines ${want.map((e) => e.line).join(', ') || 'none'}`, todo ? { todo } : {}, () => {
          const lines = (xs: readonly { line: number }[]): number[] => xs.map((x) => x.line).sort((a, b) => a - b);
          const missing = want.filter((e) => !got.some((f) => f.line === e.line)).map((e) => `  ${e.line}: ${e.why}`);
          assert.deepEqual(
            lines(got),
            lines(want),
            `${sample}/${file} ${kind}\nreported:\n${brief(got) || '  none'}\nin findingTruth, not reported:\n${missing.join('\n') || '  none'}`,
          );
        });
      }
    });
  }
}
