// The anchored scan, checked line by line against the layouts of kernel-formats.md §1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventForm, Layout, LineHeader } from '../../engine/scan/lineHeader';
import { scanEventLine } from '../../engine/scan/lineScanner';

interface Expect {
  prefix?: string;
  comm: string;
  pid: number;
  tgid?: number;
  cpu: number;
  flags?: string;
  ts: [number, number];
  name: string;
  payload: string;
  layout: Layout;
  form?: EventForm;
}

function scan(line: string): { h: LineHeader; buf: Buffer } | undefined {
  const buf = Buffer.from(line, 'utf8');
  const h = new LineHeader();
  return scanEventLine(buf, 0, buf.length, h) ? { h, buf } : undefined;
}

function text(buf: Buffer, s: number, e: number): string {
  return s < 0 ? '' : buf.subarray(s, e).toString('utf8');
}

const cases: [string, Expect][] = [
  [
    '              dd-20308   [001] .....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]',
    { comm: 'dd', pid: 20308, cpu: 1, flags: '.....', ts: [297, 376111000], name: 'block_bio_queue', payload: ' 7,0 RM 67848 + 8 [dd]', layout: Layout.BracketFlags },
  ],
  [
    '   iou-wrk-20374-20375   [001] dN.1.   299.709305: btrfs_ordered_extent_lookup_for_logging: x',
    { comm: 'iou-wrk-20374', pid: 20375, cpu: 1, flags: 'dN.1.', ts: [299, 709305000], name: 'btrfs_ordered_extent_lookup_for_logging', payload: ' x', layout: Layout.BracketFlags },
  ],
  [
    '  my io-worker 1-20379   [001] .....   299.786358: block_plug: [workload.sh]',
    { comm: 'my io-worker 1', pid: 20379, cpu: 1, flags: '.....', ts: [299, 786358000], name: 'block_plug', payload: ' [workload.sh]', layout: Layout.BracketFlags },
  ],
  [
    '    jbd2/loop0-8-19554   [001] .....   297.385914: block_bio_backmerge: 7,0 WSM 2097672 + 8 [jbd2/loop0-8]',
    { comm: 'jbd2/loop0-8', pid: 19554, cpu: 1, flags: '.....', ts: [297, 385914000], name: 'block_bio_backmerge', payload: ' 7,0 WSM 2097672 + 8 [jbd2/loop0-8]', layout: Layout.BracketFlags },
  ],
  [
    '           <...>-23887   [000] ...1.   385.162646: tracing_mark_write: hello marker: a=1 b=two',
    { comm: '<...>', pid: 23887, cpu: 0, flags: '...1.', ts: [385, 162646000], name: 'tracing_mark_write', payload: 'tracing_mark_write: hello marker: a=1 b=two', layout: Layout.BracketFlags, form: EventForm.MarkWrite },
  ],
  [
    '            bash-23558   (-------) [001] .....   372.574860: sys_write(fd: 1, buf: 0x56496a5aa210, count: 2)',
    { comm: 'bash', pid: 23558, cpu: 1, flags: '.....', ts: [372, 574860000], name: 'sys_write', payload: 'fd: 1, buf: 0x56496a5aa210, count: 2', layout: Layout.BracketFlags, form: EventForm.SysEnter },
  ],
  [
    '            bash-23558   ( 23550) [001] .....   372.574860: sys_write -> 0x2',
    { comm: 'bash', pid: 23558, tgid: 23550, cpu: 1, flags: '.....', ts: [372, 574860000], name: 'sys_write', payload: '0x2', layout: Layout.BracketFlags, form: EventForm.SysExit },
  ],
  [
    '            bash-23558   [001]    372.574860: sys_write(fd: 1, buf: 0x56496a5aa210, count: 2)',
    { comm: 'bash', pid: 23558, cpu: 1, ts: [372, 574860000], name: 'sys_write', payload: 'fd: 1, buf: 0x56496a5aa210, count: 2', layout: Layout.Bracket, form: EventForm.SysEnter },
  ],
  [
    '              dd-20308   [001] ....   297.376111: block_bio_queue: 7,0 RM 67848 + 8 [dd]',
    { comm: 'dd', pid: 20308, cpu: 1, flags: '....', ts: [297, 376111000], name: 'block_bio_queue', payload: ' 7,0 RM 67848 + 8 [dd]', layout: Layout.BracketFlags },
  ],
  [
    '              dd-20308   [001] d..31 1234567.123456: bpf_trace_printk: Hello',
    { comm: 'dd', pid: 20308, cpu: 1, flags: 'd..31', ts: [1234567, 123456000], name: 'bpf_trace_printk', payload: ' Hello', layout: Layout.BracketFlags },
  ],
  [
    '              dd-20308   [001] ..... 16478262517436: block_bio_queue: 7,0 RM 67848 + 8 [dd]',
    { comm: 'dd', pid: 20308, cpu: 1, flags: '.....', ts: [16478, 262517436], name: 'block_bio_queue', payload: ' 7,0 RM 67848 + 8 [dd]', layout: Layout.BracketFlags },
  ],
  [
    '              dd-20308   [001] ..... 18446744073709551615: x: y',
    { comm: 'dd', pid: 20308, cpu: 1, flags: '.....', ts: [18446744073, 709551615], name: 'x', payload: ' y', layout: Layout.BracketFlags },
  ],
  [
    'inst_fmt:               dd-20308 [001]   297.376111: block_bio_queue:      7,0 RM 67848 + 8 [dd]',
    { prefix: 'inst_fmt', comm: 'dd', pid: 20308, cpu: 1, ts: [297, 376111000], name: 'block_bio_queue', payload: '      7,0 RM 67848 + 8 [dd]', layout: Layout.Bracket },
  ],
  [
    'inst_pid:   my io-worker 1-20379 [001]   299.931259: sys_enter_pwrite64:   fd: 0x00000003, buf: 0x562afc07d3a0, count: 0x00002000, pos: 0x00000000',
    { prefix: 'inst_pid', comm: 'my io-worker 1', pid: 20379, cpu: 1, ts: [299, 931259000], name: 'sys_enter_pwrite64', payload: '   fd: 0x00000003, buf: 0x562afc07d3a0, count: 0x00002000, pos: 0x00000000', layout: Layout.Bracket },
  ],
  [
    '             fio-13885 [000]   860.731092: block_plug:           [fio]',
    { comm: 'fio', pid: 13885, cpu: 0, ts: [860, 731092000], name: 'block_plug', payload: '           [fio]', layout: Layout.Bracket },
  ],
  [
    '             fio-13885 [000]   297.376110719: block_plug:           [fio]',
    { comm: 'fio', pid: 13885, cpu: 0, ts: [297, 376110719], name: 'block_plug', payload: '           [fio]', layout: Layout.Bracket },
  ],
  [
    '              dd-20308 [001]   297.376111: (+859)   block_bio_queue:      7,0 RM 67848 + 8 [dd]',
    { comm: 'dd', pid: 20308, cpu: 1, ts: [297, 376111000], name: 'block_bio_queue', payload: '      7,0 RM 67848 + 8 [dd]', layout: Layout.Bracket },
  ],
  [
    '     fio-13885   0.....   860.731092: block_plug:           [fio]',
    { comm: 'fio', pid: 13885, cpu: 0, flags: '.....', ts: [860, 731092000], name: 'block_plug', payload: '           [fio]', layout: Layout.Latency },
  ],
  [
    'inst_fmt: ksoftirq-22      1..s..   297.376299: block_rq_complete:    7,0 RM () 67848 + 8 0x2,0,4 [0]',
    { prefix: 'inst_fmt', comm: 'ksoftirq', pid: 22, cpu: 1, flags: '..s..', ts: [297, 376299000], name: 'block_rq_complete', payload: '    7,0 RM () 67848 + 8 0x2,0,4 [0]', layout: Layout.Latency },
  ],
  [
    '    bash-23558     1..... 372574860us+: sys_write(fd: 1, buf: 0x56496a5aa210, count: 2)',
    { comm: 'bash', pid: 23558, cpu: 1, flags: '.....', ts: [372, 574860000], name: 'sys_write', payload: 'fd: 1, buf: 0x56496a5aa210, count: 2', layout: Layout.Latency, form: EventForm.SysEnter },
  ],
  [
    '            bash-1977  [000] .... 17284.993652: sys_close <-system_call_fastpath',
    { comm: 'bash', pid: 1977, cpu: 0, flags: '....', ts: [17284, 993652000], name: 'sys_close', payload: 'sys_close <-system_call_fastpath', layout: Layout.BracketFlags, form: EventForm.Function },
  ],
  [
    '  a[1] b-2 [x]-77   [003] .....   1.000001: sched_switch: prev_comm=a',
    { comm: 'a[1] b-2 [x]', pid: 77, cpu: 3, flags: '.....', ts: [1, 1000], name: 'sched_switch', payload: ' prev_comm=a', layout: Layout.BracketFlags },
  ],
  [
    '     kworker/0:1-12345678 [1000] .....   5.5: e:',
    { comm: 'kworker/0:1', pid: 12345678, cpu: 1000, flags: '.....', ts: [5, 500000000], name: 'e', payload: '', layout: Layout.BracketFlags },
  ],
];

