/**
 * findingTitle: a finding in one short line for a CodeLens: its kind's title (contracts/findingKinds.ts)
 * and the numbers that decide it, read from its `details` (`short read: 64 KiB of 256 KiB before EOF`,
 * `I/O error: -5 EIO on 7:0 sector 2048`, `ordered extent IOERR: 128 KiB at 1 MiB of ino 257`, `task
 * blocked 122 s in btrfs_start_ordered_extent`). Details that are missing or of another shape leave the
 * numbers out, never the title. Durations of a counter-clock trace are ticks (`unitsPerSecond` 1).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { kindTitle } from '../contracts/findingKinds';
import { errnoNames } from '../decode/errnoNames';
import { formatBytes, formatDuration } from '../report/formatDuration';

type Details = Finding['details'];

function num(d: Details, key: string): number | undefined {
  const x = d[key];
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function str(d: Details, key: string): string | undefined {
  const x: JsonValue | undefined = d[key];
  return typeof x === 'string' && x !== '' ? x : undefined;
}

function errnoText(e: number): string {
  const name = errnoNames.name(e);
  return name ? `${e} ${name}` : String(e);
}

/** A file offset: `0`, `1 MiB`, `5000 B`. */
function offsetText(x: number): string {
  return x === 0 ? '0' : formatBytes(x);
}

/** `kworker/u8:3 (pid 123)`, or '' without a comm. */
function who(d: Details): string {
  const comm = str(d, 'comm');
  const pid = num(d, 'pid');
  return comm === undefined ? '' : `${comm}${pid !== undefined ? ` (pid ${pid})` : ''}`;
}

/** A kernel-log io-error: `10 failed requests on loop2` (the lowest layer the log shows failing). */
function logIoErrorNumbers(d: Details): string {
  const total = (k: string): number => {
    const x = d[k];
    return typeof x === 'number' ? x : x !== null && typeof x === 'object' && !Array.isArray(x) && typeof x['total'] === 'number' ? x['total'] : 0;
  };
  const dev = str(d, 'device') ?? '?';
  const parts: [string, string][] = [['requests', 'failed request'], ['commands', 'failed command'], ['timeouts', 'timeout'], ['filesystem', 'filesystem error'], ['buffers', 'buffer error']];
  for (const [k, w] of parts) {
    const n = total(k);
    if (n > 0) return `${n} ${w}${n === 1 ? '' : 's'} on ${dev} (kernel log)`;
  }
  return `on ${dev} (kernel log)`;
}

