/**
 * runFuzz: the long fuzz run (`npm run fuzz`), for occasional use; the unit test (fuzz.test.ts) runs a
 * few hundred of the same cases on every test run.
 *
 *   node --import tsx extension/test/fuzz/runFuzz.ts [--cases 3000] [--seed 12] [--jobs 2]
 *                                                    [--family NAME,...] [--only ID] [--verbose]
 *
 * Cases are built by number from the samples (fuzzCases.ts) and run through the CLI in worker processes
 * (fuzzWorker.ts), so that a hang can be killed and a process that runs out of memory is seen as such.
 * A case that takes three times its time bound is killed and counted as a hang. At the end it prints the
 * figures of the run: cases, families, outcomes (handled / clear error / crash / hang / memory blow-up),
 * output problems, peak RSS, and the command that reproduces it. `--only ID` runs one case in this
 * process and prints what happened (to reproduce a failure). Exit status 1 when any case failed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { FAMILIES, makeCase, type Family } from './fuzzCases';
import { describeResult, OUTCOMES, runCase, timeBoundMs, type CaseResult, type Outcome } from './fuzzRunner';
import type { WorkerTask } from './fuzzWorker';

interface Options {
  cases: number;
  seed: number;
  jobs: number;
  families: Family[];
  only?: number;
  verbose: boolean;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { cases: 3000, seed: 12, jobs: Math.max(1, Math.min(2, availableParallelism())), families: [...FAMILIES], verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--cases') o.cases = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--jobs') o.jobs = Math.max(1, Number(v()));
    else if (a === '--only') o.only = Number(v());
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--family') {
      const names = v().split(',');
      for (const n of names) if (!(FAMILIES as readonly string[]).includes(n)) throw new Error(`unknown family ${n} (families: ${FAMILIES.join(', ')})`);
      o.families = names as Family[];
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.cases) || o.cases < 1 || !Number.isInteger(o.seed)) throw new Error('--cases and --seed take integers');
  return o;
}

/** Kills a worker and removes its directory of case files (fuzzWorker.ts names it after the pid). */
function stop(child: ChildProcess): void {
  child.kill('SIGKILL');
  if (child.pid !== undefined) rmSync(path.join(tmpdir(), `iolens-fuzz-${child.pid}`), { recursive: true, force: true });
}

/** One worker process and the case it runs. */
interface Slot {
  child: ChildProcess;
  stderr: string;
  current: { id: number; started: number; inputBytes: number } | undefined;
  ready: boolean;
}

