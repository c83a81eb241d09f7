/**
 * PayloadPlan: decodes a trace.dat record's fields straight into the slots the text ingest fills, without
 * rendering its `trace-cmd report` line and matching it again. A plan pairs one template variant of
 * `grammars/events` (the one the event's rendered text matched) with the event's print items in order: a
 * template field takes one print conversion (a `dev` field two: `%d,%d` of MAJOR and MINOR), so field k of
 * the template is the text of conversion k of the print format.
 *
 * Each field is then read from the record as the printed text would read:
 * - a number printed from a plain `REC->field` (optionally cast) by a plain `%d %u %x %ld %llu...`: the
 *   field's value, when it lies where every width and signedness print it alike ([0, 2^31), or [0, 2^53)
 *   when field, cast and conversion are all 64-bit); a `dev` from MAJOR/MINOR of one dev_t: that dev_t;
 * - a string printed by `%s` from a char array or `__get_str`: its bytes;
 * - anything else (symbols, flags, expressions): the text of that one print item, rendered.
 * A value outside those bounds, a string with blanks or brackets, a number item whose text is not a plain
 * number: `decode` returns false and the caller renders the whole line and parses it, as for any record
 * without a plan. Whether the template's literals agree with the print format is not proven here: the
 * caller decodes the first records of each type both ways and drops a plan that disagrees.
 */
import type { CompiledSchema } from '../decode/compiledSchema';
import { Op } from '../decode/compiledTemplate';
import type { FormatField } from './eventFormat';
import { ArgKind, ItemKind, type PrintArg } from './printArg';
import { castBits } from './printFmtParser';
import type { CompiledEvent, RenderContext } from './printFmt';

const enum How {
  /** A number read from a field. */
  Num,
  /** A signed 64-bit number read from a field (printed as two's complement hex). */
  NumSigned,
  /** A number parsed from the item's text. */
  NumText,
  /** dev_t of a field printed as MAJOR,MINOR. */
  Dev,
  /** dev from the two items' texts. */
  DevText,
  /** A string read from a char array or __data_loc field. */
  Str,
  /** A string: the item's text. */
  StrText,
}

interface Field {
  readonly slot: number;
  readonly how: How;
  /** Print item index (the MAJOR one for Dev). */
  readonly item: number;
  /** The MINOR item of a dev. */
  readonly item2: number;
  readonly field: FormatField | undefined;
  /** Values below this print alike in every conversion involved. */
  readonly limit: number;
  /** Hex text (for NumText). */
  readonly hex: boolean;
  /** A Word op (its text may not be empty). */
  readonly word: boolean;
  /** Word op: a blank or this byte ends the text (-1: blank only). */
  readonly stop: number;
  /**
   * For a StrText field whose item reads one scalar field only (flags, symbols, a %pS address): that field,
   * and the string id its text gave per raw value (high 32 bits -> low 32 bits -> id; -1: unreadable).
   */
  readonly memoField?: FormatField;
  readonly memo?: { readonly byHi: Map<number, Map<number, number>>; size: number };
}

/** Raw values remembered per memoised field at most, in all (then its item is rendered for each new value). */
const MEMO_MAX = 65536;

/** The interning the plan writes string fields with (the slice parser's table). */
export interface PlanStrings {
  internBytes(buf: Uint8Array, s: number, e: number): number;
  intern(text: string): number;
}

const TWO31 = 2 ** 31;
const TWO53 = 2 ** 53;

export class PayloadPlan {
  private readonly all: Field[];
  private readonly keys: Field[];

  private constructor(
    readonly variant: number,
    fields: Field[],
    keySlots: readonly number[],
    private readonly compiled: CompiledEvent,
    private readonly little: boolean,
  ) {
    this.all = fields;
    this.keys = fields.filter((f) => keySlots.includes(f.slot));
  }

