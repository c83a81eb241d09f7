// lineInfo: the hover's one round trip, served by EngineService over real recordings, checked against the
// raw lines and the recordings' READMEs, and against the separate queries it stands for (eventAt,
// requestChains, findingsAt).
//
// samples/10-nowait-partial-read (README): preadv2 RWF_NOWAIT of 262144 at 0 by pid 3039 returns 65536 although
// i_size is 1 MiB (a short read), and starts readahead (RA block reads follow).
// samples/21-btrfs-ordered-wait/dmesg-hung-tasks.txt: 11 hung-task reports (`INFO: task COMM:PID blocked for
// more than 4 seconds.`), each a blocked task.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DocRef, OpenResult } from '../../protocol/engineProtocol';
import { EngineService } from '../../worker/engineService';
import { samplesDir } from './helpers/paths';
import { blockAddr, only, raw, retOf } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const LOG21 = path.join(samplesDir, '21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');
const never = new AbortController().signal;
const noProgress = (): void => undefined;

function doc(file: string): DocRef {
  return { key: `file://${file}`, version: 1, name: file, path: file };
}

/** A service with `d` open (and what `open` answered); the caller disposes it. */
async function serviceWith(d: DocRef): Promise<{ svc: EngineService; opened: OpenResult }> {
  const svc = new EngineService();
  return { svc, opened: await svc.handle('open', { doc: d, companions: [] }, never, noProgress) };
}

for (const spelling of ['trace.txt', 'report.txt'] as const) {
  test(`lineInfo: samples/10 ${spelling}: the short preadv2's exit: its event, its chain (syscall, buffered read, readahead block read) and the short-read finding`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const enter = only(r, (e) => e.name === 'sys_enter_preadv2' && e.pid === 3039, 'preadv2 enter of pid 3039');
    const exit = only(r, (e) => e.name === 'sys_exit_preadv2' && e.pid === 3039, 'preadv2 exit of pid 3039');
    assert.equal(retOf(exit), 65536);
    const bios = r.events.filter((e) => e.name === 'block_bio_queue' && e.pid === 3039 && e.line > enter.line && e.line < exit.line).map((e) => blockAddr(e)!);
    assert.ok(bios.length > 0, 'readahead queued block reads during the call');
    const d = doc(file);
    const { svc } = await serviceWith(d);
    try {
      const info = await svc.handle('lineInfo', { doc: d.key, line: exit.line }, never, noProgress);
      assert.ok(info.event);
      assert.equal(info.event.event, 'sys_exit_preadv2');
      assert.equal(info.event.line, exit.line);
      assert.equal(info.event.pid, 3039);
      assert.equal(info.chains.length, 1);
      const chain = info.chains[0]!;
      const root = chain.nodes[0]!;
      assert.deepEqual([root.layer, root.op, root.length, root.result, root.stages[0]!.line], ['syscall', 'preadv2', 262144, 65536, enter.line]);
      assert.deepEqual([...new Set(chain.nodes.map((n) => n.layer))].sort(), ['block', 'fs', 'syscall']);
      const blocks = chain.nodes.filter((n) => n.layer === 'block').map((n) => `${n.dev} ${n.sector}+${n.sectors}`);
      assert.deepEqual(blocks, bios.map((b) => `${b.dev} ${b.sector}+${b.n}`));
      assert.deepEqual(
        info.findings.map((f) => [f.finding.kind, f.finding.line]),
        [['short-read', exit.line]],
      );
      assert.equal(info.task, null);
      // One round trip says what the separate queries say.
      assert.deepEqual(info.event, await svc.handle('eventAt', { doc: d.key, line: exit.line }, never, noProgress));
      assert.deepEqual(info.chains, await svc.handle('requestChains', { doc: d.key, line: exit.line }, never, noProgress));
      assert.deepEqual(info.findings, await svc.handle('findingsAt', { doc: d.key, line: exit.line }, never, noProgress));

      // The readahead's issue line: a block event of the same chain, evidence of the same finding.
      const issue = r.events.find((e) => e.name === 'block_rq_issue' && e.line > enter.line && blockAddr(e)?.sector === bios[0]!.sector)!;
      const atIssue = await svc.handle('lineInfo', { doc: d.key, line: issue.line, maxNodes: 2 }, never, noProgress);
      assert.equal(atIssue.event?.event, 'block_rq_issue');
      assert.equal(atIssue.chains[0]?.root, chain.root);
      assert.equal(atIssue.chains[0]?.nodes.length, 2, 'maxNodes is honoured');
      assert.equal(atIssue.chains[0]?.truncated, true);
      assert.deepEqual(atIssue.findings.map((f) => f.finding.kind), ['short-read']);

      // A header line: no event, no request, no finding.
      const header = r.lines.findIndex((_l, i) => !r.byLine.has(i + 1)) + 1;
      assert.ok(header > 0);
      const none = await svc.handle('lineInfo', { doc: d.key, line: header }, never, noProgress);
      assert.deepEqual(none, { event: null, chains: [], findings: [], task: null });
    } finally {
      svc.dispose();
    }
  });
}

