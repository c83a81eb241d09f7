// Sessions: ModelRegistry (leases per document version, shared builds, superseded builds aborted, delayed
// dispose, memory budget) driven with injected timers and clock, and EngineService (sessions per open
// document with companions) on real recordings: samples/21-btrfs-ordered-wait, whose README names the
// tasks that wait for ordered extents and the extents they wait for. Expected values come from the raw
// files and the README; the log+trace report is also compared with `iolens analyze LOG TRACE`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../cli/main';
import { analyzeBytes } from '../../engine/analyze';
import type { AnalysisReport } from '../../engine/contracts/report';
import { modelBytes, type FileModel } from '../../engine/model/fileModel';
import { ModelRegistry, type ModelBuilder, type RegistryOptions } from '../../engine/session/modelRegistry';
import type { DocRef } from '../../protocol/engineProtocol';
import { EngineService, modelKey } from '../../worker/engineService';
import { repoRoot, samplesDir } from './helpers/paths';

const S21 = path.join(samplesDir, '21-btrfs-ordered-wait');
const LOG = path.join(S21, 'dmesg-hung-tasks.txt');

// A small real trace (three lines of samples/10's kernel text) for the registry's models.
const S10_LINES = readFileSync(path.join(samplesDir, '10-nowait-partial-read', 'trace.txt'), 'utf8').split('\n');
const SMALL = [S10_LINES[0]!, ...S10_LINES.filter((l) => / pread_nowait-3039 /.test(l)).slice(0, 16)].join('\n') + '\n';

/** A fresh model of the small trace, and how many times its source was closed. */
function smallModel(name: string): { model: FileModel; closed: () => number } {
  const model = analyzeBytes(name, Buffer.from(SMALL));
  let closed = 0;
  const close = model.source.close.bind(model.source);
  model.source.close = () => {
    closed++;
    return close();
  };
  return { model, closed: () => closed };
}

/** A builder that counts its calls and remembers what it built. */
function counting(name: string): { build: ModelBuilder; calls: () => number; built: { model: FileModel; closed: () => number }[] } {
  const built: { model: FileModel; closed: () => number }[] = [];
  return {
    build: () => {
      const m = smallModel(name);
      built.push(m);
      return Promise.resolve(m.model);
    },
    calls: () => built.length,
    built,
  };
}

/** Timers and a clock the test drives. */
class FakeTime {
  now = 0;
  private id = 0;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  readonly disposed: [string, number, string][] = [];

  options(extra: RegistryOptions = {}): RegistryOptions {
    return {
      setTimer: (fn, ms) => {
        const id = ++this.id;
        this.pending.set(id, { fn, ms });
        return id;
      },
      clearTimer: (h) => {
        this.pending.delete(h as number);
      },
      now: () => this.now,
      onDispose: (key, version, why) => {
        this.disposed.push([key, version, why]);
      },
      ...extra,
    };
  }

  /** Runs every pending timer. */
  fire(): void {
    for (const [id, t] of [...this.pending]) {
      this.pending.delete(id);
      t.fn();
    }
  }
}