for (const [line, x] of cases) {
  test(`scans: ${line.trim().slice(0, 70)}`, () => {
    const r = scan(line);
    assert.ok(r, 'line must be framed');
    const { h, buf } = r;
    assert.equal(text(buf, h.prefixStart, h.prefixEnd), x.prefix ?? '');
    assert.equal(text(buf, h.commStart, h.commEnd), x.comm);
    assert.equal(h.pid, x.pid);
    assert.equal(h.tgid, x.tgid ?? -1);
    assert.equal(h.cpu, x.cpu);
    assert.equal(text(buf, h.flagsStart, h.flagsEnd), x.flags ?? '');
    assert.deepEqual([h.tsHi, h.tsLo], x.ts);
    assert.equal(text(buf, h.nameStart, h.nameEnd), x.name);
    assert.equal(text(buf, h.payloadStart, h.payloadEnd), x.payload);
    assert.equal(h.layout, x.layout);
    assert.equal(h.form, x.form ?? EventForm.Normal);
  });
}

for (const line of [
  '',
  '# tracer: nop',
  'CPU:0 [LOST 39793 EVENTS]',
  '##### CPU 1 buffer started ####',
  'cpus=2',
  '  ug! no event found for type 843',
  'inst_fmt: [UNKNOWN EVENT][UNKNOWN EVENT] (NULL):               [UNKNOWN EVENT]',
  '              dd-20308   [001] .....   297.37',
  '              dd-20308   [001] .....   ',
  'random words - 12 [001] but no time',
  '\u0000\u0001\u0002\u0003[001] \u00ff',
]) {
  test(`does not frame: ${JSON.stringify(line).slice(0, 60)}`, () => {
    assert.equal(scan(line), undefined);
  });
}
