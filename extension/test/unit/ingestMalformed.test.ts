// Bad input never crashes or hangs: each broken line is skipped, counted and reported with its number,
// and the good lines around it still come out.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ingestBytes, ingestFile, IngestError } from '../../engine/ingest/ingestFile';

const HEADER = ['# tracer: nop', '#', '# entries-in-buffer/entries-written: 5/5   #P:2', '#'];
const E1 = '              dd-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]';
const E2 = '     ksoftirqd/1-22      [001] ..s..   297.376299: block_rq_complete: 7,0 RM () 67848 + 8 be,0,4 [0]';
const E3 = '              dd-20308   [000] .....   297.376400: sys_read -> 0x340';

function ingest(text: string | Buffer): ReturnType<typeof ingestBytes> {
  return ingestBytes('t.trace', typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

function parseErrorLines(r: ReturnType<typeof ingestBytes>): number[] {
  return r.findings.filter((f) => f.kind === 'parse-error').map((f) => f.line);
}

test('CRLF line endings read like LF', () => {
  const r = ingest([...HEADER, E1, E2, E3].join('\r\n') + '\r\n');
  assert.equal(r.events, 3);
  assert.equal(r.skippedLines, 0);
  assert.deepEqual(r.findings, []);
  assert.equal(r.format, 'ftrace-kernel');
});

test('a truncated last line is reported with its number', () => {
  const r = ingest([...HEADER, E1, E2, E3.slice(0, 40)].join('\n'));
  assert.equal(r.events, 2);
  assert.equal(r.skippedLines, 1);
  assert.deepEqual(parseErrorLines(r), [7]);
  assert.match(r.findings[0]!.message, /Line 7 skipped/);
});

test('a last line cut inside the payload of a known event is a truncated line, not an event', () => {
  const r = ingest([...HEADER, E1, E2.slice(0, E2.length - 12)].join('\n'));
  assert.equal(r.events, 1);
  assert.deepEqual(parseErrorLines(r), [6]);
  assert.match(r.findings[0]!.message, /cut short/);
  // The same text followed by a newline is a complete line with a bad payload: an event, flagged.
  const r2 = ingest([...HEADER, E1, E2.slice(0, E2.length - 12)].join('\n') + '\n');
  assert.equal(r2.events, 2);
  assert.equal(r2.findings[0]!.details['scope'], 'payload');
});

test('binary garbage in the middle: skipped as one run, events around it kept', () => {
  const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
  const buf = Buffer.concat([Buffer.from([...HEADER, E1, ''].join('\n')), garbage, Buffer.from(['', E2, E3, ''].join('\n'))]);
  const r = ingest(buf);
  assert.equal(r.events, 3);
  assert.equal(r.eventCounts.get('block_rq_complete'), 1);
  assert.ok(r.skippedLines >= 1);
  const pe = r.findings.filter((f) => f.kind === 'parse-error');
  assert.ok(pe.length >= 1);
  assert.equal(pe[0]!.line, 6);
  assert.equal(r.eventCounts.get('block_bio_queue'), 1);
  assert.equal(r.eventCounts.get('sys_exit_read'), 1);
});

test('invalid UTF-8 in a comm and in a payload does not lose the event', () => {
  const bad = Buffer.concat([
    Buffer.from('              d'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [d'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(']\n'),
  ]);
  const r = ingest(Buffer.concat([Buffer.from(HEADER.join('\n') + '\n'), bad]));
  assert.equal(r.events, 1);
  assert.equal(r.store.pidAt(0), 20308);
  assert.equal(r.skippedLines, 0);
});

test('a 1 MB line is skipped and reported, the next lines are read', () => {
  const long = 'x'.repeat(1024 * 1024);
  const r = ingestBytes('t.trace', Buffer.from([...HEADER, E1, long, E2].join('\n')), { maxLineBytes: 512 * 1024 });
  assert.equal(r.events, 2);
  assert.deepEqual(parseErrorLines(r), [6]);
  assert.match(r.findings[0]!.message, /longer than the limit/);
  // With the default limit (8 MB) the same line is read and reported as unparsable text.
  const r2 = ingest([...HEADER, E1, long, E2].join('\n'));
  assert.equal(r2.events, 2);
  assert.deepEqual(parseErrorLines(r2), [6]);
});

test('trace-cmd noise lines are parse errors, with the tool message in the reason', () => {
  const r = ingest(
    [
      'cpus=2',
      '  ug! no event found for type 843',
      'inst_fmt: [UNKNOWN EVENT][UNKNOWN EVENT] (NULL):               [UNKNOWN EVENT]',
      '[UNKNOWN TYPE 843] 4b 03 00 00',
      '  ug! negative record size -4',
      '             fio-13885 [000]   860.731092: block_plug:           [fio]',
    ].join('\n'),
  );
  assert.equal(r.events, 1);
  assert.equal(r.skippedLines, 4);
  assert.equal(r.format, 'trace-cmd-report');
  const reasons = r.findings.map((f) => String(f.details['reason']));
  assert.ok(reasons.some((x) => x.includes('ug! no event found for type 843')));
  assert.ok(reasons.some((x) => x.includes('ug! negative record size -4')));
  assert.deepEqual(parseErrorLines(r), [2, 3, 4, 5]);
});

test('lost and dropped events are findings with their counts; the markers are not parse errors', () => {
  const r = ingest(
    [
      E1,
      'CPU:0 [LOST 39793 EVENTS]',
      E2,
      'CPU:3 [LOST EVENTS]',
      'inst_drop: CPU:1 [60229 EVENTS DROPPED]',
      '##### CPU 1 buffer started ####',
      E3,
    ].join('\n'),
  );
  assert.equal(r.events, 3);
  assert.equal(r.skippedLines, 0);
  assert.equal(r.lostEvents, 39793 + 60229);
  const lost = r.findings.filter((f) => f.kind === 'lost-events');
  assert.deepEqual(
    lost.map((f) => [f.line, f.details['cpu'], f.details['lost']]),
    [
      [2, 0, 39793],
      [4, 3, null],
      [5, 1, 60229],
      [6, 1, null],
    ],
  );
});

test('an overwritten buffer announced by the header is a lost-events finding', () => {
  const r = ingest(['# tracer: nop', '# entries-in-buffer/entries-written: 100/250   #P:4', E1].join('\n'));
  const lost = r.findings.filter((f) => f.kind === 'lost-events');
  assert.equal(lost.length, 1);
  assert.equal(lost[0]!.details['lost'], 150);
  assert.equal(r.cpus, 4);
});

test('time going backwards on one CPU is a timestamp-disorder finding with both lines', () => {
  const r = ingest(
    [
      '              dd-20308   [001] .....   297.376111: block_plug: [dd]',
      '              dd-20308   [000] .....   297.000001: block_plug: [dd]',
      '              dd-20308   [001] .....   297.376000: block_plug: [dd]',
      '              dd-20308   [001] .....   297.376500: block_plug: [dd]',
    ].join('\n'),
  );
  const d = r.findings.filter((f) => f.kind === 'timestamp-disorder');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.line, 3);
  assert.deepEqual(
    d[0]!.evidence.map((e) => e.line),
    [1, 3],
  );
  assert.equal(d[0]!.details['backwardsNs'], 111000);
  assert.equal(r.firstTimestamp, 297000001000);
  assert.equal(r.lastTimestamp, 297376500000);
});

test('empty file and header-only file', () => {
  const empty = ingest('');
  assert.equal(empty.format, 'empty');
  assert.equal(empty.events, 0);
  assert.equal(empty.firstTimestamp, null);
  const header = ingest(HEADER.join('\n') + '\n');
  assert.equal(header.events, 0);
  assert.equal(header.skippedLines, 0);
  assert.equal(header.lines, 4);
});

test('a kernel log is recognised as such and its lines are not parse errors', () => {
  const r = ingest(
    [
      '[  446.431446] INFO: task python3:25394 blocked for more than 8 seconds.',
      '[  446.432373]       Not tainted 6.18.44-fc-v657 #1',
      '[  446.433863] task:python3         state:D stack:0     pid:25394 tgid:25394 ppid:1      task_flags:0x400000 flags:0x00080001',
    ].join('\n'),
  );
  assert.equal(r.format, 'kernel-log');
  assert.equal(r.skippedLines, 0);
  assert.deepEqual(r.findings, []);
});

test('unknown events keep their names and count; unknown kernels do not stop the parse', () => {
  const r = ingest(
    [
      '          my-app-42     [002] .....   10.000001: my_new_event: a=1 b=two',
      '          my-app-42     [002] .....   10.000002: block_rq_issue: completely different layout from kernel 9.0',
    ].join('\n') + '\n',
  );
  assert.equal(r.events, 2);
  assert.equal(r.eventCounts.get('my_new_event'), 1);
  const payload = r.findings.filter((f) => f.details['scope'] === 'payload');
  assert.equal(payload.length, 1);
  assert.equal(payload[0]!.details['event'], 'block_rq_issue');
  assert.equal(payload[0]!.line, 2);
});

test('binary trace.dat, missing files and directories give one-line errors', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-'));
  const dat = path.join(dir, 'trace.dat');
  writeFileSync(dat, Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing7\0'), Buffer.alloc(100)]));
  await assert.rejects(ingestFile(dat), (e: unknown) => e instanceof IngestError && /binary trace-cmd trace\.dat \(file version 7\)/.test(e.message));
  await assert.rejects(ingestFile(path.join(dir, 'missing.txt')), (e: unknown) => e instanceof IngestError && /cannot open .*ENOENT/.test(e.message));
  await assert.rejects(ingestFile(dir), (e: unknown) => e instanceof IngestError && /is a directory/.test(e.message));
});

test('slicing does not change the result', async () => {
  const text = [...HEADER, E1, 'garbage', E2, 'CPU:0 [LOST 5 EVENTS]', E3].join('\n') + '\n';
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-'));
  const file = path.join(dir, 'x.trace');
  writeFileSync(file, text);
  const whole = await ingestFile(file);
  for (const sliceBytes of [1, 7, 64, 333]) {
    const r = await ingestFile(file, { sliceBytes });
    assert.deepEqual(r.findings, whole.findings, `slice ${sliceBytes}`);
    assert.deepEqual([...r.eventCounts], [...whole.eventCounts]);
  }
});
