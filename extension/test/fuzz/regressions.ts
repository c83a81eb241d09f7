/**
 * regressions: the minimised failing inputs of issue 12, kept as fuzz cases that every test run repeats.
 *
 *  - glued payloads: a `sys_enter_preadv2` line whose payload repeats N times and ends in a field that does
 *    not match (N = 30, 45, 60, 80 took 0.3 s, 2.2 s, 16.6 s, over 60 s), the same line at 0.9 MB (it ran out
 *    of memory interning a string per retry), one with the string fields of `block_rq_insert`, and
 *    `iolens request` on a 6.4 MB file holding such a line (it hung);
 *  - terminal injection: a comm of `\x1b]0;pwned\x07\x1b[31mred`, NUL and DEL in hung-task names, garbage
 *    trace-cmd buffer names, written raw by `analyze`, `request`, `tasks` and `events`;
 *  - messages: a path holding a newline, a trace.dat whose "file version" is an escape sequence and a
 *    newline, echoed raw into the one-line error.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FuzzCase, FuzzCommand } from './fuzzCases';
import { samplesDir } from './fuzzCorpus';

const PREADV2_HEAD = '     pread_nowait-3039  [001]   337.848352: sys_enter_preadv2:    ';
const PREADV2_UNIT = 'fd: 0x3, vec: 0x1, vlen: 0x1, pos_l: 0x0, pos_h: 0x0, flags: 0x0 ';
const INSERT_HEAD = '          xfs_io-27162 [001]   309.320980: block_rq_insert:      ';
const INSERT_UNIT = '7,0 RM 512 () 2 + 1 0x2,0,4 [xfs_io] ';

/** A `sys_enter_preadv2` line with N payloads glued together and a last field that matches nothing. */
export function gluedPreadv2(n: number): string {
  return `${PREADV2_HEAD}${PREADV2_UNIT.repeat(n)}fd: zz`;
}

/** The glued line repeated to about `bytes` (the 0.9 MB line of the issue). */
export function gluedPreadv2Bytes(bytes: number): string {
  return gluedPreadv2(Math.ceil(bytes / PREADV2_UNIT.length));
}

function sample(rel: string): string {
  return readFileSync(path.join(samplesDir, rel), 'latin1');
}

function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

let nextId = -1;

function regression(family: FuzzCase['family'], note: string, files: FuzzCase['files'], command: FuzzCommand, format: FuzzCase['format'], line?: number): FuzzCase {
  return { id: nextId--, family, note, files, command, format, ...(line !== undefined ? { line } : {}) };
}

/** The regression cases (built on first use: some are megabytes). */
export function regressionCases(): FuzzCase[] {
  nextId = -1;
  const report = sample('01-layouts-xfs/report.txt');
  const reportLines = report.split('\n');
  const head = reportLines.slice(0, 200).join('\n');
  const out: FuzzCase[] = [];
  for (const n of [30, 45, 60, 80]) {
    out.push(regression('glued-payloads', `sys_enter_preadv2 payload glued ${n} times`, [{ name: `glued-${n}.txt`, bytes: text(`${head}\n${gluedPreadv2(n)}\n`) }], 'analyze', 'text'));
  }
  out.push(regression('glued-payloads', 'a 0.9 MB glued sys_enter_preadv2 line', [{ name: 'glued-0.9MB.txt', bytes: text(`${head}\n${gluedPreadv2Bytes(900_000)}\n`) }], 'analyze', 'json'));
  out.push(
    regression('glued-payloads', 'a 0.9 MB glued block_rq_insert line (string fields)', [{ name: 'glued-insert.txt', bytes: text(`${head}\n${INSERT_HEAD}${INSERT_UNIT.repeat(Math.ceil(900_000 / INSERT_UNIT.length))}~\n`) }], 'analyze', 'text'),
  );
  // `iolens request` on a 6.4 MB file with such a line (the line after it is asked for).
  const big = `${report}${gluedPreadv2Bytes(6_400_000 - report.length)}\n${reportLines.slice(1, 40).join('\n')}\n`;
  out.push(regression('glued-payloads', 'iolens request on a 6.4 MB file with a glued line', [{ name: 'big-glued.txt', bytes: text(big) }], 'request', 'text', reportLines.length + 2));
  // Terminal injection: a comm, hung-task names, buffer names.
  const esc = '\x1b]0;pwned\x07\x1b[31mred';
  const commLine = `${esc}-4242  [001]   309.320980: block_rq_issue:       7,0 RM 512 () 2 + 1 0x2,0,4 [${esc}]`;
  const injected = `${head}\n${commLine}\n${commLine.replace('block_rq_issue', 'block_rq_complete').replace(' 512 () 2', ' () 2')}\n`;
  for (const [command, format] of [['analyze', 'text'], ['analyze', 'json'], ['analyze', 'sarif'], ['events', 'text'], ['tasks', 'text']] as const) {
    out.push(regression('control-names', `a comm of ${JSON.stringify(esc)} (${command} ${format})`, [{ name: 'comm-escape.txt', bytes: text(injected) }], command, format));
  }
  out.push(regression('control-names', `a comm of ${JSON.stringify(esc)} (request)`, [{ name: 'comm-escape.txt', bytes: text(injected) }], 'request', 'text', 201));
  const dmesg = sample('20-btrfs-hang/dmesg-hung-tasks.txt');
  const nulDel = dmesg.replace('INFO: task xfs_io:12012', 'INFO: task xf\x00s_io:12012').replace('task:xfs_io ', 'task:xf\x7fs_io ').replace('INFO: task xfs_io:12013', 'INFO: task \x7f\x7f\x7f:12013');
  for (const command of ['tasks', 'analyze'] as const) {
    out.push(regression('hostile-klog', `NUL and DEL in hung-task names (${command})`, [{ name: 'nul-del.txt', bytes: Buffer.from(nulDel, 'latin1') }], command, 'text'));
  }
  const inst = sample('01-layouts-xfs/report-inst.txt')
    .split('\n')
    .slice(0, 300)
    .map((l, i) => (i % 7 === 3 ? l.replace(/^aux:/, '\x1b[2J\x1b[H\u009b31m:') : l))
    .join('\n');
  out.push(regression('control-names', 'garbage trace-cmd buffer names', [{ name: 'buffers.txt', bytes: text(`${inst}\n`) }], 'analyze', 'text'));
  // Messages: paths and header fields.
  out.push(regression('bad-paths', 'an existing file whose path holds a newline', [{ name: 'a\nb\x1b[31m.txt', bytes: text(`${head}\n`) }], 'analyze', 'text'));
  out.push(regression('bad-paths', 'a missing file whose path holds a newline', [{ name: 'gone\n\x1b]0;x\x07.txt', special: 'missing' }], 'analyze', 'text'));
  out.push(regression('bad-paths', 'request on a path holding a newline', [{ name: 'r\nq.txt', bytes: text(`${head}\n`) }], 'request', 'text', 126));
  out.push(
    regression('trace-dat-garbage', 'a trace.dat whose file version is an escape sequence and a newline', [{ name: 'garbage.dat', bytes: Buffer.concat([Buffer.from('\x17\x08Dtracing\x1b]0;x\x07\n6', 'latin1'), Buffer.from([0]), Buffer.from('garbage')]) }], 'analyze', 'text'),
  );
  return out;
}
