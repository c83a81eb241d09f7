/**
 * fuzzRunner: runs one fuzz case through the CLI in-process (`main` with captured output) and judges it.
 *
 * Outcomes: `handled` (exit 0), `clear-error` (exit 1 with one line on stderr saying why, or a usage
 * error), `crash` (an exception or any other exit), `hang` (longer than the time bound, linear in the
 * input) and `memory` (the resident set grew beyond the memory bound, or an allocation failed). Besides
 * the outcome, the output is checked: no raw control character in text output or on stderr (only newline
 * and tab), JSON and SARIF parse, an error is one line. A case that passes has an outcome of `handled` or
 * `clear-error` and no problems.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main, type CliIo } from '../../cli/main';
import type { Family, FuzzCase } from './fuzzCases';

export type Outcome = 'handled' | 'clear-error' | 'crash' | 'hang' | 'memory';
export const OUTCOMES: readonly Outcome[] = ['handled', 'clear-error', 'crash', 'hang', 'memory'];

export interface CaseResult {
  readonly id: number;
  readonly family: Family;
  readonly note: string;
  /** The command line (paths relative to the case directory). */
  readonly argv: readonly string[];
  readonly outcome: Outcome;
  readonly exitCode: number | undefined;
  readonly ms: number;
  readonly inputBytes: number;
  /** Resident set after the case, MB (and the process's peak so far). */
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** What is wrong with the output (empty when nothing). */
  readonly problems: readonly string[];
  readonly error?: string;
}

/** The time a case may take: generous (loaded CI machines), but linear in the input. */
export function timeBoundMs(inputBytes: number): number {
  return 20_000 + (inputBytes / 1e6) * 4_000;
}

/** The resident set a case may reach, MB: the process's own plus a budget linear in the input. */
export function memoryBoundMb(inputBytes: number): number {
  return 1200 + (inputBytes / 1e6) * 48;
}

/** Raw control characters that must not reach a terminal (newline and tab are layout, not control). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function describeControl(text: string): string {
  const m = RAW_CONTROL.exec(text);
  if (!m) return '';
  const at = m.index;
  return `raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 20))}`;
}

/** Creates the case's files under `dir` and returns the paths to give the CLI. */
export function materialise(c: FuzzCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  const made = new Set<string>();
  for (const f of c.files) {
    const p = path.join(dir, f.name);
    paths.push(f.special === 'dev-null' ? '/dev/null' : p);
    if (made.has(p)) continue;
    made.add(p);
    switch (f.special) {
      case undefined:
        writeFileSync(p, f.bytes ?? new Uint8Array(0));
        break;
      case 'directory':
        mkdirSync(p, { recursive: true });
        break;
      case 'symlink-loop':
        symlinkSync(p, p);
        break;
      case 'dangling-symlink':
        symlinkSync(path.join(dir, 'nowhere'), p);
        break;
      default:
        break; // missing, long-name, dev-null: nothing to create
    }
  }
  return paths;
}

/** The CLI arguments of a case. */
export function argvOf(c: FuzzCase, paths: readonly string[]): string[] {
  const argv: string[] = [c.command];
  if (c.command === 'request') argv.push('--', paths[0]!, String(c.line ?? 1));
  else if (c.command === 'events' || c.command === 'latency') argv.push('--', paths[0]!);
  else argv.push('--', ...paths);
  // Options go before `--` (a path may start with `-`).
  const opts = ['--format', c.format, '--quiet'];
  if (c.command === 'events') opts.push('--limit', '300');
  return [argv[0]!, ...opts, ...argv.slice(1)];
}

/** What is wrong with the output of a run (empty when nothing). */
export function checkOutput(c: FuzzCase, code: number, out: string, err: string): string[] {
  const problems: string[] = [];
  if (code === 0) {
    if (c.format === 'text') {
      const raw = describeControl(out);
      if (raw) problems.push(`text output: ${raw}`);
    } else {
      try {
        const j = JSON.parse(out) as { version?: string };
        if (c.format === 'sarif' && j.version !== '2.1.0') problems.push('SARIF without version 2.1.0');
      } catch (e) {
        problems.push(`${c.format} output does not parse: ${(e as Error).message}`);
      }
    }
  }
  const rawErr = describeControl(err);
  if (rawErr) problems.push(`stderr: ${rawErr}`);
  if (code === 1 && !/^iolens: [^\n]*\n$/.test(err)) problems.push(`the error is not one line: ${JSON.stringify(err.slice(0, 300))}`);
  return problems;
}

function isMemoryError(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /allocation failed|Invalid array length|Invalid typed array length|Invalid string length|heap out of memory|Array buffer allocation/i.test(m);
}

function rssMb(): number {
  return process.memoryUsage().rss / 1048576;
}

/** Peak resident set of this process so far, MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs case `c` in this process with its files under `dir` (removed afterwards). */
export async function runCase(c: FuzzCase, dir: string): Promise<CaseResult> {
  const paths = materialise(c, dir);
  const argv = argvOf(c, paths);
  const inputBytes = c.files.reduce((s, f) => s + (f.bytes?.length ?? 0), 0);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: async (t) => {
      out.push(t);
    },
    err: (t) => {
      err.push(t);
    },
  };
  const peakBefore = peakRssMb();
  const t0 = performance.now();
  let code: number | undefined;
  let thrown: unknown;
  try {
    code = await main(argv, io);
  } catch (e) {
    thrown = e;
  }
  const ms = performance.now() - t0;
  const peak = peakRssMb();
  const rss = rssMb();
  rmSync(dir, { recursive: true, force: true });
  const rel = argv.map((a) => (a.startsWith(dir) ? path.relative(dir, a) : a));
  let outcome: Outcome;
  let problems: string[] = [];
  let error: string | undefined;
  if (thrown !== undefined) {
    outcome = isMemoryError(thrown) ? 'memory' : 'crash';
    error = thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);
  } else {
    problems = checkOutput(c, code!, out.join(''), err.join(''));
    outcome = code === 0 ? 'handled' : code === 1 || code === 2 ? 'clear-error' : 'crash';
    if (outcome === 'clear-error' && code === 2) error = err.join('').split('\n')[0];
  }
  // Memory: a new peak of the process during this case above the bound.
  if (outcome !== 'crash' && peak > peakBefore && peak > memoryBoundMb(inputBytes)) outcome = 'memory';
  if ((outcome === 'handled' || outcome === 'clear-error') && ms > timeBoundMs(inputBytes)) outcome = 'hang';
  return { id: c.id, family: c.family, note: c.note, argv: rel, outcome, exitCode: code, ms, inputBytes, rssMb: rss, peakRssMb: peak, problems, ...(error !== undefined ? { error } : {}) };
}

/** One line per result for a log: `#12 bit-flips analyze --format text … handled 120 ms`. */
export function describeResult(r: CaseResult): string {
  const argv = r.argv.map((a) => JSON.stringify(a)).join(' ');
  const extra = [...r.problems, ...(r.error !== undefined && r.outcome !== 'clear-error' ? [r.error.split('\n').slice(0, 6).join(' | ')] : [])];
  return `#${r.id} [${r.family}] ${r.note} :: iolens ${argv} -> ${r.outcome} (exit ${r.exitCode ?? '-'}, ${r.ms.toFixed(0)} ms, ${(r.inputBytes / 1e6).toFixed(2)} MB)${extra.length ? `\n    ${extra.join('\n    ')}` : ''}`;
}