  /**
   * The plan of an event for template `variant` of `schema`, or undefined when the print format and the
   * template cannot be paired (a plugin prints the event, counts differ, a field type no plan reads).
   */
  static build(schema: CompiledSchema, variant: number, compiled: CompiledEvent, formatText: string, little: boolean): PayloadPlan | undefined {
    if (!compiled.plain) return undefined;
    const t = schema.variants[variant];
    if (t === undefined) return undefined;
    const items = compiled.items;
    for (const it of items) if (it.kind === ItemKind.Text && it.format.includes('\n')) return undefined;
    const convs: number[] = [];
    items.forEach((it, i) => {
      if (it.kind !== ItemKind.Text) convs.push(i);
    });
    const fields: Field[] = [];
    let c = 0;
    for (let i = 0; i < t.length; i++) {
      const op = t.op[i]!;
      if (op === Op.Literal) continue;
      if (op === Op.Rest || op === Op.OpcodeNumber) return undefined;
      const need = op === Op.Dev ? 2 : 1;
      if (c + need > convs.length) return undefined;
      const at = convs[c]!;
      c += need;
      const slot = t.slot[i]!;
      if (t.slot2[i]! >= 0) return undefined;
      if (slot < 0) {
        // A field the template skips: a number reads back alike whatever it is; a string could hold a
        // blank or a newline that changes what the template matches or how many lines the record takes.
        if (items[at]!.kind === ItemKind.Str || (op === Op.Dev && items[convs[c - 1]!]!.kind === ItemKind.Str)) return undefined;
        continue;
      }
      const kind = schema.variantKinds[variant]?.[slot];
      const spec = schema.fields[slot];
      if (kind === undefined || spec === undefined) return undefined;
      const item = items[at]!;
      // What ends the field's text in the template: a Word's stop byte, a Scan's next literal.
      const stop = op === Op.Scan ? (t.bytes[i]?.[0] ?? -1) : t.stop[i]!;
      const base = { slot, item: at, item2: convs[c - 1]!, field: undefined, limit: 0, hex: false, stop, word: op === Op.Word };
      if (op === Op.Dev) {
        const second = items[convs[c - 1]!]!;
        if (item.kind !== ItemKind.Digit || second.kind !== ItemKind.Digit || !item.spec || !second.spec || !digitsOnly(item.spec) || !digitsOnly(second.spec)) return undefined;
        const f = fieldOf(item.arg);
        const ok = f !== undefined && f === fieldOf(second.arg) && f.size === 4 && !f.isArray && !f.signed && formatText.includes(`((REC->${f.name}) >> 20)`) && formatText.includes(`((REC->${f.name}) & ((1U << 20) - 1))`);
        fields.push(ok ? { ...base, how: How.Dev, field: f } : { ...base, how: How.DevText });
        continue;
      }
      if (op === Op.SignedHex) {
        // A signed long printed as 64-bit hex (`0x%lx` of a syscall's ret): the value, negative ones too.
        const direct = plainField(item.arg);
        if (item.kind !== ItemKind.Digit || item.spec === undefined || !digitsOnly(item.spec) || (item.spec.conv !== 'x' && item.spec.conv !== 'X') || item.spec.bits !== 64) return undefined;
        if (direct === undefined || direct.bits !== 64 || direct.field.size !== 8 || !direct.field.signed) return undefined;
        fields.push({ ...base, how: How.NumSigned, field: direct.field, limit: TWO53 });
        continue;
      }
      if (op === Op.Unsigned || op === Op.Signed || op === Op.Hex) {
        if (item.kind !== ItemKind.Digit || item.spec === undefined || !digitsOnly(item.spec)) return undefined;
        const conv = item.spec.conv;
        const hexConv = conv === 'x' || conv === 'X';
        if (op === Op.Hex ? !hexConv : !(conv === 'd' || conv === 'i' || conv === 'u')) return undefined;
        const direct = plainField(item.arg);
        if (direct !== undefined && item.spec.bits >= 32 && direct.bits >= 32) {
          const f = direct.field;
          const wide = f.size === 8 && item.spec.bits === 64 && direct.bits === 64;
          fields.push({ ...base, how: How.Num, field: f, limit: wide ? TWO53 : TWO31 });
        } else fields.push({ ...base, how: How.NumText, hex: op === Op.Hex });
        continue;
      }
      if (op === Op.Scan || op === Op.Word) {
        if (!spec.isString) return undefined;
        const f = item.kind === ItemKind.Str ? stringField(item.arg) : undefined;
        // Texts of one field's value are remembered, except for pointers (their values seldom repeat).
        const sole = f === undefined ? soleField(item.arg) : undefined;
        const memoField = sole !== undefined && !sole.isPointer ? sole : undefined;
        fields.push(f !== undefined ? { ...base, how: How.Str, field: f } : memoField ? { ...base, how: How.StrText, memoField, memo: { byHi: new Map(), size: 0 } } : { ...base, how: How.StrText });
        continue;
      }
      return undefined;
    }
    if (c !== convs.length) return undefined;
    const keySlots = [schema.slot('dev'), schema.slot('ino')].filter((s) => s >= 0);
    return new PayloadPlan(variant, fields, keySlots, compiled, little);
  }

