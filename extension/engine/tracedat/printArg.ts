/**
 * PrintArg: one node of a compiled `print fmt` argument, shaped like libtraceevent's struct tep_print_arg
 * (an atom, a REC->field, an operator, a cast, __print_flags/_symbolic/_hex/_array, __get_str, a dynamic
 * array, a plugin function call...). It is a mutable record on purpose: the parser port copies and swaps
 * nodes in place exactly as event-parse.c does (`*left = *arg`, operator rotation), and those moves decide
 * how trace-cmd groups operators.
 */
import type { FormatField } from './eventFormat';
import type { PrintFunction } from './printFunctions';

/** Numbered like enum tep_print_arg_type (libtraceevent prints the number in some error texts). */
export const enum ArgKind {
  Null = 0,
  Atom = 1,
  Field = 2,
  Flags = 3,
  Symbol = 4,
  Hex = 5,
  IntArray = 6,
  Type = 7,
  String = 8,
  BString = 9,
  DynArray = 10,
  Op = 11,
  Func = 12,
  Bitmask = 13,
  DynArrayLen = 14,
  HexStr = 15,
  Cpumask = 16,
}

export interface FlagSym {
  readonly value: string;
  readonly str: string;
  /** eval_flag(value), computed once (signed 64-bit). */
  readonly num: bigint;
  /** The same as the evaluator's unsigned value (for __print_symbolic equality). */
  readonly u: number | bigint;
  /** num when 0 < num < 2^32, else 0 (the __print_flags fast path). */
  readonly small: number;
}

/** Per-node caches filled on first evaluation. */
export interface ArgCache {
  /** Atom value (strtoull, or the kallsyms address of a name). */
  atomValue?: number | bigint;
  /** Bits a cast keeps (8, 16, 32 or 64). */
  castBits?: number;
  /** Bits a cast of the pointed-to element keeps, for `(type *)REC->arr[i]`. */
  castPtrBits?: number;
  /** The node depends on no field: its value is computed once. */
  isConst?: boolean;
  constValue?: number | bigint;
}

export class PrintArg {
  kind: ArgKind = ArgKind.Null;
  /** Atom text; the type name of a cast; the string of a BString. */
  atom = '';
  /** Field name (REC->name, __get_str(name), __get_bitmask(name)). */
  name = '';
  field: FormatField | undefined = undefined;
  op = '';
  prio = 0;
  left: PrintArg | undefined = undefined;
  right: PrintArg | undefined = undefined;
  /** Cast operand; the value argument of __print_flags/__print_symbolic/__print_hex/__print_array. */
  item: PrintArg | undefined = undefined;
  /** __print_hex size, __print_array count. */
  size: PrintArg | undefined = undefined;
  /** __print_array element size. */
  elSize: PrintArg | undefined = undefined;
  delim: string | undefined = undefined;
  syms: FlagSym[] = [];
  func: PrintFunction | undefined = undefined;
  args: PrintArg[] = [];
  cache: ArgCache = {};

  copyFrom(o: PrintArg): void {
    this.kind = o.kind;
    this.atom = o.atom;
    this.name = o.name;
    this.field = o.field;
    this.op = o.op;
    this.prio = o.prio;
    this.left = o.left;
    this.right = o.right;
    this.item = o.item;
    this.size = o.size;
    this.elSize = o.elSize;
    this.delim = o.delim;
    this.syms = o.syms;
    this.func = o.func;
    this.args = o.args;
    this.cache = {};
  }

  clone(): PrintArg {
    const c = new PrintArg();
    c.copyFrom(this);
    return c;
  }

  static atomOf(text: string): PrintArg {
    const a = new PrintArg();
    a.kind = ArgKind.Atom;
    a.atom = text;
    return a;
  }
}

export const enum ItemKind {
  Text = 0,
  Digit,
  Pointer,
  Str,
}
