/**
 * compileItem: turns one piece of a print format (literal text or a conversion bound to its argument)
 * into a function of the record, specialised for the shapes that dominate real traces so they run
 * without BigInt or generic printf work: a plain `%d %u %x %ld %llu %llx %lx...` of a REC->field,
 * `%ps`/`%pS` of a pointer field (with a per-event cache of resolved names), `%s` of a string. Anything
 * else goes through RecordEval's general port of libtraceevent; the results are the same by construction
 * (the fast paths are checked against it by the unit tests and the corpus comparison).
 */
import { TWO32 } from './cNumbers';
import { formatInt, formatStr, type CSpec } from './cPrintf';
import { FIELD_IS_ARRAY, type FormatField } from './eventFormat';
import { ArgKind, ItemKind, type PrintArg } from './printArg';
import { compileNum } from './numCompiler';
import { castBits } from './printFmtParser';
import type { BuiltItem } from './printItems';
import type { RecordEval } from './recordEval';
import { int32 } from './u64Ops';

export type ItemFn = (r: RecordEval) => string;

const K_FIELD = ArgKind.Field;
const K_TYPE = ArgKind.Type;

/** The field a conversion reads directly (REC->x, possibly under pointer/64-bit casts that change nothing). */
function directField(arg: PrintArg): FormatField | undefined {
  let a = arg;
  while (a.kind === K_TYPE) {
    // casts that leave the value alone (pointers, 64-bit and unknown types)
    if (castBits(a.atom, false) !== 64) return undefined;
    a = a.item!;
  }
  if (a.kind !== K_FIELD || !a.field || (a.field.flags & FIELD_IS_ARRAY) !== 0) return undefined;
  const s = a.field.size;
  return s === 1 || s === 2 || s === 4 || s === 8 ? a.field : undefined;
}

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push((i + 256).toString(16).slice(1));

/** Lower-case hex of a 32-bit word, `pad` to 8 digits. */
function hex32(v: number, pad: boolean): string {
  if (!pad && v < 256) return v.toString(16);
  const s = HEX2[v >>> 24]! + HEX2[(v >>> 16) & 255]! + HEX2[(v >>> 8) & 255]! + HEX2[v & 255]!;
  if (pad) return s;
  let i = 0;
  while (i < 7 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

function hex64(hi: number, lo: number, upper: boolean): string {
  const s = hi === 0 ? hex32(lo, false) : hex32(hi, false) + hex32(lo, true);
  return upper ? s.toUpperCase() : s;
}

function digitFast(spec: CSpec, f: FormatField): ItemFn | undefined {
  const conv = spec.conv;
  const off = f.offset;
  const size = f.size;
  if (spec.bits === 64 && size === 8) {
    switch (conv) {
      case 'x':
      case 'X': {
        const upper = conv === 'X';
        return (r) => {
          if (off + 8 > r.size) return '0';
          return hex64(r.read32(off + (r.le ? 4 : 0)), r.read32(off + (r.le ? 0 : 4)), upper);
        };
      }
      case 'u':
      case 'd':
      case 'i':
        return (r) => {
          if (off + 8 > r.size) return '0';
          const hi = r.read32(off + (r.le ? 4 : 0));
          if (hi < 0x200000) return String(hi * TWO32 + r.read32(off + (r.le ? 0 : 4)));
          return formatInt(spec, r.readNum(off, 8));
        };
      default:
        return undefined;
    }
  }
  if (size > 4) return undefined;
  // the value fits 32 bits: only the conversion's width and signedness matter
  const bits = spec.bits;
  switch (conv) {
    case 'd':
    case 'i':
      if (bits === 64) return (r) => String(r.readNum(off, size) as number);
      if (bits === 32) return (r) => String((r.readNum(off, size) as number) | 0);
      return undefined;
    case 'u':
      if (bits >= 32) return (r) => String(r.readNum(off, size) as number);
      return undefined;
    case 'x':
      if (bits >= 32) return (r) => (r.readNum(off, size) as number).toString(16);
      return undefined;
    default:
      return undefined;
  }
}

function pointerFast(item: BuiltItem, f: FormatField): ItemFn | undefined {
  const c = item.ext[0];
  if (f.size !== 8 || (c !== 's' && c !== 'S' && c !== 'f' && c !== 'F')) return undefined;
  const off = f.offset;
  // resolved kernel-text addresses (high word 0xffffffff), by low word
  const cache = new Map<number, string>();
  return (r) => {
    if (off + 8 > r.size) return r.pointer(item, 1);
    const hi = r.read32(off + (r.le ? 4 : 0));
    if (hi !== 0xffffffff) return r.pointer(item, 1);
    const lo = r.read32(off + (r.le ? 0 : 4));
    let s = cache.get(lo);
    if (s === undefined) {
      s = r.pointer(item, 1);
      if (cache.size > 65536) cache.clear();
      cache.set(lo, s);
    }
    return s;
  };
}

export function compileItem(item: BuiltItem): ItemFn {
  switch (item.kind) {
    case ItemKind.Text: {
      const t = item.format;
      return () => t;
    }
    case ItemKind.Digit: {
      const spec = item.spec!;
      if (!item.lenArg && spec.simple) {
        const f = directField(item.arg!);
        const fast = f ? digitFast(spec, f) : undefined;
        if (fast) return fast;
      }
      const lenArg = item.lenArg;
      const value = compileNum(item.arg!);
      if (!lenArg) return (r) => formatInt(spec, value(r));
      const len = compileNum(lenArg);
      return (r) => formatInt(spec, value(r), int32(len(r)));
    }
    case ItemKind.Str: {
      const spec = item.spec!;
      const lenArg = item.lenArg;
      if (!lenArg) return (r) => r.str(item.arg!, spec, -1);
      const literal = spec.precision === -2 && spec.width !== -2;
      return (r) => {
        const star = int32(r.num(lenArg));
        // a negative `*` makes libtraceevent call printf without it: glibc then prints the format itself
        if (star < 0 && literal) return formatStr({ ...spec, precision: -1 }, item.format);
        return r.str(item.arg!, spec, star);
      };
    }
    case ItemKind.Pointer: {
      const lenArg = item.lenArg;
      if (!lenArg) {
        const f = directField(item.arg!);
        const fast = f ? pointerFast(item, f) : undefined;
        if (fast) return fast;
        return (r) => r.pointer(item, 1);
      }
      return (r) => r.pointer(item, int32(r.num(lenArg)));
    }
    default:
      return () => '';
  }
}
