// `iolens analyze --html OUT.html` as a user runs it: the page is written beside the usual report on stdout,
// holds samples/10's findings (lines from the raw trace) and graphs, and bad paths are refused with one line
// before anything is analysed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { main, type CliIo } from '../../cli/main';
import { repoRoot, samplesDir } from './helpers/paths';
import { raw } from './helpers/rawTrace';

const trace = path.join(samplesDir, '10-nowait-partial-read', 'trace.txt');
const dir = mkdtempSync(path.join(tmpdir(), 'iolens-cli-html-'));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => {
      stdout += t;
      return Promise.resolve();
    },
    err: (t) => {
      stderr += t;
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

test('analyze --html writes the page and still prints the report on stdout', async () => {
  const out = path.join(dir, 'report.html');
  const r = await run('analyze', trace, '--html', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^.*trace\.txt\n  format +ftrace-kernel/);
  assert.match(r.stdout, /Findings \(4\)/);
  assert.match(r.stderr, /^iolens: wrote .*report\.html \(\d+ KiB\)\n$/);
  const page = readFileSync(out, 'utf8');
  assert.ok(page.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(page, /<script/i);
  // The short reads' decisive lines: the raw preadv2 exit that returned 0x10000 and the io_uring completion with result 65536.
  const rf = raw(trace);
  const lines = rf.events.filter((e) => (e.name === 'sys_exit_preadv2' && e.payload === '0x10000') || (e.name === 'io_uring_complete' && /result 65536,/.test(e.payload))).map((e) => e.line);
  assert.deepEqual(lines, [369, 734]);
  for (const l of lines) assert.match(page, new RegExp(`data-kind="short-read" data-line="${l}"`));
  // The NOWAIT reads whose -EAGAIN reached the application (steps 3 and 4; nothing reads 512 KiB again): nowait-retry.
  const eagain = rf.events.filter((e) => (e.name === 'sys_exit_preadv2' && e.payload === '0xfffffffffffffff5') || (e.name === 'io_uring_complete' && /result -11,/.test(e.payload))).map((e) => e.line);
  assert.deepEqual(eagain, [1093, 1458]);
  for (const l of eagain) assert.match(page, new RegExp(`data-kind="nowait-retry" data-line="${l}"`));
  assert.equal((page.match(/<svg class="graph lifecycle"/g) ?? []).length, 4);

  // --quiet: no note on stderr; the JSON on stdout is the usual contract.
  const json = await run('analyze', '--format=json', '--quiet', `--html=${out}`, trace);
  assert.equal(json.code, 0);
  assert.equal(json.stderr, '');
  assert.equal((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length, 4);
});

test('analyze --html refuses bad paths with one line, before analysing', async () => {
  const input = path.join(dir, 'input.html');
  copyFileSync(trace, input);
  mkdirSync(path.join(dir, 'a-dir.html'), { recursive: true });
  const cases: [string[], RegExp][] = [
    [['analyze', trace, '--html', path.join(dir, 'missing', 'x.html')], /^iolens: --html: the directory .*missing does not exist\n$/],
    [['analyze', trace, '--html', path.join(dir, 'out.txt')], /^iolens: --html: .*out\.txt does not end in \.html/],
    [['analyze', input, '--html', input], /^iolens: --html: .*input\.html is one of the inputs\n$/],
    [['analyze', trace, '--html', path.join(dir, 'a-dir.html')], /^iolens: --html: .*a-dir\.html is a directory\n$/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
    assert.equal(r.stdout, '');
  }
  assert.equal(readFileSync(input, 'utf8'), readFileSync(trace, 'utf8'), 'the input is untouched');
  // Usage errors: no value, or another command.
  const none = await run('analyze', trace, '--html');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^iolens: --html takes the path of the page to write/);
  const tasks = await run('tasks', trace, '--html', path.join(dir, 't.html'));
  assert.equal(tasks.code, 2);
  assert.match(tasks.stderr, /^iolens: --html works with analyze only/);
  assert.ok(!existsSync(path.join(dir, 't.html')));
});

test('the CLI process writes the page (exit 0) and documents --html in its help', () => {
  const out = path.join(dir, 'spawned.html');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'extension/cli/main.ts'), 'analyze', trace, '--html', out, '--quiet'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(readFileSync(out, 'utf8'), /<h2>Findings \(4\)<\/h2>/);
  const help = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'extension/cli/main.ts'), '--help'], { cwd: repoRoot, encoding: 'utf8' });
  assert.match(help.stdout, /iolens analyze FILE\.\.\. \[--format text\|json\|sarif\] \[--html OUT\.html\]/);
});

// The shipped bundle loads elkjs from dist/elk.bundled.js beside it (not bundled: every command would parse
// it). `npm test` builds dist/ first; run alone without a build, this test says so and is skipped.
const bundled = path.join(repoRoot, 'dist', 'cli.js');
test('the bundled CLI (dist/cli.js) draws its graphs with the elkjs beside it', { skip: existsSync(bundled) ? false : 'dist/cli.js is not built (npm run build)' }, () => {
  const out = path.join(dir, 'bundled.html');
  const r = spawnSync(process.execPath, [bundled, 'analyze', trace, '--html', out, '--quiet'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const page = readFileSync(out, 'utf8');
  assert.ok((page.match(/<svg/g) ?? []).length >= 3, 'the lifecycle graphs and histograms are drawn');
});