/** The numbers after the title, or '' when the details do not have them. */
function numbers(f: Finding, unitsPerSecond: number): string {
  const d = f.details;
  switch (f.kind) {
    case 'short-read': {
      const requested = num(d, 'requested');
      const returned = num(d, 'returned');
      if (requested === undefined || returned === undefined) return '';
      const next = num(d, 'nextResult');
      const tail = next !== undefined && next < 0 ? `, next read ${errnoText(next)}` : d['i_size'] !== null && d['i_size'] !== undefined ? ' before EOF' : '';
      return `${formatBytes(returned)} of ${formatBytes(requested)}${tail}`;
    }
    case 'io-error': {
      if (str(d, 'source') === 'kernel-log') return logIoErrorNumbers(d);
      const error = num(d, 'error') ?? 0;
      const dev = str(d, 'dev') ?? '?';
      const sector = num(d, 'sector');
      const where = `on ${dev}${sector !== undefined && sector >= 0 ? ` sector ${sector}` : ''}`;
      if (error !== 0) return `${errnoText(error)} ${where}`;
      const requeues = num(d, 'requeues') ?? 0;
      return `requeued ${requeues}× ${where}`;
    }
    case 'ordered-extent-ioerr':
    case 'ordered-extent-unfinished': {
      const len = num(d, 'len');
      const off = num(d, 'fileOffset');
      const ino = num(d, 'ino');
      if (len === undefined || off === undefined || ino === undefined) return '';
      const base = `${formatBytes(len)} at ${offsetText(off)} of ino ${ino}`;
      if (f.kind === 'ordered-extent-ioerr') {
        const lost = num(d, 'lostBytes') ?? 0;
        return lost > 0 ? `${base}, ${formatBytes(lost)} written and lost` : base;
      }
      const age = num(d, 'ageNs');
      return age !== undefined ? `${base}, open ${formatDuration(age, unitsPerSecond)}` : base;
    }
    case 'nowait-retry': {
      const op = str(d, 'op');
      if (op === undefined) return '';
      const call = str(d, 'layer') === 'io_uring' ? `io_uring ${op}` : op;
      const len = num(d, 'length');
      const off = num(d, 'offset');
      const ino = num(d, 'ino');
      const at = off !== undefined && off >= 0 ? ` at ${offsetText(off)}` : '';
      return `${call}${len !== undefined && len > 0 ? ` of ${formatBytes(len)}` : ''}${at}${ino !== undefined && ino >= 0 ? ` of ino ${ino}` : ''}`;
    }
    case 'stale-iomap': {
      const count = num(d, 'count');
      const ino = num(d, 'ino');
      if (count === undefined || ino === undefined) return '';
      return `${count}× on ino ${ino}${str(d, 'dev') ? ` (${str(d, 'dev')})` : ''}`;
    }
    case 'unaligned-discard': {
      const ret = num(d, 'ret');
      if (str(d, 'errno') !== undefined && ret !== undefined) return `fallocate ${errnoText(ret)}${str(d, 'modeName') ? ` (${str(d, 'modeName')})` : ''}`;
      const start = num(d, 'start');
      const end = num(d, 'end');
      if (start === undefined || end === undefined) return '';
      return `bytes [${start}, ${end}) on ${str(d, 'dev') ?? '?'}`;
    }
    case 'hung-task': {
      const culprit = str(d, 'culprit');
      const secs = num(d, 'hungSeconds');
      if (str(d, 'source') === 'sched_process_hang') return who(d);
      return `${secs !== undefined ? `${secs} s ` : ''}${culprit ? `in ${culprit}` : '(no stack)'}`;
    }
    case 'ordered-extent-wait': {
      const waitIn = str(d, 'waitIn');
      const role = str(d, 'role');
      return `${role ?? ''}${role && waitIn ? ' ' : ''}${waitIn ? `in ${waitIn}` : ''}`;
    }
    case 'wait-cycle': {
      const cycle = d['cycle'];
      if (!Array.isArray(cycle)) return '';
      const tasks = cycle.filter((x) => typeof x === 'string' && x.startsWith('task:')).length;
      return `${tasks} task${tasks === 1 ? '' : 's'}`;
    }
    case 'stalled-io': {
      const bios = num(d, 'bios');
      const secs = num(d, 'outstandingSeconds');
      if (bios === undefined) return '';
      const never = num(d, 'neverCompleted') ?? 0;
      const on = str(d, 'devices') ? ` on ${str(d, 'devices')}` : '';
      return `${bios} request${bios === 1 ? '' : 's'}${on}${secs !== undefined ? ` outstanding ${formatDuration(Math.round(secs * 1e9))}` : ''}${never > 0 ? `, ${never} never completed` : ''}`;
    }
    case 'parse-error': {
      const count = num(d, 'count');
      if (str(d, 'source') === 'kernel-log') return f.message.length <= 60 ? f.message : `${f.message.slice(0, 59)}…`;
      if (str(d, 'scope') === 'payload') return `${count ?? '?'} ${str(d, 'event') ?? ''} payload${count === 1 ? '' : 's'}`;
      if (str(d, 'scope') === 'name') return `${count ?? '?'} ${str(d, 'name') ?? 'name'}${count === 1 ? '' : 's'} with control characters`;
      return count !== undefined ? `${count} line${count === 1 ? '' : 's'} skipped` : '';
    }
    case 'lost-events': {
      const lost = num(d, 'lost');
      const cpu = num(d, 'cpu');
      const marker = str(d, 'marker');
      if (marker === 'buffer-started') return `CPU ${cpu ?? '?'} buffer overwritten`;
      if (marker === 'overrun') return `${lost ?? '?'} overwritten`;
      const on = cpu !== undefined && cpu >= 0 ? ` on CPU ${cpu}` : '';
      return lost !== undefined ? `${lost}${on}` : `count unknown${on}`;
    }
    case 'timestamp-disorder': {
      const back = num(d, 'backwardsNs');
      const cpu = num(d, 'cpu');
      return back !== undefined ? `${formatDuration(back, unitsPerSecond)}${cpu !== undefined ? ` on CPU ${cpu}` : ''}` : '';
    }
    default:
      return '';
  }
}

/** `short read: 64 KiB of 256 KiB before EOF` (the kind's title alone when the details lack the numbers). */
export function findingTitle(f: Finding, unitsPerSecond = 1e9): string {
  const title = kindTitle(f.kind);
  const n = numbers(f, unitsPerSecond);
  if (n === '') return title;
  // `task blocked 122 s in …` reads as one phrase; the others as `title: numbers`.
  return f.kind === 'hung-task' && f.details['source'] !== 'sched_process_hang' ? `${title} ${n}` : `${title}: ${n}`;
}
