/**
 * compilePrintFmt: the `print fmt: "..." , args` part of an event format into the format string and its
 * argument trees (PrintArg), a port of libtraceevent 1.7.1's event_read_print() and the process_*()
 * family (event-parse.c). The port keeps libtraceevent's grouping rules rather than C's, since trace-cmd's
 * output is the reference: operator precedence by rotation (so `a * (b + c)` groups as `(a*b)+c`), a
 * ternary that swallows a following operator, `%`-less `__get_dynamic_array(x)[i]` rejected, one
 * `process_arg` per plugin-function argument, constant folding of atom-only operations, and the functions
 * it knows (__print_flags, __print_symbolic, __print_hex(_str), __print_array, __get_str, __get_bitmask,
 * __get_cpumask, __get_dynamic_array(_len), __get_sockaddr, __builtin_expect, sizeof, plugin functions).
 * An unknown function fails the whole event (trace-cmd prints `[FAILED TO PARSE]`).
 *
 * Bounded work: the lexer's token budget and a nesting limit; any failure is a FormatSyntaxError.
 */
import { normU64, strtoll, strtoull } from './cNumbers';
import { FIELD_IS_ARRAY, findAnyField, findField, type EventFormat } from './eventFormat';
import { FormatLexer, FormatSyntaxError, Tok, expectToken, type Token } from './formatLexer';
import { ArgKind, PrintArg, type FlagSym } from './printArg';
import { findPrintFunction } from './printFunctions';

const MAX_DEPTH = 400;

export interface ParsedPrint {
  readonly format: string;
  readonly args: PrintArg[];
}

function err(msg: string): never {
  throw new FormatSyntaxError(msg);
}

function isItemType(t: Tok): boolean {
  return t === Tok.Item || t === Tok.DQuote || t === Tok.SQuote;
}

export function getOpPrio(op: string): number {
  if (op.length === 1) {
    switch (op) {
      case '~':
      case '!':
        return 4;
      case '*':
      case '/':
      case '%':
        return 6;
      case '+':
      case '-':
        return 7;
      case '<':
      case '>':
        return 9;
      case '&':
        return 11;
      case '^':
        return 12;
      case '|':
        return 13;
      case '?':
        return 16;
      default:
        return -1;
    }
  }
  switch (op) {
    case '++':
    case '--':
      return 3;
    case '>>':
    case '<<':
      return 8;
    case '>=':
    case '<=':
      return 9;
    case '==':
    case '!=':
      return 10;
    case '&&':
      return 14;
    case '||':
      return 15;
    default:
      return -1;
  }
}

const BINARY_OPS = new Set(['>>', '<<', '&', '|', '&&', '||', '-', '+', '*', '^', '/', '%', '<', '>', '<=', '>=', '==', '!=']);

const M64 = 0xffffffffffffffffn;

/** consolidate_op_arg: an operation on two atoms becomes an atom (unsigned 64-bit, printed as %lld). */
function consolidate(arg: PrintArg): void {
  if (arg.kind !== ArgKind.Op) return;
  if (arg.left) consolidate(arg.left);
  if (arg.right) consolidate(arg.right);
  if (!arg.left || !arg.right) return;
  if (arg.left.kind !== ArgKind.Atom || arg.right.kind !== ArgKind.Atom) return;
  const l = strtoull(arg.left.atom);
  const r = strtoull(arg.right.atom);
  const op = arg.op;
  let v: bigint;
  const b = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op[0]) {
    case '>':
      v = op[1] === '>' ? (r >= 64n ? l >> (r & 63n) : l >> r) : op[1] === '=' ? b(l >= r) : b(l > r);
      break;
    case '<':
      v = op[1] === '<' ? (l << (r & 63n)) & M64 : op[1] === '=' ? b(l <= r) : b(l < r);
      break;
    case '&':
      v = op[1] === '&' ? b(l !== 0n && r !== 0n) : l & r;
      break;
    case '|':
      v = op[1] === '|' ? b(l !== 0n || r !== 0n) : l | r;
      break;
    case '-':
      v = (l - r) & M64;
      break;
    case '+':
      v = (l + r) & M64;
      break;
    case '*':
      v = (l * r) & M64;
      break;
    case '^':
      v = l ^ r;
      break;
    case '/':
      if (r === 0n) err('division by zero in constant');
      v = l / r;
      break;
    case '%':
      if (r === 0n) err('division by zero in constant');
      v = l % r;
      break;
    case '=':
      v = b(l === r);
      break;
    case '!':
      v = b(l !== r);
      break;
    default:
      return;
  }
  arg.kind = ArgKind.Atom;
  arg.atom = BigInt.asIntN(64, v).toString();
  arg.left = undefined;
  arg.right = undefined;
}

