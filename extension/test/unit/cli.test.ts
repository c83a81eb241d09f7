// The iolens CLI as a user runs it: exit codes, the JSON contract, SARIF, one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../cli/main';
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
  // Both events are on CPU 1 and no header states the count (`# tracer: nop` has no `#P:N`): 1 CPU, listed.
  // (Before issue 11 this was 2, the highest CPU number + 1.)
  assert.equal(f['cpus'], 1);
  assert.equal(f['cpusFrom'], 'events');
  assert.deepEqual(f['cpusSeen'], [1]);
  assert.equal(f['lostEvents'], 12);
  assert.deepEqual(f['derived'], {
    cpus: 'no header states it: counted the CPUs with events (1)',
    lostEvents: 'sum of the counts the file states: 1 `CPU:N [LOST M EVENTS]` line, 12 events',
    span: 'lastTimestamp minus firstTimestamp: the latest event timestamp of the file minus the earliest',
  });
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

// ---------------------------------------------------------------------------------------------------------
// iolens events / latency / request on samples/10-nowait-partial-read (README: xfs on loop0 7:0, preadv2
// RWF_NOWAIT of pid 3039 returns 0x10000 of 262144), in both spellings, run in process with output sinks.
// Expected values are read from the raw lines here.

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: async (t) => {
      out.push(t);
    },
    err: (t) => {
      err.push(t);
    },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

interface RawLine {
  readonly line: number;
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
  readonly ts: string;
  readonly ns: number;
  /** tracefs name: kernel text's `sys_x(` / `sys_x ->` are sys_enter_x / sys_exit_x, `tracing_mark_write:` is print. */
  readonly event: string;
  readonly payload: string;
}

function rawEvents(file: string): RawLine[] {
  const out: RawLine[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^(?:\w+:\s+)?\s*(.*)-(\d+)\s+\[(\d{3})\]\s+(?:[\w.]{4,6}\s+)?(\d+)\.(\d+):\s+(\w+)(:|\(| -> )(.*)$/.exec(l);
      if (!m) return;
      const name = m[7] === '(' ? m[6]!.replace(/^sys_/, 'sys_enter_') : m[7] === ' -> ' ? m[6]!.replace(/^sys_/, 'sys_exit_') : m[6] === 'tracing_mark_write' ? 'print' : m[6]!;
      out.push({ line: i + 1, comm: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), ts: `${m[4]}.${m[5]}`, ns: Number(m[4]) * 1e9 + Number(m[5]!.padEnd(9, '0')), event: name, payload: m[8]!.trim() });
    });
  return out;
}

/** `7,0 RA [bytes] () sector + n` of a block event. */
function blockOf(e: RawLine): { dev: string; sector: number; n: number } | undefined {
  const m = /^(\d+),(\d+) \S+ (?:\d+ )?(?:\(.*?\) )?(\d+) \+ (\d+)/.exec(e.payload);
  return m ? { dev: `${m[1]}:${m[2]}`, sector: Number(m[3]), n: Number(m[4]) } : undefined;
}

const S10 = path.join(repoRoot, 'samples/10-nowait-partial-read');

interface EventsJson {
  file: string;
  total: number;
  offset: number;
  events: { line: number; ts: number; cpu: number; pid: number; comm: string; event: string; fields: Record<string, number | string> }[];
}

