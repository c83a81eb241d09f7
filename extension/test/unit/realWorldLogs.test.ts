// Real-world kernel logs (samples/24-real-world-logs): 45 hung-task reports, sysrq-w dumps and /proc/PID/stack
// pastes copied verbatim from syzkaller's report testdata, kernel mailing lists and GitHub issues, as people paste
// them (prose around them, indentation, mail quoting, markdown fences, syslog/journal/dmesg -T/-H prefixes,
// caller ids, mail-rewrapped lines, ARM32 / arm64 / ppc64 frames, decoded stacks, ps lines giving a state).
// Each file is analysed alone, in process, the way the CLI does (sniff, then parse), and checked field by field
// against truth.json, which was written by hand from reading the excerpts (never from iolens output):
//   tasks      comm, pid and state of every task report, in file order
//   seconds    `blocked for more than N seconds` of every report
//   culprits   the culprit frame of every task that has a reliable frame (convention in truth.json)
//   waits      the wait kind of every task that has a reliable frame
//   hung-task  one hung-task finding per blocked (D) pid, with its culprit
//   ordered-extent-wait  one finding per blocked pid whose stack waits for btrfs ordered extents, with the wait frame
// Cases that fail today because of the parser gaps of issue 12 are `todo` (TODO below) so the suite stays green;
// the fixes turn them on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeFiles, closeModel } from '../../engine/analyze';
import type { Finding } from '../../engine/contracts/finding';
import type { TaskReport } from '../../engine/contracts/report';
import { baseName } from '../../engine/hang/stackFacts';
import { samplesDir } from './helpers/paths';

const dir = path.join(samplesDir, '24-real-world-logs');

interface TruthTask {
  readonly comm: string | null;
  readonly commAlso?: readonly string[];
  readonly pid: number | null;
  readonly state: string | null;
  readonly stateFrom: string | null;
  readonly hungSeconds: number | null;
  readonly culprit: string | null;
  readonly wait: string | null;
  readonly orderedExtentWait?: { readonly waitIn: string; readonly role: string; readonly all: boolean; readonly onWriteback: boolean };
}
interface TruthFile {
  readonly tasks: readonly TruthTask[];
}
const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { files: Record<string, TruthFile> };

type Check = 'tasks' | 'seconds' | 'culprits' | 'waits' | 'hung-task' | 'ordered-extent-wait';

/** `file:check` -> why the case fails today (issue 12). */
const TODO: Readonly<Record<string, string>> = {
  '18-xfs-4.15-fences-proc-stack.log:tasks':
    'issue 12: the /proc/<PID>/stack paste, which the prose calls a D process (`sudo cat /proc/<PID of a D process>/stack`), gets no state (only stat/status/ps lines give a state, not prose)',
  '18-xfs-4.15-fences-proc-stack.log:hung-task': 'issue 12: the /proc/<PID>/stack paste is a D process by its prose only, so it has no state and no hung-task finding',
};

/** iolens names a task whose comm or state the log does not print `?`; truth says null. */
const orNull = (s: string | undefined): string | null => (s === undefined || s === '?' ? null : s);

function sameComm(want: TruthTask, got: string | null): boolean {
  return got === want.comm || (got !== null && (want.commAlso ?? []).includes(got));
}

function key(t: { comm: string | null; pid: number | null }): string {
  return `${t.comm ?? '?'}:${t.pid ?? '?'}`;
}

/** Pairs each truth task with an unused iolens task of the same pid (same comm when the pid is not printed), in order. */
function pair(want: readonly TruthTask[], got: readonly TaskReport[]): [TruthTask, TaskReport | undefined][] {
  const used = new Set<TaskReport>();
  return want.map((w) => {
    const g = got.find((t) => !used.has(t) && (w.pid !== null ? t.pid === w.pid : t.pid === undefined && sameComm(w, orNull(t.comm))));
    if (g) used.add(g);
    return [w, g];
  });
}

const hasReliable = (t: TaskReport): boolean => t.frames.some((f) => f.reliable && !f.func.startsWith('0x'));

