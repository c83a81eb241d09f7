// What the UI tests expect, read from the raw fixture files with regular expressions only (no iolens code
// involved): line numbers, task names, pids, line counts and the text of lines. A fixture that no longer
// looks the way a test relies on throws here, so a changed fixture fails loudly instead of silently
// testing something else.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const paths = {
  repo: path.resolve(here, '../../..'),
  fixtures: path.join(here, 'fixtures'),
  generated: path.join(here, 'fixtures', 'generated'),
  samples: path.resolve(here, '../../../samples'),
  /** ../shared/corpus beside the clone (as extension/test/unit/helpers/paths.ts finds it). */
  corpus: path.resolve(here, '../../../../shared/corpus'),
};

/** The lines of a file (without the empty string after a final newline). */
export function rawLines(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Lines of a file as an editor counts them: newlines, plus one when the last line has no newline. */
export function countLines(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let n = 0;
  let last = 10;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      for (let i = 0; i < got; i++) if (buf[i] === 10) n++;
      last = buf[got - 1];
    }
  } finally {
    closeSync(fd);
  }
  return last === 10 ? n : n + 1;
}

/**
 * The event lines of a trace-cmd report (`comm-pid [cpu] ts: event:`, read line by line from the raw file in
 * 1 MiB chunks): how many, and the line number of the last one.
 */
export function reportEventLines(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  const event = /^\s*\S.*-\d+\s+\[\d{3}\]\s+\d+\.\d+: [\w:]+:/;
  let events = 0;
  let line = 0;
  let last = 0;
  let rest = '';
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      const text = rest + (got > 0 ? buf.toString('latin1', 0, got) : '');
      const lines = text.split('\n');
      rest = got > 0 ? lines.pop() : '';
      for (const l of lines) {
        line++;
        if (event.test(l)) {
          events++;
          last = line;
        }
      }
      if (got === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  return { events, lastEventLine: last };
}

/**
 * An event line of a trace, kernel spelling (`comm-pid [cpu] flags ts: event: ...`) or trace-cmd report
 * spelling (optionally with an instance prefix `nw:`): its task, pid, CPU and event name.
 */
const EVENT = /^\s*(?:[\w.-]+:\s+)?(.+?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d{3})\]\s+(?:\S{4,5}\s+)?\d+\.\d+:\s+(\S+?):?\s/;
export function parseEvent(line) {
  const m = EVENT.exec(line);
  return m ? { comm: m[1], pid: Number(m[2]), cpu: Number(m[3]), event: m[4] } : undefined;
}

function must(cond, what) {
  if (!cond) throw new Error(`fixture changed: ${what}`);
}

