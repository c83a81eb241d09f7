/**
 * fuzzCases: deterministic hostile inputs built from the samples, one family of damage per case.
 *
 * `makeCase(seed, id)` is a pure function of its arguments and the corpus, so a case is rebuilt from its
 * number alone (the long run hands only numbers to its worker processes, and a failure is reproduced with
 * `--only ID`). The families are the ones of issue 12: bit flips, truncation, line shuffles, CRLF, lines of
 * 1 to 8 MB, binary garbage, invalid UTF-8, interleaved logs and traces, mutated fields, hostile kernel
 * logs, trace.dat magic with garbage, bad paths, several files at once; plus glued payloads (one line
 * made of many event payloads) and control bytes in task and buffer names.
 */
import { loadCorpus, type BaseInput, type FuzzCorpus } from './fuzzCorpus';

export const FAMILIES = [
  'bit-flips',
  'truncation',
  'line-shuffle',
  'crlf',
  'long-lines',
  'binary-garbage',
  'invalid-utf8',
  'interleaved',
  'mutated-fields',
  'hostile-klog',
  'trace-dat-garbage',
  'bad-paths',
  'several-files',
  'glued-payloads',
  'control-names',
] as const;
export type Family = (typeof FAMILIES)[number];

/** How often each family is drawn (long lines are few: each costs megabytes). */
const WEIGHTS: Readonly<Record<Family, number>> = {
  'bit-flips': 10,
  truncation: 7,
  'line-shuffle': 7,
  crlf: 5,
  'long-lines': 2,
  'binary-garbage': 7,
  'invalid-utf8': 7,
  interleaved: 7,
  'mutated-fields': 12,
  'hostile-klog': 8,
  'trace-dat-garbage': 4,
  'bad-paths': 4,
  'several-files': 6,
  'glued-payloads': 6,
  'control-names': 8,
};

/** A path the case gives the CLI that is not a regular file with content (or a hostile name for one). */
export type SpecialPath = 'missing' | 'directory' | 'symlink-loop' | 'dev-null' | 'long-name' | 'dangling-symlink';

export interface FuzzFile {
  /** File name inside the case's directory (may hold any byte but `/` and NUL). */
  readonly name: string;
  readonly bytes?: Uint8Array;
  readonly special?: SpecialPath;
}

export type FuzzCommand = 'analyze' | 'tasks' | 'request' | 'events' | 'latency';

export interface FuzzCase {
  readonly id: number;
  readonly family: Family;
  /** What was done, in words (for a report of a failure). */
  readonly note: string;
  readonly files: readonly FuzzFile[];
  readonly command: FuzzCommand;
  readonly format: 'text' | 'json' | 'sarif';
  /** `request`: the line asked for. */
  readonly line?: number;
}

/** A small fast PRNG (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from nothing');
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
}

function caseSeed(seed: number, id: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ id, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// --- helpers on lines -------------------------------------------------------------------------------

const NL = 10;

function splitLines(b: Uint8Array): Buffer[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: Buffer[] = [];
  let s = 0;
  while (s < buf.length) {
    let nl = buf.indexOf(NL, s);
    if (nl < 0) nl = buf.length;
    out.push(buf.subarray(s, nl));
    s = nl + 1;
  }
  return out;
}

function joinLines(lines: readonly Uint8Array[], eol = '\n', final = true): Buffer {
  const e = Buffer.from(eol, 'latin1');
  const parts: Uint8Array[] = [];
  lines.forEach((l, i) => {
    parts.push(l);
    if (i < lines.length - 1 || final) parts.push(e);
  });
  return Buffer.concat(parts);
}

/** The head (header lines) plus a random run of up to `max` lines of a base input. */
function windowOf(rng: Rng, base: BaseInput, max = 1500): Buffer[] {
  const lines = splitLines(base.bytes);
  if (lines.length === 0) return [Buffer.alloc(0)];
  if (lines.length <= max) return lines;
  const head = lines.slice(0, 12);
  const at = rng.int(12, lines.length - max);
  return [...head, ...lines.slice(at, at + max - 12)];
}

function pickBase(rng: Rng, c: FuzzCorpus, pTrace = 0.7): BaseInput {
  return rng.chance(pTrace) ? rng.pick(c.traces) : rng.pick(c.logs);
}