test('registry: a document reopened at the same version shares its model; a new version replaces it and the old one is disposed when released', async () => {
  const time = new FakeTime();
  const reg = new ModelRegistry(time.options());
  const v1 = counting('doc.txt');
  // Two users at once share one build.
  const [a, b] = await Promise.all([reg.acquire('doc', 1, v1.build), reg.acquire('doc', 1, v1.build)]);
  const c = await reg.acquire('doc', 1, v1.build);
  assert.equal(v1.calls(), 1, 'built once');
  assert.equal(a.model, b.model);
  assert.equal(a.model, c.model);
  assert.equal(a.queries, c.queries);
  assert.deepEqual(
    reg.list().map((e) => [e.key, e.version, e.refs, e.ready]),
    [['doc', 1, 3, true]],
  );
  assert.equal(reg.bytes, modelBytes(a.model));
  // The lease answers queries on the real model: the 16 events of pid 3039 in the small trace.
  assert.equal(a.queries.eventsPage({ pids: [3039] }, 0, 0)?.total, 16);

  const v2 = counting('doc.txt');
  const d = await reg.acquire('doc', 2, v2.build);
  assert.equal(v2.calls(), 1, 'the new version is built');
  assert.notEqual(d.model, a.model);
  assert.equal(reg.peek('doc')?.model, d.model, 'the newest version is the one kept');
  assert.deepEqual(
    reg.list().map((e) => [e.version, e.refs]),
    [[2, 1]],
  );
  // Version 1 is still held: its holders keep using it; it is disposed with the last release.
  assert.deepEqual(time.disposed, []);
  assert.equal(v1.built[0]!.closed(), 0);
  // Line 2 of the small trace is pid 3039's first line (sys_pread64 enter).
  assert.deepEqual([a.queries.eventAt(2)?.pid, a.queries.eventAt(2)?.event], [3039, 'sys_enter_pread64']);
  reg.release(a);
  reg.release(b);
  assert.deepEqual(time.disposed, []);
  reg.release(c);
  reg.release(c); // a lease given back twice counts once
  assert.deepEqual(time.disposed, [['doc', 1, 'superseded']]);
  assert.equal(v1.built[0]!.closed(), 1, 'its source is closed');
  assert.equal(v2.built[0]!.closed(), 0);
  // Reopening version 2 reuses it.
  const e = await reg.acquire('doc', 2, v2.build);
  assert.equal(e.model, d.model);
  assert.equal(v2.calls(), 1);
  reg.clear();
  assert.deepEqual(time.disposed.slice(1), [['doc', 2, 'cleared']]);
});

test('registry: a superseded analysis is aborted and its acquire rejects', async () => {
  const time = new FakeTime();
  const reg = new ModelRegistry(time.options());
  let signal1: AbortSignal | undefined;
  const first = reg.acquire('doc', 1, (signal) => {
    signal1 = signal;
    return new Promise<FileModel>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('analysis of version 1 aborted')));
    });
  });
  assert.ok(signal1, 'the build started');
  assert.equal(signal1.aborted, false);
  const v2 = counting('doc.txt');
  const second = await reg.acquire('doc', 2, v2.build);
  assert.equal(signal1.aborted, true, 'version 1 was told to stop');
  await assert.rejects(first, /analysis of version 1 aborted/);
  assert.equal(second.version, 2);
  assert.deepEqual(
    reg.list().map((e) => [e.version, e.ready]),
    [[2, true]],
  );

  // A builder that ignores the signal: its model is closed when it arrives, and the acquire still fails.
  let late: ((m: FileModel) => void) | undefined;
  const lateModel = smallModel('doc.txt');
  const third = reg.acquire('doc', 3, () => new Promise<FileModel>((resolve) => (late = resolve)));
  await reg.acquire('doc', 4, counting('doc.txt').build);
  late!(lateModel.model);
  await assert.rejects(third, /superseded by a newer version/);
  assert.equal(lateModel.closed(), 1);
  assert.deepEqual(
    reg.list().map((e) => e.version),
    [4],
  );
  // Version 2 was held when 3 and 4 came: superseded, disposed on release.
  reg.release(second);
  assert.deepEqual(time.disposed, [['doc', 2, 'superseded']]);
  reg.clear();
});

test('registry: an unheld model is disposed after the delay; reacquired within the delay it is reused', async () => {
  const time = new FakeTime();
  const reg = new ModelRegistry(time.options({ disposeDelayMs: 5000 }));
  const b = counting('doc.txt');
  const a = await reg.acquire('doc', 1, b.build);
  reg.release(a);
  assert.deepEqual(
    [...time.pending.values()].map((t) => t.ms),
    [5000],
  );
  assert.deepEqual(time.disposed, []);
  // Within the delay: the same model, and the timer is cancelled.
  const again = await reg.acquire('doc', 1, b.build);
  assert.equal(again.model, a.model);
  assert.equal(b.calls(), 1);
  assert.equal(time.pending.size, 0);
  reg.release(again);
  assert.equal(time.pending.size, 1);
  time.fire();
  assert.deepEqual(time.disposed, [['doc', 1, 'released']]);
  assert.equal(b.built[0]!.closed(), 1);
  assert.deepEqual(reg.list(), []);
  assert.equal(reg.peek('doc'), undefined);
  // After the delay: built again.
  const fresh = await reg.acquire('doc', 1, b.build);
  assert.equal(b.calls(), 2);
  assert.notEqual(fresh.model, a.model);
  reg.clear();
});

