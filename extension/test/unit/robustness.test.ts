// Bounded memory, bounded time and safe output on hostile input (issue 12), checked piece by piece: the
// string table's length cap, names with control characters reported while their events are read, more
// event names than the store's type ids, the anchored scan on lines full of anchors, and the text
// renderers' escaping. The fuzz test (fuzz.test.ts) runs the same defects end to end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeBytes, assemble } from '../../engine/analyze';
import { ingestBytes } from '../../engine/ingest/ingestFile';
import { renderEventsText, renderLatencyText } from '../../engine/report/renderQueries';
import { renderTasks } from '../../engine/report/renderTasks';
import { renderText } from '../../engine/report/renderText';
import { escapeControls, escapeText, textLines } from '../../engine/report/textEscape';
import { LineHeader } from '../../engine/scan/lineHeader';
import { scanEventLine } from '../../engine/scan/lineScanner';
import { EventStore, OTHER_EVENT_NAMES, OVERFLOW_TYPE } from '../../engine/store/eventStore';
import { CUT_MARK, MAX_STRING_BYTES, StringTable } from '../../engine/store/stringTable';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const HEADER = 'cpus=2';
const EVENT = (comm: string, line = 1): string => `${comm.padStart(16)}-27162 [001]   309.32${String(line).padStart(4, '0')}: block_rq_issue:       7,0 RM 512 () 2 + 1 0x2,0,4 [xfs_io]`;

test('interned strings are cut at MAX_STRING_BYTES, at a character boundary, and keep one id', () => {
  const t = new StringTable();
  const long = Buffer.from('a'.repeat(3 * MAX_STRING_BYTES));
  const id = t.internBytes(long, 0, long.length);
  assert.equal(t.get(id), 'a'.repeat(MAX_STRING_BYTES) + CUT_MARK);
  // Another long string with the same head shares the id; the head alone (not cut) is another string.
  assert.equal(t.internBytes(long, 0, 2 * MAX_STRING_BYTES), id);
  const head = t.internBytes(long, 0, MAX_STRING_BYTES);
  assert.notEqual(head, id);
  assert.equal(t.get(head), 'a'.repeat(MAX_STRING_BYTES));
  // The cut string interned again as a JS string (a batch merged into the store) is the same string.
  assert.equal(t.intern(t.get(id)), id);
  // Multi-byte characters are never split.
  const e = Buffer.from('é'.repeat(MAX_STRING_BYTES));
  const eid = t.internBytes(e, 0, e.length);
  assert.ok(t.get(eid).endsWith('é' + CUT_MARK));
  assert.ok(!t.get(eid).includes('\ufffd'));
  assert.equal(t.intern(t.get(eid)), eid);
  // A thousand distinct megabyte strings cost a thousand cut ones, not a gigabyte.
  const big = Buffer.alloc(1 << 20, 0x62);
  for (let i = 0; i < 1000; i++) {
    big.writeUInt32BE(i, 0);
    t.internBytes(big, 0, big.length);
  }
  assert.ok(t.byteLength < 32 * 1024 * 1024, `${t.byteLength} bytes`);
});

test('a task or buffer name with control characters: the event is read and the line reported', () => {
  const names = ['\x1b]0;pwned\x07', 'a\x00b', 'del\x7f', '\u009b31m'];
  const lines = [HEADER, EVENT('xfs_io', 1), ...names.map((n, i) => EVENT(n, i + 2)), EVENT('xfs_io', 9), `aux\x1b[2J: ${EVENT('xfs_io', 10)}`];
  const r = ingestBytes('t.txt', Buffer.from(lines.join('\n') + '\n'));
  assert.equal(r.events, 7, 'every event line is an event');
  assert.equal(r.skippedLines, 0);
  const named = r.findings.filter((f) => f.kind === 'parse-error' && f.details['scope'] === 'name');
  assert.deepEqual(
    named.map((f) => [f.line, f.details['lastLine'], f.details['name'], f.details['controls']]),
    [
      [3, 6, 'task name', '0x1b, 0x07, 0x00, 0x7f, 0x9b'],
      [8, 8, 'buffer name', '0x1b'],
    ],
  );
  assert.match(named[0]!.message, /^Lines 3-6 \(4 lines\) read as events, but the task name holds control characters/);
  // A clean file has none.
  const clean = ingestBytes('c.txt', Buffer.from([HEADER, EVENT('xfs_io'), EVENT('kworker/0:1H')].join('\n') + '\n'));
  assert.deepEqual(clean.findings.filter((f) => f.details['scope'] === 'name'), []);
});

