/**
 * C printf conversions as glibc prints them, for the conversions libtraceevent hands to trace_seq_printf:
 * integers (d i u x X o with hh/h/l/ll/L/z length, flags `-0#+ `, width, precision, `*`), strings (%s with
 * width/precision) and chars. A conversion is compiled once (CSpec) and applied per record; values are
 * the evaluator's U64 (number below 2^53, bigint above).
 */
import { TWO32, type U64 } from './cNumbers';

export interface CSpec {
  readonly left: boolean;
  readonly zero: boolean;
  readonly alt: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  /** -1: none; -2: from the `*` argument. */
  readonly width: number;
  /** -1: none; -2: from the `*` argument. */
  readonly precision: number;
  /** Width in bits of the integer argument: 8, 16, 32 or 64. */
  readonly bits: number;
  readonly conv: string;
  /** No flags, width or precision: the digits are the whole text. */
  readonly simple: boolean;
}

/** Parses `%[flags][width][.prec][length]conv`. */
export function compileSpec(fmt: string): CSpec {
  let i = fmt.indexOf('%') + 1;
  let left = false;
  let zero = false;
  let alt = false;
  let plus = false;
  let space = false;
  for (; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '-') left = true;
    else if (c === '0') zero = true;
    else if (c === '#') alt = true;
    else if (c === '+') plus = true;
    else if (c === ' ') space = true;
    else break;
  }
  let width = -1;
  if (fmt[i] === '*') {
    width = -2;
    i++;
  } else {
    while (i < fmt.length && fmt[i]! >= '0' && fmt[i]! <= '9') {
      width = (width < 0 ? 0 : width * 10) + (fmt.charCodeAt(i) - 48);
      i++;
    }
  }
  let precision = -1;
  if (fmt[i] === '.') {
    i++;
    precision = 0;
    if (fmt[i] === '*') {
      precision = -2;
      i++;
    } else {
      while (i < fmt.length && fmt[i]! >= '0' && fmt[i]! <= '9') {
        precision = precision * 10 + (fmt.charCodeAt(i) - 48);
        i++;
      }
    }
  }
  let bits = 32;
  for (; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === 'h') bits = bits === 16 ? 8 : 16;
    else if (c === 'l' || c === 'L' || c === 'z' || c === 'Z' || c === 'q' || c === 'j' || c === 't') bits = 64;
    else break;
  }
  const conv = fmt[i] ?? 'd';
  const simple = !left && !zero && !alt && !plus && !space && width === -1 && precision === -1;
  return { left, zero, alt, plus, space, width, precision, bits, conv, simple };
}

function pad(s: string, width: number, left: boolean): string {
  if (s.length >= width) return s;
  const fill = ' '.repeat(width - s.length);
  return left ? s + fill : fill + s;
}

/**
 * An integer conversion of `val` (whose low `spec.bits` bits are the C argument). `star` is the value of
 * the `*` argument when the spec has one.
 */
export function formatInt(spec: CSpec, val: U64, star = 0): string {
  if (spec.simple && typeof val === 'number') {
    // fast path: a plain conversion of a value below 2^53
    const conv = spec.conv;
    let n = val;
    if (spec.bits < 64) {
      if (n >= TWO32) n %= TWO32;
      if (spec.bits === 16) n &= 0xffff;
      else if (spec.bits === 8) n &= 0xff;
    }
    switch (conv) {
      case 'u':
        return String(n);
      case 'd':
      case 'i':
        if (spec.bits === 32) return String(n | 0);
        if (spec.bits === 64) return String(n);
        break;
      case 'x':
        return n.toString(16);
      case 'X':
        return n.toString(16).toUpperCase();
      case 'o':
        return n.toString(8);
      default:
        break;
    }
  }
  resolveStar(spec, star);
  const width = starWidth;
  const precision = starPrecision;
  const left = starLeft;
  const conv = spec.conv;
  const signedConv = conv === 'd' || conv === 'i';
  let neg = false;
  let mag: number | bigint;
  const bits = spec.bits;
  if (bits < 64) {
    let n = typeof val === 'number' ? val % TWO32 : Number(val & 0xffffffffn);
    if (bits === 16) n &= 0xffff;
    else if (bits === 8) n &= 0xff;
    if (signedConv) {
      const top = bits === 32 ? 0x80000000 : bits === 16 ? 0x8000 : 0x80;
      if (n >= top) {
        neg = true;
        n = (bits === 32 ? TWO32 : top * 2) - n;
      }
    }
    mag = n;
  } else if (typeof val === 'number') {
    mag = val;
  } else {
    const b = val & 0xffffffffffffffffn;
    if (signedConv && b >= 0x8000000000000000n) {
      neg = true;
      mag = 0x10000000000000000n - b;
    } else {
      mag = b;
    }
  }
  let digits: string;
  switch (conv) {
    case 'x':
      digits = mag.toString(16);
      break;
    case 'X':
      digits = mag.toString(16).toUpperCase();
      break;
    case 'o':
      digits = mag.toString(8);
      break;
    default:
      digits = mag.toString(10);
      break;
  }
  const isZero = digits === '0';
  if (precision >= 0) {
    if (precision === 0 && isZero) digits = '';
    else if (digits.length < precision) digits = '0'.repeat(precision - digits.length) + digits;
  }
  let prefix = '';
  if (signedConv) {
    if (neg) prefix = '-';
    else if (spec.plus) prefix = '+';
    else if (spec.space) prefix = ' ';
  }
  if (spec.alt) {
    if ((conv === 'x' || conv === 'X') && !isZero) prefix = conv === 'x' ? '0x' : '0X';
    else if (conv === 'o' && digits[0] !== '0') digits = '0' + digits;
  }
  const len = prefix.length + digits.length;
  if (width > len) {
    if (left) return prefix + digits + ' '.repeat(width - len);
    if (spec.zero && precision < 0) return prefix + '0'.repeat(width - len) + digits;
    return ' '.repeat(width - len) + prefix + digits;
  }
  return prefix + digits;
}

/** Width, precision and left-justification of a conversion once a `*` takes the star argument (C: a negative width means `-`). */
let starWidth = 0;
let starPrecision = 0;
let starLeft = false;

function resolveStar(spec: CSpec, star: number): void {
  starWidth = spec.width;
  starPrecision = spec.precision;
  starLeft = spec.left;
  if (starWidth === -2) {
    starWidth = star;
    if (starWidth < 0) {
      starLeft = true;
      starWidth = -starWidth;
    }
  }
  if (starPrecision === -2) starPrecision = star < 0 ? -1 : star;
}

/** A %s conversion of `str`. */
export function formatStr(spec: CSpec, str: string, star = 0): string {
  resolveStar(spec, star);
  const width = starWidth;
  const precision = starPrecision;
  const left = starLeft;
  const s = precision >= 0 && str.length > precision ? str.slice(0, precision) : str;
  return width > 0 ? pad(s, width, left) : s;
}

/** True when the spec is a plain `%s` (the common case, no work to do). */
export function isPlain(spec: CSpec): boolean {
  return spec.width === -1 && spec.precision === -1;
}
