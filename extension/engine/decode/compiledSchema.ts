/**
 * CompiledSchema: an EventSchema together with its compiled variants and its reusable record.
 *
 * Built once per event name (lazily, on the first `PayloadDecoder.schema()` call for that name). The
 * field list is the union over all variants, in order of first appearance; a name keeps one slot and one
 * numeric/string nature across variants (a conflict is a format-data error and throws when built).
 */
import { compileTemplate } from './compileTemplate';
import type { CompiledTemplate } from './compiledTemplate';
import { isStringKind, type DecodedPayload, type EventSchema, type FieldKind, type FieldSpec } from './payloadTypes';

/** One variant as written in a format file. */
export interface VariantSource {
  readonly kernels: string;
  readonly template: string;
}

/** An event schema with its compiled variants. */
export class CompiledSchema implements EventSchema {
  readonly fields: FieldSpec[] = [];
  readonly variants: CompiledTemplate[];
  readonly record: DecodedPayload;
  /** Index of the variant that matched last (tried first next time). */
  lastVariant = 0;
  private readonly bySlotName = new Map<string, number>();
  /** Raw (`-R`) key id -> slot cache, filled by the key=value fallback. */
  readonly rawSlots = new Map<number, number>();
  readonly slotCaches: unknown[] = [];
  /** Per variant: the kind each slot is read as in that variant (a field can be decimal in one era, hex in another). */
  readonly variantKinds: FieldKind[][] = [];

  constructor(
    readonly name: string,
    readonly system: string,
    sources: readonly VariantSource[],
  ) {
    let kinds: FieldKind[] = [];
    const resolve = (field: string, kind: FieldKind): number => {
      const slot = resolveSlot(field, kind);
      kinds[slot] = kind;
      return slot;
    };
    const resolveSlot = (field: string, kind: FieldKind): number => {
      const known = this.bySlotName.get(field);
      if (known !== undefined) {
        const spec = this.fields[known]!;
        if (spec.isString !== isStringKind(kind)) {
          throw new TypeError(`event ${name}: field ${field} is ${spec.kind} in one variant and ${kind} in another`);
        }
        return known;
      }
      const slot = this.fields.length;
      this.fields.push({ name: field, kind, slot, isString: isStringKind(kind) });
      this.bySlotName.set(field, slot);
      return slot;
    };
    this.variants = sources.map((v) => {
      kinds = [];
      const t = compileTemplate(v.template, v.kernels, resolve);
      this.variantKinds.push(kinds);
      return t;
    });
    const n = this.fields.length;
    this.record = { schema: this, variant: -1, num: new Float64Array(n).fill(NaN), str: new Int32Array(n).fill(-1) };
  }

  slot(field: string): number {
    return this.bySlotName.get(field) ?? -1;
  }

  private stops: Int16Array | undefined;

  /**
   * Per variant: how many ops must run to read the event's `dev` and `ino` fields (0 when the variant has
   * neither), for the prefix decode of events no analysis reads.
   */
  keyStops(): Int16Array {
    if (this.stops) return this.stops;
    const dev = this.slot('dev');
    const ino = this.slot('ino');
    this.stops = Int16Array.from(this.variants, (t) => {
      let stop = 0;
      for (let i = 0; i < t.length; i++) {
        const slot = t.slot[i]!;
        if (slot >= 0 && (slot === dev || slot === ino)) stop = i + 1;
      }
      return stop;
    });
    return this.stops;
  }
}
