/**
 * matchTemplate: the decode hot path. Runs one CompiledTemplate over payload bytes and writes the
 * fields into a DecodedPayload's arrays.
 *
 * Invariants: works on bytes only, allocates nothing, never throws on any input (garbage simply does not
 * match), and interns no string before the whole match has succeeded: while matching, the fields are
 * only looked up in the string table (`findBytes`); the ones it does not hold yet are interned from their
 * byte ranges at the end, so a failed or retried match stores nothing. The caller trims the payload and
 * resets the record before each variant. Semantics (see grammars/events/README.md): a template blank
 * matches one or more blanks (exactly one before a string field, and the end of the payload); numbers
 * must have at least one digit; a scanning string field reads up to the first occurrence of the literal
 * that follows it and backtracks to later occurrences when the rest of the template fails; an empty
 * string field may share the one blank around it with both literals (`flags (0x0)` as well as
 * `flags  (0x0)`).
 *
 * Time is linear in the payload's length whatever the template. Whether the rest of the template matches
 * from op i at position p does not depend on how p was reached (captures are never compared), so each
 * scanning field keeps a watermark: the lowest search start from which every later occurrence of its
 * literal has already been tried and failed. A search that starts at or after it fails at once, and one
 * that starts before it stops there, so each field searches every byte at most once and each occurrence
 * is tried once. A field is looked up while matching only when it is short (LOOKUP_BYTES), so no retry
 * hashes the rest of the payload. The bytes that retried runs of the other ops read are counted against
 * a budget proportional to the payload (MATCH_BUDGET_PER_BYTE); a payload that exhausts it does not
 * match (it is then reported like any unreadable payload). A payload glued from many events
 * (`fd: 0x3, … fd: 0x3, …`) used to retry every combination of its string fields: seconds for a few
 * kilobytes, and a string interned per retry until memory ran out.
 */
import * as ct from './compiledTemplate';
import type { CompiledTemplate } from './compiledTemplate';
import { ioUringOpcodes } from './ioUringOpcodes';
import type { StringTable } from '../store/stringTable';

// Copied into module constants once: imported bindings are property reads on the module object under
// CommonJS transpilation (tsx), which showed up as half of the decode time.
const LITERAL: number = ct.Op.Literal;
const UNSIGNED: number = ct.Op.Unsigned;
const SIGNED: number = ct.Op.Signed;
const HEX: number = ct.Op.Hex;
const SIGNED_HEX: number = ct.Op.SignedHex;
const DEV: number = ct.Op.Dev;
const SCAN: number = ct.Op.Scan;
const WORD: number = ct.Op.Word;
const REST: number = ct.Op.Rest;
const OPCODE_NUMBER: number = ct.Op.OpcodeNumber;
const LIT_EXACT_LAST_BLANK = ct.LIT_EXACT_LAST_BLANK;
const SCAN_ANCHOR_END = ct.SCAN_ANCHOR_END;
const SCAN_TO_END = ct.SCAN_TO_END;
const WORD_OPCODE_NAME = ct.WORD_OPCODE_NAME;
const TWO32 = 4294967296;
/**
 * Fields up to this long are looked up while matching; longer ones (rare: a print message, a garbage
 * capture of a retried field) only at the end, so a retry costs no more than a constant per field.
 */
const LOOKUP_BYTES = 128;

/** Work allowed per payload byte for retried runs (bytes re-read after backtracking), plus a constant. */
export const MATCH_BUDGET_PER_BYTE = 16;
const MATCH_BUDGET_BASE = 4096;

// Scratch state of one match, shared (the matcher is not reentrant) and grown to the longest template.
/** Per op: the capture of a string op, start and end (byte offsets). */
let capStart = new Int32Array(64);
let capEnd = new Int32Array(64);
/** Per op: the number an `uop` op read (its name is interned after the match). */
let opValue = new Float64Array(64);
/** Per scanning op: searches from here on are known to fail (see the header); NO_MARK when none is known. */
const NO_MARK = 0x7fffffff;
let watermark = new Int32Array(64).fill(NO_MARK);
/** Watermarks [0, marked) may have been set by the last call (they are set only when a search fails). */
let marked = 0;
/** Backtracking choice points (the scanning ops on the current path): op, search start, next search from, field start. */
let choiceOp = new Int32Array(64);
let choiceFrom = new Int32Array(64);
let choiceNext = new Int32Array(64);
let choiceField = new Int32Array(64);
/** Whether the last call ran out of its budget (see `matchGaveUp`). */
let gaveUp = false;