  /**
   * Writes the record's fields into `num` / `str` (reset by the caller), all of them or only the key
   * (`dev`, `ino`); false when a value falls outside what the plan reads exactly (then nothing is kept).
   */
  decode(data: Uint8Array, start: number, length: number, ctxOf: () => RenderContext, keyOnly: boolean, num: Float64Array, str: Int32Array, strings: PlanStrings): boolean {
    const list = keyOnly ? this.keys : this.all;
    this.bound = false;
    for (let k = 0; k < list.length; k++) {
      const f = list[k]!;
      switch (f.how) {
        case How.Num: {
          const v = this.number(data, start, length, f.field!);
          if (!(v >= 0 && v < f.limit)) return false;
          num[f.slot] = v;
          break;
        }
        case How.NumSigned: {
          const v = this.signed64(data, start, length, f.field!);
          if (!(Math.abs(v) < TWO53)) return false;
          num[f.slot] = v;
          break;
        }
        case How.Dev: {
          const fd = f.field!;
          if (fd.offset + 4 > length) return false;
          num[f.slot] = this.u32(data, start + fd.offset);
          break;
        }
        case How.Str: {
          const id = this.string(data, start, length, f.field!, f.stop, f.word, strings);
          if (id < 0) return false;
          str[f.slot] = id;
          break;
        }
        case How.DevText: {
          this.bind(data, start, length, ctxOf);
          const maj = parseDigits(this.compiled.item(f.item), false);
          const min = parseDigits(this.compiled.item(f.item2), false);
          if (!(maj >= 0 && min >= 0)) return false;
          num[f.slot] = maj * 1048576 + min;
          break;
        }
        case How.NumText: {
          this.bind(data, start, length, ctxOf);
          const v = parseDigits(this.compiled.item(f.item), f.hex);
          if (!(v >= 0)) return false;
          num[f.slot] = v;
          break;
        }
        default: {
          const id = this.stringItem(f, data, start, length, ctxOf, strings);
          if (id < 0) return false;
          str[f.slot] = id;
        }
      }
    }
    return true;
  }

  /** Whether the record is bound to the compiled print format (once per decode, only when an item is rendered). */
  private bound = false;

  private bind(data: Uint8Array, start: number, length: number, ctxOf: () => RenderContext): void {
    if (this.bound) return;
    this.compiled.bind(data, start, length, ctxOf());
    this.bound = true;
  }

