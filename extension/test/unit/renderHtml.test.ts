// The HTML report (`iolens analyze --html`) on real recordings, with its truth from the samples' raw text and
// their expected.json truth (never from the JSON report of the same run): every finding's kind and decisive
// line, one SVG per lifecycle graph whose nodes are the requests the raw lines show, the histogram bars
// summing to the raw request counts, the wait-for graph of a hung-task log; and the page's safety: no
// script, no handler attribute, no URL, a CSP whose hash is the one stylesheet's, trace text escaped.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeFiles, closeModel } from '../../engine/analyze';
import { namedRequests } from '../../engine/query/lensIndex';
import { lifecycleGraph } from '../../engine/query/lifecycleGraph';
import { escapeHtml, html } from '../../engine/report/htmlMarkup';
import { renderHtml, type HtmlReportOptions } from '../../engine/report/renderHtml';
import { samplesDir } from './helpers/paths';
import { raw, type RawEvent } from './helpers/rawTrace';

const s10 = path.join(samplesDir, '10-nowait-partial-read');
const s10trace = path.join(s10, 'trace.txt');
const hungLog = path.join(samplesDir, '20-btrfs-hang', 'dmesg-hung-tasks.txt');

interface Truth10 {
  truth: {
    io_uring: { all: { task: string; submitLine: number; user_data: string; completeLine: number; result: number }[] };
    shortReads: { step: number; api: string; returned: number; requested: number }[];
    syscalls: { exitCounts: Record<string, number> };
    block: { rqComplete: Record<string, number> };
  };
  files: Record<string, { lines: number; events: number }>;
}
const expected10 = JSON.parse(readFileSync(path.join(s10, 'expected.json'), 'utf8')) as Truth10;

/** The page of some files, and the lifecycle graphs (engine query, not the report) of what each finding names. */
async function page(files: readonly string[], options: HtmlReportOptions = {}): Promise<{ html: string; nodesPerRoot: Map<number, number> }> {
  const { report, models } = await analyzeFiles(files);
  try {
    const nodesPerRoot = new Map<number, number>();
    for (const m of models) {
      if (m.kind !== 'trace') continue;
      for (const f of report.findings) {
        if (f.file !== m.path) continue;
        for (const r of namedRequests(m.requests, f.line)) {
          const g = lifecycleGraph(m.path, m.requests, r);
          nodesPerRoot.set(g.root, g.nodes.length);
        }
      }
    }
    return { html: await renderHtml(report, models, { version: 'test', ...options }), nodesPerRoot };
  } finally {
    await Promise.all(models.map(closeModel));
  }
}

