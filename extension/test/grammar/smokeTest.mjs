// Smoke and performance checks for the TextMate grammars, run in the real vscode-textmate engine.
// 1. Every line of the grammar test files, plus 2000 generated realistic lines per language, tokenizes
//    without engine errors ("endless loop" reports) and without a pathologically slow line.
// 2. Hostile single lines of ~200 KB (long comms, repeated separators, unclosed brackets…) tokenize
//    within a few seconds each. This guards against regexes with catastrophic (quadratic/exponential)
//    backtracking; VS Code stops tokenizing such long lines anyway, but a bad regex would hang before that.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGrammar, repoRoot, tokenizeLines } from './tokenizer.mjs';

/** Upper bound for one ordinary line (ms). Generous: CI machines are slow, real lines take microseconds. */
const MAX_MS_PER_LINE = 100;
/** Upper bound for one 200 KB hostile line (ms). */
const MAX_MS_LONG_LINE = 3000;
const LONG = 200 * 1024;

const rep = (s) => s.repeat(Math.ceil(LONG / s.length)).slice(0, LONG);

function generatedFtrace(n) {
  const comms = ['dd', 'kworker/u8:2', 'my io-worker 1', 'iou-wrk-20374', 'jbd2/loop0-8', '<...>', '<idle>'];
  const payloads = [
    'block_rq_issue: 7,0 RM 4096 () 67848 + 8 be,0,4 [dd]',
    'block_rq_complete: 7,2 WS () 28672 + 512 be,0,4 [-5]',
    'iomap_iter: dev 7:0 ino 0xd pos 0x0 length 0x0 status 0 flags WRITE|DIRECT (0x11) ops 0xffffffff8245a7a0 caller __iomap_dio_rw+0x1fb/0x8d0',
    'btrfs_finish_ordered_extent: 56c22421-60c8-45bf-9598-0682c0bcc28a: root=5(FS_TREE) ino=258 start=0 len=262144 uptodate=0',
    'io_uring_complete: ring 00000000b14e32d7, req 000000006cb3190a, user_data 0x0, result 131072, cflags 0x0 extra1 0 extra2 0 ',
    'sys_read(fd: 3, buf: 0x7ffeee8c69c8, count: 0x340)',
    'sys_read -> 0x340',
    'tracing_mark_write: STEP 1 write good file 1MiB (0x11) + fsync',
  ];
  const out = [];
  for (let i = 0; i < n; i++) {
    const comm = comms[i % comms.length];
    const ts = (100 + i / 1000).toFixed(6);
    const p = payloads[i % payloads.length];
    switch (i % 4) {
      case 0: out.push(`${comm.padStart(16)}-${String(1000 + i).padEnd(7)} [00${i % 2}] ..s1. ${ts.padStart(12)}: ${p}`); break;
      case 1: out.push(`${comm.padStart(16)}-${String(1000 + i).padEnd(5)} [00${i % 2}] ${ts.padStart(12)}: ${p}`); break;
      case 2: out.push(`inst_fmt: ${comm.slice(0, 8).padStart(8)}-${String(1000 + i).padEnd(5)} ${String(i % 2).padStart(3)}d..1. ${ts.padStart(12)}: ${p}`); break;
      default: out.push(i % 40 === 3 ? `CPU:${i % 2} [LOST ${i} EVENTS]` : `${comm.padStart(16)}-${i} [001] ${ts}: ${p}`);
    }
  }
  return out;
}

function generatedKernelLog(n) {
  const msgs = [
    'INFO: task my io-worker 1:20379 blocked for more than 8 seconds.',
    '      Not tainted 6.18.44-fc-v657 #1',
    'task:fio             state:D stack:0     pid:4317  tgid:4317  ppid:4304   task_flags:0x400040 flags:0x00080001',
    'Call Trace:',
    ' <TASK>',
    ' __schedule+0x3cc/0xf50',
    ' ? srso_alias_return_thunk+0x5/0xfbef5',
    ' xfs_ilock+0xf7/0x100 [xfs]',
    'RSP: 002b:00007ffe0f9a2f40 EFLAGS: 00000293 ORIG_RAX: 0000000000000012',
    ' </TASK>',
    'I/O error, dev loop2, sector 28672 op 0x1:(WRITE) flags 0x800 phys_seg 61 prio class 2',
    'BTRFS error (device loop2): bdev /dev/loop2 errs: wr 1, rd 0, flush 0, corrupt 0, gen 0',
  ];
  const prefixes = [(t) => `[${t.padStart(12)}] `, (t) => `Nov 21 02:02:57 host kernel: [${t.padStart(12)}] `, () => '', (t) => `<3>[${t.padStart(12)}][T123] `];
  const out = [];
  for (let i = 0; i < n; i++) out.push(prefixes[i % prefixes.length]((1000 + i / 1000).toFixed(6)) + msgs[i % msgs.length]);
  return out;
}