for (const spelling of ['trace.txt', 'report.txt']) {
  const file = path.join(S10, spelling);

  test(`iolens events ${spelling}: JSON contract, total of all matches, values as the lines print them`, async () => {
    const raw = rawEvents(file);
    const issues = raw.filter((e) => e.event === 'block_rq_issue');
    assert.equal(issues.length, readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('block_rq_issue:')).length);
    const r = await run('events', file, '--event', 'block_rq_issue', '--limit', '5', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as EventsJson;
    assert.deepEqual(Object.keys(j), ['file', 'total', 'offset', 'events']);
    assert.deepEqual([j.file, j.total, j.offset, j.events.length], [file, issues.length, 0, 5]);
    j.events.forEach((e, i) => {
      const w = issues[i]!;
      assert.deepEqual(Object.keys(e), ['line', 'ts', 'cpu', 'pid', 'comm', 'event', 'fields']);
      assert.deepEqual([e.line, e.ts, e.cpu, e.pid, e.comm, e.event], [w.line, Number(w.ts), w.cpu, w.pid, w.comm, 'block_rq_issue']);
      const b = blockOf(w)!;
      const [maj, min] = b.dev.split(':').map(Number) as [number, number];
      // The kernel's field names and values: dev is its dev_t (MAJ << 20 | MIN).
      assert.deepEqual([e.fields['dev'], e.fields['sector'], e.fields['nr_sector'], e.fields['bytes']], [maj * 2 ** 20 + min, b.sector, b.n, b.n * 512]);
      assert.equal(e.fields['rwbs'], 'RA');
    });
    // Paging: --offset/--limit return the next events; total stays the count of all matches.
    const p = JSON.parse((await run('events', file, '--event', 'block_rq_issue', '--offset', '100', '--limit', '5', '--format', 'json')).stdout) as EventsJson;
    assert.deepEqual(
      [p.total, p.offset, p.events.map((e) => e.line)],
      [issues.length, 100, issues.slice(100, 105).map((e) => e.line)],
    );
    const past = JSON.parse((await run('events', file, '--event', 'block_rq_issue', '--offset', '500', '--format', 'json')).stdout) as EventsJson;
    assert.deepEqual([past.total, past.offset, past.events], [issues.length, issues.length, []]);
    // No filter, no limit: every event of the file, in order.
    const all = JSON.parse((await run('events', file, '--format', 'json')).stdout) as EventsJson;
    assert.equal(all.total, raw.length);
    assert.deepEqual(
      all.events.map((e) => [e.line, e.event, e.pid]),
      raw.map((e) => [e.line, e.event, e.pid]),
    );
  });

  test(`iolens events ${spelling}: filters by pid, comm, cpu, device, time, and combined`, async () => {
    const raw = rawEvents(file);
    const lines = async (...args: string[]): Promise<number[]> => {
      const r = await run('events', file, ...args, '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as EventsJson;
      assert.equal(j.total, j.events.length);
      return j.events.map((e) => e.line);
    };
    const want = (pred: (e: RawLine) => boolean): number[] => raw.filter(pred).map((e) => e.line);
    assert.deepEqual(
      await lines('--pid', '3039'),
      want((e) => e.pid === 3039),
    );
    assert.deepEqual(
      await lines('--pid', '3039', '--pid', '3055'),
      want((e) => e.pid === 3039 || e.pid === 3055),
    );
    assert.deepEqual(
      await lines('--comm', 'uring_nowait'),
      want((e) => e.comm === 'uring_nowait'),
    );
    assert.deepEqual(
      await lines('--cpu', '0'),
      want((e) => e.cpu === 0),
    );
    const names = (e: RawLine): boolean => (e.event.startsWith('block_') && blockOf(e)?.dev === '7:0') || /\bdev 7:0\b/.test(e.payload);
    assert.deepEqual(await lines('--dev', '7:0'), want(names));
    assert.deepEqual(await lines('--dev', '7,0'), want(names));
    assert.deepEqual(await lines('--dev', '8:0'), []);
    const from = raw[1000]!;
    const to = raw[1100]!;
    assert.deepEqual(
      await lines('--from', from.ts, '--to', to.ts),
      want((e) => e.ns >= from.ns && e.ns <= to.ns),
    );
    assert.deepEqual(
      await lines('--event', 'block_rq_complete', '--event', 'block_rq_issue', '--cpu', '1', '--from', from.ts),
      want((e) => (e.event === 'block_rq_complete' || e.event === 'block_rq_issue') && e.cpu === 1 && e.ns >= from.ns),
    );
    assert.deepEqual(
      await lines('--ino', '131', '--pid', '3039'),
      want((e) => e.pid === 3039 && /\bino 0x83\b/.test(e.payload)),
    );
  });

  test(`iolens events ${spelling}: text output, one line per event with the printed time and fields`, async () => {
    const raw = rawEvents(file);
    const issue = raw.find((e) => e.pid === 3039 && e.event === 'block_rq_issue')!;
    const r = await run('events', file, '--pid', '3039', '--limit', '20');
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.split('\n');
    const n = raw.filter((e) => e.pid === 3039).length;
    assert.equal(out[0], `${file}: ${n} events match`);
    assert.equal(out.length, n + 2);
    const row = out.find((l) => new RegExp(`^\\s*${issue.line}\\s`).test(l));
    assert.ok(row, `a row for line ${issue.line}`);
    assert.ok(row.includes(` ${issue.ts} `), 'the timestamp as printed');
    assert.match(row, /\[001\]\s+pread_nowait-3039\s+block_rq_issue: dev=7:0 rwbs=RA .*sector=320 nr_sector=384/);
    const page = await run('events', file, '--pid', '3039', '--offset', '2', '--limit', '3');
    assert.equal(page.stdout.split('\n')[0], `${file}: ${n} events match; showing 2-5`);
    assert.deepEqual(
      page.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.trim().split(/\s+/)[0])),
      raw
        .filter((e) => e.pid === 3039)
        .slice(2, 5)
        .map((e) => e.line),
    );
  });

  test(`iolens latency ${spelling}: JSON groups with percentiles of the issue->complete pairs of the raw lines, and text`, async () => {
    const raw = rawEvents(file);
    const issued = new Map<string, number>();
    const d2c: number[] = [];
    for (const e of raw) {
      const b = blockOf(e);
      if (!b) continue;
      if (e.event === 'block_rq_issue') issued.set(`${b.dev} ${b.sector}`, e.ns);
      if (e.event === 'block_rq_complete') {
        d2c.push(e.ns - issued.get(`${b.dev} ${b.sector}`)!);
        issued.delete(`${b.dev} ${b.sector}`);
      }
    }
    d2c.sort((a, b) => a - b);
    const at = (q: number): number => d2c[Math.ceil(q * d2c.length) - 1]!;
    const r = await run('latency', file, '--layer', 'block', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { file: string; groups: { layer: string; op: string; device: string; stage: string; count: number; p50: number; p90: number; p99: number; max: number; bins: { lo: number; hi: number; count: number }[] }[] };
    assert.deepEqual(Object.keys(j), ['file', 'groups']);
    assert.equal(j.file, file);
    assert.ok(j.groups.every((g) => g.layer === 'block' && g.op === 'read' && g.device === '7:0'));
    const g = j.groups.find((x) => x.stage === 'D2C')!;
    for (const k of ['layer', 'op', 'device', 'stage', 'count', 'p50', 'p90', 'p99', 'max', 'bins']) assert.ok(k in g, k);
    assert.deepEqual([g.count, g.p50, g.p90, g.p99, g.max], [d2c.length, at(0.5), at(0.9), at(0.99), d2c[d2c.length - 1]]);
    assert.equal(
      g.bins.reduce((s, b) => s + b.count, 0),
      d2c.length,
    );
    for (const b of g.bins) {
      assert.deepEqual(Object.keys(b), ['lo', 'hi', 'count']);
      assert.equal(d2c.filter((v) => v >= b.lo && v < b.hi).length, b.count);
    }
    const one = JSON.parse((await run('latency', file, '--layer', 'block', '--stage', 'D2C', '--device', '7:0', '--format', 'json')).stdout) as typeof j;
    assert.deepEqual(one.groups, [g]);
    const text = await run('latency', file, '--layer', 'block', '--stage', 'D2C');
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`^\\s+block\\s+read\\s+7:0\\s+D2C\\s+${d2c.length}\\s+${(at(0.5) / 1000).toFixed(1)} µs`, 'm'));
    assert.match((await run('latency', file, '--device', '9:9')).stdout, /no completed requests match/);
  });

  test(`iolens request ${spelling}: the preadv2 that returned 0x10000, JSON and text, from the model`, async () => {
    const raw = rawEvents(file);
    const exit = raw.find((e) => e.pid === 3039 && e.event === 'sys_exit_preadv2' && e.payload === '0x10000')!;
    const enter = raw.filter((e) => e.pid === 3039 && e.event === 'sys_enter_preadv2' && e.line < exit.line).pop()!;
    const issue = raw.find((e) => e.pid === 3039 && e.event === 'block_rq_issue')!;
    const r = await run('request', file, String(exit.line), '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    type Node = { layer: string; op: string; pid: number; result: number; length: number; offset: number; sector: number | null; stages: { name: string; line: number }[]; children: Node[] };
    const j = JSON.parse(r.stdout) as { file: string; line: number; requests: Node[] };
    assert.deepEqual([j.file, j.line, j.requests.length], [file, exit.line, 1]);
    const sys = j.requests[0]!;
    assert.deepEqual([sys.layer, sys.op, sys.pid, sys.result, sys.length, sys.offset], ['syscall', 'preadv2', 3039, 0x10000, 262144, 0]);
    assert.deepEqual(
      sys.stages.map((s) => [s.name, s.line]),
      [
        ['enter', enter.line],
        ['exit', exit.line],
      ],
    );
    const fs = sys.children[0]!;
    assert.deepEqual([fs.layer, fs.op, fs.result], ['fs', 'buffered-read', 0x10000]);
    const blk = fs.children[0]!;
    assert.deepEqual([blk.layer, blk.sector, blk.stages.find((s) => s.name === 'issue')?.line], ['block', blockOf(issue)!.sector, issue.line]);
    const text = await run('request', file, String(exit.line));
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^syscall preadv2 by pread_nowait-3039 \(dev 7:0, ino 131, offset 0, length 262144\) -> 65536/);
    assert.match(text.stdout, new RegExp(`issue\\s+line ${issue.line}\\n`));
    // A line of no request.
    const none = await run('request', file, '1', '--format', 'json');
    assert.deepEqual((JSON.parse(none.stdout) as { requests: unknown[] }).requests, []);
  });
}

