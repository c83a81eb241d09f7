/**
 * compileNum: a numeric print-format argument tree (fields, atoms, casts, operators) as a function of the
 * record, so the per-record work is the arithmetic only (no dispatch on node kinds or operator strings).
 * The semantics are RecordEval.num()'s (libtraceevent's eval_num_arg); field-independent subtrees are
 * evaluated once; node kinds without a specialisation call RecordEval.num().
 */
import { TWO32, isZero, type U64 } from './cNumbers';
import { ArgKind, type PrintArg } from './printArg';
import { castBits } from './printFmtParser';
import type { RecordEval } from './recordEval';
import { add, and, div, mod, mul, not, or, shl, shr, sub, truncate } from './u64Ops';

export type NumFn = (r: RecordEval) => U64;

type Bin = (a: U64, b: U64) => U64;

const BOOL = (x: boolean): U64 => (x ? 1 : 0);

function binary(op: string): Bin | undefined {
  switch (op) {
    case '+':
      return add;
    case '-':
      return sub;
    case '*':
      return mul;
    case '/':
      return div;
    case '%':
      return mod;
    case '<<':
      return shl;
    case '>>':
      return shr;
    case '&':
      return and;
    case '|':
      return or;
    case '&&':
      return (a, b) => BOOL(!isZero(a) && !isZero(b));
    case '||':
      return (a, b) => BOOL(!isZero(a) || !isZero(b));
    case '<':
      return (a, b) => BOOL(a < b);
    case '>':
      return (a, b) => BOOL(a > b);
    case '<=':
      return (a, b) => BOOL(a <= b);
    case '>=':
      return (a, b) => BOOL(a >= b);
    case '==':
      return (a, b) => BOOL(a === b);
    case '!=':
      return (a, b) => BOOL(a !== b);
    case '!':
      return (_a, b) => BOOL(isZero(b));
    case '~':
      return (_a, b) => not(b);
    default:
      return undefined;
  }
}

export function compileNum(arg: PrintArg): NumFn {
  if (arg.cache.isConst && arg.kind !== ArgKind.Atom) {
    let v: U64 | undefined;
    return (r) => (v ??= r.num(arg));
  }
  switch (arg.kind) {
    case ArgKind.Atom: {
      let v: U64 | undefined;
      return (r) => (v ??= r.num(arg));
    }
    case ArgKind.Null:
      return () => 0;
    case ArgKind.Field: {
      const f = arg.field;
      if (!f) return (r) => r.num(arg);
      const off = f.offset;
      const size = f.size;
      return (r) => r.readNum(off, size);
    }
    case ArgKind.Type: {
      const inner = compileNum(arg.item!);
      const bits = castBits(arg.atom, false);
      if (bits === 64) return inner;
      if (bits === 32) {
        return (r) => {
          const v = inner(r);
          return typeof v === 'number' ? (v < TWO32 ? v : v % TWO32) : Number(v & 0xffffffffn);
        };
      }
      return (r) => truncate(inner(r), bits);
    }
    case ArgKind.Op: {
      const op = arg.op;
      if (op === '?') {
        const c = compileNum(arg.left!);
        const t = compileNum(arg.right!.left!);
        const e = compileNum(arg.right!.right!);
        return (r) => (isZero(c(r)) ? e(r) : t(r));
      }
      const fn = binary(op);
      if (!fn || !arg.left || !arg.right) return (r) => r.num(arg);
      const l = compileNum(arg.left);
      const rr = compileNum(arg.right);
      return (r) => fn(l(r), rr(r));
    }
    default:
      return (r) => r.num(arg);
  }
}