const CONTROL_NAMES = [
  '\x1b]0;pwned\x07\x1b[31mred',
  '\x1b[2J\x1b[H',
  'a\x00b',
  'del\x7fx',
  '\x1b[1A\x1b[K',
  '\u009b31m',
  'bell\x07',
  'cr\rx',
  '\x08\x08\x08',
  'tab\tname',
];

function controlName(rng: Rng): string {
  return rng.pick(CONTROL_NAMES);
}

const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0xc3],
  [0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

// --- the families -----------------------------------------------------------------------------------

type Built = Omit<FuzzCase, 'id' | 'family' | 'command' | 'format'> & { readonly prefer?: FuzzCommand };

/** How a run builds its cases. */
export interface CaseOptions {
  /**
   * Smaller hostile kernel logs (at most a few thousand tasks or frames instead of tens of thousands), for
   * the unit test that must stay under a minute; the long run (`npm run fuzz`) uses the full sizes.
   */
  readonly quick?: boolean;
}

/** The options of the case being built (set by makeCase; the builders are called synchronously). */
let building: CaseOptions = {};

/** `full` in a long run, `quick` in a quick one. */
function size(full: number, quick: number): number {
  return building.quick ? Math.min(full, quick) : full;
}

function bitFlips(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c);
  const data = joinLines(windowOf(rng, base));
  const flips = rng.chance(0.5) ? rng.int(1, 8) : rng.int(50, 600);
  for (let i = 0; i < flips && data.length > 0; i++) {
    const at = rng.int(0, data.length - 1);
    data[at]! ^= 1 << rng.int(0, 7);
  }
  return { note: `${flips} bit flips in ${base.name}`, files: [{ name: 'flipped.txt', bytes: data }] };
}

function truncation(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c);
  const data = joinLines(windowOf(rng, base));
  const cut = rng.chance(0.2) ? rng.int(0, Math.min(200, data.length)) : rng.int(0, data.length);
  return { note: `${base.name} cut at byte ${cut} of ${data.length}`, files: [{ name: 'cut.txt', bytes: data.subarray(0, cut) }] };
}

function lineShuffle(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c);
  const lines = windowOf(rng, base);
  const how = rng.int(0, 3);
  let note: string;
  if (how === 0) {
    for (let i = lines.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    note = 'all lines shuffled';
  } else if (how === 1) {
    const k = rng.int(1, 50);
    for (let n = 0; n < k; n++) {
      const i = rng.int(0, lines.length - 1);
      const j = rng.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    note = `${k} line swaps`;
  } else if (how === 2) {
    const k = rng.int(1, 20);
    for (let n = 0; n < k; n++) {
      const i = rng.int(0, lines.length - 1);
      const len = rng.int(1, 40);
      lines.splice(rng.int(0, lines.length), 0, ...lines.slice(i, i + len));
    }
    note = `${k} blocks duplicated`;
  } else {
    const k = rng.int(1, Math.max(1, lines.length >> 2));
    for (let n = 0; n < k && lines.length > 0; n++) lines.splice(rng.int(0, lines.length - 1), 1);
    note = `${k} lines dropped`;
  }
  return { note: `${base.name}: ${note}`, files: [{ name: 'shuffled.txt', bytes: joinLines(lines) }] };
}

function crlf(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c);
  const lines = windowOf(rng, base);
  const how = rng.int(0, 3);
  const eols = ['\r\n', '\r', '\r\r\n', '\n\r'];
  if (how < 3) return { note: `${base.name} with ${JSON.stringify(eols[how])} line ends`, files: [{ name: 'crlf.txt', bytes: joinLines(lines, eols[how]) }] };
  const parts: Uint8Array[] = [];
  for (const l of lines) parts.push(l, Buffer.from(rng.pick(eols), 'latin1'));
  return { note: `${base.name} with mixed line ends`, files: [{ name: 'crlf.txt', bytes: Buffer.concat(parts) }] };
}

