/**
 * The anchored scan: the fast path that frames an ftrace event line without tokenising it.
 *
 * It anchors on the CPU column (`[003]`, or the latency `  3d..1.` column) and reads the pid, the
 * optional tgid, the comm and the optional trace-cmd instance prefix backwards from there, then the
 * flags, the timestamp and the event name forwards. The comm is never split on a dash: it is the
 * right-aligned `%16s` (`%8.8s` in latency layouts) field that ends at the last `-pid` before the CPU
 * column, so `iou-wrk-20374-20375`, `my io-worker 1-20379` and `<...>-23887` all read correctly.
 * Lines it does not recognise return false and go to the grammar (lineGrammar.ts), which knows every
 * other kind of line and explains what is wrong with a line that is nothing it knows.
 *
 * Time is linear in the line's length, however many anchor candidates it holds: the regions read around
 * two candidates do not overlap, and what is read from the line's ends (its leading blanks, its last `)`)
 * is found once per line (`lineFacts`), not once per candidate.
 */
import { EventForm, Layout, LineHeader, LineKind } from './lineHeader';

const SPACE = 32;
const DASH = 45;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;
const DOT = 46;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** Characters of the irq-info flag column (kernel and trace-cmd -l), all kernel eras. */
const FLAG_CHARS = new Uint8Array(256);
for (const ch of '.dDbXNnpBLlhHsSzZ0123456789abcdef') FLAG_CHARS[ch.charCodeAt(0)] = 1;

/** Characters allowed in an event name (bprint shows kernel function names such as `foo.isra.0`). */
const NAME_CHARS = new Uint8Array(256);
for (let c = 48; c <= 57; c++) NAME_CHARS[c] = 1;
for (let c = 65; c <= 90; c++) NAME_CHARS[c] = 1;
for (let c = 97; c <= 122; c++) NAME_CHARS[c] = 1;
NAME_CHARS[95] = 1; // _
NAME_CHARS[DOT] = 1;

/** Facts about the line being scanned that every candidate would otherwise read again (-2: not read yet). */
const lineFacts = {
  /** Start of the line. */
  start: 0,
  /** End of the line's leading blanks. */
  blanksEnd: -2,
  /** Position of the line's last `)`, -1 when none. */
  lastRparen: -2,
};

/** End of the line's leading blanks (they stop before any `-pid`, so before `upTo`). */
function leadingBlanksEnd(buf: Uint8Array, upTo: number): number {
  if (lineFacts.blanksEnd === -2) {
    let p = lineFacts.start;
    while (p < upTo && buf[p] === SPACE) p++;
    lineFacts.blanksEnd = p;
  }
  return lineFacts.blanksEnd;
}

/** The line's last `)` (the line ends at `e`), -1 when it has none. */
function lastRparen(buf: Uint8Array, e: number): number {
  if (lineFacts.lastRparen === -2) {
    let p = e - 1;
    while (p >= lineFacts.start && buf[p] !== RPAREN) p--;
    lineFacts.lastRparen = p;
  }
  return lineFacts.lastRparen;
}

/**
 * Scans an event line in buf[s, e). Returns true and fills `h` (kind Event) when the line is an event
 * in one of the known layouts.
 */
export function scanEventLine(buf: Uint8Array, s: number, e: number, h: LineHeader): boolean {
  lineFacts.start = s;
  lineFacts.blanksEnd = -2;
  lineFacts.lastRparen = -2;
  // Bracket layouts: find a `[digits]` followed by a blank whose left side reads as `comm-pid`.
  let j = s + 1;
  while (j < e) {
    if (buf[j] !== LBRACKET) {
      j++;
      continue;
    }
    let k = j + 1;
    let cpu = 0;
    while (k < e && isDigit(buf[k])) cpu = cpu * 10 + buf[k++]! - 48;
    if (k > j + 1 && k < e && buf[k] === RBRACKET && buf[k + 1] === SPACE && readTaskBackwards(buf, s, j, h, 16)) {
      h.cpu = cpu;
      h.layout = Layout.Bracket;
      if (readAfterCpu(buf, k + 1, e, h)) return true;
    }
    j++;
  }
  return scanLatencyLine(buf, s, e, h);
}

/**
 * Reads `[prefix: ]comm-pid[ (tgid)]` that ends just before position `end` (exclusive, blanks allowed
 * before it). `commWidth` is the printf width of the comm field (16, or 8 in latency layouts).
 */