function ensureScratch(n: number): void {
  if (capStart.length >= n) return;
  const size = Math.max(n, capStart.length * 2);
  capStart = new Int32Array(size);
  capEnd = new Int32Array(size);
  opValue = new Float64Array(size);
  watermark = new Int32Array(size).fill(NO_MARK);
  marked = 0;
  choiceOp = new Int32Array(size);
  choiceFrom = new Int32Array(size);
  choiceNext = new Int32Array(size);
  choiceField = new Int32Array(size);
}

/** True when the last `matchTemplate` call stopped because the payload exhausted its work budget. */
export function matchGaveUp(): boolean {
  return gaveUp;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Index of the first occurrence of `key` in buf[from, end) (the whole key inside), or -1. */
function indexOf(buf: Uint8Array, key: Uint8Array, from: number, end: number): number {
  const k0 = key[0]!;
  const kl = key.length;
  const last = end - kl;
  outer: for (let i = from; i <= last; i++) {
    if (buf[i] !== k0) continue;
    for (let j = 1; j < kl; j++) if (buf[i + j] !== key[j]) continue outer;
    return i;
  }
  return -1;
}

function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && isBlank(buf[end - 1]!)) end--;
  return end;
}

/** The hex digits buf[s, e) (16 or more) as a 64-bit two's complement number, exact; `v` when positive. */
function signed64(buf: Uint8Array, s: number, e: number, v: number): number {
  // Split into the high digits and the low 32 bits.
  let first = s;
  while (first < e - 1 && buf[first] === 0x30) first++;
  if (e - first !== 16 || hexDigit(buf[first]!) < 8) return v;
  let hi = 0;
  let lo = 0;
  for (let k = first; k < e - 8; k++) hi = hi * 16 + hexDigit(buf[k]!);
  for (let k = e - 8; k < e; k++) lo = lo * 16 + hexDigit(buf[k]!);
  return (hi - TWO32) * TWO32 + lo;
}

/**
 * Matches `t` against buf[start, end) (already trimmed). Returns true and fills `num`/`str` on success;
 * on failure the arrays hold partial numbers (no string ids) and must be reset by the caller. With
 * `limit` below the template's length only the first `limit` ops run (a prefix match: the payload's
 * leading fields, such as its device and inode, without reading the rest).
 */
/**
 * Looks a string field up without storing it (`str[slot]`); a field not yet in the table (or longer than
 * LOOKUP_BYTES) keeps its bytes' range (`capStart`/`capEnd` of op `i`) for `internMissing` once the whole
 * template has matched. True when the field is missing.
 */
function lookupField(strings: StringTable, buf: Uint8Array, s: number, e: number, str: Int32Array, slot: number, i: number): boolean {
  const id = e - s <= LOOKUP_BYTES ? strings.findBytes(buf, s, e) : -1;
  str[slot] = id;
  if (id >= 0) return false;
  capStart[i] = s;
  capEnd[i] = e;
  return true;
}