/** A line of `size` bytes of one of the shapes that stress the scanners and matchers. */
function longLine(rng: Rng, c: FuzzCorpus, size: number): { line: Buffer; shape: string } {
  const shape = rng.int(0, 8);
  const fill = (unit: string, head = ''): Buffer => {
    const u = Buffer.from(unit, 'latin1');
    const h = Buffer.from(head, 'latin1');
    const out = Buffer.allocUnsafe(Math.max(size, h.length));
    h.copy(out, 0);
    for (let at = h.length; at < out.length; at += u.length) u.copy(out, at, 0, Math.min(u.length, out.length - at));
    return out;
  };
  const p = rng.pick(c.payloads);
  const header = p.line.slice(0, p.line.length - p.payload.length);
  switch (shape) {
    case 0:
      return { line: fill(p.payload + ' ', header), shape: `${p.event} payloads glued` };
    case 1:
      return { line: fill('A', `${header.replace(/\S+:\s*$/, '')}print: tracing_mark_write: `), shape: 'one huge print payload' };
    case 2:
      return { line: fill('x-1 [000] ', ''), shape: '`comm-pid [cpu] ` repeated' };
    case 3:
      return { line: Buffer.concat([Buffer.alloc(size, 0x20), Buffer.from(p.line, 'latin1')]), shape: 'blanks then an event' };
    case 4:
      return { line: fill('[  1.000000] INFO: task x:1 blocked for more than 1 seconds. ', ''), shape: 'kernel-log text glued' };
    case 5:
      return { line: rng.bytes(size).map((b) => (b === NL ? 0x20 : b)) as Buffer, shape: 'random bytes' };
    case 6:
      // Every `[cpu]` anchor reads the task backwards and the line's leading blanks (once per line, not per anchor).
      return { line: fill(`${' '.repeat(18)}x-1 [1] `, ' '.repeat(size >> 2)), shape: 'leading blanks, then `comm-pid [cpu]` anchors' };
    case 7:
      // Every anchor reaches a kernel `sys_x(` spelling whose closing parenthesis never comes.
      return { line: fill('x-1 [000] 1.000000: sys_read(fd: 3, '), shape: '`sys_read(` without `)`, repeated' };
    default:
      return { line: fill('9', ''), shape: 'digits' };
  }
}

function longLines(rng: Rng, c: FuzzCorpus): Built {
  const base = rng.pick(c.traces);
  const lines = windowOf(rng, base, 300);
  const size = rng.chance(0.1) ? 8 * 1024 * 1024 + rng.int(1, 4096) : rng.int(1024 * 1024, 8 * 1024 * 1024);
  const { line, shape } = longLine(rng, c, size);
  const last = rng.chance(0.3);
  if (last) lines.push(line);
  else lines.splice(rng.int(0, lines.length), 0, line);
  return { note: `${base.name} with a ${size}-byte line (${shape})${last ? ' as the last line, no newline' : ''}`, files: [{ name: 'long.txt', bytes: joinLines(lines, '\n', !last) }] };
}

function binaryGarbage(rng: Rng, c: FuzzCorpus): Built {
  if (rng.chance(0.15)) {
    const n = rng.int(1, 200_000);
    return { note: `${n} random bytes`, files: [{ name: 'garbage.bin', bytes: rng.bytes(n) }] };
  }
  const base = pickBase(rng, c);
  const lines = windowOf(rng, base);
  const k = rng.int(1, 10);
  for (let i = 0; i < k; i++) {
    const block = rng.bytes(rng.int(1, 4000));
    if (rng.chance(0.3)) block.fill(0, 0, Math.min(block.length, rng.int(1, 64)));
    lines.splice(rng.int(0, lines.length), rng.chance(0.3) ? 1 : 0, block);
  }
  return { note: `${base.name} with ${k} garbage blocks`, files: [{ name: 'garbage.txt', bytes: joinLines(lines) }] };
}

function invalidUtf8(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c);
  const lines = windowOf(rng, base);
  const k = rng.int(1, 200);
  for (let i = 0; i < k; i++) {
    const li = rng.int(0, lines.length - 1);
    const l = lines[li]!;
    const at = rng.chance(0.4) ? rng.int(0, Math.min(20, l.length)) : rng.int(0, l.length);
    lines[li] = Buffer.concat([l.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), l.subarray(at)]);
  }
  return { note: `${base.name} with ${k} invalid UTF-8 sequences`, files: [{ name: 'utf8.txt', bytes: joinLines(lines) }] };
}

