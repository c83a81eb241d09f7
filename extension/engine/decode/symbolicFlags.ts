/**
 * symbolicFlags: shared helpers for `__print_flags` text (`NAME|NAME|0x60`) and bit tables.
 * The kernel prints named bits in table order, then the unnamed remainder as one hex number.
 */

/** A flag table: [bit value, printed name] in the kernel's print order. */
export type FlagTable = ReadonlyArray<readonly [number, string]>;

/** Helpers over flag tables. */
export const symbolicFlags = {
  /** Renders a value the way `__print_flags(v, "|", …)` does. */
  format(value: number, table: FlagTable, sep = '|'): string {
    const parts: string[] = [];
    let rest = value;
    for (const [bit, name] of table) {
      if (bit !== 0 && (rest & bit) === bit) {
        parts.push(name);
        rest &= ~bit;
      }
    }
    if (rest !== 0) parts.push(`0x${(rest >>> 0).toString(16)}`);
    return parts.join(sep);
  },
  /** Parses printed flags back to a value; unknown names make it return undefined. */
  parse(text: string, table: FlagTable, sep = '|'): number | undefined {
    let v = 0;
    if (text.trim() === '') return 0;
    for (const part of text.split(sep)) {
      const p = part.trim();
      if (/^0x[0-9a-f]+$/i.test(p)) v |= parseInt(p, 16);
      else {
        const hit = table.find(([, name]) => name === p);
        if (hit === undefined) return undefined;
        v |= hit[0];
      }
    }
    return v >>> 0;
  },
} as const;