export function matchTemplate(
  t: CompiledTemplate,
  buf: Uint8Array,
  start: number,
  end: number,
  num: Float64Array,
  str: Int32Array,
  strings: StringTable,
  limit: number = t.length,
): boolean {
  const ops = t.op;
  const n = Math.min(limit, t.length);
  const whole = n === t.length;
  if (capStart.length < n) ensureScratch(n);
  const wm = watermark;
  const cs = capStart;
  const ce = capEnd;
  if (marked > 0) {
    wm.fill(NO_MARK, 0, marked);
    marked = 0;
  }
  gaveUp = false;
  let budget = (end - start) * MATCH_BUDGET_PER_BYTE + MATCH_BUDGET_BASE;
  let nChoices = 0;
  let pos = start;
  /** Where the current forward run started (the payload's start, or the occurrence it resumed at). */
  let runStart = start;
  /** A field's string is not interned yet (or an opcode name is to be filled): see `internMissing`. */
  let missing = false;
  let i = 0;
  for (;;) {
    let ok = true;
    while (i < n) {
      const slot = t.slot[i]!;
      switch (ops[i]) {
        case LITERAL: {
          const lit = t.bytes[i]!;
          const ll = lit.length;
          const exactLast = (t.flags[i]! & LIT_EXACT_LAST_BLANK) !== 0;
          for (let j = 0; j < ll; j++) {
            const c = lit[j]!;
            if (c === 0x20) {
              if (pos >= end) continue; // a blank also matches the (trimmed) end
              if (!isBlank(buf[pos]!)) { ok = false; break; }
              pos++;
              if (!(exactLast && j === ll - 1)) while (pos < end && isBlank(buf[pos]!)) pos++;
            } else {
              if (pos >= end || buf[pos] !== c) { ok = false; break; }
              pos++;
            }
          }
          break;
        }
        case UNSIGNED:
        case OPCODE_NUMBER: {
          let v = 0;
          const s = pos;
          while (pos < end) {
            const d = buf[pos]! - 0x30;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
            pos++;
          }
          if (pos === s) { ok = false; break; }
          if (slot >= 0) num[slot] = v;
          if (ops[i] === OPCODE_NUMBER && t.slot2[i]! >= 0) {
            opValue[i] = v;
            missing = true;
          }
          break;
        }
        case SIGNED: {
          let neg = false;
          if (pos < end && buf[pos] === 0x2d) { neg = true; pos++; }
          let v = 0;
          const s = pos;
          while (pos < end) {
            const d = buf[pos]! - 0x30;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
            pos++;
          }
          if (pos === s) { ok = false; break; }
          if (slot >= 0) num[slot] = neg ? -v : v;
          break;
        }
        case HEX:
        case SIGNED_HEX: {
          if (pos + 1 < end && buf[pos] === 0x30 && (buf[pos + 1]! | 0x20) === 0x78 && hexDigit(buf[pos + 2] ?? 0) >= 0) pos += 2;
          let v = 0;
          const s = pos;
          while (pos < end) {
            const d = hexDigit(buf[pos]!);
            if (d < 0) break;
            v = v * 16 + d;
            pos++;
          }
          if (pos === s) { ok = false; break; }
          if (ops[i] === SIGNED_HEX && pos - s >= 16) v = signed64(buf, s, pos, v);
          if (slot >= 0) num[slot] = v;
          break;
        }
        case DEV: {
          let maj = 0;
          let s = pos;
          while (pos < end) {
            const d = buf[pos]! - 0x30;
            if (d < 0 || d > 9) break;
            maj = maj * 10 + d;
            pos++;
          }
          if (pos === s || pos >= end || (buf[pos] !== 0x2c && buf[pos] !== 0x3a)) { ok = false; break; }
          pos++;
          let min = 0;
          s = pos;
          while (pos < end) {
            const d = buf[pos]! - 0x30;
            if (d < 0 || d > 9) break;
            min = min * 10 + d;
            pos++;
          }
          if (pos === s) { ok = false; break; }
          if (slot >= 0) num[slot] = maj * 1048576 + min;
          break;
        }
        case SCAN: {
          const f = t.flags[i]!;
          if ((f & SCAN_TO_END) !== 0) {
            if (slot >= 0) {
              if (lookupField(strings, buf, pos, end, str, slot, i)) missing = true;
            }
            pos = end;
            break;
          }
          const key = t.bytes[i]!;
          if ((f & SCAN_ANCHOR_END) !== 0) {
            const at = end - key.length;
            if (at < pos || indexOf(buf, key, at, end) !== at) { ok = false; break; }
            if (slot >= 0) {
              const fe = trimEnd(buf, pos, at);
              if (lookupField(strings, buf, pos, fe, str, slot, i)) missing = true;
            }
            pos = at;
            break;
          }
          // An empty field between two blanks printed as one (`flags (0x0)` for `flags %s (0x%x)` with no
          // flag name): the blank the previous literal consumed is also the next literal's first byte.
          const from = key[0] === 0x20 && pos > start && isBlank(buf[pos - 1]!) ? pos - 1 : pos;
          const known = wm[i]!;
          const at = from < known ? indexOf(buf, key, from, Math.min(end, known - 1 + key.length)) : -1;
          if (at < 0) {
            if (from < known) {
              wm[i] = from;
              if (i >= marked) marked = i + 1;
            }
            ok = false;
            break;
          }
          choiceOp[nChoices] = i;
          choiceFrom[nChoices] = from;
          choiceNext[nChoices] = at + 1;
          choiceField[nChoices] = pos;
          nChoices++;
          if (slot >= 0) {
            const fe = at < pos ? pos : trimEnd(buf, pos, at);
            if (lookupField(strings, buf, pos, fe, str, slot, i)) missing = true;
          }
          pos = at;
          break;
        }
        case WORD: {
          const stop = t.stop[i]!;
          const s = pos;
          while (pos < end) {
            const c = buf[pos]!;
            if (c === 0x20 || c === 0x09 || c === stop) break;
            pos++;
          }
          if (pos === s) { ok = false; break; }
          if (slot >= 0) {
            if (lookupField(strings, buf, s, pos, str, slot, i)) missing = true;
            else if ((t.flags[i]! & WORD_OPCODE_NAME) !== 0) {
              const s2 = t.slot2[i]!;
              if (s2 >= 0) {
                const opn = ioUringOpcodes.number(strings.get(str[slot]!));
                num[s2] = opn < 0 ? NaN : opn;
              }
            }
          }
          break;
        }
        case REST: {
          if (slot >= 0) {
            if (lookupField(strings, buf, pos, end, str, slot, i)) missing = true;
          }
          pos = end;
          break;
        }
        default:
          ok = false;
      }
      if (!ok) break;
      i++;
    }
    if (ok && (pos >= end || !whole)) {
      if (missing) internMissing(t, n, buf, num, str, strings);
      return true;
    }
    // The run from runStart failed at pos: its bytes count against the budget.
    budget -= pos > runStart ? pos - runStart : 1;
    if (budget < 0) {
      gaveUp = true;
      return false;
    }
    nChoices = backtrack(t, buf, end, nChoices);
    if (nChoices === 0) return false;
    pos = resumedAt;
    runStart = pos;
    const ci = choiceOp[nChoices - 1]!;
    const slot = t.slot[ci]!;
    if (slot >= 0) {
      const id = ce[ci]! - cs[ci]! <= LOOKUP_BYTES ? strings.findBytes(buf, cs[ci]!, ce[ci]!) : -1;
      str[slot] = id;
      if (id < 0) missing = true;
    }
    i = ci + 1;
  }
}

