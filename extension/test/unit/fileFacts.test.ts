/**
 * The summary facts of a file (issue 11 item 5): the number of CPUs is the header's when it states one
 * (`cpus=N`, `#P:N`), else the CPUs that have events, listed; figures that are derived say how, in the
 * JSON facts, the text summary and the SARIF artifacts. Truth comes from the raw files (headers and the
 * `[NNN]` CPU column counted here with regular expressions), never from iolens output.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeBytes, assemble, closeModel } from '../../engine/analyze';
import type { FileSummary } from '../../engine/contracts/report';
import { renderSarif } from '../../engine/report/renderSarif';
import { renderText } from '../../engine/report/renderText';
import { samplesDir } from './helpers/paths';

function facts(name: string, text: string): { f: FileSummary; text: string; sarif: string } {
  const m = analyzeBytes(name, new TextEncoder().encode(text));
  try {
    const { report } = assemble([m]);
    return { f: report.files[0]!, text: renderText(report), sarif: renderSarif(report, 'test') };
  } finally {
    void closeModel(m);
  }
}

/** The CPU numbers of the event lines of a kernel-format trace, from the `[NNN]` column. */
function cpusOfLines(text: string): number[] {
  const seen = new Set<number>();
  for (const l of text.split('\n')) {
    const m = /^.{16}-\d+\s+\[(\d{3,})\]/.exec(l);
    if (m) seen.add(Number(m[1]));
  }
  return [...seen].sort((a, b) => a - b);
}

const pipe03 = readFileSync(path.join(samplesDir, '03-trace-pipe-lost', 'trace_pipe.txt'), 'utf8');

test('trace_pipe with events on CPUs 12 and 13 only: 2 CPUs (listed), not 14', () => {
  // samples/03 is a trace_pipe capture (no header) of a 2-vCPU VM; renumber its CPU column 0 -> 12, 1 -> 13
  // and its `CPU:N [LOST M EVENTS]` lines the same way.
  const moved = pipe03.replace(/\[000\]/g, '[012]').replace(/\[001\]/g, '[013]').replace(/^CPU:(\d+) /gm, (_, c: string) => `CPU:${Number(c) + 12} `);
  assert.deepEqual(cpusOfLines(moved), [12, 13]);
  assert.doesNotMatch(moved, /^# |^cpus=/m, 'no header in a trace_pipe capture');
  const { f, text, sarif } = facts('pipe-12-13.txt', moved);
  assert.equal(f.cpus, 2);
  assert.equal(f.cpusFrom, 'events');
  assert.deepEqual(f.cpusSeen, [12, 13]);
  assert.equal(f.derived['cpus'], 'no header states it: counted the CPUs with events (12, 13)');
  assert.match(text, /cpus 2 \(no header states it: counted the CPUs with events \(12, 13\)\)/);
  assert.doesNotMatch(text, /cpus 14/);
  const artifact = (JSON.parse(sarif) as { runs: Array<{ artifacts: Array<{ properties: Record<string, unknown> }> }> }).runs[0]!.artifacts[0]!.properties;
  assert.equal(artifact['cpus'], 2);
  assert.deepEqual(artifact['cpusSeen'], [12, 13]);
  assert.equal((artifact['derived'] as Record<string, string>)['cpus'], f.derived['cpus']);
});

test('trace_pipe lost events: the sum of the markers the file states, said as such', () => {
  const markers = [...pipe03.matchAll(/^CPU:\d+ \[LOST (\d+) EVENTS\]$/gm)].map((m) => Number(m[1]));
  assert.equal(markers.length, 3);
  const sum = markers.reduce((a, b) => a + b, 0);
  const { f, text } = facts('trace_pipe.txt', pipe03);
  assert.equal(f.lostEvents, sum);
  assert.equal(f.derived['lostEvents'], `sum of the counts the file states: 3 \`CPU:N [LOST M EVENTS]\` lines, ${sum} events`);
  assert.match(text, /lost events sum of the counts the file states/);
  assert.equal(f.cpusFrom, 'events');
  assert.deepEqual(f.cpusSeen, cpusOfLines(pipe03));
});

test('kernel header #P:N: the header count, even when events are on fewer CPUs', () => {
  const trace04 = readFileSync(path.join(samplesDir, '04-overwrite-annotate', 'trace.txt'), 'utf8');
  const p = /#P:(\d+)/.exec(trace04);
  assert.ok(p);
  const { f } = facts('trace.txt', trace04);
  assert.equal(f.cpus, Number(p[1]));
  assert.equal(f.cpusFrom, 'header');
  assert.deepEqual(f.cpusSeen, cpusOfLines(trace04));
  assert.match(f.derived['cpus'] ?? '', /^header #P:2; events on CPUs 0, 1$/);
  // Header overrun (entries-written minus entries-in-buffer) plus the buffer-started annotation.
  const ew = /entries-in-buffer\/entries-written: (\d+)\/(\d+)/.exec(trace04)!;
  assert.equal(f.lostEvents, Number(ew[2]) - Number(ew[1]));
  assert.match(f.derived['lostEvents'] ?? '', /written minus in buffer\), 11524 events; 1 `##### CPU N buffer started ####` line, 1 without a count/);

  // One event on CPU 1 under a `#P:4` header: 4 CPUs (the header), CPU 1 seen.
  const one = ['# tracer: nop', '# entries-in-buffer/entries-written: 1/1   #P:4', '              dd-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]'].join('\n');
  const g = facts('one.txt', one).f;
  assert.equal(g.cpus, 4);
  assert.deepEqual(g.cpusSeen, [1]);
  assert.equal(g.derived['cpus'], 'header #P:4; events on CPU 1');
});

test('trace-cmd cpus=N preamble; a header smaller than the CPUs seen is kept and the rest named', () => {
  const report = readFileSync(path.join(samplesDir, '01-layouts-xfs', 'report.txt'), 'utf8');
  const n = Number(/^cpus=(\d+)$/m.exec(report)![1]);
  const { f } = facts('report.txt', report);
  assert.equal(f.cpus, n);
  assert.equal(f.cpusFrom, 'header');
  assert.match(f.derived['cpus'] ?? '', new RegExp(`^header cpus=${n}; `));
  const beyond = ['cpus=1', '              dd-20308 [003]   297.376111: block_bio_queue:      7,0 RM 67848 + 8 [dd]'].join('\n');
  const g = facts('beyond.txt', beyond).f;
  assert.equal(g.cpus, 1);
  assert.deepEqual(g.cpusSeen, [3]);
  assert.equal(g.derived['cpus'], "header cpus=1; events on CPU 3 (CPU 3 beyond the header's count)");
});

test('no events: no CPU count and nothing derived about it', () => {
  const { f } = facts('empty.txt', '# tracer: nop\n#\n');
  assert.equal(f.cpus, 0);
  assert.equal(f.cpusFrom, 'none');
  assert.deepEqual(f.cpusSeen, []);
  assert.equal(f.derived['cpus'], undefined);
});