function interleaved(rng: Rng, c: FuzzCorpus): Built {
  const t = windowOf(rng, rng.pick(c.traces), 800);
  const l = windowOf(rng, rng.pick(c.logs), 800);
  const how = rng.int(0, 2);
  const out: Buffer[] = [];
  if (how === 0) {
    for (let i = 0; i < Math.max(t.length, l.length); i++) {
      if (i < t.length) out.push(t[i]!);
      if (i < l.length) out.push(l[i]!);
    }
  } else if (how === 1) {
    let i = 0;
    let j = 0;
    while (i < t.length || j < l.length) {
      const n = rng.int(1, 60);
      if (rng.chance(0.5)) out.push(...t.slice(i, (i += n)));
      else out.push(...l.slice(j, (j += n)));
    }
  } else {
    out.push(...(rng.chance(0.5) ? [...l, ...t] : [...t, ...l]));
  }
  return { note: `trace and log lines interleaved (${['line by line', 'in blocks', 'one after the other'][how]})`, files: [{ name: 'mixed.txt', bytes: joinLines(out) }] };
}

const NUMBER_SWAPS = ['0', '-1', '99999999999999999999999', '0x', '4294967296', '18446744073709551616', '', '1e308', '00000000000000000000001', '-0', 'NaN', '9007199254740993'];
const WORD_SWAPS = ['block_rq_issue', 'block_rq_complete', 'sys_exit_pread64', 'io_uring_complete', 'btrfs_ordered_extent_remove', 'D', 'R', 'WS', 'state:D', 'INFO:', 'Call', 'Trace:', 'task', ''];

function mutatedFields(rng: Rng, c: FuzzCorpus): Built {
  if (rng.chance(0.03)) {
    // More distinct event names than the store's 16-bit type ids tell apart.
    const n = rng.int(65_536, 70_000);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(`  x-${i % 97} [000] 1.${String(i).padStart(6, '0')}: ev${i.toString(36)}: a=1`);
    return { note: `${n} distinct event names`, files: [{ name: 'names.txt', bytes: Buffer.from(out.join('\n') + '\n') }] };
  }
  const base = pickBase(rng, c, 0.75);
  const lines = windowOf(rng, base);
  const k = rng.int(1, 150);
  for (let n = 0; n < k; n++) {
    const li = rng.int(0, lines.length - 1);
    const text = lines[li]!.toString('latin1');
    const toks = text.match(/\d+|[A-Za-z_]+|[^\dA-Za-z_]/g) ?? [];
    if (toks.length === 0) continue;
    const edits = rng.int(1, 4);
    for (let e = 0; e < edits; e++) {
      const ti = rng.int(0, toks.length - 1);
      const tok = toks[ti]!;
      if (/^\d/.test(tok)) toks[ti] = rng.chance(0.5) ? rng.pick(NUMBER_SWAPS) : String(rng.int(0, 2 ** 31));
      else if (/^[A-Za-z_]/.test(tok)) toks[ti] = rng.pick(WORD_SWAPS);
      else if (rng.chance(0.5)) toks[ti] = '';
      else toks[ti] = tok + tok;
    }
    lines[li] = Buffer.from(toks.join(''), 'latin1');
  }
  return { note: `${base.name} with ${k} lines of mutated fields`, files: [{ name: 'mutated.txt', bytes: joinLines(lines) }] };
}

const FRAMES = ['__schedule+0x2e5/0x870', 'schedule+0x45/0xb0', 'io_schedule+0x16/0x40', 'folio_wait_bit+0xd6/0x220', 'btrfs_start_ordered_extent+0xf5/0x140 [btrfs]', 'btrfs_wait_ordered_range+0x7b/0x110 [btrfs]', 'rwsem_down_write_slowpath+0x2a1/0x4c0', '? ret_from_fork+0x35/0x40', 'do_syscall_64+0x71/0x280'];