function assertPaired(pairs: [TruthTask, TaskReport | undefined][], field: string, wantOf: (w: TruthTask) => unknown, gotOf: (t: TaskReport) => unknown): void {
  const relevant = pairs.filter(([w]) => wantOf(w) !== undefined);
  if (relevant.length === 0) return;
  const found = relevant.filter(([, g]) => g !== undefined);
  assert.ok(found.length > 0, `no task of truth.json was found, so no ${field} can be compared`);
  const mism = found.filter(([w, g]) => !Object.is(wantOf(w), gotOf(g!)) && JSON.stringify(wantOf(w)) !== JSON.stringify(gotOf(g!)));
  assert.deepEqual(
    mism.map(([w, g]) => `${key(w)} ${field}: ${JSON.stringify(gotOf(g!))}`),
    mism.map(([w]) => `${key(w)} ${field}: ${JSON.stringify(wantOf(w))}`),
  );
}

for (const [file, ft] of Object.entries(truth.files)) {
  test(`${file}: ${ft.tasks.length} task report(s)`, async (t) => {
    const r = await analyzeFiles([path.join(dir, file)]);
    let tasks: TaskReport[];
    let findings: Finding[];
    try {
      tasks = r.report.tasks.filter((x) => path.basename(x.file) === file);
      findings = r.report.findings.filter((f) => path.basename(f.file) === file);
    } finally {
      await Promise.all(r.models.map(closeModel));
    }
    const pairs = pair(ft.tasks, tasks);
    const run = async (check: Check, fn: () => void): Promise<void> => {
      const todo = TODO[`${file}:${check}`];
      await t.test(check, todo ? { todo } : {}, fn);
    };

    await run('tasks', () => {
      const got = tasks.map((x) => `${orNull(x.comm) ?? '?'}:${x.pid ?? '?'}:${orNull(x.state) ?? '?'}`);
      const want = ft.tasks.map((w, i) => {
        const g = tasks[i];
        // accept the other spelling of a truncated comm (truth commAlso)
        const comm = g && w.comm !== null && sameComm(w, orNull(g.comm)) ? (orNull(g.comm) ?? '?') : (w.comm ?? '?');
        return `${comm}:${w.pid ?? '?'}:${w.state ?? '?'}`;
      });
      assert.deepEqual(got, want);
    });

    await run('seconds', () => assertPaired(pairs, 'hungSeconds', (w) => w.hungSeconds, (g) => g.hungSeconds ?? null));

    await run('culprits', () =>
      assertPaired(
        pairs,
        'culprit',
        (w) => w.culprit,
        (g) => (hasReliable(g) && g.culprit ? baseName(g.culprit) : null),
      ),
    );

    await run('waits', () =>
      assertPaired(
        pairs,
        'wait',
        (w) => w.wait,
        (g) => (hasReliable(g) ? g.waitsOn.kind : null),
      ),
    );

    await run('hung-task', () => {
      // one finding per blocked pid (iolens merges the reports of one pid), with the culprit of its report
      const want = new Map<string, string | null>();
      for (const w of ft.tasks) if (w.state === 'D' && !(want.has(key(w)) && want.get(key(w)) !== null)) want.set(key(w), w.culprit);
      const got = findings
        .filter((f) => f.kind === 'hung-task')
        .map((f) => {
          const d = f.details as { comm?: string; pid?: number | null; culprit?: string | null };
          const comm = orNull(d.comm);
          const w = ft.tasks.find((x) => x.pid === (d.pid ?? null) && (x.pid !== null || sameComm(x, comm)));
          return `${key({ comm: w && comm !== null && sameComm(w, comm) ? w.comm : comm, pid: d.pid ?? null })} ${d.culprit ? baseName(d.culprit) : 'none'}`;
        })
        .sort();
      assert.deepEqual(got, [...want].map(([k, c]) => `${k} ${c ?? 'none'}`).sort());
    });

    await run('ordered-extent-wait', () => {
      const want = [...new Set(ft.tasks.filter((w) => w.state === 'D' && w.orderedExtentWait).map((w) => `${key(w)} ${w.orderedExtentWait!.waitIn}`))].sort();
      const got = findings
        .filter((f) => f.kind === 'ordered-extent-wait')
        .map((f) => {
          const d = f.details as { comm?: string; pid?: number | null; waitIn?: string };
          return `${key({ comm: orNull(d.comm), pid: d.pid ?? null })} ${d.waitIn ? baseName(d.waitIn) : '?'}`;
        })
        .sort();
      assert.deepEqual(got, want);
    });
  });
}