/** arg_num_eval, used on __print_flags/__print_symbolic table entries (signed 64-bit). */
function argNumEval(arg: PrintArg): bigint | undefined {
  const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
  switch (arg.kind) {
    case ArgKind.Atom:
      return strtoll(arg.atom);
    case ArgKind.Type: {
      const v = argNumEval(arg.item!);
      if (v === undefined) return undefined;
      return s64(BigInt(evalTypeStr(BigInt.asUintN(64, v), arg.atom, false)));
    }
    case ArgKind.Op: {
      const op = arg.op;
      const bin = (): [bigint, bigint] | undefined => {
        const l = argNumEval(arg.left!);
        if (l === undefined) return undefined;
        const r = argNumEval(arg.right!);
        if (r === undefined) return undefined;
        return [l, r];
      };
      const b = (x: boolean): bigint => (x ? 1n : 0n);
      switch (op[0]) {
        case '|': {
          const p = bin();
          return p && (op[1] ? b(p[0] !== 0n || p[1] !== 0n) : p[0] | p[1]);
        }
        case '&': {
          const p = bin();
          return p && (op[1] ? b(p[0] !== 0n && p[1] !== 0n) : p[0] & p[1]);
        }
        case '<': {
          const p = bin();
          if (!p) return undefined;
          if (!op[1]) return b(p[0] < p[1]);
          if (op[1] === '<') return s64(p[0] << (p[1] & 63n));
          if (op[1] === '=') return b(p[0] <= p[1]);
          return undefined;
        }
        case '>': {
          const p = bin();
          if (!p) return undefined;
          if (!op[1]) return b(p[0] > p[1]);
          if (op[1] === '>') return p[0] >> (p[1] & 63n);
          if (op[1] === '=') return b(p[0] >= p[1]);
          return undefined;
        }
        case '=': {
          const p = bin();
          if (!p || op[1] !== '=') return undefined;
          return b(p[0] === p[1]);
        }
        case '!': {
          const p = bin();
          if (!p || op[1] !== '=') return undefined;
          return b(p[0] !== p[1]);
        }
        case '-':
        case '+': {
          const l = arg.left!.kind === ArgKind.Null ? 0n : argNumEval(arg.left!);
          if (l === undefined) return undefined;
          const r = argNumEval(arg.right!);
          if (r === undefined) return undefined;
          return s64(op[0] === '-' ? l - r : l + r);
        }
        case '~': {
          const r = argNumEval(arg.right!);
          return r === undefined ? undefined : s64(~r);
        }
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** arg_eval: the text of a flag/symbol table entry. */
function argEval(arg: PrintArg): string | undefined {
  switch (arg.kind) {
    case ArgKind.Atom:
      return arg.atom;
    case ArgKind.Type:
      return argEval(arg.item!);
    case ArgKind.Op: {
      const v = argNumEval(arg);
      return v === undefined ? undefined : v.toString();
    }
    default:
      return undefined;
  }
}

const FLAG_NAMES: Record<string, bigint> = {
  HI_SOFTIRQ: 0n,
  TIMER_SOFTIRQ: 1n,
  NET_TX_SOFTIRQ: 2n,
  NET_RX_SOFTIRQ: 3n,
  BLOCK_SOFTIRQ: 4n,
  IRQ_POLL_SOFTIRQ: 5n,
  TASKLET_SOFTIRQ: 6n,
  SCHED_SOFTIRQ: 7n,
  HRTIMER_SOFTIRQ: 8n,
  RCU_SOFTIRQ: 9n,
  HRTIMER_NORESTART: 0n,
  HRTIMER_RESTART: 1n,
};

/** eval_flag: a numeric entry, a known softirq/hrtimer name, or -1. */
function evalFlag(value: string): bigint {
  const c = value.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return BigInt.asIntN(64, strtoull(value));
  return FLAG_NAMES[value] ?? -1n;
}

/** eval_type_str: what a cast does to an unsigned 64-bit value (libtraceevent never sign-extends). */
export function evalTypeStr(val: bigint, type: string, pointer: boolean): bigint {
  const len = type.length;
  if (len < 2) return val;
  if (pointer) {
    if (type[len - 1] !== '*') return val;
    return evalTypeStr(val, type.slice(0, len - 2), false);
  }
  if (type[len - 1] === '*') return val;
  if (type.startsWith('struct')) return val;
  switch (type) {
    case 'u8':
    case 's8':
      return val & 0xffn;
    case 'u16':
    case 's16':
      return val & 0xffffn;
    case 'u32':
    case 's32':
      return val & 0xffffffffn;
    case 'u64':
    case 's64':
      return val;
    default:
      break;
  }
  const t = type.startsWith('unsigned ') ? type.slice(9) : type;
  if (t === 'char') return val & 0xffn;
  if (t === 'short') return val & 0xffffn;
  if (t === 'int') return val & 0xffffffffn;
  return val;
}

/** Marks the subtrees that depend on no record data (their value is then computed once). */
export function markConst(arg: PrintArg | undefined): boolean {
  if (!arg) return true;
  let c = false;
  switch (arg.kind) {
    case ArgKind.Null:
    case ArgKind.Atom:
      c = true;
      break;
    case ArgKind.Op: {
      const l = markConst(arg.left);
      const r = markConst(arg.right);
      c = arg.op !== '[' && l && r;
      break;
    }
    case ArgKind.Type:
      c = markConst(arg.item);
      break;
    default:
      markConst(arg.item);
      markConst(arg.size);
      markConst(arg.elSize);
      for (const a of arg.args) markConst(a);
      break;
  }
  arg.cache.isConst = c;
  return c;
}

/** Bits a cast to `type` keeps (eval_type_str): 8, 16, 32, or 64 for no change. */
export function castBits(type: string, pointer: boolean): number {
  const probe = evalTypeStr(0xffffffffffffffffn, type, pointer);
  return probe === 0xffn ? 8 : probe === 0xffffn ? 16 : probe === 0xffffffffn ? 32 : 64;
}

class Parser {
  private depth = 0;

  constructor(
    private readonly lx: FormatLexer,
    private readonly ev: EventFormat,
  ) {}

  /** Runs one level of the recursive descent, refusing formats nested deeper than MAX_DEPTH. */
  private nested<T>(step: () => T): T {
    if (++this.depth > MAX_DEPTH) err('print fmt nested too deeply');
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  /** process_arg: reads a token and processes it into `arg`; returns the token after the argument. */
  processArg(arg: PrintArg): Token {
    return this.processArgToken(arg, this.lx.token());
  }

  processArgToken(arg: PrintArg, t: Token): Token {
    return this.nested(() => this.processArgTokenInner(arg, t));
  }

  private processArgTokenInner(arg: PrintArg, t: Token): Token {
    switch (t.type) {
      case Tok.Item: {
        if (t.text === 'REC') return this.processEntry(arg);
        let atom = t.text;
        let n = this.lx.item();
        if (n.type === Tok.Delim && n.text === '(') return this.processFunction(arg, atom);
        while (n.type === Tok.Item) {
          atom += ' ' + n.text;
          n = this.lx.item();
        }
        arg.kind = ArgKind.Atom;
        arg.atom = atom;
        return n;
      }
      case Tok.DQuote:
      case Tok.SQuote:
        arg.kind = ArgKind.Atom;
        arg.atom = t.text;
        return this.lx.item();
      case Tok.Delim:
      case Tok.Op:
        if (t.type === Tok.Delim && t.text === '(') return this.processParen(arg);
        // a unary operator (a lone ')' or ',' fails as a bad one)
        arg.kind = ArgKind.Op;
        arg.op = t.text;
        arg.left = undefined;
        return this.processOp(arg, t);
      default:
        return err(`unexpected token '${t.text}'`);
    }
  }

  /** process_op: `tok` is the operator; `arg` becomes the operation. Returns the token after it. */
  processOp(arg: PrintArg, tok: Token): Token {
    return this.nested(() => this.processOpInner(arg, tok));
  }

  private processOpInner(arg: PrintArg, tok: Token): Token {
    const token = tok.text;
    let right: PrintArg | undefined;
    let next: Token;
    if (arg.kind === ArgKind.Op && !arg.left) {
      const c = token[0];
      if ((c !== '~' && c !== '!' && c !== '+' && c !== '-') || token.length !== 1) err(`bad op token ${token}`);
      const left = new PrintArg();
      left.kind = ArgKind.Null;
      arg.left = left;
      right = new PrintArg();
      arg.right = right;
      next = this.processArg(right);
    } else if (token === '?') {
      const left = arg.clone();
      arg.kind = ArgKind.Op;
      arg.op = token;
      arg.left = left;
      arg.right = undefined;
      arg.prio = 0;
      next = this.processCond(arg);
    } else if (BINARY_OPS.has(token)) {
      const left = arg.clone();
      arg.kind = ArgKind.Op;
      arg.op = token;
      arg.left = left;
      arg.right = undefined;
      arg.prio = left.kind === ArgKind.Null ? 0 : getOpPrio(token);
      if (arg.prio === -1) err(`unknown op '${token}'`);
      next = this.lx.item();
      if (token === '*' && next.type === Tok.Delim && next.text === ')') {
        // a pointer type: "(unsigned long *)"
        if (left.kind !== ArgKind.Atom) err('bad pointer type');
        left.atom += ' *';
        arg.copyFrom(left);
        return next;
      }
      right = new PrintArg();
      next = this.processArgToken(right, next);
      if (right.kind === ArgKind.Op && getOpPrio(arg.op) < getOpPrio(right.op)) {
        // rotate ops according to the priority
        arg.right = right.left;
        const tmp = arg.clone();
        arg.copyFrom(right);
        right.copyFrom(tmp);
        arg.left = right;
      } else {
        arg.right = right;
      }
    } else if (token === '[') {
      const left = arg.clone();
      arg.kind = ArgKind.Op;
      arg.op = token;
      arg.left = left;
      arg.right = undefined;
      arg.prio = 0;
      next = this.processArray(arg);
    } else {
      return err(`unknown op '${token}'`);
    }
    if (next.type === Tok.Op && next.text !== ':') {
      const prio = getOpPrio(next.text);
      if (prio > arg.prio) return this.processOp(arg, next);
      if (!right) err(`cannot apply '${next.text}' here`);
      return this.processOp(right, next);
    }
    return next;
  }

  /** process_cond: `top` is the `?` operation; reads `left : right`. */
  private processCond(top: PrintArg): Token {
    const arg = new PrintArg();
    const left = new PrintArg();
    const right = new PrintArg();
    arg.kind = ArgKind.Op;
    arg.left = left;
    arg.right = right;
    let t = this.processArg(left);
    while (t.type === Tok.Op && t.text !== ':') t = this.processOp(left, t);
    expectToken(t, Tok.Op, ':');
    arg.op = ':';
    t = this.processArg(right);
    top.right = arg;
    return t;
  }

  /** process_array: `top` is the `[` operation; reads `index ]`. */
  private processArray(top: PrintArg): Token {
    const arg = new PrintArg();
    const t = this.processArg(arg);
    expectToken(t, Tok.Op, ']');
    top.right = arg;
    return this.lx.item();
  }

  /** process_entry: after `REC`: `->field`, or `)` of `(REC)->`. */
  private processEntry(arg: PrintArg): Token {
    let t = this.lx.item();
    if (t.type === Tok.Delim && t.text === ')') return { type: Tok.Item, text: ')' };
    expectToken(t, Tok.Op, '->');
    t = this.lx.token();
    expectToken(t, Tok.Item);
    arg.kind = ArgKind.Field;
    arg.name = t.text;
    arg.field = findAnyField(this.ev, t.text);
    return this.lx.token();
  }

  private processParen(arg: PrintArg): Token {
    let t = this.processArg(arg);
    if (t.type === Tok.Op) t = this.processOp(arg, t);
    if (t.type === Tok.Item && t.text === ')') return this.processEntry(arg);
    expectToken(t, Tok.Delim, ')');
    t = this.lx.item();
    if (isItemType(t.type) || (t.type === Tok.Delim && t.text === '(')) {
      // a typecast
      if (arg.kind !== ArgKind.Atom) err('previous needed to be an atom (cast)');
      const item = new PrintArg();
      arg.kind = ArgKind.Type;
      arg.item = item;
      t = this.processArgToken(item, t);
    }
    return t;
  }

  /** process_field_arg: an argument with its operators. */
  private processFieldArg(arg: PrintArg): Token {
    let t = this.processArg(arg);
    while (t.type === Tok.Op) t = this.processOp(arg, t);
    return t;
  }

  /** process_fields: `{ value, "name" }, ...` of __print_flags/__print_symbolic. */
  private processFields(list: FlagSym[]): Token {
    let t: Token;
    do {
      t = this.lx.item();
      if (t.type !== Tok.Op || t.text !== '{') break;
      let a = new PrintArg();
      t = this.processArg(a);
      if (t.type === Tok.Op) t = this.processOp(a, t);
      expectToken(t, Tok.Delim, ',');
      const value = argEval(a);
      if (value === undefined) err('bad flag value');
      a = new PrintArg();
      t = this.processArg(a);
      expectToken(t, Tok.Op, '}');
      const str = argEval(a);
      if (str === undefined) err('bad flag string');
      const num = evalFlag(value);
      list.push({ value, str, num, u: normU64(num), small: num > 0n && num < 0x100000000n ? Number(num) : 0 });
      t = this.lx.item();
    } while (t.type === Tok.Delim && t.text === ',');
    return t;
  }

  private processFlags(arg: PrintArg): Token {
    arg.kind = ArgKind.Flags;
    const field = new PrintArg();
    let t = this.processFieldArg(field);
    while (t.type === Tok.Op) t = this.processOp(field, t);
    expectToken(t, Tok.Delim, ',');
    arg.item = field;
    t = this.lx.item();
    if (isItemType(t.type)) {
      arg.delim = t.text;
      t = this.lx.item();
    }
    expectToken(t, Tok.Delim, ',');
    t = this.processFields(arg.syms);
    expectToken(t, Tok.Delim, ')');
    return this.lx.item();
  }

  private processSymbols(arg: PrintArg): Token {
    arg.kind = ArgKind.Symbol;
    const field = new PrintArg();
    let t = this.processFieldArg(field);
    expectToken(t, Tok.Delim, ',');
    arg.item = field;
    t = this.processFields(arg.syms);
    expectToken(t, Tok.Delim, ')');
    return this.lx.item();
  }

  /** alloc_and_process_delim: one argument (operators allowed, constants folded) ending with `delim`. */
  private argUntil(delim: string): PrintArg {
    const a = new PrintArg();
    let t = this.processArg(a);
    if (t.type === Tok.Op) {
      t = this.processOp(a, t);
      consolidate(a);
    }
    expectToken(t, Tok.Delim, delim);
    return a;
  }

  private processHex(arg: PrintArg, kind: ArgKind): Token {
    arg.kind = kind;
    arg.item = this.argUntil(',');
    arg.size = this.argUntil(')');
    return this.lx.item();
  }

  private processIntArray(arg: PrintArg): Token {
    arg.kind = ArgKind.IntArray;
    arg.item = this.argUntil(',');
    arg.size = this.argUntil(',');
    arg.elSize = this.argUntil(')');
    return this.lx.item();
  }

  private processDynamicArray(arg: PrintArg): Token {
    arg.kind = ArgKind.DynArray;
    let t = this.lx.token();
    if (t.type !== Tok.Item) err('dynamic array: expected a field name');
    const field = findField(this.ev, t.text);
    if (!field) err(`dynamic array: no field ${t.text}`);
    arg.field = field;
    arg.name = t.text;
    expectToken(this.lx.token(), Tok.Delim, ')');
    t = this.lx.item();
    if (t.type !== Tok.Op || t.text !== '[') return t;
    const index = new PrintArg();
    t = this.processArg(index);
    // libtraceevent 1.7.1 inverts this test: a well-formed `[i]` is an error
    if (t.type === Tok.Op && t.text === ']') err('__get_dynamic_array(...)[...] is not supported by libtraceevent');
    return this.lx.item();
  }

  private processDynamicArrayLen(arg: PrintArg): Token {
    const t = this.lx.token();
    expectToken(t, Tok.Item);
    arg.kind = ArgKind.DynArrayLen;
    const field = findField(this.ev, t.text);
    if (!field) err(`dynamic array length: no field ${t.text}`);
    arg.field = field;
    arg.name = t.text;
    expectToken(this.lx.token(), Tok.Delim, ')');
    return this.lx.token();
  }

  /** __get_str(name), __get_bitmask(name), __get_cpumask(name). */
  private processNamed(arg: PrintArg, kind: ArgKind): Token {
    const t = this.lx.token();
    expectToken(t, Tok.Item);
    arg.kind = kind;
    arg.name = t.text;
    arg.field = undefined;
    expectToken(this.lx.token(), Tok.Delim, ')');
    return this.lx.token();
  }

  private processBuiltinExpect(arg: PrintArg): Token {
    const t = this.processArg(arg);
    if (t.type !== Tok.Delim || t.text !== ',') err('__builtin_expect: expected ,');
    expectToken(this.lx.token(), Tok.Item);
    expectToken(this.lx.token(), Tok.Delim, ')');
    return this.lx.item();
  }

  private processSizeof(arg: PrintArg): Token {
    let t = this.lx.item();
    arg.kind = ArgKind.Atom;
    let ok = false;
    if (t.text === 'unsigned') {
      t = this.lx.item();
      if (t.type !== Tok.Item) ok = true;
    }
    if (ok || t.text === 'int') {
      arg.atom = '4';
    } else if (t.text === 'long') {
      t = this.lx.item();
      if (t.text === 'long') {
        arg.atom = '8';
      } else {
        arg.atom = String(this.ev.longSize);
        ok = true;
      }
    } else if (t.text === 'REC') {
      expectToken(this.lx.item(), Tok.Op, '->');
      t = this.lx.token();
      expectToken(t, Tok.Item);
      const field = findAnyField(this.ev, t.text);
      if (!field || (field.flags & FIELD_IS_ARRAY) !== 0) err(`sizeof: unusable field ${t.text}`);
      arg.atom = String(field.size);
    } else {
      err(`sizeof(${t.text}) is not supported by libtraceevent 1.7.1`);
    }
    if (!ok) t = this.lx.item();
    expectToken(t, Tok.Delim, ')');
    return this.lx.item();
  }

  private processFunction(arg: PrintArg, name: string): Token {
    switch (name) {
      case '__print_flags':
        return this.processFlags(arg);
      case '__print_symbolic':
        return this.processSymbols(arg);
      case '__print_hex':
        return this.processHex(arg, ArgKind.Hex);
      case '__print_hex_str':
        return this.processHex(arg, ArgKind.HexStr);
      case '__print_array':
        return this.processIntArray(arg);
      case '__get_str':
      case '__get_rel_str':
        return this.processNamed(arg, ArgKind.String);
      case '__get_bitmask':
      case '__get_rel_bitmask':
        return this.processNamed(arg, ArgKind.Bitmask);
      case '__get_cpumask':
      case '__get_rel_cpumask':
        return this.processNamed(arg, ArgKind.Cpumask);
      case '__get_dynamic_array':
      case '__get_rel_dynamic_array':
      case '__get_sockaddr':
      case '__get_sockaddr_rel':
        return this.processDynamicArray(arg);
      case '__get_dynamic_array_len':
      case '__get_rel_dynamic_array_len':
        return this.processDynamicArrayLen(arg);
      case '__builtin_expect':
        return this.processBuiltinExpect(arg);
      case 'sizeof':
        return this.processSizeof(arg);
      default:
        break;
    }
    const func = findPrintFunction(name);
    if (!func) err(`function ${name} not defined`);
    arg.kind = ArgKind.Func;
    arg.func = func;
    arg.args = [];
    const n = func.params.length;
    for (let i = 0; i < n; i++) {
      const fa = new PrintArg();
      const t = this.processArg(fa);
      const want = i < n - 1 ? ',' : ')';
      if (t.type !== Tok.Delim || t.text !== want) err(`function '${name}()' expects ${n} arguments`);
      arg.args.push(fa);
    }
    return this.lx.token();
  }

  /** event_read_print_args. */
  readArgs(): PrintArg[] {
    const list: PrintArg[] = [];
    let t: Token = { type: Tok.None, text: '' };
    let first = true;
    do {
      if (!first && t.type === Tok.Newline) {
        t = this.lx.item();
        continue;
      }
      first = false;
      const a = new PrintArg();
      t = this.processArg(a);
      list.push(a);
      if (t.type === Tok.Op) {
        t = this.processOp(a, t);
        consolidate(a);
        continue;
      }
      if (t.type === Tok.Delim && t.text === ',') continue;
      break;
    } while (t.type !== Tok.None);
    return list;
  }
}

/**
 * event_read_print: the format string (adjacent strings concatenated, escapes kept as written) and the
 * argument trees. For ftrace events without arguments, one REC->field per field, as libtraceevent does.
 */
export function parsePrintFmt(ev: EventFormat): ParsedPrint {
  const lx = new FormatLexer(ev.source, ev.printOffset);
  expectToken(lx.item(), Tok.Item, 'print');
  expectToken(lx.token(), Tok.Item, 'fmt');
  expectToken(lx.token(), Tok.Op, ':');
  let t = lx.token();
  expectToken(t, Tok.DQuote);
  let format = t.text;
  let args: PrintArg[] = [];
  for (;;) {
    t = lx.item();
    if (t.type === Tok.None) break;
    if (t.type === Tok.DQuote) {
      format += t.text;
      continue;
    }
    expectToken(t, Tok.Delim, ',');
    args = new Parser(lx, ev).readArgs();
    break;
  }
  if (args.length === 0 && ev.system === 'ftrace') {
    for (const f of ev.fields) {
      const a = new PrintArg();
      a.kind = ArgKind.Field;
      a.name = f.name;
      a.field = f;
      args.push(a);
    }
  }
  return { format, args };
}
