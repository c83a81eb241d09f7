/**
 * iomapOpFlags: IOMAP_* operation flags of iomap_iter / iomap_apply (`flags WRITE|DIRECT (0x11)`).
 * The values are stable; older kernels name fewer of them, but the raw `(0x%x)` always follows.
 */
import { symbolicFlags, type FlagTable } from './symbolicFlags';

const TABLE: FlagTable = [[0x1, 'WRITE'], [0x2, 'ZERO'], [0x4, 'REPORT'], [0x8, 'FAULT'], [0x10, 'DIRECT'], [0x20, 'NOWAIT'], [0x40, 'OVERWRITE_ONLY'], [0x80, 'UNSHARE'], [0x100, 'DAX'], [0x200, 'ATOMIC'], [0x400, 'DONTCACHE']];

/** IOMAP_* operation flags. */
export const iomapOpFlags = {
  names(value: number): string[] {
    const s = symbolicFlags.format(value, TABLE);
    return s === '' ? [] : s.split('|');
  },
  parse(text: string): number | undefined {
    return symbolicFlags.parse(text, TABLE);
  },
  WRITE: 0x1,
  DIRECT: 0x10,
  NOWAIT: 0x20,
} as const;
