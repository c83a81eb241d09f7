/**
 * C number parsing as libtraceevent does it: strtoull()/strtoll() with base 0 (a `0x` prefix is hex, a
 * leading `0` is octal, the longest valid prefix counts, overflow saturates, a leading `-` negates modulo
 * 2^64), and the canonical 64-bit value form used by the print-format evaluator: a JS number when the
 * unsigned value is below 2^53, a bigint otherwise, so that the common small values never allocate.
 */

export type U64 = number | bigint;

export const TWO32 = 4294967296;
const SAFE_LIMIT = 9007199254740992; // 2^53
const SAFE_LIMIT_N = 9007199254740992n;
export const MASK64 = 0xffffffffffffffffn;

/** The canonical form of an unsigned 64-bit value given as a bigint (any sign/size: reduced modulo 2^64). */
export function normU64(b: bigint): U64 {
  const v = b & MASK64;
  return v < SAFE_LIMIT_N ? Number(v) : v;
}

export function toBig(v: U64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** An unsigned value from two 32-bit halves. */
export function u64FromHalves(hi: number, lo: number): U64 {
  if (hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function isZero(v: U64): boolean {
  return v === 0 || v === 0n;
}

/** Low 32 bits as an unsigned number. */
export function low32(v: U64): number {
  return typeof v === 'number' ? v >>> 0 : Number(v & 0xffffffffn);
}

/** `(long long)v`: the signed interpretation of the 64 bits. */
export function signed64(v: U64): U64 | bigint {
  return typeof v === 'number' ? v : BigInt.asIntN(64, v);
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

interface Parsed {
  neg: boolean;
  mag: bigint;
  overflow: boolean;
}

function parseC(s: string, base0 = 0): Parsed {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 0x20 || (s.charCodeAt(i) >= 0x09 && s.charCodeAt(i) <= 0x0d))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let base = base0;
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s.charCodeAt(i + 2)) < 16) {
    i += 2;
    base = 16;
  } else if (base === 0) {
    base = s[i] === '0' ? 8 : 10;
  }
  let mag = 0n;
  let overflow = false;
  const b = BigInt(base);
  // fast path for short decimal/hex runs
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= base) break;
    mag = mag * b + BigInt(d);
    if (mag > MASK64) overflow = true;
  }
  return { neg, mag, overflow };
}

/** strtoull(s, NULL, base): unsigned 64-bit result, ULLONG_MAX on overflow, negation modulo 2^64. */
export function strtoull(s: string, base = 0): bigint {
  const p = parseC(s, base);
  if (p.overflow) return MASK64;
  return p.neg ? (-p.mag) & MASK64 : p.mag;
}

/** strtoull as the canonical U64. */
export function strtoullU64(s: string, base = 0): U64 {
  // the overwhelmingly common case: a short plain decimal
  if (s.length > 0 && s.length < 16) {
    let v = 0;
    let ok = true;
    const c0 = s.charCodeAt(0);
    if (c0 >= 0x31 && c0 <= 0x39 && base !== 16 && base !== 8) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x30 || c > 0x39) {
          ok = false;
          break;
        }
        v = v * 10 + (c - 0x30);
      }
      if (ok) return v;
    }
  }
  return normU64(strtoull(s, base));
}

/** strtoll(s, NULL, 0): signed 64-bit result saturating at LLONG_MIN/LLONG_MAX. */
export function strtoll(s: string, base = 0): bigint {
  const p = parseC(s, base);
  if (p.neg) {
    if (p.overflow || p.mag > 0x8000000000000000n) return -0x8000000000000000n;
    return -p.mag;
  }
  if (p.overflow || p.mag > 0x7fffffffffffffffn) return 0x7fffffffffffffffn;
  return p.mag;
}

/** strtoul into a JS number for sizes and offsets (bounded by 2^53). */
export function strtoulNumber(s: string): number {
  const v = strtoull(s, 0);
  return v < SAFE_LIMIT_N ? Number(v) : SAFE_LIMIT;
}

/** atoi-like: decimal prefix, 0 when none. */
export function atoi(s: string): number {
  const v = strtoll(s, 10);
  return Number(BigInt.asIntN(32, v));
}
