/**
 * parseEventFormat: one kernel event `format` file (tracefs `events/<sys>/<ev>/format`, or as stored in a
 * trace.dat, ftrace's own events included) into its name, id and fields, with the field flags libtraceevent
 * 1.7.1 derives from the type text (array, string, dynamic `__data_loc`, relative `__rel_loc`, pointer,
 * long, signed) and its element size. A port of event_read_name/id/format/fields (event-parse.c), so a
 * field's type text and flags are the ones trace-cmd works from.
 *
 * The print format is not compiled here (see printFmt.ts): the EventFormat keeps the text and where the
 * `print fmt:` part starts. A format whose name or ID cannot be read raises an EventFormatError; one whose
 * fields do not parse is returned with `error` set and the fields read so far, which trace-cmd prints as
 * `[FAILED TO PARSE]` followed by those fields. Work is linear in the text (see FormatLexer).
 *
 * parseFormatFields reads a bare field list (the trace.dat `header_page`).
 */
import { strtoulNumber } from './cNumbers';
import { FormatLexer, FormatSyntaxError, Tok, expectToken, tokName, type Token } from './formatLexer';

export const FIELD_IS_ARRAY = 1;
export const FIELD_IS_POINTER = 2;
export const FIELD_IS_SIGNED = 4;
export const FIELD_IS_STRING = 8;
export const FIELD_IS_DYNAMIC = 16;
export const FIELD_IS_LONG = 32;
export const FIELD_IS_RELATIVE = 256;

export interface FormatField {
  readonly name: string;
  /** The type as libtraceevent spells it, e.g. `const char *`, `char[16]`, `__data_loc char[]`. */
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  /** `signed:1` in the format. */
  readonly signed: boolean;
  /** FIELD_IS_* bits. */
  readonly flags: number;
  readonly isArray: boolean;
  /** `__data_loc` or `__rel_loc`: the field holds (length << 16 | offset) of data after the fixed part. */
  readonly isDynamic: boolean;
  /** `__rel_loc`: the offset counts from the end of the field. */
  readonly isRelative: boolean;
  /** A char/u8/s8 array (fixed or dynamic). */
  readonly isString: boolean;
  readonly isPointer: boolean;
  /** The number in `[N]`; 0 for `[]` and dynamic arrays. */
  readonly arrayLength: number;
  readonly elementSize: number;
  readonly common: boolean;
}

export interface EventFormat {
  readonly system: string;
  readonly name: string;
  readonly id: number;
  readonly commonFields: readonly FormatField[];
  readonly fields: readonly FormatField[];
  /** Set when the field list does not parse: why. The event then renders as `[FAILED TO PARSE]`. */
  readonly error?: string;
  /** The format text, and where its `print fmt:` part starts (after the field lists). */
  readonly source: string;
  readonly printOffset: number;
  /** Kernel long size the format was read with (element size of `long` arrays, `sizeof(long)`). */
  readonly longSize: 4 | 8;
}

/** Where printFmt.ts keeps an event's compiled print format (not part of the API). */
export const COMPILED: unique symbol = Symbol('compiled print format');

export class EventFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventFormatError';
  }
}

export interface ParseFormatOptions {
  /** The traced kernel's long size (trace.dat header); 8 when not given. */
  readonly longSize?: 4 | 8;
}

const TYPE_SIZES: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8, char: 1 };

class FieldBuilder {
  type: string | undefined;
  name = '';
  flags = 0;
  arrayLength = 0;
  offset = 0;
  size = 0;
  elementSize = 0;
}

function freeze(b: FieldBuilder, common: boolean): FormatField {
  const f = b.flags;
  return Object.freeze({
    name: b.name,
    type: b.type ?? '',
    offset: b.offset,
    size: b.size,
    signed: (f & FIELD_IS_SIGNED) !== 0,
    flags: f,
    isArray: (f & FIELD_IS_ARRAY) !== 0,
    isDynamic: (f & FIELD_IS_DYNAMIC) !== 0,
    isRelative: (f & FIELD_IS_RELATIVE) !== 0,
    isString: (f & FIELD_IS_STRING) !== 0,
    isPointer: (f & FIELD_IS_POINTER) !== 0,
    arrayLength: b.arrayLength,
    elementSize: b.elementSize,
    common,
  });
}

/**
 * event_read_fields: fields until a blank line. Returns the fields read; on a syntax error throws a
 * FormatSyntaxError after pushing the complete fields into `out`.
 */