test('registry: over the memory budget the least recently used unheld model is evicted, and rebuilt on demand', async () => {
  const time = new FakeTime();
  const size = modelBytes(smallModel('x').model);
  const reg = new ModelRegistry(time.options({ budgetBytes: Math.floor(size * 2.5) }));
  const builders = { A: counting('a.txt'), B: counting('b.txt'), C: counting('c.txt') };
  time.now = 1;
  reg.release(await reg.acquire('A', 1, builders.A.build));
  time.now = 2;
  reg.release(await reg.acquire('B', 1, builders.B.build));
  time.now = 3;
  // A is used again: B is now the least recently used.
  reg.peek('A');
  time.now = 4;
  const c = await reg.acquire('C', 1, builders.C.build);
  assert.deepEqual(time.disposed, [['B', 1, 'budget']]);
  assert.equal(builders.B.built[0]!.closed(), 1);
  assert.deepEqual(
    reg
      .list()
      .map((e) => e.key)
      .sort(),
    ['A', 'C'],
  );
  assert.ok(reg.bytes <= size * 2.5);
  // B comes back: rebuilt; A (unheld, older than the held C) makes room.
  time.now = 5;
  const b = await reg.acquire('B', 1, builders.B.build);
  assert.equal(builders.B.calls(), 2);
  assert.deepEqual(time.disposed, [
    ['B', 1, 'budget'],
    ['A', 1, 'budget'],
  ]);
  assert.deepEqual(
    reg
      .list()
      .map((e) => [e.key, e.refs])
      .sort(),
    [
      ['B', 1],
      ['C', 1],
    ],
  );
  // The held models still answer.
  assert.equal(c.queries.eventsPage({}, 0, 0)?.total, 16);
  assert.equal(b.queries.eventsPage({}, 0, 0)?.total, 16);
  reg.clear();
});

// ---------------------------------------------------------------------------------------------------------
// EngineService on samples/21.

function doc(file: string, version = 1): DocRef {
  return { key: `file://${file}`, version, name: file, path: file };
}

const never = new AbortController().signal;
const noProgress = (): void => undefined;

/** A service whose registry counts the builds of each document key. */
function countingService(time: FakeTime): { svc: EngineService; builds: Map<string, number> } {
  const svc = new EngineService(time.options());
  const builds = new Map<string, number>();
  const acquire = svc.registry.acquire.bind(svc.registry);
  svc.registry.acquire = (key, version, build) =>
    acquire(key, version, (signal) => {
      builds.set(key, (builds.get(key) ?? 0) + 1);
      return build(signal);
    });
  return { svc, builds };
}

/** `iolens analyze --format json` of files, in process. */
async function analyzeCli(files: readonly string[]): Promise<AnalysisReport> {
  const out: string[] = [];
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    const code = await main(['analyze', ...files, '--format', 'json', '--quiet'], {
      out: async (t) => {
        out.push(t);
      },
      err: () => undefined,
    });
    assert.equal(code, 0);
  } finally {
    process.chdir(cwd);
  }
  return JSON.parse(out.join('')) as AnalysisReport;
}

/** The log's task reports: INFO line, pid, and whether the stack waits on ordered extents. */
function logReports(): { line: number; end: number; comm: string; pid: number; oeWait: boolean }[] {
  const lines = readFileSync(LOG, 'utf8').split('\n');
  const out: { line: number; end: number; comm: string; pid: number; oeWait: boolean }[] = [];
  lines.forEach((l, i) => {
    const m = /INFO: task (.+):(\d+) blocked for more than/.exec(l);
    if (m) out.push({ line: i + 1, end: lines.length, comm: m[1]!, pid: Number(m[2]), oeWait: false });
  });
  out.forEach((r, k) => {
    r.end = (out[k + 1]?.line ?? lines.length + 1) - 1;
    r.oeWait = lines.slice(r.line - 1, r.end).some((l) => /\b(btrfs_start_ordered_extent_nowriteback|btrfs_wait_ordered_extents)\+/.test(l));
  });
  return out;
}