function readTaskBackwards(buf: Uint8Array, s: number, end: number, h: LineHeader, commWidth: number): boolean {
  let p = end - 1;
  while (p >= s && buf[p] === SPACE) p--;
  h.tgid = -1;
  if (p >= s && buf[p] === RPAREN) {
    let q = p - 1;
    let tgid = 0;
    let mul = 1;
    let digits = 0;
    while (q >= s && buf[q] === SPACE) q--;
    while (q >= s && isDigit(buf[q])) {
      tgid += (buf[q]! - 48) * mul;
      mul *= 10;
      digits++;
      q--;
    }
    if (digits === 0) {
      while (q >= s && buf[q] === DASH) q--;
    } else {
      h.tgid = tgid;
    }
    while (q >= s && buf[q] === SPACE) q--;
    if (q < s || buf[q] !== LPAREN) return false;
    p = q - 1;
    while (p >= s && buf[p] === SPACE) p--;
  }
  let pid = 0;
  let mul = 1;
  const pidEnd = p;
  while (p >= s && isDigit(buf[p])) {
    pid += (buf[p]! - 48) * mul;
    mul *= 10;
    p--;
  }
  if (p === pidEnd || p <= s - 1 || buf[p] !== DASH) return false;
  const dash = p;
  h.pid = pid;
  h.prefixStart = -1;
  h.prefixEnd = -1;
  let commStart = s;
  const fieldStart = dash - commWidth;
  if (fieldStart > s) {
    // Text before the comm field: a trace-cmd `name: ` prefix or blank padding of multi-buffer reports.
    const c1 = buf[fieldStart - 1];
    const c2 = buf[fieldStart - 2];
    if (c1 === SPACE && (c2 === COLON || c2 === SPACE)) {
      const ps = Math.min(leadingBlanksEnd(buf, end), fieldStart);
      if (c2 === COLON) {
        h.prefixStart = ps;
        h.prefixEnd = fieldStart - 2;
      }
      commStart = fieldStart;
    }
  }
  if (commStart === s) commStart = Math.min(leadingBlanksEnd(buf, end), dash);
  while (commStart < dash && buf[commStart] === SPACE) commStart++;
  h.commStart = commStart;
  h.commEnd = dash;
  return true;
}

/** Reads `[flags ]timestamp: [(+diff) ]event...` starting at `p` (just after the CPU column). */
function readAfterCpu(buf: Uint8Array, p: number, e: number, h: LineHeader): boolean {
  while (p < e && buf[p] === SPACE) p++;
  h.flagsStart = -1;
  h.flagsEnd = -1;
  if (p < e && !isDigit(buf[p])) {
    const fs = p;
    while (p < e && FLAG_CHARS[buf[p]!] === 1) p++;
    if (p - fs < 3 || p - fs > 8 || buf[p] !== SPACE) return false;
    h.flagsStart = fs;
    h.flagsEnd = p;
    h.layout = Layout.BracketFlags;
    while (p < e && buf[p] === SPACE) p++;
  }
  return readTimestampAndEvent(buf, p, e, h);
}

function readTimestampAndEvent(buf: Uint8Array, p: number, e: number, h: LineHeader): boolean {
  const q = readTimestamp(buf, p, e, h);
  if (q < 0) return false;
  p = q;
  // `: ` after the timestamp
  if (buf[p] !== COLON) return false;
  p++;
  while (p < e && buf[p] === SPACE) p++;
  h.tsDiff = false;
  if (buf[p] === LPAREN && buf[p + 1] === 43 /* + */) {
    let r = p + 2;
    while (r < e && isDigit(buf[r])) r++;
    if (buf[r] !== RPAREN) return false;
    h.tsDiff = true;
    p = r + 1;
    while (p < e && buf[p] === SPACE) p++;
  }
  return readEventName(buf, p, e, h);
}