function readFields(lx: FormatLexer, isFtrace: boolean, longSize: number, common: boolean, out: FormatField[], eofEnds = false): void {
  for (;;) {
    let t = lx.token();
    if (t.type === Tok.Newline || (eofEnds && t.type === Tok.None)) return;
    expectToken(t, Tok.Item, 'field');
    t = lx.token();
    if (isFtrace && t.type === Tok.Item && t.text === 'special') t = lx.token();
    expectToken(t, Tok.Op, ':');
    t = lx.token();
    expectToken(t, Tok.Item);
    let last = t.text;
    const fb = new FieldBuilder();
    let delim = ' ';
    let sizeDynamic = 0;
    for (;;) {
      t = lx.token();
      if (t.type === Tok.Item || (t.type === Tok.Op && t.text === '*') || (isFtrace && t.type === Tok.Op && t.text === '.')) {
        if (t.text === '*') fb.flags |= FIELD_IS_POINTER;
        fb.type = fb.type !== undefined ? fb.type + delim + last : last;
        last = t.text;
        delim = ' ';
        continue;
      }
      if (t.type === Tok.Delim && last === '__attribute__' && t.text === '(') {
        // __attribute__((user)) and the like are kept in the type text
        fb.type = (fb.type ?? '') + ' ' + last + '(';
        delim = ' ';
        let depth = 1;
        for (;;) {
          t = lx.token();
          if (t.type === Tok.None) break;
          if (t.type === Tok.Delim) {
            if (t.text === '(') depth++;
            else if (t.text === ')') depth--;
            if (depth === 0) break;
            fb.type += t.text;
            delim = '';
          } else {
            fb.type += delim + t.text;
            delim = ' ';
          }
          last = t.text;
        }
        continue;
      }
      break;
    }
    if (fb.type === undefined) throw new FormatSyntaxError('no type found');
    fb.name = last;
    if (t.type !== Tok.Op) throw new FormatSyntaxError(`expected OP but read ${tokName(t.type)} '${t.text}'`);
    if (t.text === '[') {
      let lastType: Tok = t.type;
      let brackets = '[';
      fb.flags |= FIELD_IS_ARRAY;
      t = lx.token();
      fb.arrayLength = t.type === Tok.Item ? strtoulNumber(t.text) : 0;
      while (t.text !== ']') {
        const d = lastType === Tok.Item && t.type === Tok.Item ? ' ' : '';
        lastType = t.type;
        brackets += d + t.text;
        fb.arrayLength = strtoulNumber(t.text);
        t = lx.token();
        if (t.type === Tok.None) throw new FormatSyntaxError('failed to find token');
      }
      brackets += ']';
      t = lx.token();
      if (t.type === Tok.Item) {
        fb.type += ' ' + fb.name + brackets;
        sizeDynamic = TYPE_SIZES[fb.name] ?? 0;
        fb.name = t.text;
        t = lx.token();
      } else {
        fb.type += brackets;
      }
    }
    const type = fb.type;
    if ((fb.flags & FIELD_IS_ARRAY) !== 0 && (type.includes('char') || type.includes('u8') || type.includes('s8'))) fb.flags |= FIELD_IS_STRING;
    if (type.startsWith('__data_loc')) fb.flags |= FIELD_IS_DYNAMIC;
    if (type.startsWith('__rel_loc')) fb.flags |= FIELD_IS_DYNAMIC | FIELD_IS_RELATIVE;
    if (type.includes('long')) fb.flags |= FIELD_IS_LONG;
    expectToken(t, Tok.Op, ';');
    expectToken(lx.token(), Tok.Item, 'offset');
    expectToken(lx.token(), Tok.Op, ':');
    t = lx.token();
    expectToken(t, Tok.Item);
    fb.offset = strtoulNumber(t.text);
    expectToken(lx.token(), Tok.Op, ';');
    expectToken(lx.token(), Tok.Item, 'size');
    expectToken(lx.token(), Tok.Op, ':');
    t = lx.token();
    expectToken(t, Tok.Item);
    fb.size = strtoulNumber(t.text);
    if ((fb.flags & FIELD_IS_DYNAMIC) !== 0 && fb.size === 2) fb.flags |= FIELD_IS_STRING | FIELD_IS_ARRAY;
    expectToken(lx.token(), Tok.Op, ';');
    t = lx.token();
    if (t.type !== Tok.Newline) {
      expectToken(t, Tok.Item, 'signed');
      expectToken(lx.token(), Tok.Op, ':');
      t = lx.token();
      expectToken(t, Tok.Item);
      if (strtoulNumber(t.text) !== 0) fb.flags |= FIELD_IS_SIGNED;
      expectToken(lx.token(), Tok.Op, ';');
      expectToken(lx.token(), Tok.Newline);
    }
    if ((fb.flags & (FIELD_IS_ARRAY | FIELD_IS_DYNAMIC)) !== 0) {
      if (fb.arrayLength) fb.elementSize = Math.floor(fb.size / fb.arrayLength);
      else if ((fb.flags & FIELD_IS_DYNAMIC) !== 0) fb.elementSize = sizeDynamic;
      else if ((fb.flags & FIELD_IS_STRING) !== 0) fb.elementSize = 1;
      else if ((fb.flags & FIELD_IS_LONG) !== 0) fb.elementSize = longSize;
    } else {
      fb.elementSize = fb.size;
    }
    out.push(freeze(fb, common));
  }
}

