// collapseWaitGraph: the wait-for graph as the panel draws it, on the real kernel log of samples/20 (four
// hung-task reports, two of them in btrfs_wait_ordered_range, counted in the raw text) with the collapse
// forced, and on a generated log of 400 blocked tasks (the four reports repeated with new pids).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { AnalysisReport, WaitGraph, WaitNode } from '../../engine/contracts/report';
import { analyzeBytes, assemble } from '../../engine/analyze';
import { collapseWaitGraph, type ShownGraph } from '../../engine/contracts/waitGraphCollapse';
import { manyHungTasks } from '../e2e/makeTraces';
import { samplesDir } from './helpers/paths';

function reportOf(name: string, text: string): AnalysisReport {
  return assemble([analyzeBytes(name, new TextEncoder().encode(text))]).report;
}

function culprits(report: AnalysisReport): (n: WaitNode) => string | undefined {
  const m = new Map<string, string>();
  for (const t of report.tasks) if (t.blocked && t.culprit !== undefined && !m.has(t.node)) m.set(t.node, t.culprit);
  return (n) => m.get(n.id);
}

/** Every node of the full graph is drawn or in exactly one group; groups hold 2+ tasks of one culprit; edges all accounted for. */
function checkInvariants(full: WaitGraph, shown: ShownGraph, culpritOf: (n: WaitNode) => string | undefined): void {
  const drawn = new Set(shown.nodes.filter((n) => !n.members).map((n) => n.id));
  const inGroup = new Map<string, string>();
  for (const g of shown.nodes.filter((n) => n.members)) {
    assert.ok(g.members!.length >= 2, `${g.id} groups ${g.members!.length} task`);
    const cs = new Set(g.members!.map((id) => culpritOf(full.nodes.find((n) => n.id === id)!)));
    assert.equal(cs.size, 1, `${g.id} mixes culprits`);
    assert.equal(g.label, `${g.members!.length} tasks in ${[...cs][0]}`);
    for (const id of g.members!) {
      assert.ok(!inGroup.has(id) && !drawn.has(id), `${id} drawn twice`);
      inGroup.set(id, g.id);
    }
  }
  for (const n of full.nodes) assert.ok(drawn.has(n.id) || inGroup.has(n.id), `${n.id} neither drawn nor grouped`);
  const onCycle = new Set(full.cycles.flat());
  for (const id of onCycle) assert.ok(!inGroup.has(id), `cycle member ${id} grouped`);
  assert.equal(shown.edges.reduce((s, e) => s + e.count, 0), full.edges.length);
  const ids = new Set(shown.nodes.map((n) => n.id));
  for (const e of shown.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `edge ${e.from} -> ${e.to} to a node not drawn`);
}

test('samples/20: forced collapse groups the tasks blocked in btrfs_wait_ordered_range; invariants; expanding a group draws its tasks', () => {
  const raw = readFileSync(path.join(samplesDir, '20-btrfs-hang', 'dmesg-hung-tasks.txt'), 'utf8');
  const reports = raw.split(/(?=^.*INFO: task \S+:\d+ blocked for more than)/m).filter((r) => /INFO: task/.test(r));
  const inWor = reports.filter((r) => /btrfs_wait_ordered_range/.test(r)).length;
  assert.equal(inWor, 2);
  const report = reportOf('dmesg-hung-tasks.txt', raw);
  const g = report.waitGraph;
  const culpritOf = culprits(report);
  const limits = { collapseAbove: 0, maxDrawn: 300 };
  const shown = collapseWaitGraph(g, culpritOf, new Set(), limits);
  checkInvariants(g, shown, culpritOf);
  const rebp = shown.nodes.find((n) => n.label === `${inWor} tasks in btrfs_wait_ordered_range`);
  assert.ok(rebp, `groups: ${shown.nodes.filter((n) => n.members).map((n) => n.label).join('; ')}`);
  const opened = collapseWaitGraph(g, culpritOf, new Set([rebp.id]), limits);
  checkInvariants(g, opened, culpritOf);
  assert.equal(opened.nodes.length, shown.nodes.length + inWor - 1);
  for (const id of rebp.members!) assert.ok(opened.nodes.some((n) => n.id === id));
  // Below the threshold (60 nodes) the graph is drawn as it is.
  assert.ok(g.nodes.length <= 60);
  const small = collapseWaitGraph(g, culpritOf);
  assert.equal(small.groups, 0);
  assert.equal(small.nodes.length, g.nodes.length);
});

test('400 blocked tasks of four culprits: collapsed to a few groups (no cut), every task counted', () => {
  const text = manyHungTasks(readFileSync(path.join(__dirname, '..', 'e2e', 'fixtures', 'hung-tasks.log'), 'utf8'), 100);
  const blockedInRaw = text.match(/INFO: task \S+:\d+ blocked for more than/g)!.length;
  assert.equal(blockedInRaw, 400);
  const report = reportOf('many-hung-tasks.log', text);
  const g = report.waitGraph;
  const culpritOf = culprits(report);
  const shown = collapseWaitGraph(g, culpritOf);
  checkInvariants(g, shown, culpritOf);
  const taskCount = shown.nodes.reduce((s, n) => s + (n.members ? n.members.length : n.kind === 'task' ? 1 : 0), 0);
  assert.equal(taskCount, g.nodes.filter((n) => n.kind === 'task').length);
  assert.equal(g.nodes.filter((n) => n.kind === 'task').length, blockedInRaw);
  assert.ok(shown.nodes.length <= 300 && shown.groups >= 1 && shown.groups <= 8, `${shown.nodes.length} nodes, ${shown.groups} groups`);
});

test('groups the user opened stay open, also when merging by culprit alone', () => {
  const text = manyHungTasks(readFileSync(path.join(__dirname, '..', 'e2e', 'fixtures', 'hung-tasks.log'), 'utf8'), 100);
  const report = reportOf('many-hung-tasks.log', text);
  const g = report.waitGraph;
  const culpritOf = culprits(report);
  const limits = { collapseAbove: 60, maxDrawn: 150 };
  const expanded = new Set<string>();
  let shown = collapseWaitGraph(g, culpritOf, expanded, limits);
  // Open every group, one after the other, as the user clicks them: in the end every node is drawn.
  for (let guard = 0; guard < 20 && shown.groups > 0; guard++) {
    const group = shown.nodes.find((n) => n.members)!;
    expanded.add(group.id);
    const next = collapseWaitGraph(g, culpritOf, expanded, limits);
    checkInvariants(g, next, culpritOf);
    for (const id of group.members!) assert.ok(next.nodes.some((n) => n.id === id), `${id} of the opened ${group.id} is drawn`);
    shown = next;
  }
  assert.equal(shown.groups, 0);
  assert.equal(shown.nodes.length, g.nodes.length);
});