for (const spelling of ['trace.txt', 'report.txt'] as const) {
  test(`EngineService: samples/21 ${spelling}: the log opened with its open trace reuses the trace's model and links the ordered-extent waits`, async () => {
    const TRACE = path.join(S21, spelling);
    const time = new FakeTime();
    const { svc, builds } = countingService(time);
    try {
      const traceDoc = doc(TRACE);
      const logDoc = doc(LOG);
      const t = await svc.handle('open', { doc: traceDoc, companions: [] }, never, noProgress);
      assert.equal(t.kind, 'trace');
      assert.equal(t.lines, readFileSync(TRACE, 'utf8').split('\n').length - 1);
      const traceModel = svc.registry.peek(modelKey(traceDoc).key)!.model;

      const l = await svc.handle('open', { doc: logDoc, companions: [traceDoc] }, never, noProgress);
      assert.equal(l.kind, 'kernel-log');
      assert.deepEqual(Object.fromEntries(builds), { [modelKey(traceDoc).key]: 1, [modelKey(logDoc).key]: 1 }, 'the trace was ingested once');
      assert.equal(svc.registry.peek(modelKey(traceDoc).key)!.model, traceModel, 'the log session uses the same trace model');
      const stats = await svc.handle('stats', {}, never, noProgress);
      assert.deepEqual(
        stats.models.map((m) => [m.key, m.version, m.refs, m.ready]).sort(),
        [
          [modelKey(logDoc).key, modelKey(logDoc).version, 1, true],
          [modelKey(traceDoc).key, modelKey(traceDoc).version, 2, true],
        ].sort(),
      );

      // The same report as `iolens analyze LOG TRACE`.
      const cli = await analyzeCli([LOG, TRACE]);
      assert.deepEqual(JSON.parse(JSON.stringify(l.report)), cli);

      // The ordered-extent waits: one per task of the log whose stack waits on ordered extents (README: 14061,
      // 32, 20483, 20485, 20489, 20495), each with the trace's btrfs_ordered_extent_add lines of what it waits for.
      const reports = logReports();
      const waiters = reports.filter((r) => r.oeWait);
      assert.deepEqual(
        waiters.map((r) => r.pid).sort((a, b) => a - b),
        [32, 14061, 20483, 20485, 20489, 20495],
      );
      const traceLines = readFileSync(TRACE, 'utf8').split('\n');
      const addLine = (ino: number, off: number): number => traceLines.findIndex((x) => x.includes('btrfs_ordered_extent_add:') && x.includes(` ino=${ino} file_offset=${off} `)) + 1;
      const waits = l.report.findings.filter((f) => f.kind === 'ordered-extent-wait');
      assert.equal(waits.length, waiters.length);
      for (const w of waiters) {
        const f = waits.find((x) => x.file === LOG && x.line >= w.line && x.line <= w.end);
        assert.ok(f, `an ordered-extent-wait finding in the report of ${w.comm}:${w.pid} (lines ${w.line}-${w.end})`);
        const inTrace = f.evidence.filter((e) => e.file === TRACE).map((e) => e.line);
        assert.ok(inTrace.length > 0, `${w.pid}: linked to the trace`);
        for (const n of inTrace) assert.match(traceLines[n - 1]!, /btrfs_ordered_extent_add:/, `${w.pid}: evidence line ${n}`);
        // README: the fsync (20483) waits for OE 1764 @0, the punch hole (20485) for OE 1766 @131072.
        if (w.pid === 20483) assert.deepEqual(inTrace, [addLine(1764, 0)]);
        if (w.pid === 20485) assert.deepEqual(inTrace, [addLine(1766, 131072)]);
      }

      // The log's session answers from the log; the trace's from the trace.
      const info = reports[0]!;
      const at = await svc.handle('findingsAt', { doc: logDoc.key, line: info.line }, never, noProgress);
      assert.ok(at.some((x) => x.finding.kind === 'hung-task' && x.finding.line === info.line && x.finding.message.includes(`${info.comm}:${info.pid}`)));
      const next = await svc.handle('nextFinding', { doc: logDoc.key, line: info.line, dir: 1 }, never, noProgress);
      assert.ok(next);
      assert.equal(next.finding.file, LOG);
      assert.ok(next.finding.line > info.line);
      assert.equal(next.finding.kind, 'ordered-extent-wait');
      assert.match(readFileSync(LOG, 'utf8').split('\n')[next.finding.line - 1]!, /btrfs_start_ordered_extent_nowriteback\+/, 'the finding is on the frame that waits');
      assert.equal((await svc.handle('eventAt', { doc: logDoc.key, line: 2 }, never, noProgress)), null);

      // Closing the log gives its lease on the trace back; the trace stays open.
      assert.equal(await svc.handle('close', { doc: logDoc.key }, never, noProgress), true);
      assert.deepEqual(
        (await svc.handle('stats', {}, never, noProgress)).models.map((m) => [m.key, m.refs]).sort(),
        [
          [modelKey(logDoc).key, 0],
          [modelKey(traceDoc).key, 1],
        ].sort(),
      );
      await assert.rejects(svc.handle('findingsAt', { doc: logDoc.key, line: 2 }, never, noProgress), new RegExp(`${logDoc.key} is not open in the engine`));
    } finally {
      svc.dispose();
    }
    assert.equal(time.pending.size, 0, 'no timer left behind');
  });

  test(`EngineService: samples/21 ${spelling}: queries answer for an open document and fail clearly for one that is not open`, async () => {
    const TRACE = path.join(S21, spelling);
    const time = new FakeTime();
    const { svc, builds } = countingService(time);
    try {
      const traceDoc = doc(TRACE);
      await svc.handle('open', { doc: traceDoc, companions: [] }, never, noProgress);
      const lines = readFileSync(TRACE, 'utf8').split('\n');
      // README: the fs-tree leaf read that never completed during the hold, 7,0 RM 78096 + 8 by kworker/u8:8 (14566).
      const issueLine = lines.findIndex((x) => /block_rq_issue:\s+7,0 RM 4096 \(\) 78096 \+ 8 /.test(x)) + 1;
      assert.ok(issueLine > 0);
      const ev = await svc.handle('eventAt', { doc: traceDoc.key, line: issueLine }, never, noProgress);
      assert.ok(ev);
      assert.deepEqual([ev.event, ev.pid, ev.comm, ev.tsText, ev.cpu], ['block_rq_issue', 14566, 'kworker/u8:8', '2423.303070', 0]);
      assert.equal(ev.fields.find((f) => f.name === 'sector')?.value, 78096);
      // Every sched_process_hang of the file (README: 22 = 2 passes x 11 tasks).
      const hangLines = lines.flatMap((x, i) => (x.includes('sched_process_hang:') ? [i + 1] : []));
      assert.equal(hangLines.length, 22);
      const page = await svc.handle('eventsPage', { doc: traceDoc.key, filter: { events: ['sched_process_hang'] }, offset: 0, limit: 100, withFields: true }, never, noProgress);
      assert.ok(page);
      assert.equal(page.total, 22);
      assert.deepEqual([...page.line], hangLines);
      assert.equal(page.fields?.[0]?.find((f) => f.name === 'pid')?.value, Number(/pid=(\d+)/.exec(lines[hangLines[0]! - 1]!)![1]));
      // The trace's own findings: a hung task at its first sched_process_hang line, citing its second one.
      const hang = (n: number): { comm: string; pid: number } => {
        const m = /comm=(\S+) pid=(\d+)/.exec(lines[n - 1]!)!;
        return { comm: m[1]!, pid: Number(m[2]) };
      };
      const first = hang(hangLines[0]!);
      const second = hangLines.find((n, i) => i > 0 && hang(n).pid === first.pid)!;
      const at = await svc.handle('findingsAt', { doc: traceDoc.key, line: hangLines[0]! }, never, noProgress);
      assert.equal(at.length, 1);
      assert.equal(at[0]!.finding.kind, 'hung-task');
      assert.ok(at[0]!.finding.message.startsWith(`${first.comm}:${first.pid} hung`));
      assert.deepEqual((await svc.handle('findingsAt', { doc: traceDoc.key, line: second }, never, noProgress)).map((x) => x.index), [at[0]!.index], 'found through its evidence line');
      assert.deepEqual(await svc.handle('findingsAt', { doc: traceDoc.key, line: issueLine }, never, noProgress), []);
      const next = await svc.handle('nextFinding', { doc: traceDoc.key, line: 1, dir: 1 }, never, noProgress);
      assert.equal(next?.finding.line, hangLines[0]);
      const next2 = await svc.handle('nextFinding', { doc: traceDoc.key, line: hangLines[0]!, dir: 1 }, never, noProgress);
      assert.equal(next2?.finding.line, hangLines[1]);
      const prev = await svc.handle('nextFinding', { doc: traceDoc.key, line: 1, dir: -1 }, never, noProgress);
      assert.equal(prev?.finding.line, hangLines[10], 'wraps around to the last (the 11th task of the first pass)');
      // A newer version of the document whose file did not change shares the model (nothing is read again).
      await svc.handle('open', { doc: doc(TRACE, 2), companions: [] }, never, noProgress);
      assert.equal(builds.get(modelKey(traceDoc).key), 1);
      // Another view of the same file (a large-trace view, an analysis started before the editor loaded it)
      // is another session on the same model.
      const view: DocRef = { key: `iolens-trace:${TRACE}`, version: 7, name: TRACE, path: TRACE };
      await svc.handle('open', { doc: view, companions: [] }, never, noProgress);
      assert.equal(builds.get(modelKey(traceDoc).key), 1);
      assert.equal((await svc.handle('eventAt', { doc: view.key, line: issueLine }, never, noProgress))?.pid, 14566);
      assert.equal(await svc.handle('close', { doc: view.key }, never, noProgress), true);
      // A file that changes on disk (a new modification time) is built again; its old model is superseded.
      const dir = mkdtempSync(path.join(tmpdir(), 'iolens-sessions-'));
      try {
        const copy = path.join(dir, spelling);
        copyFileSync(TRACE, copy);
        const copyDoc = doc(copy);
        const old = modelKey(copyDoc);
        await svc.handle('open', { doc: copyDoc, companions: [] }, never, noProgress);
        const st = statSync(copy);
        utimesSync(copy, st.atime, new Date(st.mtimeMs + 5000));
        await svc.handle('open', { doc: doc(copy, 2), companions: [] }, never, noProgress);
        assert.equal(builds.get(old.key), 2);
        assert.notEqual(modelKey(copyDoc).version, old.version);
        assert.ok(time.disposed.some(([k, v, why]) => k === old.key && v === old.version && why === 'superseded'));
        assert.equal((await svc.handle('eventAt', { doc: copyDoc.key, line: issueLine }, never, noProgress))?.pid, 14566);
        assert.equal(await svc.handle('close', { doc: copyDoc.key }, never, noProgress), true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.equal((await svc.handle('eventAt', { doc: traceDoc.key, line: issueLine }, never, noProgress))?.pid, 14566);

      // Not open: every query names the document and says it is not open.
      const other = `file://${LOG}`;
      const calls = [
        svc.handle('eventAt', { doc: other, line: 2 }, never, noProgress),
        svc.handle('eventsPage', { doc: other, filter: {}, offset: 0, limit: 10 }, never, noProgress),
        svc.handle('findingsAt', { doc: other, line: 2 }, never, noProgress),
        svc.handle('nextFinding', { doc: other, line: 2, dir: 1 }, never, noProgress),
        svc.handle('requestChains', { doc: other, line: 2 }, never, noProgress),
        svc.handle('lines', { doc: other, from: 1, count: 2 }, never, noProgress),
      ];
      for (const c of calls) await assert.rejects(c, { message: `${other} is not open in the engine (analyse it first)` });
      await assert.rejects(svc.handle('nope' as 'stats', {}, never, noProgress), /unknown method nope/);
      assert.equal(await svc.handle('close', { doc: other }, never, noProgress), false);
      // After close the trace is not open either.
      assert.equal(await svc.handle('close', { doc: traceDoc.key }, never, noProgress), true);
      await assert.rejects(svc.handle('eventAt', { doc: traceDoc.key, line: issueLine }, never, noProgress), /is not open in the engine/);
    } finally {
      svc.dispose();
    }
  });
}
