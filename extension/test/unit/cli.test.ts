// The iolens CLI as a user runs it: exit codes, the JSON contract, SARIF, one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../../engine/version';
import { repoRoot } from './helpers/paths';

function iolens(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'extension/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(path.join(tmpdir(), 'iolens-cli-'));
const trace = path.join(dir, 'small.trace');
writeFileSync(
  trace,
  [
    '# tracer: nop',
    '              dd-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]',
    'this line is garbage',
    'CPU:1 [LOST 12 EVENTS]',
    '     ksoftirqd/1-22      [001] ..s..   297.376299: block_rq_complete: 7,0 RM () 67848 + 8 be,0,4 [0]',
  ].join('\n') + '\n',
);

test('analyze --format json gives the documented contract', () => {
  const r = iolens('analyze', trace, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    files: Record<string, unknown>[];
    eventCounts: Record<string, number>;
    findings: { kind: string; severity: string; message: string; file: string; line: number; evidence: unknown[]; details: object }[];
  };
  assert.equal(j.files.length, 1);
  const f = j.files[0]!;
  for (const k of ['path', 'format', 'lines', 'events', 'skippedLines', 'cpus', 'lostEvents', 'firstTimestamp', 'lastTimestamp']) assert.ok(k in f, k);
  assert.equal(f['path'], trace);
  assert.equal(f['format'], 'ftrace-kernel');
  assert.equal(f['lines'], 5);
  assert.equal(f['events'], 2);
  assert.equal(f['skippedLines'], 1);
  assert.equal(f['cpus'], 2);
  assert.equal(f['lostEvents'], 12);
  assert.equal(f['firstTimestamp'], 297376111000);
  assert.equal(f['lastTimestamp'], 297376299000);
  assert.deepEqual(j.eventCounts, { block_bio_queue: 1, block_rq_complete: 1 });
  assert.deepEqual(
    j.findings.map((x) => [x.kind, x.line, x.severity]),
    [
      ['parse-error', 3, 'warning'],
      ['lost-events', 4, 'warning'],
    ],
  );
  for (const x of j.findings) {
    assert.equal(x.file, trace);
    assert.ok(x.message.length > 10);
    assert.ok(Array.isArray(x.evidence));
    assert.equal(typeof x.details, 'object');
  }
});

test('analyze text output lists the summary, then the findings, then the tables', () => {
  const r = iolens('analyze', trace);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /format\s+ftrace-kernel/);
  assert.match(r.stdout, /events 2\s+skipped 1/);
  assert.ok(r.stdout.indexOf('Findings (2)') > 0);
  assert.ok(r.stdout.indexOf('Findings (2)') < r.stdout.indexOf('Events'));
  assert.match(r.stdout, /small\.trace:3: warning \[parse-error\] Line 3 skipped/);
});

test('analyze --format sarif emits SARIF 2.1.0 with one rule per kind', () => {
  const r = iolens('analyze', trace, '--format=sarif');
  assert.equal(r.code, 0);
  const s = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0]!;
  assert.deepEqual(
    run.tool.driver.rules.map((x) => x.id),
    ['lost-events', 'parse-error'],
  );
  assert.deepEqual(
    run.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.region.startLine]),
    [
      ['parse-error', 3],
      ['lost-events', 4],
    ],
  );
});

test('several files: counts are summed, each file has its summary', () => {
  const r = iolens('analyze', trace, trace, '--format', 'json');
  const j = JSON.parse(r.stdout) as { files: unknown[]; eventCounts: Record<string, number> };
  assert.equal(j.files.length, 2);
  assert.equal(j.eventCounts['block_bio_queue'], 2);
});

test('unreadable input: exit 1 and one line on stderr', () => {
  const r = iolens('analyze', path.join(dir, 'nope.trace'));
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^iolens: cannot open .*nope\.trace: ENOENT/);
});

test('usage errors exit 2; --version prints the version', () => {
  assert.equal(iolens('frobnicate', trace).code, 2);
  assert.equal(iolens('analyze').code, 2);
  assert.equal(iolens('analyze', trace, '--format', 'xml').code, 2);
  const v = iolens('--version');
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), `iolens ${VERSION}`);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test('iolens tasks: blocked tasks of a log and a trace, grouped by culprit, text and json', () => {
  const s21 = path.join(repoRoot, 'samples/21-btrfs-ordered-wait');
  const text = iolens('tasks', path.join(s21, 'dmesg-hung-tasks.txt'), path.join(s21, 'trace.txt'));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^task hung in btrfs_start_ordered_extent_nowriteback {2}\(2 tasks\)$/m);
  assert.match(text.stdout, /^task hung in read_extent_buffer_pages {2}\(5 tasks\)$/m);
  assert.match(text.stdout, /umount:20495 {2}D {2}hung-task {2}blocked > 4 s/);
  assert.match(text.stdout, /Alignment .* aligned by 11 sched_process_hang event\(s\)/);
  assert.match(text.stdout, /^Wait-for graph \(/m);
  const json = iolens('tasks', '--format', 'json', path.join(s21, 'dmesg-hung-tasks.txt'));
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { tasks: { pid: number; frames: unknown[]; firstLine: number }[]; waitGraph: { nodes: unknown[] }; findings: { kind: string }[] };
  assert.equal(out.tasks.length, 11);
  assert.ok(out.tasks.every((t) => t.frames.length > 0 && t.firstLine > 0));
  assert.ok(out.waitGraph.nodes.length > 11);
  assert.ok(out.findings.every((f) => ['hung-task', 'ordered-extent-wait', 'wait-cycle', 'stalled-io'].includes(f.kind)));
  assert.equal(iolens('tasks', '--format', 'sarif', 'x').code, 2);
});

test('iolens analyze: a kernel log is a kernel-log file with tasks, waitGraph and hang findings in JSON and SARIF', () => {
  const log = path.join(repoRoot, 'samples/20-btrfs-hang/dmesg-hung-tasks.txt');
  const r = iolens('analyze', '--format', 'json', log);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { files: { format: string }[]; tasks: unknown[]; waitGraph: { edges: unknown[] }; findings: { kind: string }[] };
  assert.equal(rep.files[0]!.format, 'kernel-log');
  assert.equal(rep.tasks.length, 4);
  assert.ok(rep.waitGraph.edges.length >= 4);
  assert.equal(rep.findings.filter((f) => f.kind === 'hung-task').length, 4);
  assert.equal(rep.findings.filter((f) => f.kind === 'parse-error').length, 0);
  const sarif = JSON.parse(iolens('analyze', '--format', 'sarif', log).stdout) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[] };
  const rule = sarif.runs[0]!.tool.driver.rules.find((x) => x.id === 'hung-task');
  assert.match(rule!.shortDescription.text, /D state/);
});
