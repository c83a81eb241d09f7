/**
 * PayloadDecoder: turns an event's payload bytes into typed fields, driven by the declarative formats in
 * `grammars/events/*.json` (compiled by the Chevrotain template parser, see templateParser.ts).
 *
 * Hot path contract: `decode` works on the file buffer, allocates nothing per call (only new strings are
 * interned) and never throws. Variants are tried with the one that matched last for the event first
 * (a file comes from one kernel), then in file order; when none matches, a `-R` raw `key=value` payload is
 * decoded into the same fields. Schemas are built lazily, on the first lookup of each event name.
 */
import { CompiledSchema } from './compiledSchema';
import { decodeRawFields } from './decodeRawFields';
import { loadEventFormats, syscallFormat, type EventFormat, type FormatFile } from './eventFormats';
import { matchTemplate } from './matchTemplate';
import type { DecodedPayload, EventSchema } from './payloadTypes';
import type { StringTable } from '../store/stringTable';

export { decodeKeyValues } from './decodeKeyValues';

function isTrim(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x00;
}

/** Decodes event payloads into reusable records. One instance per StringTable. */
export class PayloadDecoder {
  private readonly formats: Map<string, EventFormat>;
  private readonly schemas = new Map<string, CompiledSchema | null>();

  /** `extraFormats`: additional format files (tests, user formats), loaded after the bundled ones. */
  constructor(
    private readonly strings: StringTable,
    extraFormats: readonly FormatFile[] = [],
  ) {
    this.formats = loadEventFormats(extraFormats);
  }

  /** The schema of an event, or undefined when the event has no known format. */
  schema(eventName: string): EventSchema | undefined {
    return this.compiled(eventName);
  }

  /** Names of every event with a bundled format (syscalls excluded). */
  knownEvents(): string[] {
    return [...this.formats.keys()];
  }

  private compiled(eventName: string): CompiledSchema | undefined {
    const cached = this.schemas.get(eventName);
    if (cached !== undefined) return cached ?? undefined;
    const fmt = this.formats.get(eventName) ?? syscallFormat(eventName);
    const schema = fmt === undefined ? null : new CompiledSchema(eventName, fmt.system, fmt.variants);
    this.schemas.set(eventName, schema);
    return schema ?? undefined;
  }

  /**
   * Decodes buf[start, end) (the text after `event_name:`, blanks and `\r` at both ends allowed) with the
   * schema's variants. Returns the schema's reusable record, or undefined when no variant matched.
   */
  decode(schema: EventSchema, buf: Uint8Array, start: number, end: number): DecodedPayload | undefined {
    const s = schema instanceof CompiledSchema ? schema : this.compiled(schema.name);
    if (s === undefined) return undefined;
    if (start < 0) start = 0;
    if (end > buf.length) end = buf.length;
    while (start < end && isTrim(buf[start]!)) start++;
    while (end > start && isTrim(buf[end - 1]!)) end--;
    const rec = s.record;
    const { num, str } = rec;
    const variants = s.variants;
    const last = s.lastVariant;
    const first = variants[last];
    if (first !== undefined) {
      num.fill(NaN);
      str.fill(-1);
      if (matchTemplate(first, buf, start, end, num, str, this.strings)) {
        rec.variant = last;
        return rec;
      }
    }
    for (let v = 0; v < variants.length; v++) {
      if (v === last) continue;
      num.fill(NaN);
      str.fill(-1);
      if (matchTemplate(variants[v]!, buf, start, end, num, str, this.strings)) {
        s.lastVariant = v;
        rec.variant = v;
        return rec;
      }
    }
    num.fill(NaN);
    str.fill(-1);
    if (decodeRawFields(s, buf, start, end, this.strings)) {
      rec.variant = -1;
      return rec;
    }
    num.fill(NaN);
    str.fill(-1);
    return undefined;
  }

  /**
   * Decodes only the leading fields up to the event's `dev` and `ino` (a prefix of the template), for events
   * no analysis reads: far cheaper than a full decode, and the fields after them are not read (nor
   * validated). Falls back to the full decode when no variant's prefix matches (a `-R` payload, damage).
   */
  decodeKeys(schema: EventSchema, buf: Uint8Array, start: number, end: number): DecodedPayload | undefined {
    const s = schema instanceof CompiledSchema ? schema : this.compiled(schema.name);
    if (s === undefined) return undefined;
    const stops = s.keyStops();
    const rec = s.record;
    const { num, str } = rec;
    while (start < end && isTrim(buf[start]!)) start++;
    while (end > start && isTrim(buf[end - 1]!)) end--;
    const order = [s.lastVariant];
    for (let v = 0; v < s.variants.length; v++) if (v !== s.lastVariant) order.push(v);
    for (const v of order) {
      const t = s.variants[v];
      if (t === undefined) continue;
      num.fill(NaN);
      str.fill(-1);
      if (stops[v] === 0 || matchTemplate(t, buf, start, end, num, str, this.strings, stops[v])) {
        rec.variant = v;
        return rec;
      }
    }
    return this.decode(s, buf, start, end);
  }

  /** The record as a plain object (absent fields omitted), for hovers, JSON export and tests. */
  toObject(rec: DecodedPayload): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    for (const f of rec.schema.fields) {
      if (f.isString) {
        const id = rec.str[f.slot]!;
        if (id >= 0) out[f.name] = this.strings.get(id);
      } else {
        const v = rec.num[f.slot]!;
        if (!Number.isNaN(v)) out[f.name] = v;
      }
    }
    return out;
  }
}
