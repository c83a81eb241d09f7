/**
 * bprintArgs: the format and arguments of an ftrace `bprint` record (trace_printk with a binary buffer),
 * a port of libtraceevent 1.7.1's get_bprint_format() and make_bprint_args(). The format is `%ps: ` plus
 * the printk format registered at the record's `fmt` address (or `(NO FORMAT FOUND at <addr>)`); the
 * arguments are read from the `buf` words as the format's conversions say, 4-byte aligned, a `%s` being
 * an inline NUL-terminated string. Like libtraceevent, a conversion it does not walk (`%hd`, `%-5s`, `%c`)
 * consumes nothing, and `%p<x>` other than pS/ps/pF/pf/px reads a string when the byte there is printable.
 */
import { toBig, type U64 } from './cNumbers';
import { findField } from './eventFormat';
import { ArgKind, PrintArg } from './printArg';
import type { RecordEval } from './recordEval';
import type { RenderContext } from './renderContext';

export interface BprintSetup {
  readonly format: string;
  readonly args: PrintArg[];
}

function atom(v: U64): PrintArg {
  const a = PrintArg.atomOf(typeof v === 'number' ? String(v) : BigInt.asIntN(64, v).toString());
  a.cache.atomValue = v;
  return a;
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Za-z]$/.test(c);
}

export function bprintArgs(r: RecordEval, ctx: RenderContext): BprintSetup | undefined {
  const ev = r.ev;
  const fmtField = findField(ev, 'fmt');
  const bufField = findField(ev, 'buf');
  const ipField = findField(ev, 'ip');
  if (!fmtField || !bufField || !ipField) return undefined;
  const addr = r.readNum(fmtField.offset, fmtField.size);
  const printk = ctx.printkFormat(toBig(addr));
  const format = printk !== undefined ? `%ps: ${printk}` : `%ps: (NO FORMAT FOUND at ${addr.toString(16)})\n`;
  const args: PrintArg[] = [atom(r.readNum(ipField.offset, ipField.size))];
  let b = bufField.offset;
  const size = r.size;
  for (let p = 5; b < size && p < format.length; p++) {
    if (format[p] !== '%') continue;
    let ls = 0;
    let vsize = 0;
    for (;;) {
      p++;
      const c = format[p];
      if (c === 'l') {
        ls++;
        continue;
      }
      if (c === 'L') {
        ls = 2;
        continue;
      }
      if (c === '.' || c === '#' || (c !== undefined && c >= '0' && c <= '9')) continue;
      if (c === 'z' || c === 'Z') {
        ls = 1;
        continue;
      }
      let isString = c === 's';
      let isNumber = c === 'd' || c === 'u' || c === 'i' || c === 'x' || c === 'X' || c === 'o' || c === '*';
      if (c === 'p') {
        ls = 1;
        isNumber = true;
        if (isAlnum(format[p + 1])) {
          p++;
          const x = format[p];
          const plainSymbol = x === 's' || x === 'S' || x === 'x' || ((x === 'f' || x === 'F') && format[p + 1] !== 'w');
          if (!plainSymbol) {
            const ch = r.data[r.base + b] ?? 0;
            if (ch >= 0x20 && ch < 0x7f) {
              isString = true;
              isNumber = false;
            }
          }
        }
      }
      if (isString) {
        const s = r.cString(b);
        const a = new PrintArg();
        a.kind = ArgKind.BString;
        a.atom = s;
        args.push(a);
        let e = b;
        while (e < size && r.data[r.base + e] !== 0) e++;
        b = e + 1;
        break;
      }
      if (isNumber) {
        if (c === '*') vsize = 4;
        else vsize = ls === 0 ? 4 : ls === 1 ? ctx.longSize : ls === 2 ? 8 : ls;
        b = (b + 3) & ~3;
        args.push(atom(r.readNum(b, vsize)));
        b += vsize;
        if (c === '*') continue;
      }
      break;
    }
  }
  return { format, args };
}