test('iolens events / latency / request: usage errors exit 2 with the reason on stderr', async () => {
  const file = path.join(S10, 'trace.txt');
  const cases: [string[], RegExp][] = [
    [['events', file, '--dev', 'sda'], /--dev takes a device as MAJ:MIN/],
    [['events', file, '--dev'], /--dev takes a device/],
    [['events', file, file], /events needs exactly one FILE/],
    [['events'], /events needs exactly one FILE/],
    [['events', file, '--pid', 'x'], /--pid takes an integer/],
    [['events', file, '--from', 'yesterday'], /--from takes a time in seconds/],
    [['events', file, '--limit', '-1'], /--limit takes an integer/],
    [['events', file, '--format', 'sarif'], /events prints text or json/],
    [['latency', file, '--layer', 'disk'], /--layer takes one of syscall, io_uring, fs, block, ordered-extent/],
    [['latency', file, '--stage', 'X2Y'], /--stage takes one of/],
    [['latency', file, '--device', '7'], /--device takes a device as MAJ:MIN/],
    [['latency', file, file], /latency needs exactly one FILE/],
    [['request', file], /request needs FILE and a LINE number/],
    [['request', file, 'ten'], /request needs FILE and a LINE number/],
    [['events', file, '--frobnicate'], /unknown option --frobnicate/],
  ];
  for (const [args, why] of cases) {
    const r = await run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, why, args.join(' '));
    assert.match(r.stderr, /^usage: iolens/m);
  }
  // An unreadable file is exit 1, not a usage error.
  const missing = await run('events', path.join(S10, 'nope.txt'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^iolens: cannot open .*nope\.txt: ENOENT/);
});