test('more event names than 16-bit type ids: counted under one name and reported, never thrown', () => {
  const store = new EventStore();
  for (let i = 0; i < OVERFLOW_TYPE; i++) assert.equal(store.typeId(store.strings.intern(`e${i}`)), i);
  const a = store.typeId(store.strings.intern('one-more'));
  const b = store.typeId(store.strings.intern('and-another'));
  assert.equal(a, OVERFLOW_TYPE);
  assert.equal(b, OVERFLOW_TYPE);
  assert.equal(store.typeName(OVERFLOW_TYPE), OTHER_EVENT_NAMES);
  assert.equal(store.overflowNames, 2);
  const lines: string[] = [];
  for (let i = 0; i < 66_000; i++) lines.push(`  x-1 [000] 1.${String(i).padStart(6, '0')}: ev${i}: a=1`);
  const r = ingestBytes('names.txt', Buffer.from(lines.join('\n') + '\n'));
  assert.equal(r.events, 66_000);
  assert.equal(r.eventCounts.get(OTHER_EVENT_NAMES), 66_000 - OVERFLOW_TYPE);
  const f = r.findings.find((x) => x.details['scope'] === 'file');
  assert.equal(f?.line, OVERFLOW_TYPE + 1);
});

test('the anchored scan is linear on lines full of anchors', () => {
  const h = new LineHeader();
  const shapes = [
    (n: number): string => ' '.repeat(10 * n) + `${' '.repeat(18)}x-1 [1] `.repeat(n),
    (n: number): string => 'x-1 [000] 1.000000: sys_read(fd: 3, '.repeat(n),
    (n: number): string => ' '.repeat(10 * n) + 'a-1 2.... '.repeat(n),
  ];
  for (const shape of shapes) {
    const time = (n: number): number => {
      const line = Buffer.from(shape(n), 'latin1');
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        scanEventLine(line, 0, line.length, h);
        best = Math.min(best, performance.now() - t0);
      }
      return best / line.length;
    };
    const small = time(2_000);
    const large = time(40_000);
    assert.ok(large < small * 8 + 1e-4, `${shape(1).slice(-30)}: ${small} vs ${large} ms per byte`);
  }
});

test('text renderers escape every control character from the input; JSON stays valid', () => {
  const esc = '\x1b]0;pwned\x07\x1b[31mred';
  const trace = [HEADER, EVENT(esc, 1), `${EVENT('xfs_io', 2).replace('block_rq_issue:       7,0 RM 512 () 2 + 1 0x2,0,4 [xfs_io]', `block_rq_complete:    7,0 RM () 2 + 1 0x2,0,4 [0]`)}`].join('\n') + '\n';
  const log = ['[  1.000000] INFO: task a\x00b\x7f:12 blocked for more than 120 seconds.', '[  1.000001] task:a\x00b\x7f state:D stack:0 pid:12 ppid:2 flags:0x0', '[  1.000002] Call Trace:', '[  1.000003]  __schedule+0x1/0x2', '[  1.000004]  schedule+0x1/0x2', '[  1.000005]  io_schedule+0x1/0x2'].join('\n') + '\n';
  const { report } = assemble([analyzeBytes(`trace\n${esc}.txt`, Buffer.from(trace)), analyzeBytes('dmesg\x1b[2J.txt', Buffer.from(log))]);
  for (const [name, out] of [
    ['renderText', renderText(report)],
    ['renderTasks', renderTasks(report)],
    ['renderEventsText', renderEventsText([{ line: 1, ts: 1, cpu: 1, pid: 2, comm: esc, event: 'block_rq_issue', fields: { comm: esc, cmd: 'a\nb' } }], 6)],
    ['renderLatencyText', renderLatencyText(`f\n${esc}`, [])],
  ] as const) {
    assert.ok(!RAW_CONTROL.test(out), `${name}: ${JSON.stringify(out.slice(0, 400))}`);
    assert.ok(!out.slice(0, -1).split('\n').some((l) => l.includes('\r')), name);
  }
  assert.match(renderText(report), /trace\\x0a\\x1b\]0;pwned\\x07\\x1b\[31mred\.txt/);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
});