const hostileFtrace = [
  rep('a-1 '), rep(' '), rep('x'), rep('a: '), rep('[0'), rep('0x'), rep('(+1) '), rep('-'), rep('sys_x('), rep('CPU:0 [LOST '),
  '             dd-1 [000] .....     1.000000: block_bio_queue: ' + rep('7,0 RM 1 + 8 [dd] '),
  '             dd-1 [000] .....     1.000000: sys_read(' + rep('fd: 3, '),
  '             dd-1 [000] .....     1.000000: tracing_mark_write: ' + rep('hello: a=1 [x] '),
  'inst: ' + rep('my io-worker 1'),
  rep('my io-worker 1-2 [0'),
  rep('ab=cd '), rep('ring 0000 '), rep('[kworker/1:1H'), rep('9c11e8fd-da46-4676-bfed-'), rep('f+0x1/'),
  ' 0) ' + rep('| '),
];

const hostileKernelLog = [
  rep('[ 1.0] '), rep('<3>'), rep(' '), rep('x'), rep('INFO: task a:1 '), 'INFO: task ' + rep('a:1 b '), rep('task '), rep('task:a state:D '),
  rep('"'), rep('('), ' #0: ffff888100a9c948 (' + rep('){'), ' #0: ffff888100a9c948 (' + rep('a'), rep(' ? f+0x1/0x2'),
  rep('f+0x1/0x2 '), rep('RAX: 0000 '), 'Code: ' + rep('48 <0f> '), rep('Nov 21 02:02:57 h k: '), rep('2026-11-21T02:02:57 '),
  rep('kworker/u20:31  D    0 1 '), rep('dev sda, '), rep('I/O error '), rep('[T1]'), rep('BTRFS error (device '),
  'Workqueue: ' + rep('a '), rep('=-'), rep('error -5 '),
];

/** Runs the checks; returns {passed, failed, messages}. */
export async function runSmokeTests() {
  const messages = [];
  let passed = 0;
  let failed = 0;
  const engineErrors = [];
  const origError = console.error;
  console.error = (...args) => engineErrors.push(args.map(String).join(' '));
  try {
    const testDir = join(repoRoot, 'grammars', 'tests');
    const files = readdirSync(testDir).filter((f) => /\.(trace|dmesg)$/.test(f));
    for (const [scope, ext, generate, hostile] of [
      ['source.ftrace', '.trace', generatedFtrace, hostileFtrace],
      ['source.kernel-log', '.dmesg', generatedKernelLog, hostileKernelLog],
    ]) {
      const grammar = await loadGrammar(scope);
      const lines = files.filter((f) => f.endsWith(ext)).flatMap((f) => readFileSync(join(testDir, f), 'utf8').split(/\r?\n/));
      lines.push(...generate(2000));
      // Per-line timing on ordinary input, after one warm-up pass: vscode-textmate compiles each rule's
      // scanner lazily on first use, which is a one-off cost and not what this check is about.
      tokenizeLines(grammar, lines);
      let worst = 0;
      let worstLine = '';
      const t0 = performance.now();
      for (const line of lines) {
        const s = performance.now();
        tokenizeLines(grammar, [line]);
        const d = performance.now() - s;
        if (d > worst) { worst = d; worstLine = line; }
      }
      const total = performance.now() - t0;
      const ok = worst <= MAX_MS_PER_LINE;
      ok ? passed++ : failed++;
      messages.push(`${ok ? 'ok  ' : 'FAIL'} ${scope}: ${lines.length} lines in ${total.toFixed(0)} ms, slowest ${worst.toFixed(2)} ms` +
        (ok ? '' : ` (limit ${MAX_MS_PER_LINE} ms): ${JSON.stringify(worstLine.slice(0, 120))}`));
      // Hostile 200 KB lines.
      for (const line of hostile) {
        const s = performance.now();
        const [{ tokens }] = tokenizeLines(grammar, [line]);
        const d = performance.now() - s;
        const good = d <= MAX_MS_LONG_LINE && tokens.length > 0;
        good ? passed++ : failed++;
        if (!good || d > MAX_MS_LONG_LINE / 4) {
          messages.push(`${good ? 'slow' : 'FAIL'} ${scope}: ${(line.length / 1024).toFixed(0)} KB line ${JSON.stringify(line.slice(0, 40))}… took ${d.toFixed(0)} ms (limit ${MAX_MS_LONG_LINE} ms)`);
        }
      }
      messages.push(`ok   ${scope}: ${hostile.length} hostile ~200 KB lines checked`);
    }
  } finally {
    console.error = origError;
  }
  if (engineErrors.length > 0) {
    failed++;
    messages.push(`FAIL vscode-textmate reported ${engineErrors.length} engine error(s), first: ${engineErrors[0]}`);
  } else {
    passed++;
  }
  return { passed, failed, messages };
}
