/**
 * ioprio: I/O priority classes as printed by block rq events 6.12+ (`be,0,4` by the kernel, `0x2,0,4` by
 * trace-cmd, which prints the number of an IOPRIO_CLASS_* symbol it cannot resolve) and the raw `ioprio`
 * value of `-R` output and io_uring `prio=` (include/uapi/linux/ioprio.h: class << 13 | hint << 3 | level,
 * the class 3 bits wide, the hint 10 bits, the level 3 bits).
 *
 * Lookups go through Maps: a printed class is trace text, and a plain object would answer `constructor`
 * or `toString` with a function.
 */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'none'],
  [1, 'rt'],
  [2, 'be'],
  [3, 'idle'],
  [7, 'invalid'],
]);
const NUMBERS: ReadonlyMap<string, number> = new Map([...NAMES].map(([n, s]) => [s, n]));

/** IOPRIO_CLASS_SHIFT. */
const CLASS_SHIFT = 13;

/** ioprio helpers. */
export const ioprio = {
  /**
   * Class number of a printed class: a kernel name (`be`) or trace-cmd's number (`0x2`, any number of
   * hex digits, at most 7: the class is 3 bits), else -1.
   */
  classNumber(text: string): number {
    const t = text.trim();
    const n = NUMBERS.get(t);
    if (n !== undefined) return n;
    if (/^0x[0-9a-f]{1,8}$/i.test(t)) {
      const v = parseInt(t.slice(2), 16);
      return v <= 7 ? v : -1;
    }
    return -1;
  },
  /** Kernel name of a class number (`be`), or `0x<n>` as trace-cmd prints an unnamed class. */
  className(cls: number): string {
    return NAMES.get(cls) ?? `0x${cls.toString(16)}`;
  },
  /** Splits a raw ioprio value (a u16: IOPRIO_PRIO_CLASS / _HINT / _LEVEL). */
  split(raw: number): { cls: number; hint: number; level: number } {
    const v = Number.isInteger(raw) && raw >= 0 ? raw % 65536 : 0;
    return { cls: Math.floor(v / 2 ** CLASS_SHIFT) & 7, hint: Math.floor(v / 8) & 0x3ff, level: v & 7 };
  },
} as const;
