/**
 * fuzzWorker: a child process of the long fuzz run (runFuzz.ts). It builds the cases it is given by number
 * (the same deterministic generator as the parent) and runs each through the CLI in-process, announcing a
 * case before running it so that the parent can tell which one hung or took the process down.
 */
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeCase, type Family } from './fuzzCases';
import { runCase } from './fuzzRunner';

/** What the parent sends: run case `id` of the run with `seed`, drawn from `families`. */
export interface WorkerTask {
  readonly id: number;
  readonly seed: number;
  readonly families: readonly Family[];
}

const dir = path.join(tmpdir(), `iolens-fuzz-${process.pid}`);

process.on('message', (task: WorkerTask) => {
  void (async () => {
    const c = makeCase(task.seed, task.id, task.families);
    const inputBytes = c.files.reduce((s, f) => s + (f.bytes?.length ?? 0), 0);
    process.send?.({ type: 'start', id: task.id, inputBytes });
    const result = await runCase(c, path.join(dir, String(task.id)));
    process.send?.({ type: 'done', result });
  })();
});
process.send?.({ type: 'ready' });
