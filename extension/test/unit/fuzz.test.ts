// Hostile input through the CLI, in-process: the minimised failing inputs of issue 12 and a few hundred
// deterministic cases of every fuzz family (extension/test/fuzz). Each case must be handled or refused with
// a clear one-line error, within a time bound linear in its size and a memory bound, with no raw control
// character in text output and JSON/SARIF that parse. The long run is `npm run fuzz` (3000 cases).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { main, type CliIo } from '../../cli/main';
import { FAMILIES, makeCase } from '../fuzz/fuzzCases';
import { describeResult, materialise, peakRssMb, runCase, type CaseResult } from '../fuzz/fuzzRunner';
import { regressionCases } from '../fuzz/regressions';

const SEED = 12;
const CASES = 260;

const dir = mkdtempSync(path.join(tmpdir(), 'iolens-fuzz-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function passed(r: CaseResult): boolean {
  return (r.outcome === 'handled' || r.outcome === 'clear-error') && r.problems.length === 0;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: async (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const code = await main(argv, io);
  return { code, out, err };
}

test('the failing inputs of issue 12 are handled: in time, no raw control characters, valid JSON', async () => {
  const failures: string[] = [];
  for (const c of regressionCases()) {
    const r = await runCase(c, path.join(dir, `regression${-c.id}`));
    if (!passed(r)) failures.push(describeResult(r));
    // Glued payloads of a few kilobytes took 0.3 to over 60 s; now every one is well under its bound.
    if (c.family === 'glued-payloads' && r.inputBytes < 2e6) assert.ok(r.ms < 10_000, describeResult(r));
  }
  assert.deepEqual(failures, []);
});

test('a comm made of escape sequences is read, reported as damaged and shown escaped', async () => {
  const c = regressionCases().find((x) => x.family === 'control-names' && x.format === 'json')!;
  const [file] = materialise(c, path.join(dir, 'comm-json'));
  const json = await cli(['analyze', '--format', 'json', file!]);
  assert.equal(json.code, 0, json.err);
  const report = JSON.parse(json.out) as { files: { events: number; lines: number; skippedLines: number }[]; findings: { kind: string; line: number; details: Record<string, unknown> }[] };
  assert.equal(report.files[0]!.events, report.files[0]!.lines - 1); // every line but the header is an event
  const named = report.findings.filter((f) => f.kind === 'parse-error' && f.details['scope'] === 'name');
  assert.equal(named.length, 1);
  assert.equal(named[0]!.line, 201);
  assert.equal(named[0]!.details['controls'], '0x1b, 0x07');
  const text = await cli(['analyze', file!]);
  assert.ok(!text.out.includes('\x1b'), 'no raw ESC');
  const events = await cli(['events', file!, '--pid', '4242']);
  assert.match(events.out, /\\x1b\]0;pwned\\x07\\x1b\[31mred-4242/);
});

test('error messages quote paths and header fields on one line', async () => {
  const missing = await cli(['analyze', path.join(dir, 'gone\n\x1b]0;x\x07.txt')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^iolens: cannot open .*gone\\x0a\\x1b\]0;x\\x07\.txt: ENOENT\n$/);
  const dat = regressionCases().find((x) => x.family === 'trace-dat-garbage')!;
  const [datFile] = materialise(dat, path.join(dir, 'dat'));
  const r = await cli(['analyze', datFile!]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^iolens: [^\n]*file version \\x1b\]0;x\\x07\\x0a6[^\n]*\n$/);
  const usage = await cli(['analyze', '--format', 'te\x1bxt', 'f']);
  assert.equal(usage.code, 2);
  assert.match(usage.err.split('\n')[0]!, /got te\\x1bxt/);
});

test(`fuzz: ${CASES} cases of seed ${SEED} over every family`, async () => {
  const failures: string[] = [];
  const families = new Map<string, number>();
  let longLines = 0;
  for (let id = 0; id < CASES; id++) {
    const c = makeCase(SEED, id, FAMILIES, { quick: true });
    families.set(c.family, (families.get(c.family) ?? 0) + 1);
    if (c.files.some((f) => (f.bytes?.length ?? 0) > 1e6)) longLines++;
    const r = await runCase(c, path.join(dir, String(id)));
    if (!passed(r)) failures.push(describeResult(r));
  }
  assert.deepEqual(failures, []);
  assert.deepEqual([...families.keys()].sort(), [...FAMILIES].sort(), 'every family is drawn');
  assert.ok(longLines >= 3, `a few inputs of 1 to 8 MB (${longLines})`);
  assert.ok(peakRssMb() < 1500, `peak RSS ${peakRssMb().toFixed(0)} MB`);
});
