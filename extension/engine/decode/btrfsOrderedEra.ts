/**
 * btrfsOrderedEra: the kernel era of btrfs ordered-extent flags, inferred from what a file prints, and the
 * decoding of a printed `flags=` value without knowing the kernel. This is the one place the era is
 * inferred: the ordered-extent tracker (lifecycle) and the field meanings (query) both ask it.
 *
 * The BTRFS_ORDERED_* enum was reordered between 5.10 and 5.15 (kernel-formats.md §2.5), and trace-cmd
 * names bit 0 only (`REGULAR|0xe0`), so a hex remainder means nothing without the era. The heuristic:
 *
 * - Every ordered extent has exactly one type bit (REGULAR, NOCOW, PREALLOC or COMPRESSED; DIRECT is
 *   orthogonal), so a reading that yields zero or several type bits is not the right era.
 * - A printed text is either kernel text (every bit the era names appears by name, so the hex remainder
 *   holds only the era's unnamed bits) or trace-cmd text (only the era's bit-0 name, REGULAR for 5.15+ and
 *   IO_DONE for 5.4/5.10, everything else in hex). A reading must fit one of the two shapes.
 * - Eras are tried in the order: the era the file already showed (sticky), then 5.15+, 5.10, 5.4; the first
 *   consistent and valid reading wins. So `REGULAR|0xa0` is 5.15+ (IOERR), `IO_DONE|0x202` is 5.4 and
 *   `0x100` is 5.10 (REGULAR alone), while `0x4` stays 5.15+ PREALLOC unless the file showed an older era.
 * - Nothing fits (empty flags, unknown names): the preferred era, with the value of the names it knows.
 */
import { btrfsOrderedFlags, type BtrfsEra } from './btrfsOrderedFlags';
import { wideBits } from './symbolicFlags';

/** A decoded flags text. */
export interface OrderedFlags {
  readonly value: number;
  readonly era: BtrfsEra;
  /** Every flag name (unnamed bits of the era as hex), in bit order. */
  readonly names: readonly string[];
  /** True when the reading fitted (one type bit, consistent shape); false for a fallback. */
  readonly certain: boolean;
}

const ERAS: readonly BtrfsEra[] = ['5.15+', '5.10', '5.4'];
const TYPE_NAMES = ['REGULAR', 'NOCOW', 'PREALLOC', 'COMPRESSED'] as const;
/** Bits each era prints by name in kernel text (bits 0..n-1). */
const NAMED_MASK: Record<BtrfsEra, number> = { '5.4': 0x1ff, '5.10': 0xff, '5.15+': 0x1ff };
const BIT0: Record<BtrfsEra, string> = { '5.4': 'IO_DONE', '5.10': 'IO_DONE', '5.15+': 'REGULAR' };

function typeBits(value: number, era: BtrfsEra): number {
  let n = 0;
  for (const t of TYPE_NAMES) if (wideBits.hasAny(value, btrfsOrderedFlags.bit(t, era))) n++;
  return n;
}

/** The reading of `text` in `era`, or undefined when the text cannot have been printed by that era. */
function readAs(text: string, era: BtrfsEra): number | undefined {
  const parts = text === '' ? [] : text.split('|');
  let hex = 0;
  let named = 0;
  let onlyBit0 = true;
  for (const p of parts) {
    if (/^0x[0-9a-f]+$/i.test(p)) {
      const v = parseInt(p, 16);
      if (!Number.isSafeInteger(v)) return undefined;
      hex = wideBits.or(hex, v);
      continue;
    }
    const bit = btrfsOrderedFlags.bit(p, era);
    if (bit === 0 || !wideBits.hasAny(bit, NAMED_MASK[era])) return undefined;
    if (p !== BIT0[era]) onlyBit0 = false;
    named = wideBits.or(named, bit);
  }
  const kernelShape = !wideBits.hasAny(hex, NAMED_MASK[era]);
  if (!kernelShape && !onlyBit0) return undefined;
  const value = wideBits.or(hex, named);
  return typeBits(value, era) === 1 ? value : undefined;
}

/** Decodes printed flags, preferring `sticky` (the era the file showed before) when given. */
export function decodeOrderedFlags(text: string, sticky?: BtrfsEra): OrderedFlags {
  const order = sticky === undefined ? ERAS : [sticky, ...ERAS.filter((e) => e !== sticky)];
  const t = text.trim();
  for (const era of order) {
    const value = readAs(t, era);
    if (value !== undefined) return { value, era, names: btrfsOrderedFlags.names(value, era), certain: true };
  }
  const era = order[0]!;
  const value = btrfsOrderedFlags.parse(t, era) ?? 0;
  return { value, era, names: btrfsOrderedFlags.names(value, era), certain: false };
}

/** The ordered extent's type (REGULAR, NOCOW, PREALLOC, COMPRESSED), with `|DIRECT` for direct I/O. */
export function orderedExtentOp(flags: OrderedFlags): string {
  const type = TYPE_NAMES.find((n) => wideBits.hasAny(flags.value, btrfsOrderedFlags.bit(n, flags.era))) ?? 'UNKNOWN';
  return hasFlag(flags, 'DIRECT') ? `${type}|DIRECT` : type;
}

/** True when the named flag is set in the decoded value. */
export function hasFlag(flags: OrderedFlags, name: string): boolean {
  return wideBits.hasAny(flags.value, btrfsOrderedFlags.bit(name, flags.era));
}

/** The eras whose layout can have printed `text` (a valid state, in kernel or trace-cmd shape), newest first. */
export function fittingEras(text: string): BtrfsEra[] {
  const t = text.trim();
  return ERAS.filter((era) => readAs(t, era) !== undefined);
}

/** The one era whose layout can have printed `text`, or undefined when several (or none) can. */
export function uniqueEra(text: string): BtrfsEra | undefined {
  const fits = fittingEras(text);
  return fits.length === 1 ? fits[0] : undefined;
}

/** btrfs events that exist only on 6.1+ kernels (so the 5.15+ flag layout). */
const NEW_ERA_EVENTS: ReadonlySet<string> = new Set([
  'btrfs_finish_ordered_extent', 'btrfs_ordered_extent_split', 'btrfs_ordered_extent_mark_finished', 'btrfs_ordered_extent_dec_test_pending',
  'btrfs_ordered_extent_lookup', 'btrfs_ordered_extent_lookup_first', 'btrfs_ordered_extent_lookup_range', 'btrfs_ordered_extent_lookup_first_range',
  'btrfs_ordered_extent_lookup_for_logging',
]);

/**
 * The flag era an event proves by its name or format, or undefined: the events added in 6.1 prove 5.15+,
 * and `btrfs_writepage_end_io_hook` with `page_index=` (its ≤5.10 variant, `variant` 1 of btrfs.json)
 * proves an older layout (5.10 is assumed; 5.4 differs only in bits 7-8).
 */
export function eraOfEvent(name: string, variant: number): BtrfsEra | undefined {
  if (NEW_ERA_EVENTS.has(name)) return '5.15+';
  if (name === 'btrfs_writepage_end_io_hook' && variant === 1) return '5.10';
  return undefined;
}