/** Parses `sec.frac`, a raw counter, or a latency `123456us+` time. Returns the index after it or -1. */
function readTimestamp(buf: Uint8Array, p: number, e: number, h: LineHeader): number {
  const is = p;
  while (p < e && isDigit(buf[p])) p++;
  const ie = p;
  if (ie === is) return -1;
  let fracDigits = 0;
  let frac = 0;
  if (buf[p] === DOT) {
    p++;
    const fs = p;
    while (p < e && isDigit(buf[p])) {
      if (p - fs < 9) frac = frac * 10 + buf[p]! - 48;
      p++;
    }
    fracDigits = p - fs;
    if (fracDigits === 0) return -1;
  }
  let scale = 1; // units of the integer part, in ns (for the latency `us` form)
  if (fracDigits === 0 && buf[p] === 117 /* u */ && buf[p + 1] === 115 /* s */) {
    scale = 1000;
    p += 2;
    const m = buf[p];
    if (m !== COLON && m !== undefined && '$@*#!+ '.includes(String.fromCharCode(m))) p++;
  }
  if (fracDigits > 0) {
    h.tsHi = parseDigits(buf, is, ie);
    const d = Math.min(fracDigits, 9);
    h.tsLo = frac * POW10[9 - d]!;
  } else {
    // Integer time: a raw counter (or µs in latency format). Split into 1e9 units exactly.
    const n = ie - is;
    if (n <= 15) {
      const v = parseDigits(buf, is, ie) * scale;
      h.tsHi = Math.floor(v / 1e9);
      h.tsLo = v - h.tsHi * 1e9;
    } else {
      h.tsHi = parseDigits(buf, is, ie - 9);
      h.tsLo = parseDigits(buf, ie - 9, ie);
    }
  }
  h.tsFracDigits = fracDigits;
  return p;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

function parseDigits(buf: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + buf[i]! - 48;
  return v;
}

/** Reads the event name and frames the payload, recognising the kernel's special spellings. */
function readEventName(buf: Uint8Array, p: number, e: number, h: LineHeader): boolean {
  const ns = p;
  while (p < e && NAME_CHARS[buf[p]!] === 1) p++;
  if (p === ns) return false;
  h.nameStart = ns;
  h.nameEnd = p;
  h.form = EventForm.Normal;
  h.kind = LineKind.Event;
  const c = buf[p];
  if (p === e) return false; // `name` without `:`: a line cut short
  if (c === COLON) {
    h.payloadStart = p + 1;
    h.payloadEnd = e;
    if (p - ns === 18 && isMarkWrite(buf, ns)) {
      h.form = EventForm.MarkWrite;
      h.payloadStart = ns;
    }
    return true;
  }
  const isSys = p - ns > 4 && buf[ns] === 115 && buf[ns + 1] === 121 && buf[ns + 2] === 115 && buf[ns + 3] === 95; // sys_
  if (c === LPAREN && isSys) {
    // The last `)` of the line (found once per line: every candidate would read back to it).
    const close = lastRparen(buf, e);
    if (close <= p) return false;
    h.form = EventForm.SysEnter;
    h.payloadStart = p + 1;
    h.payloadEnd = close;
    return true;
  }
  if (c === SPACE && buf[p + 1] === DASH && buf[p + 2] === 62 /* > */) {
    if (!isSys) return false;
    h.form = EventForm.SysExit;
    h.payloadStart = buf[p + 3] === SPACE ? p + 4 : p + 3;
    h.payloadEnd = e;
    return true;
  }
  if (c === SPACE && buf[p + 1] === 60 /* < */ && buf[p + 2] === DASH) {
    h.form = EventForm.Function;
    h.payloadStart = ns;
    h.payloadEnd = e;
    return true;
  }
  return false;
}

const MARK_WRITE = Buffer.from('tracing_mark_write');
function isMarkWrite(buf: Uint8Array, ns: number): boolean {
  for (let i = 0; i < MARK_WRITE.length; i++) if (buf[ns + i] !== MARK_WRITE[i]) return false;
  return true;
}

/**
 * Latency layouts: `comm-pid  cpu` immediately followed by the flags (`  1..s..`), as printed by
 * `trace-cmd report -l` (comm cut to 8 characters) and the kernel's latency-format option.
 */
function scanLatencyLine(buf: Uint8Array, s: number, e: number, h: LineHeader): boolean {
  for (let d = s + 1; d < e; d++) {
    if (buf[d] !== DASH || !isDigit(buf[d + 1])) continue;
    let p = d + 1;
    while (p < e && isDigit(buf[p])) p++;
    if (buf[p] !== SPACE) continue;
    while (p < e && buf[p] === SPACE) p++;
    const cs = p;
    let cpu = 0;
    while (p < e && isDigit(buf[p])) cpu = cpu * 10 + buf[p++]! - 48;
    if (p === cs) continue;
    const f0 = buf[p];
    if (f0 !== DOT && f0 !== 100 /* d */ && f0 !== 88 /* X */ && f0 !== 68 /* D */ && f0 !== 98 /* b */) continue;
    const fs = p;
    while (p < e && FLAG_CHARS[buf[p]!] === 1) p++;
    if (p - fs < 3 || p - fs > 8 || buf[p] !== SPACE) continue;
    if (!readTaskBackwards(buf, s, d + 1 + countDigits(buf, d + 1, e), h, 8)) continue;
    h.cpu = cpu;
    h.flagsStart = fs;
    h.flagsEnd = p;
    h.layout = Layout.Latency;
    while (p < e && buf[p] === SPACE) p++;
    if (readTimestampAndEvent(buf, p, e, h)) return true;
  }
  return false;
}

function countDigits(buf: Uint8Array, p: number, e: number): number {
  let n = 0;
  while (p + n < e && isDigit(buf[p + n])) n++;
  return n;
}
