/**
 * matchTemplate: the decode hot path. Runs one CompiledTemplate over payload bytes and writes the
 * fields into a DecodedPayload's arrays.
 *
 * Invariants: works on bytes only, allocates nothing (strings are interned straight from the buffer),
 * never throws on any input (garbage simply does not match). The caller trims the payload and resets
 * the record before each variant. Semantics (see grammars/events/README.md): a template blank matches
 * one or more blanks (exactly one before a string field, and the end of the payload); numbers must have
 * at least one digit; a scanning string field reads up to the first occurrence of the literal that
 * follows it and backtracks to later occurrences when the rest of the template fails; an empty string
 * field may share the one blank around it with both literals (`flags (0x0)` as well as `flags  (0x0)`).
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
const MAX_CHOICES = 32;
/** Backtracking choice points: (op index, next search start, field start). Shared; the matcher is not reentrant. */
const choices = new Int32Array(MAX_CHOICES * 3);

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Index of the first occurrence of `key` in buf[from, end), or -1. */
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

/**
 * Matches `t` against buf[start, end) (already trimmed). Returns true and fills `num`/`str` on success;
 * on failure the arrays hold partial values and must be reset by the caller. With `limit` below the
 * template's length only the first `limit` ops run (a prefix match: the payload's leading fields, such as
 * its device and inode, without reading the rest).
 */
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
  let nChoices = 0;
  let pos = start;
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
          if (ops[i] === OPCODE_NUMBER) {
            const s2 = t.slot2[i]!;
            if (s2 >= 0) str[s2] = strings.intern(ioUringOpcodes.name(v));
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
          if (ops[i] === SIGNED_HEX && pos - s >= 16) {
            // 64-bit two's complement, exact: split into the high digits and the low 32 bits.
            let first = s;
            while (first < pos - 1 && buf[first] === 0x30) first++;
            if (pos - first === 16 && hexDigit(buf[first]!) >= 8) {
              let hi = 0;
              let lo = 0;
              for (let k = first; k < pos - 8; k++) hi = hi * 16 + hexDigit(buf[k]!);
              for (let k = pos - 8; k < pos; k++) lo = lo * 16 + hexDigit(buf[k]!);
              v = (hi - TWO32) * TWO32 + lo;
            }
          }
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
            if (slot >= 0) str[slot] = strings.internBytes(buf, pos, end);
            pos = end;
            break;
          }
          const key = t.bytes[i]!;
          if ((f & SCAN_ANCHOR_END) !== 0) {
            const at = end - key.length;
            if (at < pos || indexOf(buf, key, at, end) !== at) { ok = false; break; }
            if (slot >= 0) str[slot] = strings.internBytes(buf, pos, trimEnd(buf, pos, at));
            pos = at;
            break;
          }
          // An empty field between two blanks printed as one (`flags (0x0)` for `flags %s (0x%x)` with no
          // flag name): the blank the previous literal consumed is also the next literal's first byte.
          const from = key[0] === 0x20 && pos > start && isBlank(buf[pos - 1]!) ? pos - 1 : pos;
          const at = indexOf(buf, key, from, end);
          if (at < 0) { ok = false; break; }
          if (nChoices < MAX_CHOICES) {
            choices[nChoices * 3] = i;
            choices[nChoices * 3 + 1] = at + 1;
            choices[nChoices * 3 + 2] = pos;
            nChoices++;
          }
          if (slot >= 0) str[slot] = strings.internBytes(buf, pos, at < pos ? pos : trimEnd(buf, pos, at));
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
            const id = strings.internBytes(buf, s, pos);
            str[slot] = id;
            if ((t.flags[i]! & WORD_OPCODE_NAME) !== 0) {
              const s2 = t.slot2[i]!;
              if (s2 >= 0) {
                const opn = ioUringOpcodes.number(strings.get(id));
                num[s2] = opn < 0 ? NaN : opn;
              }
            }
          }
          break;
        }
        case REST: {
          if (slot >= 0) str[slot] = strings.internBytes(buf, pos, end);
          pos = end;
          break;
        }
        default:
          ok = false;
      }
      if (!ok) break;
      i++;
    }
    if (ok && (pos >= end || !whole)) return true;
    // Backtrack: move the latest scanning field to the next occurrence of its literal.
    let resumed = false;
    while (nChoices > 0 && !resumed) {
      nChoices--;
      const ci = choices[nChoices * 3]!;
      const from = choices[nChoices * 3 + 1]!;
      const fieldStart = choices[nChoices * 3 + 2]!;
      const at = indexOf(buf, t.bytes[ci]!, from, end);
      if (at < 0) continue;
      choices[nChoices * 3 + 1] = at + 1;
      nChoices++;
      const slot = t.slot[ci]!;
      if (slot >= 0) str[slot] = strings.internBytes(buf, fieldStart, at < fieldStart ? fieldStart : trimEnd(buf, fieldStart, at));
      pos = at;
      i = ci + 1;
      resumed = true;
    }
    if (!resumed) return false;
  }
}