  /** A StrText field's string id (-1: a text the template could read otherwise), remembered per raw value when it can be. */
  private stringItem(f: Field, data: Uint8Array, start: number, length: number, ctxOf: () => RenderContext, strings: PlanStrings): number {
    const mf = f.memoField;
    const memo = f.memo;
    let byLo: Map<number, number> | undefined;
    let lo = 0;
    if (mf !== undefined && memo !== undefined && mf.offset + mf.size <= length) {
      const p = start + mf.offset;
      let hi = 0;
      if (mf.size === 8) {
        lo = this.little ? this.u32(data, p) : this.u32(data, p + 4);
        hi = this.little ? this.u32(data, p + 4) : this.u32(data, p);
      } else lo = mf.size === 4 ? this.u32(data, p) : mf.size === 2 ? this.u16(data, p) : data[p]!;
      byLo = memo.byHi.get(hi);
      const known = byLo?.get(lo);
      if (known !== undefined) return known;
      if (memo.size >= MEMO_MAX) byLo = undefined;
      else if (byLo === undefined) memo.byHi.set(hi, (byLo = new Map()));
    }
    this.bind(data, start, length, ctxOf);
    const text = this.compiled.item(f.item);
    const id = !safeText(text, f.stop) || (f.word && text.length === 0) ? -1 : strings.intern(text);
    if (byLo !== undefined) {
      byLo.set(lo, id);
      memo!.size++;
    }
    return id;
  }

  private u16(d: Uint8Array, p: number): number {
    return this.little ? d[p]! | (d[p + 1]! << 8) : (d[p]! << 8) | d[p + 1]!;
  }

  private u32(d: Uint8Array, p: number): number {
    return this.little ? (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0 : ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
  }

  /** A field's value read unsigned; -1 when it lies past the record or does not fit 2^53. */
  private number(d: Uint8Array, start: number, length: number, f: FormatField): number {
    if (f.offset + f.size > length) return -1;
    const p = start + f.offset;
    switch (f.size) {
      case 1:
        return f.signed && d[p]! >= 0x80 ? -1 : d[p]!;
      case 2: {
        const v = this.u16(d, p);
        return f.signed && v >= 0x8000 ? -1 : v;
      }
      case 4:
        return this.u32(d, p);
      case 8: {
        const lo = this.little ? this.u32(d, p) : this.u32(d, p + 4);
        const hi = this.little ? this.u32(d, p + 4) : this.u32(d, p);
        return hi >= 0x200000 ? -1 : hi * 4294967296 + lo;
      }
      default:
        return -1;
    }
  }

  /** A signed 8-byte field's value; NaN past the record or beyond 2^53. */
  private signed64(d: Uint8Array, start: number, length: number, f: FormatField): number {
    if (f.offset + 8 > length) return NaN;
    const p = start + f.offset;
    const lo = this.little ? this.u32(d, p) : this.u32(d, p + 4);
    const hi = this.little ? this.u32(d, p + 4) : this.u32(d, p);
    if (hi < 0x200000) return hi * 4294967296 + lo;
    if (hi >= 0xffe00000) return (hi - 4294967296) * 4294967296 + lo;
    return NaN;
  }

  /** The interned string of a char array / __data_loc field, -1 when it holds a byte the template could read otherwise. */
  private string(d: Uint8Array, start: number, length: number, f: FormatField, stop: number, word: boolean, strings: PlanStrings): number {
    let from: number;
    let max: number;
    if (f.isDynamic) {
      if (f.offset + f.size > length || (f.size !== 4 && f.size !== 2)) return -1;
      const v = f.size === 4 ? this.u32(d, start + f.offset) : this.u16(d, start + f.offset);
      const o = v & 0xffff;
      const l = f.size === 2 ? length - o : (v >>> 16) & 0xffff;
      if (o > length || o + l > length || f.isRelative) return -1;
      // The string runs to its NUL or the end of the record, as libtraceevent prints it (not to its length).
      from = o;
      max = length - o;
    } else {
      from = f.offset;
      max = f.size || length - f.offset;
    }
    const end = start + Math.min(length, from + max);
    let i = start + from;
    const s = i;
    while (i < end && d[i] !== 0) {
      const b = d[i]!;
      if (!safeByte(b) || b === stop) return -1;
      i++;
    }
    if (word && i === s) return -1;
    return strings.internBytes(d, s, i);
  }
}

/** A conversion whose text is digits only, whatever the value (no blank padding, sign or prefix): `%u`, `%08lx`. */
function digitsOnly(spec: { left: boolean; plus: boolean; space: boolean; alt: boolean; width: number; precision: number; zero: boolean }): boolean {
  return !spec.left && !spec.plus && !spec.space && !spec.alt && spec.precision === -1 && (spec.width === -1 || (spec.width >= 0 && spec.zero));
}

/** Bytes a string field may hold and still be read back the same from the rendered line. */
function safeByte(b: number): boolean {
  return b > 0x20 && b < 0x7f && b !== 0x5b && b !== 0x5d && b !== 0x28 && b !== 0x29 && b !== 0x2c && b !== 0x3d;
}

function safeText(s: string, stop: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!safeByte(c) || c === stop) return false;
  }
  return true;
}

