/**
 * FactTable: typed, columnar per-layer facts of requests (rwbs, errno, retries, user_data…). A schema
 * names each fact and its column kind; `get`/`set` are typed by that schema, so a misspelt or renamed
 * fact fails the type check instead of reading `undefined` at run time (the flaw of the old `details`
 * bag). Rows are appended one per request of the layer; unset facts read as `undefined`.
 *
 * Column kinds: `f64` (any number, NaN = unset), `i32` (small integers, -2^31 = unset), `bool`
 * (Int8, -1 = unset), `str` (an id in the model's StringTable, -1 = unset), `ids` (a rare list of request
 * ids, kept in a side map). Columns grow by doubling and are trimmed by `seal()`.
 */
import type { StringTable } from '../store/stringTable';

export type FactKind = 'f64' | 'i32' | 'bool' | 'str' | 'ids';
export type FactSchema = Readonly<Record<string, FactKind>>;

/** The JS type of a fact of kind K. */
export type FactValue<K extends FactKind> = K extends 'str' ? string : K extends 'bool' ? boolean : K extends 'ids' ? readonly number[] : number;

const I32_UNSET = -2147483648;

type Column = Float64Array | Int32Array | Int8Array;

/** Read access to one layer's facts (what detectors and queries see). */
export interface FactReader<S extends FactSchema> {
  /** The fact of the request's row, or undefined when it was never set. */
  get<K extends keyof S & string>(row: number, key: K): FactValue<S[K]> | undefined;
  readonly rows: number;
}

export class FactTable<S extends FactSchema> implements FactReader<S> {
  private readonly cols = new Map<string, Column>();
  private readonly lists = new Map<string, Map<number, number[]>>();
  private cap = 0;
  private n = 0;

  constructor(
    readonly schema: S,
    private readonly strings: StringTable,
  ) {
    this.alloc(64);
  }

  get rows(): number {
    return this.n;
  }

  /** Appends an empty row and returns its index. */
  addRow(): number {
    if (this.n === this.cap) this.alloc(this.cap * 2);
    return this.n++;
  }

  get<K extends keyof S & string>(row: number, key: K): FactValue<S[K]> | undefined {
    const kind = this.schema[key]!;
    if (kind === 'ids') return this.lists.get(key)?.get(row) as FactValue<S[K]> | undefined;
    const v = this.cols.get(key)![row];
    if (v === undefined) return undefined;
    switch (kind) {
      case 'f64':
        return (Number.isNaN(v) ? undefined : v) as FactValue<S[K]> | undefined;
      case 'i32':
        return (v === I32_UNSET ? undefined : v) as FactValue<S[K]> | undefined;
      case 'bool':
        return (v < 0 ? undefined : v === 1) as FactValue<S[K]> | undefined;
      default:
        return (v < 0 ? undefined : this.strings.get(v)) as FactValue<S[K]> | undefined;
    }
  }

  /** The interned string id of a `str` fact, -1 when unset (no string is made). */
  stringId(row: number, key: keyof S & string): number {
    return this.cols.get(key)![row] ?? -1;
  }

  set<K extends keyof S & string>(row: number, key: K, value: FactValue<S[K]>): void {
    const kind = this.schema[key]!;
    if (kind === 'ids') {
      let m = this.lists.get(key);
      if (m === undefined) this.lists.set(key, (m = new Map()));
      m.set(row, [...(value as readonly number[])]);
      return;
    }
    const col = this.cols.get(key)!;
    switch (kind) {
      case 'bool':
        col[row] = value ? 1 : 0;
        return;
      case 'str':
        col[row] = this.strings.intern(value as string);
        return;
      default:
        col[row] = value as number;
    }
  }

  /** Sets a `str` fact from an interned id (no string lookup). */
  setStringId(row: number, key: keyof S & string, id: number): void {
    this.cols.get(key)![row] = id;
  }

  /** Adds `by` to a numeric fact (unset counts as 0) and returns the new value. */
  increment(row: number, key: keyof S & string, by = 1): number {
    const col = this.cols.get(key)!;
    const kind = this.schema[key];
    const cur = col[row]!;
    const base = kind === 'i32' ? (cur === I32_UNSET ? 0 : cur) : Number.isNaN(cur) ? 0 : cur;
    col[row] = base + by;
    return base + by;
  }

  /** Trims the columns to the rows used (after ingest). */
  seal(): void {
    for (const [k, c] of this.cols) this.cols.set(k, c.slice(0, this.n));
    this.cap = this.n;
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    let b = 0;
    for (const c of this.cols.values()) b += c.byteLength;
    return b;
  }

  private alloc(cap: number): void {
    for (const [key, kind] of Object.entries(this.schema)) {
      if (kind === 'ids') continue;
      const old = this.cols.get(key);
      let col: Column;
      if (kind === 'f64') col = new Float64Array(cap).fill(NaN);
      else if (kind === 'i32') col = new Int32Array(cap).fill(I32_UNSET);
      else if (kind === 'bool') col = new Int8Array(cap).fill(-1);
      else col = new Int32Array(cap).fill(-1);
      if (old) col.set(old.subarray(0, this.n) as never);
      this.cols.set(key, col);
    }
    this.cap = cap;
  }
}