/** Where `backtrack` resumed. */
let resumedAt = 0;

/**
 * Moves the latest scanning field to the next occurrence of its literal not known to fail (dropping the
 * fields that have none). Returns the choice points left, 0 when none is (the match fails); the field
 * resumes at `resumedAt`. Kept out of matchTemplate, which stays small enough for V8 to inline the
 * string table into it.
 */
function backtrack(t: CompiledTemplate, buf: Uint8Array, end: number, nChoices: number): number {
  const wm = watermark;
  while (nChoices > 0) {
    const top = nChoices - 1;
    const ci = choiceOp[top]!;
    const key = t.bytes[ci]!;
    const next = choiceNext[top]!;
    const known = wm[ci]!;
    const at = next < known ? indexOf(buf, key, next, Math.min(end, known - 1 + key.length)) : -1;
    if (at < 0) {
      // Every occurrence from this search's start failed.
      const from = choiceFrom[top]!;
      if (from < known) {
        wm[ci] = from;
        if (ci >= marked) marked = ci + 1;
      }
      nChoices--;
      continue;
    }
    choiceNext[top] = at + 1;
    const fieldStart = choiceField[top]!;
    capStart[ci] = fieldStart;
    capEnd[ci] = at < fieldStart ? fieldStart : trimEnd(buf, fieldStart, at);
    resumedAt = at;
    return nChoices;
  }
  return 0;
}

/**
 * After a match: interns the fields of ops [0, n) that were not interned yet (the forward pass only looks
 * strings up, so that a match that fails stores nothing) and fills the opcode companions.
 */
function internMissing(t: CompiledTemplate, n: number, buf: Uint8Array, num: Float64Array, str: Int32Array, strings: StringTable): void {
  const ops = t.op;
  const post = t.post;
  const slots = t.slot;
  for (let k = 0; k < post.length; k++) {
    const i = post[k]!;
    if (i >= n) return;
    const op = ops[i]!;
    if (op === OPCODE_NUMBER) {
      str[t.slot2[i]!] = strings.intern(ioUringOpcodes.name(opValue[i]!));
      continue;
    }
    const slot = slots[i]!;
    if (str[slot]! >= 0) continue;
    const id = strings.internBytes(buf, capStart[i]!, capEnd[i]!);
    str[slot] = id;
    if (op === WORD && (t.flags[i]! & WORD_OPCODE_NAME) !== 0) {
      const s2 = t.slot2[i]!;
      if (s2 >= 0) {
        const opn = ioUringOpcodes.number(strings.get(id));
        num[s2] = opn < 0 ? NaN : opn;
      }
    }
  }
}
