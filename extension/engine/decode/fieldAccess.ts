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

/** Resolves the slots of a fixed list of field names once per schema. */
export class SlotCache<K extends string> {
  private readonly bySchema = new Map<EventSchema, Slots<K>>();

  constructor(private readonly names: readonly K[]) {}

  of(schema: EventSchema): Slots<K> {
    let s = this.bySchema.get(schema);
    if (s === undefined) {
      const o = {} as Record<K, number>;
      for (const n of this.names) o[n] = schema.slot(n);
      s = o;
      this.bySchema.set(schema, s);
    }
    return s;
  }
}
