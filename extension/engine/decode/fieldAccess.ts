/**
 * Field access for consumers of decoded payloads: slots are resolved once per event schema (a `SlotCache`
 * of a small record of named slots), and read with `num` / `strId`, which return NaN / -1 for a field the
 * event's variant does not have (slot -1) instead of `undefined`. Every tracker reads fields this way.
 */
import type { DecodedPayload, EventSchema } from './payloadTypes';

/** A numeric field, NaN when absent. */
export function num(p: DecodedPayload, slot: number): number {
  return slot < 0 ? NaN : p.num[slot]!;
}

/** A string field's interned id, -1 when absent. */
export function strId(p: DecodedPayload, slot: number): number {
  return slot < 0 ? -1 : p.str[slot]!;
}

/** The slots of `names` in a schema (-1 for fields no variant has). */
export type Slots<K extends string> = { readonly [P in K]: number };

let nextCacheId = 0;

/** Resolves the slots of a fixed list of field names once per schema (kept on the schema, by cache id). */
export class SlotCache<K extends string> {
  private readonly id = nextCacheId++;

  constructor(private readonly names: readonly K[]) {}

  of(schema: EventSchema): Slots<K> {
    const cached = schema.slotCaches[this.id];
    if (cached !== undefined) return cached as Slots<K>;
    const o = {} as Record<K, number>;
    for (const n of this.names) o[n] = schema.slot(n);
    schema.slotCaches[this.id] = o;
    return o;
  }
}
