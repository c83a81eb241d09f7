/**
 * The contract between the payload decoder and its consumers (ingest, analyses, hovers).
 *
 * An event's payload (the text after `event_name: `) is decoded by a compiled template chosen from the
 * declarative formats in `grammars/events/*.json`. Decoding writes into a reusable record, so the hot
 * path allocates nothing per event: numbers go to `num`, interned strings to `str`, both indexed by the
 * field's slot in the event's schema. A schema is the union of the fields of every known variant of the
 * event (kernel 5.4 to 6.18), so consumers resolve a slot once per event name and read it for every
 * variant; a field that the matching variant does not have reads as NaN / -1.
 */

/** How a field's text is read. */
export type FieldKind =
  | 'u' // unsigned decimal (u64: values above 2^53 are rounded; 18446744073709551615 reads as 2^64)
  | 'd' // signed decimal
  | 'x' // hexadecimal with 0x prefix (also accepted without prefix)
  | 'h' // bare hexadecimal (no 0x; also accepted with it)
  | 'sx' // signed value printed as 64-bit two's complement hex (sys_exit returns): 0xfffffffffffffff5 -> -11
  | 'sys' // syscall argument: hex with or without 0x (kernel <= 6.14 prints bare hex, 6.18 0x or single digits)
  | 'dev' // MAJ:MIN or MAJ,MIN, stored as the kernel dev_t (major << 20 | minor)
  | 's' // string up to the next literal of the template, backtracking over later occurrences (interned)
  | 'w' // one word: up to the next blank (or the first byte of the next literal) (interned)
  | 'p' // pointer / opaque identifier, hex with or without 0x (interned as text: hashed %p and raw 0xffff... both)
  | 'flags' // symbolic flags like REGULAR|IO_DONE|0x60, may be empty (interned as text; see the flag tables)
  | 'sym' // symbolic name or number, e.g. ioprio class `be` or `0x2` (interned as text)
  | 'rest' // the remainder of the payload (interned)
  | 'uop' // io_uring opcode number (<= 5.18 `op %d`); also fills the string field `opcode` with its name
  | 'sop'; // io_uring opcode name (5.19+ `opcode %s`); also fills the numeric field `op` with its number

/** True for the kinds whose value is an interned string id (stored in `DecodedPayload.str`). */
export function isStringKind(kind: FieldKind): boolean {
  return kind === 's' || kind === 'w' || kind === 'p' || kind === 'flags' || kind === 'sym' || kind === 'rest' || kind === 'sop';
}

/** One field of an event schema. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** Slot index in DecodedPayload.num / .str. */
  readonly slot: number;
  /** True when the value is a string id (in `str`), false when numeric (in `num`). */
  readonly isString: boolean;
}

/** The fields of one event across all its known format variants. */
export interface EventSchema {
  /** tracefs event name, e.g. `block_rq_issue`. */
  readonly name: string;
  /** tracefs system, e.g. `block`. */
  readonly system: string;
  readonly fields: readonly FieldSpec[];
  /** Slot of a field by name, or -1 when no variant of this event has it. */
  slot(field: string): number;
  /** Per-schema scratch of the slot caches (fieldAccess.ts), indexed by cache id: no map lookup per event. */
  readonly slotCaches: unknown[];
}

/** A decoded payload. The object is reused by the decoder: copy what you keep. */
export interface DecodedPayload {
  readonly schema: EventSchema;
  /** Index of the variant (template) that matched, in the order of the format file; -1 for the `-R` key=value fallback. */
  variant: number;
  /** Numeric value per slot; NaN when absent or string-typed. */
  readonly num: Float64Array;
  /** Interned string id per slot (StringTable of the decoder); -1 when absent or numeric. */
  readonly str: Int32Array;
}