/** generated/hostile-names.trace (made by makeTraces.ts from samples/10 with two tasks renamed). */
export function hostileNames() {
  const file = path.join(paths.generated, 'hostile-names.trace');
  const lines = rawLines(file);
  // Line 369: pid 3039's preadv2 returns 0x10000 (a short read of its 256 KiB request).
  const shortLine = 369;
  const sr = parseEvent(lines[shortLine - 1]);
  must(sr && /sys_preadv2 -> 0x10000\b/.test(lines[shortLine - 1]), `line ${shortLine} of ${file} is not the short preadv2 return`);
  // Its request starts at the last `sys_preadv2(` entry of the same pid before it.
  let enterLine = 0;
  for (let i = shortLine - 2; i >= 0 && enterLine === 0; i--) if (parseEvent(lines[i])?.pid === sr.pid && /sys_preadv2\(/.test(lines[i])) enterLine = i + 1;
  must(enterLine > 0, 'no sys_preadv2 entry before the short read');
  // Line 734: pid 3047's io_uring completion with result 65536.
  const uringLine = 734;
  const ur = parseEvent(lines[uringLine - 1]);
  must(ur && /io_uring_complete: .*result 65536\b/.test(lines[uringLine - 1]), `line ${uringLine} of ${file} is not the short io_uring completion`);
  must(sr.comm === '<img src=x onerror=alert(1)>' && ur.comm === '[pwn](command:workbench.action.quit)', 'the hostile task names');
  return {
    file: 'hostile-names.trace',
    short: { line: shortLine, comm: sr.comm, pid: sr.pid, word: 'sys_preadv2', event: 'sys_exit_preadv2', bytes: 0x10000 },
    enterLine,
    uring: { line: uringLine, comm: ur.comm, pid: ur.pid, word: 'io_uring_complete', result: 65536 },
  };
}

/** samples/10's kernel-spelling trace (trace.txt) and its trace-cmd report (report.txt). */
export function sample10() {
  const trace = path.join(paths.samples, '10-nowait-partial-read', 'trace.txt');
  const report = path.join(paths.samples, '10-nowait-partial-read', 'report.txt');
  const lines = rawLines(trace);
  const firstEvent = lines.findIndex((l) => parseEvent(l) !== undefined) + 1;
  const shortRead = lines.findIndex((l) => /sys_preadv2 -> 0x10000\b/.test(l)) + 1;
  const reportLines = rawLines(report);
  const cpus = new Set(reportLines.map((l) => parseEvent(l)?.cpu).filter((c) => c !== undefined)).size;
  must(firstEvent > 1 && shortRead > firstEvent && cpus > 0, 'samples/10 trace.txt / report.txt');
  // Block devices of the block events (`7,0` in the payload is device 7:0).
  const devices = [...new Set(reportLines.map((l) => /block_\w+:\s+(\d+),(\d+)\s/.exec(l)).filter(Boolean).map((m) => `${m[1]}:${m[2]}`))];
  return { trace, report, lines, firstEvent, shortRead, cpus, devices };
}

/** The `INFO: task COMM:PID blocked for more than N seconds.` headers of a kernel-log fixture. */
export function hungTaskHeaders(fixture) {
  const lines = rawLines(path.join(paths.fixtures, fixture));
  const out = [];
  lines.forEach((l, i) => {
    const m = /INFO: task (.+):(\d+) blocked for more than \d+ seconds\./.exec(l);
    if (m) out.push({ comm: m[1], pid: Number(m[2]), line: i + 1 });
  });
  must(out.length >= 2, `${fixture} has fewer than two hung-task reports`);
  return { fixture, lines: lines.length, reports: out };
}

/** kernel.trace: the task with the most event lines, and those lines in order. */
export function busiestTask(fixture = 'kernel.trace') {
  const lines = rawLines(path.join(paths.fixtures, fixture));
  const byPid = new Map();
  for (const l of lines) {
    const e = parseEvent(l);
    if (!e) continue;
    const t = byPid.get(e.pid) ?? { comm: e.comm, pid: e.pid, lines: [] };
    t.lines.push(l);
    byPid.set(e.pid, t);
  }
  const best = [...byPid.values()].sort((a, b) => b.lines.length - a.lines.length || a.pid - b.pid)[0];
  must(best && byPid.size >= 2, `${fixture} has fewer than two tasks`);
  return { fixture, label: `${best.comm}-${best.pid}`, pid: best.pid, lines: best.lines };
}

/** A generated trace-cmd report (large-nowait.txt, medium-nowait.txt): its lines and short returns. */
export function generatedReport(name) {
  const file = path.join(paths.generated, name);
  must(existsSync(file), `${file} is missing (made by makeTraces.ts in run.sh)`);
  const lines = rawLines(file);
  const shortReads = [];
  lines.forEach((l, i) => {
    if (/sys_exit_preadv2:\s+0x10000\b|io_uring_complete:.*result 65536\b/.test(l)) shortReads.push(i + 1);
  });
  return { name, file, size: statSync(file).size, lines, total: countLines(file), shortReads };
}

/**
 * fixtures/trace.dat (a copy of samples/01's trace-cmd trace.dat, file version 7) and what
 * `trace-cmd report` printed for it (samples/01's report.txt): its lines, and each event line's prefix up to
 * the event name (`comm-pid [cpu] ts: name:`, which a view of the trace.dat shows whatever its payload text).
 * generated/xfs-recording.bin is the same file under a name that does not say what it is.
 */
export function traceDat() {
  const file = path.join(paths.fixtures, 'trace.dat');
  const renamed = path.join(paths.generated, 'xfs-recording.bin');
  const sample = path.join(paths.samples, '01-layouts-xfs');
  must(readFileSync(file).equals(readFileSync(path.join(sample, 'trace.dat'))), `${file} is not a copy of samples/01-layouts-xfs/trace.dat`);
  must(existsSync(renamed) && readFileSync(renamed).equals(readFileSync(file)), `${renamed} is missing or differs (made by makeTraces.ts in run.sh)`);
  must(readFileSync(file).subarray(0, 10).equals(Buffer.from('\x17\x08Dtracing', 'latin1')), `${file} lacks the trace.dat magic`);
  const lines = rawLines(path.join(sample, 'report.txt'));
  const prefix = (l) => /^\s*\S.*-\d+\s+\[\d{3}\]\s+\d+\.\d+: [\w:]+:/.exec(l)?.[0];
  const events = lines.map((l, i) => ({ line: i + 1, prefix: prefix(l), ...parseEvent(l) })).filter((e) => e.prefix !== undefined);
  // The first event of CPU 0 (the first lines are CPU 1's) and the first block request issued.
  const cpu0 = events.find((e) => e.cpu === 0);
  const issue = events.find((e) => e.event === 'block_rq_issue');
  must(lines[0] === 'cpus=2' && events.length === lines.length - 1 && cpu0 && issue, 'samples/01 report.txt: cpus=2, then one event per line, both CPUs, block requests');
  const counts = {};
  for (const e of events) counts[e.event] = (counts[e.event] ?? 0) + 1;
  return { file, name: 'trace.dat', renamed, renamedName: 'xfs-recording.bin', lines, events, counts, cpu0, issue, tab: (name) => `${name} (trace-cmd report)` };
}

/** Corpus 06's trace.dat, if this machine has the shared corpus. */
export const corpus06 = {
  dat: path.join(paths.corpus, '06-large-xfs-randread', 'trace.dat'),
  report: path.join(paths.generated, 'corpus06-report.txt'),
};

/**
 * The lines a window of `file` holds, by the rule the README states: at most the `iolens.largeFile.windowLines`
 * setting, fewer than 300,000 lines, and about 12 MiB at the mean line length of the file's first MiB (so
 * that VS Code keeps colouring, folding and CodeLens on: it turns them off above 20 MB or 300,000 lines).
 */
export function windowLinesOf(file, configured) {
  return Math.max(1000, Math.min(configured, 299_999, Math.floor((12 * 1024 * 1024) / meanLineBytes(file))));
}

/** The lines of the first window a large file opens with: about 2 MiB (at least 1,000 lines, at most a window). */
export function headLinesOf(file, configured) {
  const full = windowLinesOf(file, configured);
  return Math.max(Math.min(1000, full), Math.min(full, Math.floor((2 * 1024 * 1024) / meanLineBytes(file))));
}

/** Mean bytes per line of the first MiB of a file. */
function meanLineBytes(file) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    let lines = 0;
    for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
    return n / Math.max(1, lines);
  } finally {
    closeSync(fd);
  }
}

/** Bytes of lines 1 to `n` of `lines` (with their newlines). */
export function bytesOfLines(lines, n) {
  let b = 0;
  for (let i = 0; i < n && i < lines.length; i++) b += Buffer.byteLength(lines[i]) + 1;
  return b;
}

/** The first line of a file (read from its first 64 KiB, without its `\r`). */
export function firstLine(file) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0].replace(/\r$/, '');
  } finally {
    closeSync(fd);
  }
}
