/**
 * buildPrintItems: splits a print format string into literal text and conversions bound to their
 * arguments, a port of libtraceevent 1.7.1's parse_args()/parse_arg_format()/parse_arg_string(). Its
 * quirks matter for the output: only `\n \t \r \\` are escapes (any other `\x` is `x`), a conversion
 * character it does not know (`%c`, `%+d`, `%j`...) prints as `>c<` without consuming an argument,
 * `%p` takes the pointer extensions it knows (`pS pF ps pf pM pm pMR pI4 pI6c pISpc pU pUb ph phC...`)
 * and leaves any other letter as text, and a conversion without an argument fails the event.
 */
import { compileSpec, type CSpec } from './cPrintf';
import { ItemKind, type PrintArg } from './printArg';

export interface BuiltItem {
  readonly kind: ItemKind;
  readonly format: string;
  readonly arg: PrintArg | undefined;
  readonly lenArg: PrintArg | undefined;
  readonly ls: number;
  readonly spec: CSpec | undefined;
  /** For pointers: the characters after `p` (`S`, `s`, `M`, `I4`...), '' for a plain %p. */
  readonly ext: string;
}

export interface BuiltItems {
  readonly items: BuiltItem[];
  /** Why the event cannot be printed (libtraceevent flags it FAILED), if so. */
  readonly failure?: string;
}

/** parse_arg_format_pointer: how many characters after `p` belong to the conversion. */
function pointerExtLength(f: string, at: number): number {
  const c = f[at];
  let ret = 0;
  switch (c) {
    case 'F':
    case 'S':
    case 'f':
    case 's':
      return 1;
    case 'M':
    case 'm':
      if (f[at + 1] === 'R' || f[at + 1] === 'F') ret++;
      return ret + 1;
    case 'I':
    case 'i': {
      let index = 2;
      const c1 = f[at + 1];
      if (c1 === 'S') {
        for (;;) {
          const x = f[at + index];
          if (x === 'p' || x === 'f' || x === 's') {
            ret++;
            index++;
          } else break;
        }
      }
      if (c1 === 'S' || c1 === '4') {
        const x = f[at + index];
        if (x === 'h' || x === 'n' || x === 'l' || x === 'b') {
          ret++;
          index++;
        }
        if (c1 === '4') return ret + 2;
      }
      if (c1 === 'S' || c1 === '4' || c1 === '6') {
        if (f[at + index] === 'c') ret++;
        ret++;
      }
      return ret + 1;
    }
    case 'U':
      if (f[at + 1] === 'L' || f[at + 1] === 'l' || f[at + 1] === 'B' || f[at + 1] === 'b') ret++;
      return ret + 1;
    case 'h':
      if (f[at + 1] === 'C' || f[at + 1] === 'D' || f[at + 1] === 'N') ret++;
      return ret + 1;
    default:
      return 0;
  }
}

/** Splits `format`; `args` are consumed in order. */
export function buildPrintItems(format: string, args: readonly PrintArg[]): BuiltItems {
  const items: BuiltItem[] = [];
  let failure: string | undefined;
  let argi = 0;
  const n = format.length;
  let i = 0;
  while (i < n) {
    if (format[i] === '%' && format[i + 1] !== '%') {
      // parse_arg_format
      const start = i;
      let ls = 0;
      let lenArg: PrintArg | undefined;
      i++;
      let done = false;
      for (; i < n && !done; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
          case '.':
          case '-':
          case '0':
          case '1':
          case '2':
          case '3':
          case '4':
          case '5':
          case '6':
          case '7':
          case '8':
          case '9':
            break;
          case 'h':
            ls--;
            break;
          case 'l':
            ls++;
            break;
          case 'L':
            ls = 2;
            break;
          case 'z':
          case 'Z':
            ls = 1;
            break;
          case '*':
            if (argi >= args.length || lenArg) {
              // libtraceevent stops here: the `*` is read again as text
              failure ??= lenArg ? 'argument already matched' : 'no argument match';
              i--;
              done = true;
            } else {
              lenArg = args[argi++];
            }
            break;
          case 'p': {
            if (argi >= args.length) {
              failure ??= 'no argument match';
              i--; // the conversion character is read again as text
              done = true;
              break;
            }
            const ext = pointerExtLength(format, i + 1);
            const spec = format.slice(start, i + 1 + ext);
            items.push({ kind: ItemKind.Pointer, format: spec, arg: args[argi++], lenArg, ls, spec: undefined, ext: format.slice(i + 1, i + 1 + ext) });
            i += ext;
            done = true;
            break;
          }
          case 'd':
          case 'u':
          case 'i':
          case 'x':
          case 'X':
          case 'o': {
            if (argi >= args.length) {
              failure ??= 'no argument match';
              i--; // the conversion character is read again as text
              done = true;
              break;
            }
            if (ls < -2 || ls > 2) failure ??= `bad count (${ls})`;
            const spec = format.slice(start, i + 1);
            items.push({ kind: ItemKind.Digit, format: spec, arg: args[argi++], lenArg, ls, spec: compileSpec(spec), ext: '' });
            done = true;
            break;
          }
          case 's': {
            if (argi >= args.length) {
              failure ??= 'no matching argument';
              i--; // the conversion character is read again as text
              done = true;
              break;
            }
            const spec = format.slice(start, i + 1);
            items.push({ kind: ItemKind.Str, format: spec, arg: args[argi++], lenArg, ls: 0, spec: compileSpec(spec), ext: '' });
            done = true;
            break;
          }
          default:
            items.push({ kind: ItemKind.Text, format: `>${c}<`, arg: undefined, lenArg: undefined, ls: 0, spec: undefined, ext: '' });
            done = true;
            break;
        }
      }
      continue;
    }
    // parse_arg_string: literal text up to the next conversion
    let text = '';
    for (; i < n; i++) {
      const c = format[i]!;
      if (c === '\\') {
        i++;
        if (i >= n) break;
        const e = format[i]!;
        text += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      } else if (c === '%') {
        if (format[i + 1] === '%') {
          text += '%';
          i++;
        } else break;
      } else {
        text += c;
      }
    }
    items.push({ kind: ItemKind.Text, format: text, arg: undefined, lenArg: undefined, ls: 0, spec: undefined, ext: '' });
  }
  return failure !== undefined ? { items, failure } : { items };
}