function describe(e: unknown): string {
  if (e instanceof FormatSyntaxError) return e.message;
  if (e instanceof RangeError) return 'format too deeply nested';
  return e instanceof Error ? e.message : String(e);
}

/** Parses one event format text. Throws only EventFormatError (name or ID unreadable). */
export function parseEventFormat(system: string, text: string, options: ParseFormatOptions = {}): EventFormat {
  const longSize = options.longSize ?? 8;
  const lx = new FormatLexer(text);
  let name: string;
  let id: number;
  try {
    expectToken(lx.token(), Tok.Item, 'name');
    expectToken(lx.token(), Tok.Op, ':');
    const n: Token = lx.token();
    expectToken(n, Tok.Item);
    name = n.text;
    expectToken(lx.item(), Tok.Item, 'ID');
    expectToken(lx.token(), Tok.Op, ':');
    const i = lx.token();
    expectToken(i, Tok.Item);
    id = strtoulNumber(i.text);
    if (id > 0x7fffffff) throw new FormatSyntaxError(`bad ID ${i.text}`);
  } catch (e) {
    throw new EventFormatError(`${system}: event format: ${describe(e)}`);
  }
  const isFtrace = system === 'ftrace';
  const commonFields: FormatField[] = [];
  const fields: FormatField[] = [];
  let error: string | undefined;
  try {
    expectToken(lx.item(), Tok.Item, 'format');
    expectToken(lx.token(), Tok.Op, ':');
    expectToken(lx.token(), Tok.Newline);
    readFields(lx, isFtrace, longSize, true, commonFields);
    readFields(lx, isFtrace, longSize, false, fields);
  } catch (e) {
    error = `${system}:${name}: fields: ${describe(e)}`;
  }
  Object.freeze(commonFields);
  Object.freeze(fields);
  const ev: EventFormat & { [COMPILED]?: unknown } = { system, name, id, commonFields, fields, source: text, printOffset: lx.pos, longSize };
  if (error !== undefined) (ev as { error?: string }).error = error;
  // a slot for the compiled print format (printFmt.ts), present from the start so the object keeps one shape
  Object.defineProperty(ev, COMPILED, { value: undefined, writable: true, enumerable: false });
  return ev;
}

/** Like parseEventFormat but never throws: an unreadable name or ID is returned as `{ error }`. */
export function tryParseEventFormat(system: string, text: string, options: ParseFormatOptions = {}): EventFormat | { readonly error: string } {
  try {
    return parseEventFormat(system, text, options);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** A bare field list such as the trace.dat `header_page` (no name/ID/format lines). */
export function parseFormatFields(text: string, options: ParseFormatOptions = {}): { fields: FormatField[]; error?: string } {
  const lx = new FormatLexer(text);
  const fields: FormatField[] = [];
  try {
    readFields(lx, true, options.longSize ?? 8, false, fields, true);
    return { fields };
  } catch (e) {
    return { fields, error: describe(e) };
  }
}

export function findField(fmt: EventFormat, name: string): FormatField | undefined {
  for (const f of fmt.fields) if (f.name === name) return f;
  return undefined;
}

export function findCommonField(fmt: EventFormat, name: string): FormatField | undefined {
  for (const f of fmt.commonFields) if (f.name === name) return f;
  return undefined;
}

/** tep_find_any_field: common fields first, then the event's own. */
export function findAnyField(fmt: EventFormat, name: string): FormatField | undefined {
  return findCommonField(fmt, name) ?? findField(fmt, name);
}