// samples/02-counter-clock (README): `trace_clock=counter`, timestamps print as bare integers (`77:`).
for (const name of ['trace.txt', 'report-both.txt']) {
  test(`iolens events ${name} of a counter clock: ts, the text column and --from/--to are the printed counter`, async () => {
    const file = path.join(repoRoot, 'samples/02-counter-clock', name);
    const printed = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l, i) => {
        const m = /^(?:\w+:)?\s*.*-\d+\s+\[\d{3}\]\s+(?:[\w.]{4,6}\s+)?(\d+):\s+\w+/.exec(l);
        return m ? [{ line: i + 1, counter: m[1]! }] : [];
      });
    assert.ok(printed.length >= 26);
    const j = JSON.parse((await run('events', file, '--format', 'json')).stdout) as EventsJson;
    assert.deepEqual(
      j.events.map((e) => [e.line, e.ts]),
      printed.map((p) => [p.line, Number(p.counter)]),
    );
    const text = (await run('events', file, '--limit', '3')).stdout.split('\n').slice(1, 4);
    text.forEach((row, i) => assert.equal(row.trim().split(/\s+/)[1], printed[i]!.counter));
    const range = JSON.parse((await run('events', file, '--from', '77', '--to', '81', '--format', 'json')).stdout) as EventsJson;
    assert.deepEqual(
      range.events.map((e) => e.line),
      printed.filter((p) => Number(p.counter) >= 77 && Number(p.counter) <= 81).map((p) => p.line),
    );
  });
}