/** A plain number's value from its text (decimal, or hex without `0x`); NaN when it is anything else or above 2^53. */
function parseDigits(s: string, hex: boolean): number {
  if (s.length === 0 || s.length > (hex ? 13 : 15)) return NaN;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return NaN;
    v = hex ? v * 16 + d : v * 10 + d;
  }
  return v;
}

/**
 * The one scalar field an argument reads, when its text is a function of that field's value alone (fields,
 * constants, operators, casts, __print_flags / __print_symbolic): undefined otherwise.
 */
function soleField(arg: PrintArg | undefined): FormatField | undefined {
  let found: FormatField | undefined;
  let ok = true;
  const walk = (a: PrintArg | undefined, depth: number): void => {
    if (a === undefined || !ok) return;
    if (depth > 64) {
      ok = false;
      return;
    }
    switch (a.kind) {
      case ArgKind.Atom:
        return;
      case ArgKind.Field: {
        const f = a.field;
        if (f === undefined || f.isArray || f.isDynamic || f.isString || ![1, 2, 4, 8].includes(f.size) || (found !== undefined && found !== f)) ok = false;
        else found = f;
        return;
      }
      case ArgKind.Op:
      case ArgKind.Type:
      case ArgKind.Flags:
      case ArgKind.Symbol:
        walk(a.left, depth + 1);
        walk(a.right, depth + 1);
        walk(a.item, depth + 1);
        return;
      default:
        ok = false;
    }
  };
  walk(arg, 0);
  return ok ? found : undefined;
}

/** The field an argument reads (first REC->field in it). */
function fieldOf(arg: PrintArg | undefined): FormatField | undefined {
  if (arg === undefined) return undefined;
  if (arg.kind === ArgKind.Field) return arg.field;
  return fieldOf(arg.left) ?? fieldOf(arg.right) ?? fieldOf(arg.item);
}

/** `REC->field` or `(type)REC->field` of a scalar field: the field and the bits the cast keeps. */
function plainField(arg: PrintArg | undefined): { field: FormatField; bits: number } | undefined {
  if (arg === undefined) return undefined;
  let bits = 64;
  let a = arg;
  if (a.kind === ArgKind.Type) {
    if (a.item === undefined || a.atom.includes('*')) return undefined;
    bits = castBits(a.atom, false);
    a = a.item;
  }
  const f = a.kind === ArgKind.Field ? a.field : undefined;
  if (f === undefined || f.isArray || f.isDynamic || f.isString || f.isPointer || ![1, 2, 4, 8].includes(f.size)) return undefined;
  // A signed field below the limits prints alike; above them (negative) `decode` gives up.
  return { field: f, bits: Math.min(bits, 64) };
}

/** The char array or __data_loc string a `%s` prints. */
function stringField(arg: PrintArg | undefined): FormatField | undefined {
  if (arg === undefined) return undefined;
  // (A plain REC->field of a __data_loc field prints its descriptor, not the string.)
  if (arg.kind === ArgKind.Field && arg.field?.isString && !arg.field.isDynamic) return arg.field;
  if (arg.kind === ArgKind.String && arg.field?.isDynamic) return arg.field;
  return undefined;
}
