/**
 * Unsigned 64-bit arithmetic on the evaluator's U64 values (a number below 2^53, a bigint above), with C
 * `unsigned long long` semantics (wrap modulo 2^64, x86 shift counts modulo 64, division by zero gives 0
 * instead of trace-cmd's crash). Numbers stay numbers whenever the result fits, so common expressions
 * such as `REC->dev >> 20` or `(unsigned int)x & 0xff` never allocate.
 */
import { MASK64, TWO32, normU64, toBig, type U64 } from './cNumbers';

const SAFE = 9007199254740992;

export function add(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s < SAFE) return s;
  }
  return normU64(toBig(a) + toBig(b));
}

export function sub(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number' && a >= b) return a - b;
  return normU64(toBig(a) - toBig(b));
}

export function mul(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (p < SAFE) return p;
  }
  return normU64(toBig(a) * toBig(b));
}

export function div(a: U64, b: U64): U64 {
  if (b === 0 || b === 0n) return 0;
  if (typeof a === 'number' && typeof b === 'number') return (a - (a % b)) / b;
  return normU64(toBig(a) / toBig(b));
}

export function mod(a: U64, b: U64): U64 {
  if (b === 0 || b === 0n) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a % b;
  return normU64(toBig(a) % toBig(b));
}

function count(b: U64): number {
  return typeof b === 'number' ? b % 64 : Number(b & 63n);
}

const POW2: number[] = [];
for (let i = 0; i < 64; i++) POW2.push(2 ** i);

export function shl(a: U64, b: U64): U64 {
  const c = count(b);
  if (typeof a === 'number') {
    const r = a * POW2[c]!;
    if (r < SAFE) return r;
  }
  return normU64(toBig(a) << BigInt(c));
}

export function shr(a: U64, b: U64): U64 {
  const c = count(b);
  if (typeof a === 'number') {
    if (a < TWO32 && c < 32) return a >>> c;
    return c >= 53 ? 0 : Math.floor(a / POW2[c]!);
  }
  return normU64(a >> BigInt(c));
}

function hi(a: number): number {
  return Math.floor(a / TWO32);
}

export function and(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < TWO32 && b < TWO32) return (a & b) >>> 0;
    return (hi(a) & hi(b)) * TWO32 + ((a & b) >>> 0);
  }
  return normU64(toBig(a) & toBig(b));
}

export function or(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < TWO32 && b < TWO32) return (a | b) >>> 0;
    return (hi(a) | hi(b)) * TWO32 + ((a | b) >>> 0);
  }
  return normU64(toBig(a) | toBig(b));
}

export function xor(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < TWO32 && b < TWO32) return (a ^ b) >>> 0;
    return (hi(a) ^ hi(b)) * TWO32 + ((a ^ b) >>> 0);
  }
  return normU64(toBig(a) ^ toBig(b));
}

export function not(a: U64): U64 {
  return normU64(MASK64 ^ toBig(a));
}

/** Keeps the low `bits` bits (8, 16, 32; 64 is the identity). */
export function truncate(a: U64, bits: number): U64 {
  if (bits >= 64) return a;
  if (typeof a === 'number') {
    if (bits === 32) return a % TWO32;
    return bits === 16 ? a & 0xffff : a & 0xff;
  }
  const m = bits === 32 ? 0xffffffffn : bits === 16 ? 0xffffn : 0xffn;
  return Number(a & m);
}

/** Unsigned comparison. */
export function lt(a: U64, b: U64): boolean {
  return a < b;
}

/** `(long long)v` as a bigint, for the rare signed 64-bit uses (flags masks). */
export function asSigned(v: U64): bigint {
  return BigInt.asIntN(64, toBig(v));
}

/** `(int)v`: the low 32 bits, signed. */
export function int32(v: U64): number {
  return typeof v === 'number' ? v % TWO32 | 0 : Number(BigInt.asIntN(32, v));
}