function hostileKlog(rng: Rng, c: FuzzCorpus): Built {
  const how = rng.int(0, 6);
  const ts = (i: number): string => `[${String(1000 + i / 1000).padStart(12)}]`;
  const out: string[] = [];
  let note: string;
  if (how === 0) {
    const n = size(rng.int(1000, 20000), rng.int(500, 3000));
    // All in one stack (a stuck file system: every task waits in the same place), or in random ones.
    const same = rng.chance(0.5);
    const stack = [FRAMES[0]!, FRAMES[1]!, FRAMES[2]!, FRAMES[3]!];
    out.push(`${ts(0)} sysrq: Show Blocked State`);
    for (let i = 0; i < n; i++) {
      out.push(`${ts(i)} task:worker/${i}      state:D stack:0     pid:${10 + i} tgid:${10 + i} ppid:2      flags:0x00004000`);
      out.push(`${ts(i)} Call Trace:`);
      for (let f = 0; f < 4; f++) out.push(`${ts(i)}  ${same ? stack[f]! : rng.pick(FRAMES)}`);
    }
    note = `a dump of ${n} blocked tasks${same ? ' in one stack' : ''}`;
  } else if (how === 1) {
    const n = size(rng.int(2000, 12000), rng.int(1000, 3000));
    out.push(`${ts(0)} INFO: task deep:4242 blocked for more than 120 seconds.`);
    out.push(`${ts(0)} task:deep            state:D stack:0     pid:4242  tgid:4242  ppid:1      flags:0x00000000`);
    out.push(`${ts(0)} Call Trace:`);
    for (let f = 0; f < n; f++) out.push(`${ts(f)}  ${rng.pick(FRAMES)}`);
    note = `one stack of ${n} frames`;
  } else if (how === 2) {
    const n = rng.int(1, 300);
    for (let i = 0; i < n; i++) {
      const name = controlName(rng);
      out.push(`${ts(i)} INFO: task ${name}:${rng.int(1, 99999)} blocked for more than ${rng.pick(['120', '99999999999999999999', '-1', '0', 'x'])} seconds.`);
      out.push(`${ts(i)} task:${name} state:${rng.pick(['D', 'R', 'S', '\x00', '\x7f', 'DD'])} stack:0 pid:${rng.pick(['1', '4294967296', '-5', '99999999999999'])} ppid:2 flags:0x0`);
      out.push(`${ts(i)} Call Trace:`);
      for (let f = rng.int(0, 12); f > 0; f--) out.push(`${ts(i)}  ${rng.chance(0.2) ? controlName(rng) + '+0x1/0x2' : rng.pick(FRAMES)}`);
    }
    note = `${n} hung-task reports with control bytes, absurd numbers and states`;
  } else if (how === 3) {
    const n = size(rng.int(1000, 30000), rng.int(500, 5000));
    for (let i = 0; i < n; i++) out.push(`${ts(i)} ${rng.pick(['INFO: task a:1 blocked for more than 120 seconds.', 'Call Trace:', ' <TASK>', ' </TASK>', 'sysrq: Show Blocked State', 'task:a state:D stack:0 pid:1 ppid:0 flags:0x0'])}`);
    note = `${n} report headers without stacks`;
  } else if (how === 4) {
    const base = rng.pick(c.logs);
    const lines = windowOf(rng, base).map((l) => l.toString('latin1'));
    const times = size(rng.int(5, 60), rng.int(2, 10));
    for (let i = 0; i < times; i++) out.push(...lines);
    note = `${base.name} repeated ${times} times`;
  } else if (how === 5) {
    const n = rng.int(100, 5000);
    for (let i = 0; i < n; i++) out.push(`${rng.pick(['<6>', '<3>', '', '>  ', '\t'])}${ts(i)}${rng.pick(['[T38]', '[C1]', ''])} ${rng.pick(['I/O error, dev sda, sector 99999999999999999999 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0', 'BTRFS error (device sdb): bdev /dev/sdb errs: wr 1, rd 0, flush 0, corrupt 0, gen 0', 'blk_update_request: I/O error, dev \x1b[31m, sector 8', 'Buffer I/O error on dev loop0, logical block 18446744073709551616, lost async page write'])}`);
    note = `${n} I/O error lines with hostile fields`;
  } else {
    const n = rng.int(1, 50);
    for (let i = 0; i < n; i++) {
      out.push(`${ts(i)} INFO: task t${i}:${i + 1} blocked for more than 120 seconds.`);
      out.push(`${ts(i)} task:t${i} state:D stack:0 pid:${i + 1} ppid:2 flags:0x0`);
      out.push(`${ts(i)} Call Trace:`);
      // A wait-for cycle through mutexes held by one another.
      out.push(`${ts(i)}  __mutex_lock+0x1/0x2`, `${ts(i)}  mutex_lock+0x1/0x2`, `${ts(i)}  ${rng.pick(FRAMES)}`);
    }
    note = `${n} tasks all blocked on locks`;
  }
  return { note, files: [{ name: 'dmesg.txt', bytes: Buffer.from(out.join('\n') + '\n', 'latin1') }], prefer: rng.chance(0.5) ? 'tasks' : 'analyze' };
}

const MAGIC = Buffer.from('\x17\x08Dtracing', 'latin1');

