/**
 * symbolicFlags: shared helpers for `__print_flags` text (`NAME|NAME|0x60`) and bit tables.
 * The kernel prints named bits in table order, then the unnamed remainder as one hex number.
 *
 * Flag words are up to 64 bits wide (io_uring REQ_F_* `0x10060480000`, kiocb flags); JS bit operators
 * work on signed 32-bit integers, so every operation here splits a value into its high and low 32-bit
 * halves (exact up to 2^53, the largest integer a number holds; wider hex remainders are kept as text).
 */

/** A flag table: [bit value, printed name] in the kernel's print order. */
export type FlagTable = ReadonlyArray<readonly [number, string]>;

const TWO_32 = 2 ** 32;

function hiOf(v: number): number {
  return Math.floor(v / TWO_32) >>> 0;
}

function loOf(v: number): number {
  return v % TWO_32 >>> 0;
}

function join(hi: number, lo: number): number {
  return (hi >>> 0) * TWO_32 + (lo >>> 0);
}

/** Bit operations on non-negative integers up to 2^53 (exact, unlike `&`, `|` and `~`). */
export const wideBits = {
  and(a: number, b: number): number {
    return join(hiOf(a) & hiOf(b), loOf(a) & loOf(b));
  },
  or(a: number, b: number): number {
    return join(hiOf(a) | hiOf(b), loOf(a) | loOf(b));
  },
  /** `a & ~b`. */
  clear(a: number, b: number): number {
    return join(hiOf(a) & ~hiOf(b), loOf(a) & ~loOf(b));
  },
  /** True when every bit of `mask` is set in `v`. */
  hasAll(v: number, mask: number): boolean {
    return wideBits.and(v, mask) === mask;
  },
  /** True when any bit of `mask` is set in `v`. */
  hasAny(v: number, mask: number): boolean {
    return wideBits.and(v, mask) !== 0;
  },
  /** True for a value these operations handle exactly. */
  isWord(v: number): boolean {
    return Number.isSafeInteger(v) && v >= 0;
  },
} as const;

/** Helpers over flag tables. */
export const symbolicFlags = {
  /** Renders a value the way `__print_flags(v, "|", …)` does (values up to 2^53). */
  format(value: number, table: FlagTable, sep = '|'): string {
    if (!wideBits.isWord(value)) return '';
    const parts: string[] = [];
    let rest = value;
    for (const [bit, name] of table) {
      if (bit !== 0 && wideBits.hasAll(rest, bit)) {
        parts.push(name);
        rest = wideBits.clear(rest, bit);
      }
    }
    if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
    return parts.join(sep);
  },
  /** Parses printed flags back to a value; unknown names (or a remainder above 2^53) make it return undefined. */
  parse(text: string, table: FlagTable, sep = '|'): number | undefined {
    let v = 0;
    if (text.trim() === '') return 0;
    for (const part of text.split(sep)) {
      const p = part.trim();
      if (/^0x[0-9a-f]+$/i.test(p)) {
        const n = parseInt(p, 16);
        if (!Number.isSafeInteger(n)) return undefined;
        v = wideBits.or(v, n);
      } else {
        const hit = table.find(([, name]) => name === p);
        if (hit === undefined) return undefined;
        v = wideBits.or(v, hit[0]);
      }
    }
    return v;
  },
} as const;
