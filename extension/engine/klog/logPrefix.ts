/**
 * logPrefix: strips what log readers put before a kernel message (dmesg `[  446.431446]`, printk caller
 * ids, `dmesg -T/-x/-r/-d/-e`, `/dev/kmsg` records, journalctl and syslog prefixes (also SONiC's year-first
 * form), ISO stamps, `talosctl dmesg`) and what
 * mail clients and bug trackers add (`> ` quoting), and keeps the timestamp with its clock.
 *
 * The rules follow kernel-formats.md §3.7: at most one of each prefix, in the order readers add them.
 */
import type { TimeSource } from '../contracts/report';

export interface LogMessage {
  /** The kernel message, with its own leading blanks (frame lines start with one) and no trailing CR. */
  readonly msg: string;
  /** Seconds since boot (monotonic) or Unix seconds (wall clock); undefined when the line has no stamp. */
  readonly ts?: number;
  readonly timeSource: TimeSource;
  /** True when a reader prefix (not only quoting) was found. */
  readonly prefixed: boolean;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

const QUOTE = /^(?:\s*>)+ ?/;
const KMSG = /^(\d+),(\d+),(\d+),[-c+]*(?:,[^;]*)?;/;
const PRIO = /^<\d+>/;
const DMESG_X = /^[a-z]+\s*:[a-z]+\s*: /;
const SYSLOG = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(\.\d+)? \S+ kernel: /;
const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(?:([+-])(\d\d):?(\d\d)|Z)?(?: \S+ kernel:)? /;
/** SONiC syslog: `2025 Jul  2 06:56:57.749624 host ERR kernel: ` (year first, a level word). */
const SYSLOG_YEAR = /^(\d{4}) ([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d)(\.\d+)? \S+ (?:[A-Z]+ )?kernel: /;
/** `talosctl dmesg`: `10.0.0.1: kern:   alert: [2024-05-13T15:13:11.99476118Z]: `. */
const TALOS = /^\S+: kern: {0,8}[a-z]+: \[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z\]: /;
const DMESG_T = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
const DMESG_E = /^\[([A-Z][a-z]{2})(\d\d) (\d\d):(\d\d)\] ?/;
const RELTIME = /^\[\s*[+-]\s*\d+\.\d+\] ?/;
const MONO = /^\[\s*(\d+)\.(\d+)(?: <\s*[\d.]+>)?\]/;
const MONO_HOST = /^\S+ kernel: /; // journalctl -o short-monotonic: `[  446.431446] host kernel: `
const CALLER = /^\[\s*[TC]\d+\] ?/;

/** Strips reader prefixes from one line of a log. */
export function stripLogPrefix(line: string, assumedYear: number): LogMessage {
  let s = line.endsWith('\r') ? line.slice(0, -1) : line;
  const q = QUOTE.exec(s);
  if (q) s = s.slice(q[0].length);
  let ts: number | undefined;
  let timeSource: TimeSource = 'none';
  let prefixed = false;
  let m: RegExpExecArray | null;

  if ((m = KMSG.exec(s))) {
    return { msg: s.slice(m[0].length), ts: Number(m[3]) / 1e6, timeSource: 'monotonic', prefixed: true };
  }
  if ((m = DMESG_X.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
  }
  if ((m = PRIO.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
  }
  if ((m = SYSLOG.exec(s))) {
    ts = Date.UTC(assumedYear, MONTHS[m[1]!] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000 + (m[6] ? Number(m[6]) : 0);
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = SYSLOG_YEAR.exec(s))) {
    ts = Date.UTC(Number(m[1]), MONTHS[m[2]!] ?? 0, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + (m[7] ? Number(m[7]) : 0);
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = TALOS.exec(s))) {
    ts = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + (m[7] ? Number(`0.${m[7]}`) : 0);
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = ISO.exec(s))) {
    const frac = m[7] ? Number(`0.${m[7]}`) : 0;
    let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + frac;
    if (m[8]) t -= (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10]) * 60);
    ts = t;
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = DMESG_T.exec(s))) {
    ts = Date.UTC(Number(m[6]), MONTHS[m[1]!] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = DMESG_E.exec(s))) {
    ts = Date.UTC(assumedYear, MONTHS[m[1]!] ?? 0, Number(m[2]), Number(m[3]), Number(m[4])) / 1000;
    timeSource = 'wall-clock';
    s = s.slice(m[0].length);
    prefixed = true;
  } else if ((m = RELTIME.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
  }
  if ((m = MONO.exec(s))) {
    // A kernel stamp wins over a reader's wall clock: it is the one a trace can be aligned with.
    ts = Number(m[1]) + Number(`0.${m[2]}`);
    timeSource = 'monotonic';
    s = s.slice(m[0].length);
    prefixed = true;
    if (s.startsWith(' ')) s = s.slice(1);
    const h = MONO_HOST.exec(s);
    if (h) s = s.slice(h[0].length);
  }
  if ((m = CALLER.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
  }
  return { msg: s, ...(ts !== undefined ? { ts } : {}), timeSource, prefixed };
}