function traceDatGarbage(rng: Rng, c: FuzzCorpus): Built {
  const how = rng.int(0, 3);
  if (how === 0) {
    const version = rng.pick(['6', '7', '\x1b]0;pwned\x07', '6\nsecond line', '\x1b[31m99999999999999999999', '', '\x7f\x7f', '\u009b2J']);
    return { note: `trace.dat magic, version ${JSON.stringify(version)}, garbage`, files: [{ name: 'trace.dat', bytes: Buffer.concat([MAGIC, Buffer.from(version, 'utf8'), Buffer.from([0]), rng.bytes(rng.int(0, 5000))]) }] };
  }
  if (how === 1) return { note: 'trace.dat magic and nothing else', files: [{ name: 'trace.dat', bytes: Buffer.concat([MAGIC, rng.bytes(rng.int(0, 40)).map((b) => (b === 0 ? 1 : b)) as Buffer]) }] };
  const dat = c.dats[0];
  if (dat !== undefined && how === 2) {
    const data = Buffer.from(dat.bytes);
    for (let i = rng.int(1, 100); i > 0; i--) data[rng.int(10, data.length - 1)]! ^= 1 << rng.int(0, 7);
    return { note: 'the sample trace.dat with bit flips after the magic', files: [{ name: 'flipped.dat', bytes: data.subarray(0, rng.int(10, data.length)) }] };
  }
  // The magic in the middle of a text trace (not at its start: a text file).
  const lines = windowOf(rng, rng.pick(c.traces), 500);
  lines.splice(rng.int(1, lines.length), 0, Buffer.concat([MAGIC, rng.bytes(100)]));
  return { note: 'trace.dat magic inside a text trace', files: [{ name: 'inside.txt', bytes: joinLines(lines) }] };
}

function badPaths(rng: Rng, c: FuzzCorpus): Built {
  const data = joinLines(windowOf(rng, rng.pick(c.traces), 200));
  const how = rng.int(0, 7);
  switch (how) {
    case 0:
      return { note: 'a file whose name holds a newline and an escape sequence', files: [{ name: `new\nline\x1b[31m${rng.int(0, 99)}.txt`, bytes: data }] };
    case 1:
      return { note: 'a missing file whose name holds control bytes', files: [{ name: `gone\n\x1b]0;x\x07.txt`, special: 'missing' }] };
    case 2:
      return { note: 'a directory', files: [{ name: 'dir\x7f', special: 'directory' }] };
    case 3:
      return { note: 'a symlink loop', files: [{ name: 'loop', special: 'symlink-loop' }] };
    case 4:
      return { note: '/dev/null', files: [{ name: 'null', special: 'dev-null' }] };
    case 5:
      return { note: 'a name longer than the file system allows', files: [{ name: 'x'.repeat(300), special: 'long-name' }] };
    case 6:
      return { note: 'a dangling symlink', files: [{ name: 'dangling\ttab', special: 'dangling-symlink' }] };
    default:
      return { note: 'a name of C1 controls and invalid UTF-8 bytes', files: [{ name: `\u009b31m${String.fromCharCode(0xfffd)}.txt`, bytes: data }] };
  }
}

function glued(rng: Rng, c: FuzzCorpus): Built {
  const base = rng.pick(c.traces);
  const lines = windowOf(rng, base, 400);
  const p = rng.pick(c.payloads);
  const header = p.line.slice(0, p.line.length - p.payload.length);
  const n = rng.chance(0.7) ? rng.int(2, 120) : rng.int(200, 2000);
  const tail = rng.pick(['bogus: zz', '', p.payload.slice(0, p.payload.length >> 1), '~', ', flags: 0x']);
  const line = Buffer.from(header + `${p.payload} `.repeat(n) + tail, 'latin1');
  lines.splice(rng.int(0, lines.length), 0, line);
  return { note: `${n} ${p.event} payloads glued in one line`, files: [{ name: 'glued.txt', bytes: joinLines(lines) }] };
}

