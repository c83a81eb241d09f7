/**
 * ioprio: I/O priority classes as printed by block rq events 6.12+ (`be,0,4` by the kernel, `0x2,0,4` by
 * trace-cmd) and the raw `ioprio` value of `-R` output (class << 13 | hint << 3 | level).
 */
const NAMES: Readonly<Record<number, string>> = { 0: 'none', 1: 'rt', 2: 'be', 3: 'idle', 7: 'invalid' };
const NUMBERS: Readonly<Record<string, number>> = { none: 0, rt: 1, be: 2, idle: 3, invalid: 7 };

/** ioprio helpers. */
export const ioprio = {
  /** Class number of a printed class (`be` or `0x2`), or -1. */
  classNumber(text: string): number {
    const n = NUMBERS[text];
    if (n !== undefined) return n;
    if (/^0x[0-7]$/.test(text)) return parseInt(text, 16);
    return -1;
  },
  /** Kernel name of a class number (`be`), or `0x<n>`. */
  className(cls: number): string {
    return NAMES[cls] ?? `0x${cls.toString(16)}`;
  },
  /** Splits a raw ioprio value. */
  split(raw: number): { cls: number; hint: number; level: number } {
    return { cls: (raw >> 13) & 7, hint: (raw >> 3) & 0x3ff, level: raw & 7 };
  },
} as const;