test('escapes: one line, unambiguous, idempotent for already quoted messages', () => {
  assert.equal(escapeText('a\x1b[31m\\b\tc\u009b'), 'a\\x1b[31m\\\\b\\x09c\\x9b');
  assert.equal(escapeText('a\tb', true), 'a\tb');
  assert.equal(escapeControls('cannot open a\\x0ab\n'), 'cannot open a\\x0ab\\x0a');
  assert.equal(textLines(['one\ntwo', 'three']), 'one\\x0atwo\nthree\n');
});

test('a long last line without a newline is read like any other line', () => {
  const glued = `     pread_nowait-3039  [001]   337.848352: sys_enter_preadv2:    ${'fd: 0x3, vec: 0x1, vlen: 0x1, pos_l: 0x0, pos_h: 0x0, flags: 0x0 '.repeat(40_000)}`;
  const print = `           bash-1 [000]   337.848353: print:                tracing_mark_write: ${'x'.repeat(3_000_000)}`;
  for (const [last, kind] of [
    [`${glued}fd: zz`, 'cut short'],
    [print, 'event'],
  ] as const) {
    const text = [HEADER, EVENT('xfs_io'), last].join('\n');
    const t0 = performance.now();
    const open = ingestBytes('open.txt', Buffer.from(text));
    const closed = ingestBytes('closed.txt', Buffer.from(text + '\n'));
    assert.ok(performance.now() - t0 < 10_000, 'linear time');
    assert.equal(open.lines, 3);
    if (kind === 'event') {
      // A complete event without the final newline is an event, as with it.
      assert.equal(open.events, 2);
      assert.equal(closed.events, 2);
      assert.deepEqual(open.findings, closed.findings.map((f) => ({ ...f, file: 'open.txt', evidence: f.evidence.map((e) => ({ ...e, file: 'open.txt' })) })));
    } else {
      // A payload that matches nothing at the very end of a file is a line cut short (the file was truncated).
      assert.equal(open.events, 1);
      assert.match(open.findings.find((f) => f.kind === 'parse-error')!.message, /Line 3 skipped: the last line is cut short/);
      assert.equal(closed.events, 2);
      assert.equal(closed.findings.find((f) => f.kind === 'parse-error')!.details['scope'], 'payload');
    }
  }
});

test('a hung-task report whose task name holds DEL / NUL is read and reported as a parse-error warning', async () => {
  const { analyzeFiles } = await import('../../engine/analyze');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'iolens-ctl-'));
  const file = join(dir, 'dmesg.txt');
  writeFileSync(
    file,
    'INFO: task bad\x7fname:1234 blocked for more than 120 seconds.\n      Not tainted 6.1.0 #1\ntask:bad\x7fname     state:D stack:0     pid:1234  ppid:2      flags:0x00004000\nCall Trace:\n <TASK>\n __schedule+0x1/0x2\n schedule+0x1/0x2\n btrfs_start_ordered_extent+0x1/0x2 [btrfs]\n </TASK>\n',
  );
  const { report } = await analyzeFiles([file]);
  const hung = report.findings.filter((f) => f.kind === 'hung-task');
  assert.equal(hung.length, 1, 'the task is still read');
  const damaged = report.findings.filter((f) => f.kind === 'parse-error' && /control characters/.test(f.message));
  assert.equal(damaged.length, 1);
  assert.equal(damaged[0]!.line, 1);
  assert.match(damaged[0]!.message, /0x7f/);
});
