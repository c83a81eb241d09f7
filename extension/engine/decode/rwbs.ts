/**
 * rwbs: decodes the block-layer rwbs string (blk_fill_rwbs, kernel-formats.md §2.1) with a small state
 * machine, because `F` means preflush (first), the flush op, or FUA (suffix) depending on position.
 * Grammar: F? (DE|D|W|R|F|N|ZRA|ZA|ZR|ZF|ZO|ZC) F? A? S? M? U?
 */

/** The decoded rwbs. */
export interface Rwbs {
  readonly op: 'READ' | 'WRITE' | 'DISCARD' | 'SECURE_ERASE' | 'FLUSH' | 'OTHER' | 'ZONE_APPEND' | 'ZONE_RESET' | 'ZONE_RESET_ALL' | 'ZONE_FINISH' | 'ZONE_OPEN' | 'ZONE_CLOSE';
  readonly preflush: boolean;
  readonly fua: boolean;
  readonly readahead: boolean;
  readonly sync: boolean;
  readonly meta: boolean;
  readonly atomic: boolean;
}

const ZONE: ReadonlyArray<readonly [string, Rwbs['op']]> = [['ZRA', 'ZONE_RESET_ALL'], ['ZA', 'ZONE_APPEND'], ['ZR', 'ZONE_RESET'], ['ZF', 'ZONE_FINISH'], ['ZO', 'ZONE_OPEN'], ['ZC', 'ZONE_CLOSE']];
const SIMPLE: Readonly<Record<string, Rwbs['op']>> = { W: 'WRITE', R: 'READ', D: 'DISCARD', F: 'FLUSH', N: 'OTHER' };

/** Decodes an rwbs string; undefined when it does not follow the grammar (corrupt record). */
export function decodeRwbs(s: string): Rwbs | undefined {
  let i = 0;
  const preflush = s.length > 1 && s[0] === 'F' && 'WRDFNZ'.includes(s[1]!);
  if (preflush) i = 1;
  let op: Rwbs['op'] | undefined;
  if (s.startsWith('DE', i)) {
    op = 'SECURE_ERASE';
    i += 2;
  } else if (s[i] === 'Z') {
    const z = ZONE.find(([p]) => s.startsWith(p, i));
    if (z === undefined) return undefined;
    op = z[1];
    i += z[0].length;
  } else {
    op = SIMPLE[s[i] ?? ''];
    if (op === undefined) return undefined;
    i++;
  }
  const flags = { fua: false, readahead: false, sync: false, meta: false, atomic: false };
  for (const [ch, key] of [['F', 'fua'], ['A', 'readahead'], ['S', 'sync'], ['M', 'meta'], ['U', 'atomic']] as const) {
    if (s[i] === ch) {
      flags[key] = true;
      i++;
    }
  }
  if (i !== s.length) return undefined;
  return { op, preflush, ...flags };
}
