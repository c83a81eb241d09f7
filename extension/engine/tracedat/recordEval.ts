/**
 * RecordEval: evaluates compiled print-format arguments on one record's bytes, a port of libtraceevent
 * 1.7.1's eval_num_arg(), print_str_arg(), print_arg_pointer()/print_function(), print_arg_number(),
 * the bitmask/cpumask/hex/array printers, process_defined_func() and print_field_raw(). Values follow
 * libtraceevent: every field is read zero-extended into an unsigned 64-bit value (casts only mask; the
 * printf conversion decides signedness), `[i]` on a dynamic array adds `i` bytes, `^` evaluates to 0,
 * `__print_flags` of 0 prints nothing unless a table entry is unresolvable, a `%s` of a pointer-sized
 * field prints the printk string at that address or the address in hex.
 *
 * One instance per event type, rebound to each record (no per-record allocation beyond the output
 * strings). Reads never leave the record: a field past its end reads as 0, strings stop at its end.
 */
import { TWO32, u64FromHalves, isZero, normU64, strtoullU64, toBig, type U64 } from './cNumbers';
import { formatInt, formatStr, isPlain, type CSpec } from './cPrintf';
import { FIELD_IS_ARRAY, FIELD_IS_DYNAMIC, FIELD_IS_LONG, FIELD_IS_POINTER, FIELD_IS_RELATIVE, FIELD_IS_SIGNED, FIELD_IS_STRING, findAnyField, type EventFormat, type FormatField } from './eventFormat';
import { ArgKind, type PrintArg } from './printArg';
import type { BuiltItem } from './printItems';
import { castBits } from './printFmtParser';
import type { FuncArg } from './printFunctions';
import type { RenderContext } from './renderContext';
import { add, and, div, int32, mod, mul, not, or, shl, shr, sub, truncate } from './u64Ops';
import { formatIp, formatMac, formatUuid } from './netFormats';

const utf8 = new TextDecoder('utf-8');

function hex2(b: number): string {
  return b < 16 ? '0' + b.toString(16) : b.toString(16);
}


export class RecordEval {
  data: Uint8Array = new Uint8Array(0);
  base = 0;
  size = 0;
  le = true;
  longSize: 4 | 8 = 8;
  ctx!: RenderContext;
  private dynOff = 0;
  private dynLen = 0;

  /** Payload offset and length of the last dynamic() lookup. */
  get dynOffset(): number {
    return this.dynOff;
  }
  get dynLength(): number {
    return this.dynLen;
  }
  /** print_field_raw clears a field's string flag once it met a non-printable value. */
  private readonly notString = new Set<FormatField>();

  constructor(readonly ev: EventFormat) {}

  bind(data: Uint8Array, start: number, length: number, ctx: RenderContext): void {
    this.data = data;
    this.base = start;
    this.size = Math.max(0, Math.min(length, data.length - start));
    this.le = ctx.littleEndian;
    this.longSize = ctx.longSize;
    this.ctx = ctx;
  }