function controlNames(rng: Rng, c: FuzzCorpus): Built {
  const base = pickBase(rng, c, 0.6);
  const lines = windowOf(rng, base).map((l) => l.toString('latin1'));
  const k = rng.int(1, 40);
  for (let n = 0; n < k; n++) {
    const li = rng.int(0, lines.length - 1);
    const l = lines[li]!;
    const name = controlName(rng);
    // The comm before `-pid [`, a trace-cmd buffer prefix, a hung task's name, or a frame.
    const m = /^(\s*)(\S.*?)(-\d+\s+(?:\(.*?\)\s+)?\[\d+\])/.exec(l);
    if (m && rng.chance(0.6)) lines[li] = `${m[1]}${name}${l.slice(m[1]!.length + m[2]!.length)}`;
    else if (m) lines[li] = `${name}: ${l}`;
    else if (/INFO: task \S+:\d+/.test(l)) lines[li] = l.replace(/INFO: task \S+:(\d+)/, `INFO: task ${name}:$1`);
    else if (/task:\S+/.test(l)) lines[li] = l.replace(/task:\S+/, `task:${name}`);
    else lines[li] = l.replace(/(\S)(\s|$)/, `$1${name}$2`);
  }
  return { note: `${base.name} with ${k} task or buffer names made of control bytes`, files: [{ name: 'names.txt', bytes: Buffer.from(lines.join('\n') + '\n', 'utf8') }] };
}

type Builder = (rng: Rng, c: FuzzCorpus) => Built;

const SIMPLE: readonly Builder[] = [bitFlips, truncation, lineShuffle, crlf, binaryGarbage, invalidUtf8, interleaved, mutatedFields, hostileKlog, glued, controlNames, traceDatGarbage];

function severalFiles(rng: Rng, c: FuzzCorpus): Built {
  const n = rng.int(2, 4);
  const files: FuzzFile[] = [];
  const notes: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.chance(0.15)) {
      files.push(files[0]!);
      notes.push('the first file again');
      continue;
    }
    if (rng.chance(0.3)) {
      const base = rng.chance(0.5) ? rng.pick(c.traces) : rng.pick(c.logs);
      files.push({ name: `f${i}-${base.name.replace(/\//g, '_')}`, bytes: base.bytes });
      notes.push(base.name);
      continue;
    }
    const b = rng.pick(SIMPLE)(rng, c);
    const f = b.files[0]!;
    files.push({ ...f, name: `f${i}-${f.name}` });
    notes.push(b.note);
  }
  return { note: notes.join(' + '), files, prefer: rng.chance(0.3) ? 'tasks' : 'analyze' };
}

const BUILDERS: Readonly<Record<Family, Builder>> = {
  'bit-flips': bitFlips,
  truncation,
  'line-shuffle': lineShuffle,
  crlf,
  'long-lines': longLines,
  'binary-garbage': binaryGarbage,
  'invalid-utf8': invalidUtf8,
  interleaved,
  'mutated-fields': mutatedFields,
  'hostile-klog': hostileKlog,
  'trace-dat-garbage': traceDatGarbage,
  'bad-paths': badPaths,
  'several-files': severalFiles,
  'glued-payloads': glued,
  'control-names': controlNames,
};

function pickFamily(rng: Rng, families: readonly Family[]): Family {
  const total = families.reduce((s, f) => s + WEIGHTS[f], 0);
  let x = rng.next() * total;
  for (const f of families) {
    x -= WEIGHTS[f];
    if (x < 0) return f;
  }
  return families[families.length - 1]!;
}

function lineCount(b: Uint8Array | undefined): number {
  if (b === undefined) return 1;
  let n = 1;
  for (let i = 0; i < b.length; i++) if (b[i] === NL) n++;
  return n;
}

/** Case `id` of the run with `seed` (restricted to `families` when given). */
export function makeCase(seed: number, id: number, families: readonly Family[] = FAMILIES, options: CaseOptions = {}): FuzzCase {
  const rng = new Rng(caseSeed(seed, id));
  const family = pickFamily(rng, families);
  const c = loadCorpus();
  building = options;
  let built: Built;
  try {
    built = BUILDERS[family](rng, c);
  } finally {
    building = {};
  }
  const r = rng.next();
  let command: FuzzCommand = built.prefer ?? 'analyze';
  if (built.prefer === undefined && built.files.length === 1) command = r < 0.55 ? 'analyze' : r < 0.65 ? 'tasks' : r < 0.8 ? 'request' : r < 0.93 ? 'events' : 'latency';
  if (built.files.length > 1 && command !== 'tasks') command = 'analyze';
  const f = rng.next();
  const format = command === 'analyze' ? (f < 0.6 ? 'text' : f < 0.85 ? 'json' : 'sarif') : f < 0.7 ? 'text' : 'json';
  const line = command === 'request' ? rng.int(1, lineCount(built.files[0]!.bytes)) : undefined;
  return { id, family, note: built.note, files: built.files, command, format, ...(line !== undefined ? { line } : {}) };
}
