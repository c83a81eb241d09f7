/**
 * logPrefix: strips what log readers put before a kernel message (dmesg `[  446.431446]`, printk caller
 * ids, `dmesg -T/-x/-r/-d/-e/-H`, `/dev/kmsg` records, journalctl and syslog prefixes (with or without the
 * host name, also SONiC's year-first form), ISO stamps, `talosctl dmesg`) and what mail clients, bug
 * trackers and markdown add (`> ` / `>> ` quoting, an indentation of spaces or tabs before a reader
 * prefix: a code block), and keeps the timestamp with its clock.
 *
 * The rules follow kernel-formats.md §3.7: at most one of each prefix, in the order readers add them.
 * Every pattern is anchored and has bounded repetitions (the parser runs it on every line of large logs).
 * A line without a reader prefix keeps its indentation: the classifier is whitespace-tolerant, and a
 * frame's own leading blank is part of the message.
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

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** Localised month names `dmesg -T` and journals print (German, French, Spanish, Italian…), first three letters. */
const LOCAL_MONTHS: Record<string, number> = { mär: 2, mrz: 2, mai: 4, okt: 9, dez: 11, fév: 1, fev: 1, avr: 3, jui: 5, aoû: 7, aou: 7, déc: 11, ene: 0, abr: 3, ago: 7, dic: 11, gen: 0, giu: 5, lug: 6, set: 8, ott: 9 };

/** The month of a (possibly lower-case or localised) month name; January when it is not known. */
function month(name: string): number {
  const k = name.slice(0, 3).toLowerCase();
  return MONTHS[k] ?? LOCAL_MONTHS[k] ?? 0;
}

