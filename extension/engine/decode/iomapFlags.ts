/**
 * iomapFlags: iomap mapping `type` names and IOMAP_F_* values (kernel-formats.md §2.2). SIZE_CHANGED and
 * STALE moved in 6.18 (0x100 -> 0x4000, 0x200 -> 0x8000), so raw values need the era; ≤6.14 prints only
 * NEW DIRTY SHARED MERGED BH SIZE_CHANGED by name (`NEW|0x200` = NEW|STALE), 6.18 prints all and the raw value.
 */
import { symbolicFlags, wideBits, type FlagTable } from './symbolicFlags';

/** IOMAP_F eras. */
export type IomapEra = '<=6.14' | '6.18';

const TYPES = ['HOLE', 'DELALLOC', 'MAPPED', 'UNWRITTEN', 'INLINE'] as const;

const F_OLD: FlagTable = [[0x1, 'NEW'], [0x2, 'DIRTY'], [0x4, 'SHARED'], [0x8, 'MERGED'], [0x10, 'BH'], [0x100, 'SIZE_CHANGED'], [0x200, 'STALE'], [0x20, 'XATTR'], [0x40, 'BOUNDARY'], [0x1000, 'PRIVATE']];
const F_OLD_PRINTED: FlagTable = F_OLD.slice(0, 6);
const F_NEW: FlagTable = [[0x1, 'NEW'], [0x2, 'DIRTY'], [0x4, 'SHARED'], [0x8, 'MERGED'], [0x10, 'BH'], [0x20, 'XATTR'], [0x40, 'BOUNDARY'], [0x80, 'ANON_WRITE'], [0x100, 'ATOMIC_BIO'], [0x1000, 'PRIVATE'], [0x4000, 'SIZE_CHANGED'], [0x8000, 'STALE']];

/** iomap types and IOMAP_F flags. */
export const iomapFlags = {
  /** Type name of a number (HOLE 0 … INLINE 4), or `0x<n>`. */
  typeName(type: number): string {
    return TYPES[type] ?? `0x${type.toString(16)}`;
  },
  /** Type number of a name, or -1. */
  typeNumber(name: string): number {
    return (TYPES as readonly string[]).indexOf(name);
  },
  /** All flag names of a raw value in an era (unnamed remainder as hex). */
  names(value: number, era: IomapEra): string[] {
    const t = era === '6.18' ? F_NEW : F_OLD;
    const s = symbolicFlags.format(value, t);
    return s === '' ? [] : s.split('|');
  },
  /** Value of printed flags; in ≤6.14 text a `0x200` remainder is STALE. */
  parse(text: string, era: IomapEra): number | undefined {
    return symbolicFlags.parse(text, era === '6.18' ? F_NEW : F_OLD_PRINTED);
  },
  /** True when the STALE bit is set in a raw value of that era. */
  isStale(value: number, era: IomapEra): boolean {
    return wideBits.isWord(value) && wideBits.hasAny(value, era === '6.18' ? 0x8000 : 0x200);
  },
} as const;
