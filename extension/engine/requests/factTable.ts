/**
 * FactTable: typed, columnar per-layer facts of requests (rwbs, errno, retries, user_data…). A schema
 * names each fact and its column kind; `get`/`set` are typed by that schema, so a misspelt or renamed
 * fact fails the type check instead of reading `undefined` at run time (the flaw of the old `details`
 * bag). Rows are appended one per request of the layer; unset facts read as `undefined`.
 *
 * Column kinds: `f64` (any number, NaN = unset), `i32` (small integers, -2^31 = unset), `bool`
 * (Int8, -1 = unset), `str` (an id in the model's StringTable, -1 = unset), `ids` (a rare list of request
 * ids, kept in a side map). Columns grow in 64 Ki-row chunks (no copies, no doubling).
 */
import type { StringTable } from '../store/stringTable';
import { F64Chunks, I32Chunks, I8Chunks, MASK, type ChunkColumn } from './chunks';

export type FactKind = 'f64' | 'i32' | 'bool' | 'str' | 'ids';
export type FactSchema = Readonly<Record<string, FactKind>>;

/** The JS type of a fact of kind K. */
export type FactValue<K extends FactKind> = K extends 'str' ? string : K extends 'bool' ? boolean : K extends 'ids' ? readonly number[] : number;

const I32_UNSET = -2147483648;


/** Read access to one layer's facts (what detectors and queries see). */
export interface FactReader<S extends FactSchema> {
  /** The fact of the request's row, or undefined when it was never set. */
  get<K extends keyof S & string>(row: number, key: K): FactValue<S[K]> | undefined;
  readonly rows: number;
}

const F64 = 0;
const I32 = 1;
const BOOL = 2;
const STR = 3;
const IDS = 4;
const CODES: Readonly<Record<FactKind, number>> = { f64: F64, i32: I32, bool: BOOL, str: STR, ids: IDS };

export class FactTable<S extends FactSchema> implements FactReader<S> {
  /** Columns and kind codes by fact name (plain objects: a property read, not a map lookup, per access). */
  private readonly cols: Record<string, ChunkColumn> = {};
  private readonly codes: Record<string, number> = {};
  private readonly lists: Record<string, Map<number, number[]>> = {};
  private n = 0;

  constructor(
    readonly schema: S,
    private readonly strings: StringTable,
  ) {
    for (const [key, kind] of Object.entries(schema)) {
      this.codes[key] = CODES[kind];
      if (kind === 'ids') this.lists[key] = new Map();
      else if (kind === 'f64') this.cols[key] = new F64Chunks(NaN);
      else if (kind === 'i32') this.cols[key] = new I32Chunks(I32_UNSET);
      else if (kind === 'bool') this.cols[key] = new I8Chunks(-1);
      else this.cols[key] = new I32Chunks(-1);
    }
  }

  get rows(): number {
    return this.n;
  }

  /** Appends an empty row and returns its index. */
  addRow(): number {
    const row = this.n++;
    if ((row & MASK) === 0) for (const c of Object.values(this.cols)) c.ensure(this.n);
    return row;
  }

  get<K extends keyof S & string>(row: number, key: K): FactValue<S[K]> | undefined {
    const code = this.codes[key];
    if (code === IDS) return this.lists[key]!.get(row) as FactValue<S[K]> | undefined;
    if (row >= this.n) return undefined;
    const v = this.cols[key]!.get(row);
    switch (code) {
      case F64:
        return (v !== v ? undefined : v) as FactValue<S[K]> | undefined;
      case I32:
        return (v === I32_UNSET ? undefined : v) as FactValue<S[K]> | undefined;
      case BOOL:
        return (v < 0 ? undefined : v === 1) as FactValue<S[K]> | undefined;
      default:
        return (v < 0 ? undefined : this.strings.get(v)) as FactValue<S[K]> | undefined;
    }
  }

  /** The interned string id of a `str` fact, -1 when unset (no string is made). */
  stringId(row: number, key: keyof S & string): number {
    return row < this.n ? this.cols[key]!.get(row) : -1;
  }

  set<K extends keyof S & string>(row: number, key: K, value: FactValue<S[K]>): void {
    const code = this.codes[key];
    if (code === IDS) {
      this.lists[key]!.set(row, [...(value as readonly number[])]);
      return;
    }
    const col = this.cols[key]!;
    if (code === BOOL) col.set(row, value ? 1 : 0);
    else if (code === STR) col.set(row, this.strings.intern(value as string));
    else col.set(row, value as number);
  }

  /** Sets a `str` fact from an interned id (no string lookup). */
  setStringId(row: number, key: keyof S & string, id: number): void {
    this.cols[key]!.set(row, id);
  }

  /** Adds `by` to a numeric fact (unset counts as 0) and returns the new value. */
  increment(row: number, key: keyof S & string, by = 1): number {
    const col = this.cols[key]!;
    const cur = col.get(row);
    const base = this.codes[key] === I32 ? (cur === I32_UNSET ? 0 : cur) : cur !== cur ? 0 : cur;
    col.set(row, base + by);
    return base + by;
  }

  /** Nothing to trim: chunks never over-allocate by more than one chunk per column. */
  seal(): void {
    // Kept for symmetry with the request tables.
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    let b = 0;
    for (const c of Object.values(this.cols)) b += c.byteLength;
    return b;
  }
}