const QUOTE = /^(?:[ \t]{0,16}>){1,16} ?/;
const KMSG = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),[-c+]{0,4}(?:,[^;]{0,256})?;/;
const PRIO = /^<\d+>/;
const DMESG_X = /^[a-z]+\s*:[a-z]+\s*: /;
/** rsyslog / syslog-ng / journalctl short: `Nov  1 02:02:57 host kernel: `; some setups drop the host (`May 17 18:48:11 kernel: `). */
const SYSLOG = /^([A-Za-z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(\.\d{1,9})? (?:\S{1,255} )?kernel: /;
/** Anaconda's syslog (Fedora installer logs): `15:52:20,316 ERR kernel:` then the message, without a blank. */
const ANACONDA = /^(\d\d):(\d\d):(\d\d),(\d{3}) [A-Z]{1,8} kernel:/;
const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(?:([+-])(\d\d):?(\d\d)|Z)?(?: \S+ kernel:)? /;
/** SONiC syslog: `2025 Jul  2 06:56:57.749624 host ERR kernel: ` (year first, a level word). */
const SYSLOG_YEAR = /^(\d{4}) ([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d)(\.\d+)? \S+ (?:[A-Z]+ )?kernel: /;
/** `talosctl dmesg`: `10.0.0.1: kern:   alert: [2024-05-13T15:13:11.99476118Z]: `. */
const TALOS = /^\S+: kern: {0,8}[a-z]+: \[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z\]: /;
/** `dmesg -T`: `[Sat Nov  1 02:02:57 2026]`; also with an unpadded day and localised names (`[So Jan  5 …]`). */
const DMESG_T = /^\[[^\s\d\]]{1,12} ([^\s\d\]]{1,12}) ([ \d]?\d) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
/** `dmesg -e` / `-H` (reltime): `[Nov21 02:02]`, `[Sep11 18:40]`, and with a blank-padded day `[Feb 5 15:31]`. */
const DMESG_E = /^\[([A-Z][a-z]{2}) ?([ \d]?\d) (\d\d):(\d\d)\] ?/;
const RELTIME = /^\[\s*[+-]\s*\d+\.\d+\] ?/;
const MONO = /^\[ {0,16}(\d{1,12})\.(\d{1,9})(?: < {0,16}[\d.]{1,24}>)?\]/;
const MONO_HOST = /^\S+ kernel: /; // journalctl -o short-monotonic: `[  446.431446] host kernel: `
const CALLER = /^\[\s*[TC]\d+\] ?/;

/** Blanks before a reader prefix (a markdown code block, an indented paste): at most this many are skipped. */
const MAX_INDENT = 64;
/** Markdown inline-code backticks around a pasted line (`` `INFO: task …` ``), not a fence (a line of backticks). */
const LEAD_TICKS = /^`{1,3}(?=[^`\s])/;
const TRAIL_TICKS = /(?<=[^`\s])`{1,3}\s*$/;

/** Strips reader prefixes from one line of a log. */
export function stripLogPrefix(line: string, assumedYear: number): LogMessage {
  let s = line.endsWith('\r') ? line.slice(0, -1) : line;
  // Mail clients and web pages turn runs of blanks into no-break spaces.
  if (s.indexOf('\u00a0') >= 0) s = s.replace(/\u00a0/g, ' ');
  const c0 = s.charCodeAt(0);
  if (c0 === 0x3e /* > */ || c0 === 0x20 || c0 === 0x09) {
    const q = QUOTE.exec(s);
    if (q) s = s.slice(q[0].length);
  }
  if (s.charCodeAt(0) === 0x60 /* ` */) s = s.replace(LEAD_TICKS, '');
  if (s.charCodeAt(s.length - 1) === 0x60 || s.endsWith('` ')) s = s.replace(TRAIL_TICKS, '');
  const c1 = s.charCodeAt(0);
  if (c1 === 0x20 || c1 === 0x09) {
    // Indented: a reader prefix behind the indentation is read; otherwise the line keeps its blanks.
    let i = 1;
    while (i < s.length && i <= MAX_INDENT && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
    if (i < s.length && i <= MAX_INDENT && mayStartPrefix(s.charCodeAt(i))) {
      const r = readerPrefixes(s.slice(i), assumedYear);
      if (r.prefixed) return r;
    }
    return { msg: s, timeSource: 'none', prefixed: false };
  }
  return readerPrefixes(s, assumedYear);
}

/** First characters a reader prefix can start with: `<`, `[`, a digit, a letter. */
function mayStartPrefix(c: number): boolean {
  return c === 0x3c || c === 0x5b || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * The reader prefixes at the start of `s` (no quoting, no indentation). Each pattern is tried only when the
 * first character can start it: this runs on every line of large logs.
 */
function readerPrefixes(text: string, assumedYear: number): LogMessage {
  let s = text;
  let ts: number | undefined;
  let timeSource: TimeSource = 'none';
  let prefixed = false;
  let m: RegExpExecArray | null;
  let c = s.charCodeAt(0);

  if (isDigit(c) && (m = KMSG.exec(s))) {
    return { msg: s.slice(m[0].length), ts: Number(m[3]) / 1e6, timeSource: 'monotonic', prefixed: true };
  }
  if (c >= 0x61 && c <= 0x7a && (m = DMESG_X.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
    c = s.charCodeAt(0);
  }
  if (c === 0x3c /* < */ && (m = PRIO.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
    c = s.charCodeAt(0);
  }
  if (c === 0x5b /* [ */) {
    if ((m = DMESG_T.exec(s))) {
      ts = Date.UTC(Number(m[6]), month(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
      timeSource = 'wall-clock';
      s = s.slice(m[0].length);
      prefixed = true;
    } else if ((m = DMESG_E.exec(s))) {
      ts = Date.UTC(assumedYear, month(m[1]!), Number(m[2]), Number(m[3]), Number(m[4])) / 1000;
      timeSource = 'wall-clock';
      s = s.slice(m[0].length);
      prefixed = true;
    } else if ((m = RELTIME.exec(s))) {
      s = s.slice(m[0].length);
      prefixed = true;
    }
  } else if (isLetter(c)) {
    if ((m = SYSLOG.exec(s))) {
      ts = Date.UTC(assumedYear, month(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000 + (m[6] ? Number(m[6]) : 0);
      timeSource = 'wall-clock';
      s = s.slice(m[0].length);
      prefixed = true;
    } else if ((m = TALOS.exec(s))) {
      ts = talosTime(m);
      timeSource = 'wall-clock';
      s = s.slice(m[0].length);
      prefixed = true;
    }
  } else if (isDigit(c)) {
    if ((m = ANACONDA.exec(s))) {
      // A time of day without a date: prefixed, but no stamp a trace could be aligned with.
      s = s.slice(m[0].length);
      prefixed = true;
    } else if ((m = SYSLOG_YEAR.exec(s))) {
      ts = Date.UTC(Number(m[1]), month(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + (m[7] ? Number(m[7]) : 0);
      timeSource = 'wall-clock';
      s = s.slice(m[0].length);
      prefixed = true;
    } else if ((m = TALOS.exec(s))) {
      ts = talosTime(m);
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
    }
  }
  if (s.charCodeAt(0) === 0x5b && (m = MONO.exec(s))) {
    // A kernel stamp wins over a reader's wall clock: it is the one a trace can be aligned with.
    ts = Number(m[1]) + Number(`0.${m[2]}`);
    timeSource = 'monotonic';
    s = s.slice(m[0].length);
    prefixed = true;
    if (s.startsWith(' ')) s = s.slice(1);
    const h = MONO_HOST.exec(s);
    if (h) s = s.slice(h[0].length);
  }
  if (s.charCodeAt(0) === 0x5b && (m = CALLER.exec(s))) {
    s = s.slice(m[0].length);
    prefixed = true;
  }
  return { msg: s, ...(ts !== undefined ? { ts } : {}), timeSource, prefixed };
}

function talosTime(m: RegExpExecArray): number {
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 + (m[7] ? Number(`0.${m[7]}`) : 0);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
