// Content sniffing decides the editor language of .txt/.log files from their first lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniffContent } from '../../engine/ingest/sniffContent';

test('trace-cmd report with preamble', () => {
  assert.equal(sniffContent('cpus=2\n             fio-13885 [000]   860.731092: block_plug:           [fio]\n'), 'ftrace');
});
test('kernel trace file', () => {
  assert.equal(sniffContent('# tracer: nop\n#\n'), 'ftrace');
});
test('trace_pipe without header, CRLF', () => {
  const l = '              dd-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]\r\n';
  assert.equal(sniffContent(l + l + l), 'ftrace');
});
test('dmesg, journal and syslog', () => {
  assert.equal(sniffContent('[  446.431446] INFO: task python3:25394 blocked for more than 8 seconds.\n[  446.432373]       Not tainted\n[  446.4]x\n'), 'kernel-log');
  assert.equal(sniffContent('Nov 21 02:02:57 host kernel: a\nNov 21 02:02:57 host kernel: b\nNov 21 02:02:58 host kernel: c\n'), 'kernel-log');
});
test('ordinary text is left alone', () => {
  assert.equal(sniffContent('Hello world\nThis is a README\n- item-12 [x]\n'), undefined);
  assert.equal(sniffContent(''), undefined);
});