const decode = (s: string): string => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a script-free, self-contained page must hold for any input. */
function assertSafe(page: string): void {
  assert.ok(page.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(page, /<script/i, 'no script element');
  assert.doesNotMatch(page, /https?:\/\//i, 'no http(s) URL');
  assert.doesNotMatch(page, /javascript:/i);
  const tags = page.match(/<[a-zA-Z][^<>]*>/g) ?? [];
  assert.ok(tags.length > 20);
  for (const t of tags) {
    assert.doesNotMatch(t, /\son\w+\s*=/i, `no event handler attribute: ${t}`);
    assert.doesNotMatch(t, /\s(?:style|src|srcset|xlink:href)\s*=/i, `no style attribute, nothing loaded: ${t}`);
    assert.doesNotMatch(t, /\shref\s*=\s*"(?!#)/i, `only in-page links: ${t}`);
    assert.doesNotMatch(t, /^<(?:img|iframe|object|embed|link|base|form|meta http-equiv="refresh")/i, `nothing loaded: ${t}`);
  }
  for (const u of page.matchAll(/url\(([^)]*)\)/g)) assert.match(u[1]!, /^#[\w-]+$/, 'url() only to in-page markers');
  const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  assert.equal(styles.length, 1, 'one inline stylesheet');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
  assert.ok(csp, 'a CSP meta element');
  const hash = createHash('sha256').update(styles[0]![1]!, 'utf8').digest('base64');
  assert.equal(decode(csp[1]!), `default-src 'none'; style-src 'sha256-${hash}'`);
  assert.ok(page.indexOf(csp[0]) < page.indexOf('<style>'), 'the policy comes before the style');
}

/** `<li class="finding …" … data-kind="K" data-line="L">` of each finding, in page order. */
function findingsOf(page: string): { kind: string; line: number }[] {
  return [...page.matchAll(/<li class="finding [^"]*" id="finding-\d+" data-kind="([^"]*)" data-line="(\d+)">/g)].map((m) => ({ kind: decode(m[1]!), line: Number(m[2]) }));
}

/** Each graph SVG of a class, with its nodes (classes and line). */
function graphsOf(page: string, cls: string): { nodes: { classes: string; line: number | undefined; text: string }[] }[] {
  return [...page.matchAll(new RegExp(`<svg class="graph ${cls}"[\\s\\S]*?</svg>`, 'g'))].map((m) => ({
    nodes: [...m[0].matchAll(/<g class="(node [^"]*)"(?: data-line="(\d+)")?>([\s\S]*?)<\/g>/g)].map((n) => ({
      classes: n[1]!,
      line: n[2] !== undefined ? Number(n[2]) : undefined,
      text: [...n[3]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => decode(t[1]!)).join('\n'),
    })),
  }));
}

/** Sum of the bar counts written in the histogram of one group. */
function histogramTotal(page: string, layer: string, op: string, device: string, stage: string): number {
  const fig = new RegExp(`<figure class="hist" data-layer="${layer}" data-op="${op}" data-device="${device}" data-stage="${stage}">([\\s\\S]*?)</figure>`).exec(page);
  assert.ok(fig, `histogram ${layer} ${op} ${device} ${stage}`);
  return [...fig[1]!.matchAll(/<text class="count"[^>]*>(\d+)<\/text>/g)].reduce((n, m) => n + Number(m[1]), 0);
}

/** The raw events of one task in a line range (inclusive). */
function taskEvents(events: readonly RawEvent[], pid: number, from: number, to: number, name: string): RawEvent[] {
  return events.filter((e) => e.pid === pid && e.line >= from && e.line <= to && e.name === name);
}

test('escapeHtml and html: metacharacters become entities, control characters visible escapes; markup made by html is kept', () => {
  assert.equal(escapeHtml(`<img src=x onerror="alert('1')">&`), '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  assert.equal(escapeHtml('a\u001b[31mb\u0007\tc\n'), 'a\\x1b[31mb\\x07\tc\n');
  const name = '</style><script>alert(1)</script>';
  assert.equal(html`<p title="${name}">${name}</p>`.toString(), `<p title="${escapeHtml(name)}">${escapeHtml(name)}</p>`);
  assert.equal(html`<ul>${['<a>', html`<li>b</li>`, 3, undefined, false]}</ul>`.toString(), '<ul>&lt;a&gt;<li>b</li>3</ul>');
});

test('html report: samples/10: every finding with its kind and decisive line, a lifecycle graph per chain, histograms', async () => {
  const r = raw(s10trace);
  const truth = expected10.truth;
  // Short reads (expected.json truth, steps 1 and 2): the preadv2 exit that returned 65536, and the io_uring completion of user_data 0x1002.
  assert.deepEqual(
    truth.shortReads.filter((s) => s.returned >= 0 && s.returned < s.requested).map((s) => s.step),
    [1, 2],
  );
  const pvExit = r.events.filter((e) => e.name === 'sys_exit_preadv2' && Number(e.payload) === truth.shortReads[0]!.returned);
  assert.equal(pvExit.length, 1);
  const pv = pvExit[0]!;
  const pvEnter = r.events.filter((e) => e.name === 'sys_enter_preadv2' && e.pid === pv.pid && e.line < pv.line).at(-1)!;
  const ur = truth.io_uring.all.find((u) => u.user_data === '0x1002')!;
  assert.equal(ur.result, truth.shortReads[1]!.returned);
  // nowait-retry (steps 3 and 4): the preadv2 RWF_NOWAIT at 512 KiB and io_uring READ 0x1004 returned -EAGAIN
  // (0xfffffffffffffff5 / result -11) to their processes, which read nothing after: decisive are the exit and the CQE.
  // The control READ 0x1006, retried by io_uring itself after its inline NOWAIT attempt, is no finding.
  const eagainExit = r.events.filter((e) => e.name === 'sys_exit_preadv2' && e.payload === '0xfffffffffffffff5');
  assert.equal(eagainExit.length, 1);
  const pv3 = eagainExit[0]!;
  const pv3Enter = r.events.filter((e) => e.name === 'sys_enter_preadv2' && e.pid === pv3.pid && e.line < pv3.line).at(-1)!;
  assert.ok(!r.events.some((e) => e.pid === pv3.pid && e.line > pv3.line && /^sys_enter_/.test(e.name)), 'the process reads nothing after the -EAGAIN');
  const ur4 = truth.io_uring.all.find((u) => u.user_data === '0x1004')!;
  assert.equal(ur4.result, -11);
  const ur4Pid = Number(/-(\d+)$/.exec(ur4.task)![1]);
  assert.ok(!truth.io_uring.all.some((u) => u.task === ur4.task && u.submitLine > ur4.completeLine), 'the process submits nothing after the -EAGAIN');
  const expectedFindings = [
    { kind: 'short-read', line: pv.line },
    { kind: 'short-read', line: ur.completeLine },
    { kind: 'nowait-retry', line: pv3.line },
    { kind: 'nowait-retry', line: ur4.completeLine },
  ];
  assert.deepEqual(expectedFindings.map((f) => f.line), [369, 734, 1093, 1458]);

  const { html: out, nodesPerRoot } = await page([s10trace]);
  assertSafe(out);
  assert.deepEqual(findingsOf(out), expectedFindings);
  assert.match(out, /<h2>Findings \(4\)<\/h2>/);
  // File facts from expected.json.
  const facts = expected10.files['trace.txt']!;
  assert.match(out, new RegExp(`<td class="num">${facts.lines}</td><td class="num">${facts.events}</td>`));

  // Lifecycle graphs: one per chain (preadv2 of the first short read, io_uring 0x1002, the -EAGAIN preadv2, io_uring 0x1004). Each
  // node carries its first line: the chain's start, its task's first xfs_file_buffered_read after it, its first block_bio_queue.
  const graphs = graphsOf(out, 'lifecycle');
  const chains = [
    { pid: pv.pid, start: pvEnter.line, end: pv.line },
    { pid: Number(/-(\d+)$/.exec(ur.task)![1]), start: ur.submitLine, end: ur.completeLine },
    { pid: pv3.pid, start: pv3Enter.line, end: pv3.line },
    { pid: ur4Pid, start: ur4.submitLine, end: ur4.completeLine },
  ];
  assert.equal(graphs.length, chains.length);
  assert.equal(nodesPerRoot.size, chains.length);
  chains.forEach((c, i) => {
    const fsStart = taskEvents(r.events, c.pid, c.start, c.end, 'xfs_file_buffered_read')[0]!;
    const bio = taskEvents(r.events, c.pid, c.start, c.end, 'block_bio_queue');
    assert.equal(bio.length, 1, 'one block request per chain');
    const g = graphs[i]!;
    assert.deepEqual(
      g.nodes.map((n) => n.line),
      [c.start, fsStart.line, bio[0]!.line],
      `chain ${i + 1}: its root, its buffered read, its block request`,
    );
    assert.deepEqual(
      g.nodes.map((n) => n.classes.split(' ')[1]),
      ['k-' + (i % 2 === 0 ? 'syscall' : 'io_uring'), 'k-fs', 'k-block'],
    );
  });
  // As many node <g> as the engine's lifecycle graph of each chain has nodes.
  assert.deepEqual(
    graphs.map((g) => g.nodes.length),
    [...nodesPerRoot.values()],
  );
  // The first short read's nodes: the syscall returned 65536 of 262144, marked short.
  assert.match(graphs[0]!.nodes[0]!.text, /^preadv2\(fd 3 @0, 262144\)\n-> 65536/);
  assert.ok(graphs[0]!.nodes[0]!.classes.split(' ').includes('short'));
  assert.match(out, /4 lifecycle graphs drawn\./);

  // Histograms: the bars of block read 7:0 (first stage to completion) sum to the raw completed RA requests,
  // io_uring READ to its 3 requests, preadv2 to its 3 exits.
  assert.equal(histogramTotal(out, 'block', 'read', '7:0', 'total'), truth.block.rqComplete['7,0 RA']);
  assert.equal(histogramTotal(out, 'block', 'read', '7:0', 'Q2C'), truth.block.rqComplete['7,0 RA']);
  assert.equal(histogramTotal(out, 'io_uring', 'READ', '7:0', 'total'), truth.io_uring.all.length);
  assert.equal(histogramTotal(out, 'syscall', 'preadv2', '7:0', 'total'), truth.syscalls.exitCounts['preadv2']);
  assert.match(out, /<g class="pct"><line [^>]*\/><text [^>]*>p50 /);
});

test('html report: cap on lifecycle graphs says how many were left out', async () => {
  const { html: out } = await page([s10trace], { maxGraphs: 1 });
  assertSafe(out);
  assert.equal(graphsOf(out, 'lifecycle').length, 1);
  assert.match(out, /1 lifecycle graph drawn; 3 more request chains named by findings not drawn \(at most 1 graphs\)/);
  assert.equal((out.match(/1 lifecycle graph not drawn: the page draws at most 1\./g) ?? []).length, 3);
});

test('html report: samples/20 hung-task log: findings at the raw report lines, the wait-for graph with every blocked task', async () => {
  const lines = readFileSync(hungLog, 'utf8').split('\n');
  const reports = lines.flatMap((l, i) => {
    const m = /INFO: task (\S+):(\d+) blocked for more than \d+ seconds/.exec(l);
    return m ? [{ comm: m[1]!, pid: Number(m[2]), line: i + 1 }] : [];
  });
  assert.equal(reports.length, 4);
  // Tasks that wait in btrfs_wait_ordered_range wait for ordered extents: decisive on that frame's line.
  const oeWaits = lines.flatMap((l, i) => (/\sbtrfs_wait_ordered_range\+/.test(l) ? [i + 1] : []));
  assert.equal(oeWaits.length, 2);
  const expected = [...reports.map((r) => ({ kind: 'hung-task', line: r.line })), ...oeWaits.map((line) => ({ kind: 'ordered-extent-wait', line }))];

  const { html: out } = await page([hungLog]);
  assertSafe(out);
  const key = (f: { kind: string; line: number }): string => `${f.kind}@${f.line}`;
  assert.deepEqual(findingsOf(out).map(key).sort(), expected.map(key).sort());
  assert.equal(graphsOf(out, 'lifecycle').length, 0, 'a log has no request chains');
  assert.match(out, /<h2>Blocked tasks \(4\)<\/h2>/);
  const wg = graphsOf(out, 'wait-graph');
  assert.equal(wg.length, 1);
  const tasks = wg[0]!.nodes.filter((n) => n.classes.split(' ').includes('k-task'));
  assert.deepEqual(
    tasks.map((n) => [n.text.split('\n')[0], n.line]),
    reports.map((r) => [`${r.comm}:${r.pid}`, r.line]),
  );
  assert.ok(tasks.every((n) => n.classes.split(' ').includes('stuck')));
  // The other nodes are what they wait on; every task has an edge.
  assert.ok(wg[0]!.nodes.length > tasks.length);
  assert.ok((out.match(/<g class="edge[ "]/g) ?? []).length >= tasks.length);
});

test('html report: a wait-for graph above maxWaitNodes folds tasks of one culprit into groups and says so', async () => {
  const log = path.join(samplesDir, '21-btrfs-ordered-wait', 'dmesg-hung-tasks.txt');
  const blocked = (readFileSync(log, 'utf8').match(/INFO: task \S+:\d+ blocked for more than/g) ?? []).length;
  assert.equal(blocked, 11);
  const { html: out } = await page([log], { maxWaitNodes: 6 });
  assertSafe(out);
  const wg = graphsOf(out, 'wait-graph')[0]!;
  assert.ok(wg.nodes.length <= 6, `${wg.nodes.length} nodes drawn`);
  const groups = wg.nodes.filter((n) => n.classes.split(' ').includes('group'));
  assert.ok(groups.length > 0);
  const inGroups = groups.reduce((n, g) => n + Number(/^(\d+) tasks\n/.exec(g.text)![1]), 0);
  const single = wg.nodes.filter((n) => n.classes.split(' ').includes('k-task') && !n.classes.split(' ').includes('group')).length;
  assert.equal(inGroups + single, blocked, 'every blocked task is drawn or counted in a group');
  assert.match(out, /\d+ blocked tasks are drawn as \d+ groups? of tasks with the same culprit frame/);
});

test('html report: hostile task names from samples/10 stay text', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-html-'));
  const file = path.join(dir, 'hostile-names.trace');
  const img = '<img src=x onerror=alert(1)>';
  const style = '</style><script>alert(2)</script>';
  // As extension/test/e2e/makeTraces.ts makes hostile-names.trace: the tasks of both short reads renamed.
  const text = readFileSync(s10trace, 'utf8')
    .replace(/^( *)pread_nowait-3039 /gm, `$1${img}-3039 `)
    .replace(/^( *)uring_nowait-3047 /gm, `$1${style}-3047 `);
  writeFileSync(file, text);
  const { html: out } = await page([file]);
  assertSafe(out);
  assert.ok(!out.includes(img), 'the raw <img> never appears');
  assert.ok(!out.includes(style), 'the raw </style><script> never appears');
  assert.doesNotMatch(out, /<img/i);
  assert.equal((out.match(/<\/style>/g) ?? []).length, 1);
  // They are shown, as text, in the findings' messages.
  assert.ok(out.includes(`by ${escapeHtml(img)}-3039 returned 65536 of 262144`));
  assert.ok(out.includes(`by ${escapeHtml(style)}-3047 returned 65536 of 262144`));
  assert.deepEqual(
    findingsOf(out).map((f) => f.line),
    [369, 734, 1093, 1458],
  );
});