  /** tep_read_number at a payload offset; 0 for sizes other than 1, 2, 4, 8 or past the record. */
  readNum(off: number, size: number): U64 {
    if (off < 0 || off + size > this.size) return 0;
    const d = this.data;
    const p = this.base + off;
    switch (size) {
      case 1:
        return d[p]!;
      case 2:
        return this.le ? d[p]! | (d[p + 1]! << 8) : (d[p]! << 8) | d[p + 1]!;
      case 4:
        return this.le ? (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0 : ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
      case 8: {
        const a = this.readNum(off, 4) as number;
        const b = this.readNum(off + 4, 4) as number;
        return this.le ? u64FromHalves(b, a) : u64FromHalves(a, b);
      }
      default:
        return 0;
    }
  }

  /** The unsigned 32-bit word at a payload offset (the caller checks the bounds). */
  read32(off: number): number {
    const d = this.data;
    const p = this.base + off;
    return this.le ? (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0 : ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
  }

  /** Host-order (little-endian) read, as the C code does through a cast pointer. */
  private readHost(off: number, size: number): U64 {
    const le = this.le;
    this.le = true;
    const v = this.readNum(off, size);
    this.le = le;
    return v;
  }

  /** The field a __get_str / __get_bitmask / __get_cpumask argument names, looked up once and kept on the argument. */
  private argField(arg: PrintArg): FormatField | undefined {
    if (!arg.field) arg.field = findAnyField(this.ev, arg.name);
    return arg.field;
  }

  /** dynamic_offset_field: sets dynOff/dynLen (payload offsets; 0/0 when out of range). */
  dynamic(field: FormatField): void {
    if (field.offset + field.size > this.size) {
      this.dynOff = 0;
      this.dynLen = 0;
      return;
    }
    const v = this.readNum(field.offset, field.size);
    const val = typeof v === 'number' ? v % TWO32 : Number(v & 0xffffffffn);
    const o = val & 0xffff;
    const l = field.size === 2 ? this.size - o : (val >>> 16) & 0xffff;
    this.dynOff = o > this.size ? 0 : o;
    this.dynLen = o + l > this.size ? 0 : l;
    if ((field.flags & FIELD_IS_RELATIVE) !== 0) this.dynOff += field.offset + field.size;
  }

  /** The C string at a payload offset, stopping at a NUL, at `max` bytes, or at the end of the record. */
  cString(off: number, max = Infinity): string {
    const d = this.data;
    const from = this.base + off;
    const end = this.base + Math.min(this.size, off + max);
    if (from >= end) return '';
    let i = from;
    let ascii = true;
    while (i < end && d[i] !== 0) {
      if (d[i]! >= 0x80) ascii = false;
      i++;
    }
    if (i === from) return '';
    if (ascii && i - from <= 32) {
      let s = '';
      for (let k = from; k < i; k++) s += String.fromCharCode(d[k]!);
      return s;
    }
    return utf8.decode(d.subarray(from, i));
  }

  private fieldOf(arg: PrintArg): FormatField | undefined {
    if (arg.field) return arg.field;
    const f = findAnyField(this.ev, arg.name);
    if (f) arg.field = f;
    return f;
  }

  private atomValue(arg: PrintArg): U64 {
    const cached = arg.cache.atomValue;
    if (cached !== undefined) return cached;
    let v = strtoullU64(arg.atom);
    if (isZero(v)) {
      // test_for_symbol: a name that is not a number may be a kernel symbol
      const c = arg.atom.charCodeAt(0);
      if (!(c >= 0x30 && c <= 0x39)) {
        const a = this.ctx.symbolAddress?.(arg.atom);
        if (a !== undefined) v = normU64(a);
      }
    }
    arg.cache.atomValue = v;
    return v;
  }

  /** eval_num_arg. */
  num(arg: PrintArg): U64 {
    switch (arg.kind) {
      case ArgKind.Atom:
        return this.atomValue(arg);
      case ArgKind.Field: {
        const f = arg.field ?? this.fieldOf(arg);
        if (!f) return 0;
        return this.readNum(f.offset, f.size);
      }
      case ArgKind.Type: {
        if (arg.cache.isConst) return this.constNum(arg);
        const v = this.num(arg.item!);
        let bits = arg.cache.castBits;
        if (bits === undefined) bits = arg.cache.castBits = castBits(arg.atom, false);
        return bits === 64 ? v : truncate(v, bits);
      }
      case ArgKind.Func:
        return this.callFunc(arg, false).value;
      case ArgKind.Op:
        return arg.cache.isConst ? this.constNum(arg) : this.numOp(arg);
      case ArgKind.DynArrayLen:
        this.dynamic(arg.field!);
        return this.dynLen;
      case ArgKind.DynArray:
        // libtraceevent yields a pointer into its own memory here; the payload offset is the closest stand-in
        this.dynamic(arg.field!);
        return this.dynOff;
      default:
        return 0;
    }
  }

  /** A field-independent subtree, evaluated once. */
  private constNum(arg: PrintArg): U64 {
    let v = arg.cache.constValue;
    if (v === undefined) {
      arg.cache.isConst = false;
      v = this.num(arg);
      arg.cache.isConst = true;
      arg.cache.constValue = v;
    }
    return v;
  }

  private numOp(arg: PrintArg): U64 {
    const op = arg.op;
    if (op === '[') {
      const right = this.num(arg.right!);
      let larg = arg.left!;
      let typearg: PrintArg | undefined;
      while (larg.kind === ArgKind.Type) {
        typearg ??= larg;
        larg = larg.item!;
      }
      let fieldSize: number = this.longSize;
      let offset: number;
      const idx = typeof right === 'number' ? right % TWO32 : Number(right & 0xffffffffn);
      if (larg.kind === ArgKind.DynArray) {
        this.dynamic(larg.field!);
        offset = (this.dynOff + idx) % TWO32;
        if (larg.field!.elementSize) fieldSize = larg.field!.elementSize;
      } else if (larg.kind === ArgKind.Field) {
        const f = this.fieldOf(larg);
        if (!f) return 0;
        fieldSize = f.elementSize;
        offset = (f.offset + idx * f.elementSize) % TWO32;
      } else {
        return 0;
      }
      let val = this.readNum(offset, fieldSize);
      if (typearg) {
        let bits = typearg.cache.castPtrBits;
        if (bits === undefined) bits = typearg.cache.castPtrBits = castBits(typearg.atom, true);
        if (bits !== 64) val = truncate(val, bits);
      }
      return val;
    }
    if (op === '?') {
      const left = this.num(arg.left!);
      const r = arg.right!;
      return isZero(left) ? this.num(r.right!) : this.num(r.left!);
    }
    const left = this.num(arg.left!);
    const right = this.num(arg.right!);
    const c1 = op.length > 1 ? op[1] : '';
    switch (op[0]) {
      case '!':
        if (!c1) return isZero(right) ? 1 : 0;
        if (c1 === '=') return left === right ? 0 : 1;
        return 0;
      case '~':
        return not(right);
      case '|':
        if (c1) return !isZero(left) || !isZero(right) ? 1 : 0;
        return or(left, right);
      case '&':
        if (c1) return !isZero(left) && !isZero(right) ? 1 : 0;
        return and(left, right);
      case '<':
        if (!c1) return left < right ? 1 : 0;
        if (c1 === '<') return shl(left, right);
        if (c1 === '=') return left <= right ? 1 : 0;
        return 0;
      case '>':
        if (!c1) return left > right ? 1 : 0;
        if (c1 === '>') return shr(left, right);
        if (c1 === '=') return left >= right ? 1 : 0;
        return 0;
      case '=':
        return c1 === '=' && left === right ? 1 : 0;
      case '-':
        return sub(left, right);
      case '+':
        return add(left, right);
      case '/':
        return div(left, right);
      case '%':
        return mod(left, right);
      case '*':
        return mul(left, right);
      default:
        return 0;
    }
  }

  /** process_defined_func: the function's printed text and returned value. */
  callFunc(arg: PrintArg, _wantText: boolean): { text: string; value: U64 } {
    const func = arg.func!;
    const values: FuncArg[] = [];
    for (let i = 0; i < func.params.length; i++) {
      const a = arg.args[i]!;
      const p = func.params[i];
      if (p === 'string') {
        values.push(this.str(a, undefined, -1));
      } else if (p === 'ptr' && a.kind === ArgKind.DynArray) {
        this.dynamic(a.field!);
        values.push({ data: this.data, pos: this.base + this.dynOff, end: this.base + this.size });
      } else {
        values.push(this.num(a));
      }
    }
    return func.call(values);
  }

  /** print_str_to_seq: a %s conversion of `s` (spec undefined: plain %s). */
  private put(s: string, spec: CSpec | undefined, star: number): string {
    if (!spec || (isPlain(spec) && star < 0)) return s;
    return formatStr(spec, s, star);
  }

  /** print_str_arg: the text of `arg` for a %s conversion. */
  str(arg: PrintArg, spec: CSpec | undefined, star: number): string {
    switch (arg.kind) {
      case ArgKind.Atom:
        return this.put(arg.atom, spec, star);
      case ArgKind.Field: {
        const f = this.fieldOf(arg);
        if (!f) return '';
        const len = f.size || this.size - f.offset;
        if ((f.flags & FIELD_IS_ARRAY) === 0 && f.size === this.longSize) {
          const addr = this.longSize === 8 ? this.readHost(f.offset, 8) : this.readHost(f.offset, 4);
          const printk = this.ctx.printkFormat(toBig(addr));
          return printk !== undefined ? printk : addr.toString(16);
        }
        return this.put(this.cString(f.offset, len), spec, star);
      }
      case ArgKind.Flags:
        return this.flags(arg, spec, star);
      case ArgKind.Symbol: {
        const val = this.num(arg.item!);
        for (const sym of arg.syms) {
          if (sym.u === val) return this.put(sym.str, spec, star);
        }
        return '0x' + val.toString(16);
      }
      case ArgKind.Hex:
      case ArgKind.HexStr: {
        const h = arg.item!;
        const off = this.arrayOffset(h);
        if (off === undefined) return '';
        const lv = this.num(arg.size!);
        const len = Math.min(typeof lv === 'number' ? lv % TWO32 : Number(lv & 0xffffffffn), Math.max(0, this.size - off));
        let out = '';
        const d = this.data;
        const p = this.base + off;
        for (let i = 0; i < len; i++) {
          if (i && arg.kind === ArgKind.Hex) out += ' ';
          out += hex2(d[p + i]!);
        }
        return out;
      }
      case ArgKind.IntArray:
        return this.intArray(arg);
      case ArgKind.String: {
        const f = this.argField(arg);
        if (!f) return '';
        this.dynamic(f);
        if (!this.dynLen) return '';
        return this.put(this.cString(this.dynOff), spec, star);
      }
      case ArgKind.BString:
        return this.put(arg.atom, spec, star);
      case ArgKind.Bitmask:
      case ArgKind.Cpumask: {
        const f = this.argField(arg);
        if (!f) return '';
        this.dynamic(f);
        const s = arg.kind === ArgKind.Bitmask ? this.bitmask(this.dynOff, this.dynLen) : this.cpumask(this.dynOff, this.dynLen);
        return this.put(s, spec, star);
      }
      case ArgKind.Op: {
        if (arg.op[0] !== '?') return '';
        const v = this.num(arg.left!);
        const r = arg.right!;
        return this.str(isZero(v) ? r.right! : r.left!, spec, star);
      }
      case ArgKind.Func:
        return this.callFunc(arg, true).text;
      default:
        return '';
    }
  }

  private flags(arg: PrintArg, spec: CSpec | undefined, star: number): string {
    const v = this.num(arg.item!);
    const delim = arg.delim;
    let out = '';
    let printed = false;
    if (typeof v === 'number' && v < TWO32) {
      let val = v;
      for (const f of arg.syms) {
        if (val === 0 && f.num < 0n) {
          out += this.put(f.str, spec, star);
          break;
        }
        const fv = f.small;
        if (fv > 0 && (val & fv) >>> 0 === fv) {
          if (printed && delim !== undefined) out += delim;
          out += this.put(f.str, spec, star);
          printed = true;
          val = (val & ~fv) >>> 0;
        }
      }
      if (val) {
        if (printed && delim !== undefined) out += delim;
        out += '0x' + val.toString(16);
      }
      return out;
    }
    let val = BigInt.asIntN(64, toBig(v));
    for (const f of arg.syms) {
      const fval = f.num;
      if (val === 0n && fval < 0n) {
        out += this.put(f.str, spec, star);
        break;
      }
      if (fval > 0n && (val & fval) === fval) {
        if (printed && delim !== undefined) out += delim;
        out += this.put(f.str, spec, star);
        printed = true;
        val &= ~fval;
      }
    }
    if (val !== 0n) {
      if (printed && delim !== undefined) out += delim;
      out += '0x' + BigInt.asUintN(64, val).toString(16);
    }
    return out;
  }

  /** Where the array an argument names starts in the record: a dynamic array's data or a field; undefined otherwise. */
  private arrayOffset(h: PrintArg): number | undefined {
    if (h.kind === ArgKind.DynArray) {
      this.dynamic(h.field!);
      return this.dynOff;
    }
    if (h.kind === ArgKind.Field) return this.fieldOf(h)?.offset;
    return undefined;
  }

  private intArray(arg: PrintArg): string {
    const h = arg.item!;
    const start = this.arrayOffset(h);
    if (start === undefined) return '';
    let off = start;
    const count = int32(this.num(arg.size!)) >>> 0;
    let elSize = int32(this.num(arg.elSize!));
    let out = '';
    for (let i = 0; i < count; i++) {
      if (i) out += ' ';
      if (elSize === 1 || elSize === 2 || elSize === 4 || elSize === 8) {
        if (off + elSize > this.size) break;
        out += this.readHost(off, elSize).toString();
      } else {
        if (off + 1 > this.size) break;
        out += `BAD SIZE:${elSize} 0x${this.data[this.base + off]!.toString(16)}`;
        elSize = 1;
      }
      off += elSize;
    }
    return out;
  }

  /** print_bitmask_to_seq: hex, most significant byte first, a comma every 32 bits. */
  private bitmask(off: number, size: number): string {
    const nrBits = size * 8;
    const strSize = Math.trunc((nrBits + 3) / 4) + Math.trunc((nrBits - 1) / 32);
    const chars: string[] = new Array<string>(Math.max(0, strSize)).fill('');
    let len = 0;
    for (let i = strSize - 2; i >= 0; i -= 2) {
      const index = this.le ? len : size - (len + 1);
      const h = hex2(this.data[this.base + off + index] ?? 0);
      chars[i] = h[0]!;
      chars[i + 1] = h[1]!;
      len++;
      if (!(len & 3) && i > 0) {
        i--;
        chars[i] = ',';
      }
    }
    return chars.join('');
  }

  /** print_cpumask_to_seq: ranges of set bits, `0-3,8`. */
  private cpumask(off: number, size: number): string {
    const parts: string[] = [];
    let runStart = -1;
    const nrBits = size * 8;
    for (let bit = 0; bit < nrBits; bit++) {
      const byteIndex = this.le ? bit >> 3 : size - ((bit >> 3) + 1);
      const set = ((this.data[this.base + off + byteIndex] ?? 0) >> (bit & 7)) & 1;
      if (set && runStart < 0) runStart = bit;
      if ((!set || bit === nrBits - 1) && runStart >= 0) {
        const end = set ? bit : bit - 1;
        parts.push(end > runStart ? `${runStart}-${end}` : `${runStart}`);
        runStart = -1;
      }
    }
    return parts.join(',');
  }

  /** print_arg_pointer: a %p conversion (ext: the letters after `p`). */
  pointer(item: BuiltItem, plen: number): string {
    const arg = item.arg!;
    if (arg.kind === ArgKind.BString) return arg.atom;
    const ext = item.ext;
    switch (ext[0]) {
      case 'F':
      case 'f':
      case 'S':
      case 's': {
        const val = this.num(arg);
        const hit = this.ctx.symbol(toBig(val));
        if (hit) return ext[0] === 'F' || ext[0] === 'S' ? `${hit.name}+0x${hit.offset.toString(16)}` : hit.name;
        return '0x' + val.toString(16);
      }
      case 'M':
      case 'm':
        return this.withField(arg, (f) => formatMac(ext, this.data, this.base + f.offset, f.size), 'ARG TYPE NOT FIELD BUT');
      case 'I':
      case 'i':
        return this.ipArg(ext, arg);
      case 'U':
        return this.withField(arg, (f) => (f.size !== 16 ? 'INVALIDUUID' : formatUuid(ext, this.data, this.base + f.offset)), 'ARG TYPE NOT FIELD BUT');
      case 'h': {
        if (arg.kind === ArgKind.Func) return this.callFunc(arg, true).text;
        if (arg.kind !== ArgKind.DynArray) return `ARG TYPE NOT FIELD BUT ${arg.kind}`;
        this.dynamic(arg.field!);
        const n = Math.min(this.dynLen, plen);
        const delim = ext[1] === 'C' ? ':' : ext[1] === 'D' ? '-' : ext[1] === 'N' ? '' : ' ';
        let out = '';
        for (let i = 0; i < n; i++) out += (i ? delim : '') + hex2(this.data[this.base + this.dynOff + i] ?? 0);
        return out;
      }
      default: {
        const val = this.num(arg);
        return isZero(val) ? '(nil)' : '0x' + val.toString(16);
      }
    }
  }

  private withField(arg: PrintArg, fn: (f: FormatField) => string, notField: string): string {
    if (arg.kind === ArgKind.Func) return this.callFunc(arg, true).text;
    let a = arg;
    while (a.kind === ArgKind.Type) a = a.item!;
    if (a.kind !== ArgKind.Field) return `${notField} ${a.kind}`;
    const f = this.fieldOf(a);
    if (!f) return '';
    if (f.offset + f.size > this.size) return '';
    return fn(f);
  }

  private ipArg(ext: string, arg: PrintArg): string {
    const v = ext[1];
    if (v !== '4' && v !== '6' && v !== 'S') return '';
    if (arg.kind === ArgKind.Func) return this.callFunc(arg, true).text;
    let a = arg;
    while (a.kind === ArgKind.Type) a = a.item!;
    let off: number;
    let len: number;
    if (a.kind === ArgKind.Field) {
      const f = this.fieldOf(a);
      if (!f) return '';
      off = f.offset;
      len = f.size;
    } else if (v === 'S' && a.kind === ArgKind.DynArray) {
      this.dynamic(a.field!);
      off = this.dynOff;
      len = this.dynLen;
    } else {
      return v === 'S' ? `ARG NOT FIELD NOR DYNAMIC ARRAY BUT TYPE ${a.kind}` : `ARG TYPE NOT FIELD BUT ${a.kind}`;
    }
    if (off + Math.min(len, 28) > this.size) return '';
    return formatIp(ext, this.data, this.base + off, len, this.le);
  }

  /** print_arg_number: an integer conversion with libtraceevent's casts by length class. */
  number(item: BuiltItem, star: number): string {
    const val = this.num(item.arg!);
    return formatInt(item.spec!, val, star);
  }

  /** print_field_raw: a field's value as `[FAILED TO PARSE]` and `-R` print it. */
  rawField(f: FormatField): string {
    if ((f.flags & FIELD_IS_ARRAY) !== 0) {
      let off: number;
      let len: number;
      if ((f.flags & FIELD_IS_DYNAMIC) !== 0) {
        this.dynamic(f);
        off = this.dynOff;
        len = this.dynLen;
      } else {
        off = f.offset;
        len = f.size;
      }
      const isString = (f.flags & FIELD_IS_STRING) !== 0 && !this.notString.has(f);
      if (isString && this.printable(off, len)) return this.cString(off);
      let out = 'ARRAY[';
      for (let i = 0; i < len; i++) {
        if (i) out += ', ';
        out += hex2(this.data[this.base + off + i] ?? 0);
      }
      this.notString.add(f);
      return out + ']';
    }
    const val = this.readNum(f.offset, f.size);
    if ((f.flags & FIELD_IS_POINTER) !== 0) return '0x' + val.toString(16);
    if ((f.flags & FIELD_IS_SIGNED) !== 0) {
      switch (f.size) {
        case 4: {
          const i = int32(val);
          return (f.flags & FIELD_IS_LONG) !== 0 ? '0x' + (i >>> 0).toString(16) : String(i);
        }
        case 2: {
          const s = ((val as number) << 16) >> 16;
          return s >= 0 && s < 10 ? ' ' + s : String(s);
        }
        case 1:
          return String(((val as number) << 24) >> 24);
        default:
          return typeof val === 'number' ? String(val) : BigInt.asIntN(64, val).toString();
      }
    }
    return (f.flags & FIELD_IS_LONG) !== 0 ? '0x' + val.toString(16) : val.toString();
  }

  private printable(off: number, len: number): boolean {
    const d = this.data;
    for (let i = 0; i < len; i++) {
      const c = d[this.base + off + i] ?? 0;
      if (c === 0) break;
      if (!(c >= 0x20 && c < 0x7f) && !(c === 0x20 || (c >= 0x09 && c <= 0x0d))) return false;
    }
    return true;
  }
}