async function runAll(o: Options): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let next = 0;
  const started = Date.now();
  const workerFile = path.join(__dirname, 'fuzzWorker.ts');
  return new Promise((resolve) => {
    const slots = new Set<Slot>();
    const finishIfDone = (): void => {
      if (results.length === o.cases) {
        clearInterval(watch);
        for (const s of slots) stop(s.child);
        resolve(results.sort((a, b) => a.id - b.id));
      }
    };
    const record = (r: CaseResult): void => {
      results.push(r);
      if (o.verbose || r.outcome === 'crash' || r.outcome === 'hang' || r.outcome === 'memory' || r.problems.length > 0) process.stderr.write(describeResult(r) + '\n');
      if (results.length % 250 === 0) process.stderr.write(`fuzz: ${results.length}/${o.cases} cases, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    };
    const feed = (s: Slot): void => {
      if (next >= o.cases) return;
      const id = next++;
      const task: WorkerTask = { id, seed: o.seed, families: o.families };
      s.current = { id, started: Date.now(), inputBytes: 0 };
      s.child.send(task);
    };
    /** A case that never finished (the process died or was killed): its result from what is known. */
    const lost = (s: Slot, outcome: Outcome, error: string): void => {
      const cur = s.current;
      if (cur === undefined) return;
      const c = makeCase(o.seed, cur.id, o.families);
      record({ id: cur.id, family: c.family, note: c.note, argv: [c.command], outcome, exitCode: undefined, ms: Date.now() - cur.started, inputBytes: cur.inputBytes, rssMb: 0, peakRssMb: 0, problems: [], error });
      s.current = undefined;
    };
    const spawn = (): void => {
      const child = fork(workerFile, [], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const s: Slot = { child, stderr: '', ready: false, current: undefined };
      slots.add(s);
      child.stderr?.on('data', (d: Buffer) => {
        s.stderr = (s.stderr + d.toString()).slice(-4000);
      });
      child.on('message', (m: { type: string; id?: number; inputBytes?: number; result?: CaseResult }) => {
        if (m.type === 'ready') {
          s.ready = true;
          feed(s);
        } else if (m.type === 'start' && s.current) {
          s.current.inputBytes = m.inputBytes ?? 0;
          s.current.started = Date.now();
        } else if (m.type === 'done' && m.result) {
          s.current = undefined;
          record(m.result);
          // A process that grew large is replaced, so one case's heap does not count against the next.
          if (m.result.rssMb > 1500) {
            slots.delete(s);
            stop(child);
            if (next < o.cases) spawn();
          } else feed(s);
          finishIfDone();
        }
      });
      child.on('exit', (code, signal) => {
        if (!slots.has(s)) return;
        slots.delete(s);
        stop(child);
        if (s.current) {
          const oom = /heap out of memory|Allocation failed|allocation failed|Invalid array length|Array buffer allocation/i.test(s.stderr);
          lost(s, oom ? 'memory' : 'crash', `worker exited (${signal ?? `code ${code}`}): ${s.stderr.split('\n').slice(-6).join(' | ')}`);
        }
        if (next < o.cases) spawn();
        finishIfDone();
      });
    };
    const watch = setInterval(() => {
      for (const s of slots) {
        const cur = s.current;
        if (!cur) continue;
        if (Date.now() - cur.started > 3 * timeBoundMs(cur.inputBytes)) {
          lost(s, 'hang', `killed after ${((Date.now() - cur.started) / 1000).toFixed(0)} s`);
          slots.delete(s);
          stop(s.child);
          if (next < o.cases) spawn();
          finishIfDone();
        }
      }
    }, 500);
    for (let j = 0; j < Math.min(o.jobs, o.cases); j++) spawn();
  });
}

function pad(x: string | number, n: number): string {
  return String(x).padStart(n);
}

function summary(o: Options, results: readonly CaseResult[], seconds: number): string {
  const out: string[] = [];
  const count = (pred: (r: CaseResult) => boolean): number => results.filter(pred).length;
  const fams = [...new Set(results.map((r) => r.family))];
  const peak = Math.max(0, ...results.map((r) => r.peakRssMb));
  const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
  const largest = Math.max(0, ...results.map((r) => r.inputBytes));
  const cmd = `npm run fuzz -- --cases ${o.cases} --seed ${o.seed}${o.families.length < FAMILIES.length ? ` --family ${o.families.join(',')}` : ''}`;
  out.push(`iolens fuzz: ${results.length} cases, seed ${o.seed}, ${fams.length} families, ${o.jobs} worker process${o.jobs === 1 ? '' : 'es'}, ${seconds.toFixed(0)} s`);
  out.push(`command: ${cmd}`);
  out.push(`         (node --import tsx extension/test/fuzz/runFuzz.ts --cases ${o.cases} --seed ${o.seed}${o.families.length < FAMILIES.length ? ` --family ${o.families.join(',')}` : ''})`);
  const words: Record<Outcome, string> = { handled: 'handled', 'clear-error': 'clear error', crash: 'crash', hang: 'hang', memory: 'memory blow-up' };
  out.push(`outcomes: ${OUTCOMES.map((k) => `${words[k]} ${count((r) => r.outcome === k)}`).join(', ')}`);
  out.push(`output problems (raw control characters in text, JSON that does not parse, errors over several lines): ${count((r) => r.problems.length > 0)}`);
  out.push(`peak RSS of a worker process: ${peak.toFixed(0)} MB; largest input ${(largest / 1e6).toFixed(1)} MB; slowest case ${slowest ? `#${slowest.id} (${slowest.family}, ${(slowest.ms / 1000).toFixed(1)} s)` : '-'}`);
  const byCmd = new Map<string, number>();
  for (const r of results) byCmd.set(`${r.argv[0]} ${r.argv[2] ?? ''}`.trim(), (byCmd.get(`${r.argv[0]} ${r.argv[2] ?? ''}`.trim()) ?? 0) + 1);
  out.push(`commands: ${[...byCmd].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push('');
  out.push(`  ${'family'.padEnd(18)}${pad('cases', 6)}${pad('handled', 9)}${pad('error', 7)}${pad('crash', 7)}${pad('hang', 6)}${pad('memory', 8)}${pad('output', 8)}${pad('max s', 8)}${pad('max MB', 8)}`);
  for (const f of FAMILIES) {
    const rs = results.filter((r) => r.family === f);
    if (rs.length === 0) continue;
    const n = (k: Outcome): number => rs.filter((r) => r.outcome === k).length;
    out.push(
      `  ${f.padEnd(18)}${pad(rs.length, 6)}${pad(n('handled'), 9)}${pad(n('clear-error'), 7)}${pad(n('crash'), 7)}${pad(n('hang'), 6)}${pad(n('memory'), 8)}${pad(rs.filter((r) => r.problems.length > 0).length, 8)}${pad((Math.max(...rs.map((r) => r.ms)) / 1000).toFixed(1), 8)}${pad((Math.max(...rs.map((r) => r.inputBytes)) / 1e6).toFixed(1), 8)}`,
    );
  }
  const failed = results.filter((r) => r.outcome === 'crash' || r.outcome === 'hang' || r.outcome === 'memory' || r.problems.length > 0);
  if (failed.length > 0) {
    out.push('', `failures (${failed.length}; reproduce one with: npm run fuzz -- --seed ${o.seed}${o.families.length < FAMILIES.length ? ` --family ${o.families.join(',')}` : ''} --only ID):`);
    for (const r of failed.slice(0, 50)) out.push(describeResult(r));
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<number> {
  const o = parse(process.argv.slice(2));
  if (o.only !== undefined) {
    const c = makeCase(o.seed, o.only, o.families);
    const dir = path.join(tmpdir(), `iolens-fuzz-${process.pid}`);
    const r = await runCase(c, path.join(dir, String(o.only)));
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(describeResult(r) + '\n');
    return r.outcome === 'handled' || r.outcome === 'clear-error' ? (r.problems.length > 0 ? 1 : 0) : 1;
  }
  const t0 = Date.now();
  const results = await runAll(o);
  process.stdout.write(summary(o, results, (Date.now() - t0) / 1000));
  return results.some((r) => r.outcome === 'crash' || r.outcome === 'hang' || r.outcome === 'memory' || r.problems.length > 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