/** The hung-task reports of a log: `INFO: task COMM:PID blocked` lines and the line before the next one. */
function infoReports(lines: readonly string[]): { line: number; next: number; comm: string; pid: number }[] {
  const out: { line: number; next: number; comm: string; pid: number }[] = [];
  lines.forEach((l, i) => {
    const m = /INFO: task (.+):(\d+) blocked for more than \d+ seconds\./.exec(l);
    if (m) out.push({ line: i + 1, next: lines.length + 1, comm: m[1]!, pid: Number(m[2]) });
  });
  out.forEach((x, k) => (x.next = out[k + 1]?.line ?? lines.length + 1));
  return out;
}

test('lineInfo: samples/21 dmesg: a line of a hung-task report gives that task, with the report\'s finding at its first line', async () => {
  const text = readFileSync(LOG21, 'utf8');
  const lines = text.split('\n');
  const reports = infoReports(lines);
  assert.equal(reports.length, 11);
  const d = doc(LOG21);
  const { svc } = await serviceWith(d);
  try {
    for (const rep of reports) {
      const mid = rep.line + 4; // the `task:` line, inside every report
      const info = await svc.handle('lineInfo', { doc: d.key, line: mid }, never, noProgress);
      assert.ok(info.task, `line ${mid} lies in a report`);
      assert.deepEqual([info.task.pid, info.task.comm, info.task.firstLine, info.task.file], [rep.pid, rep.comm, rep.line, LOG21]);
      assert.ok(info.task.lastLine >= mid && info.task.lastLine < rep.next, `the report ends before the next one (${info.task.lastLine})`);
      assert.equal(info.event, null);
      assert.deepEqual(info.chains, []);
      const atFirst = await svc.handle('lineInfo', { doc: d.key, line: rep.line }, never, noProgress);
      assert.ok(atFirst.findings.some((f) => f.finding.kind === 'hung-task' && f.finding.line === rep.line), `the hung-task finding of ${rep.comm}:${rep.pid}`);
    }
    // Line 1 (`drop_caches`) comes before every report.
    assert.ok(reports[0]!.line > 1);
    assert.equal((await svc.handle('lineInfo', { doc: d.key, line: 1 }, never, noProgress)).task, null);
  } finally {
    svc.dispose();
  }
});

test('lineInfo: a pid reported twice (a second khungtaskd round of samples/21\'s first report) gives its first report on both', async () => {
  const lines = readFileSync(LOG21, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const first = infoReports(lines)[0]!;
  // The same report 4 s later, as the next round prints it.
  const again = lines.slice(first.line - 1, first.next - 1).map((l) => l.replace(/^\[\s*(\d+)\.(\d+)\]/, (_m, s: string, f: string) => `[${String(Number(s) + 4).padStart(5)}.${f}]`));
  const text = [...lines, ...again].join('\n') + '\n';
  const d: DocRef = { key: 'untitled:twice', version: 1, name: 'twice.log', bytes: Buffer.from(text) };
  const { svc, opened } = await serviceWith(d);
  try {
    const secondStart = lines.length + 1;
    const report = opened.report;
    const ofPid = report.tasks.filter((t) => t.pid === first.pid).map((t) => t.firstLine);
    assert.deepEqual(ofPid, [first.line, secondStart], 'both reports are tasks of the log');
    for (const line of [first.line + 4, secondStart + 4]) {
      const info = await svc.handle('lineInfo', { doc: d.key, line }, never, noProgress);
      assert.deepEqual([info.task?.pid, info.task?.firstLine], [first.pid, first.line], `line ${line}`);
    }
  } finally {
    svc.dispose();
  }
});
