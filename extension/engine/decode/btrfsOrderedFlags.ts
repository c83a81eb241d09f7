/**
 * btrfsOrderedFlags: BTRFS_ORDERED_* bit layouts per era (kernel-formats.md §2.5). The enum was reordered
 * between 5.10 and 5.15 (REGULAR became bit 0), so a value or a printed name only means something with
 * its era. trace-cmd evaluates the unexported enum symbols as 0, so it names bit 0 only (with that era's
 * bit-0 name) and prints the rest as hex: `REGULAR|0x60`.
 */
import { symbolicFlags, wideBits, type FlagTable } from './symbolicFlags';

/** The btrfs ordered-flag eras. */
export type BtrfsEra = '5.4' | '5.10' | '5.15+';

const BITS: Record<BtrfsEra, readonly string[]> = {
  '5.4': ['IO_DONE', 'COMPLETE', 'NOCOW', 'COMPRESSED', 'PREALLOC', 'DIRECT', 'IOERR', 'UPDATED_ISIZE', 'TRUNCATED', 'REGULAR'],
  '5.10': ['IO_DONE', 'COMPLETE', 'NOCOW', 'COMPRESSED', 'PREALLOC', 'DIRECT', 'IOERR', 'TRUNCATED', 'REGULAR', 'LOGGED', 'LOGGED_CSUM', 'PENDING'],
  '5.15+': ['REGULAR', 'NOCOW', 'PREALLOC', 'COMPRESSED', 'DIRECT', 'IO_DONE', 'COMPLETE', 'IOERR', 'TRUNCATED', 'LOGGED', 'LOGGED_CSUM', 'PENDING', 'ENCODED'],
};
/** Bits the kernel prints by name (the others appear as the hex remainder). */
const NAMED: Record<BtrfsEra, number> = { '5.4': 9, '5.10': 8, '5.15+': 9 };

function table(era: BtrfsEra, all: boolean): FlagTable {
  const names = BITS[era];
  return names.slice(0, all ? names.length : NAMED[era]).map((n, i) => [1 << i, n] as const);
}

/** btrfs ordered-extent flags. */
export const btrfsOrderedFlags = {
  /** Every flag name of a value (including the ones the kernel prints as hex). */
  names(value: number, era: BtrfsEra = '5.15+'): string[] {
    const t = table(era, true);
    const out: string[] = [];
    if (!wideBits.isWord(value)) return out;
    for (const [bit, name] of t) if (wideBits.hasAny(value, bit)) out.push(name);
    const known = t.reduce((m, [bit]) => wideBits.or(m, bit), 0);
    const rest = wideBits.clear(value, known);
    if (rest !== 0) out.push(`0x${rest.toString(16)}`);
    return out;
  },
  /** The text the kernel prints for a value (`REGULAR|IO_DONE|COMPLETE`, `IO_DONE|0x200`). */
  kernelText(value: number, era: BtrfsEra = '5.15+'): string {
    return symbolicFlags.format(value, table(era, false));
  },
  /** The text trace-cmd prints (only bit 0 named): `REGULAR|0x60`, or `0x4`. */
  traceCmdText(value: number, era: BtrfsEra = '5.15+'): string {
    return symbolicFlags.format(value, [[1, BITS[era][0]!]]);
  },
  /** Value of printed flags, kernel or trace-cmd text (`REGULAR|0x60` -> 0x61). Undefined for unknown names. */
  parse(text: string, era: BtrfsEra = '5.15+'): number | undefined {
    return symbolicFlags.parse(text, table(era, true));
  },
  /** Bit value of a flag name in an era, or 0. */
  bit(name: string, era: BtrfsEra = '5.15+'): number {
    const i = BITS[era].indexOf(name);
    return i < 0 ? 0 : 1 << i;
  },
} as const;
