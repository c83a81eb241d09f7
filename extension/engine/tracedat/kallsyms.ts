/**
 * KallsymsTable: the kallsyms of a trace.dat as libtraceevent 1.7.1 resolves addresses with them
 * (tep_parse_kallsyms + find_func), so that %pS/%ps and the plugins name the same symbol trace-cmd does:
 * lines `addr type name [\t[module]]`, absolute symbols (`A`/`a`) and `$`-names skipped; entries sorted
 * by address, equal addresses in reverse file order (a stable sort of the prepended list); a lookup finds
 * the entry at or below the address the way glibc's bsearch() with func_bcmp() probes, and nothing past
 * the last symbol. symbolAddress() is test_for_symbol's linear search by name.
 */
import type { SymbolHit } from './renderContext';

const TWO32 = 4294967296;

export class KallsymsTable {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  /** Each symbol's name as a range of the kallsyms text (a string is made only for a symbol shown). */
  private readonly nameStart: Uint32Array;
  private readonly nameEnd: Uint32Array;
  private byName: Map<string, number> | undefined;

  private constructor(
    private readonly text: string,
    hi: Uint32Array,
    lo: Uint32Array,
    nameStart: Uint32Array,
    nameEnd: Uint32Array,
  ) {
    this.hi = hi;
    this.lo = lo;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
  }

  get size(): number {
    return this.hi.length;
  }

  private name(i: number): string {
    return this.text.slice(this.nameStart[i]!, this.nameEnd[i]!);
  }

  static parse(text: string): KallsymsTable {
    const his: number[] = [];
    const los: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    // Scanned as bytes (the text is latin1: one byte per character, at the same index).
    const b = Buffer.from(text, 'latin1');
    let pos = 0;
    const n = b.length;
    // Each line as /^\s*([0-9a-fA-F]{1,16})\s+(\S)\s+(\S+)/ reads it (sscanf("%16llx %c %n%*s%n%*1[\t][%n%*s%n")),
    // scanned by hand: 122,000 symbols of a 6.18 kernel took 79 ms with the regex and a string per name.
    let sorted = true;
    let prevHi = 0;
    let prevLo = 0;
    while (pos < n) {
      let end = b.indexOf(10, pos);
      if (end < 0) end = n;
      const lineStart = pos;
      pos = end + 1;
      if (end === lineStart) continue;
      let i = lineStart;
      while (i < end && isSpace(b[i]!)) i++;
      const hexStart = i;
      while (i < end && hexValue(b[i]!) >= 0) i++;
      const digits = i - hexStart;
      // libtraceevent stops at the first line it cannot read
      if (digits === 0 || digits > 16 || i >= end || !isSpace(b[i]!)) break;
      while (i < end && isSpace(b[i]!)) i++;
      if (i >= end) break;
      const type = b[i++]!;
      if (i >= end || !isSpace(b[i]!)) break;
      while (i < end && isSpace(b[i]!)) i++;
      const nameStart = i;
      while (i < end && !isSpace(b[i]!)) i++;
      if (i === nameStart) break;
      if (b[nameStart] === 0x24 /* $ */ || type === 0x41 /* A */ || type === 0x61 /* a */) continue;
      let hi = 0;
      let lo = 0;
      for (let k = hexStart; k < hexStart + digits; k++) {
        const d = hexValue(b[k]!);
        if (hexStart + digits - k > 8) hi = hi * 16 + d;
        else lo = lo * 16 + d;
      }
      if (hi < prevHi || (hi === prevHi && lo < prevLo)) sorted = false;
      prevHi = hi;
      prevLo = lo;
      his.push(hi);
      los.push(lo);
      starts.push(nameStart);
      ends.push(i);
    }
    // tep_register_function prepends: the list is in reverse file order, then stably sorted by address. A
    // file in address order (as /proc/kallsyms is) gives that order without sorting: runs of one address
    // reversed.
    const count = his.length;
    const order = new Array<number>(count);
    if (sorted) {
      for (let i = 0; i < count; ) {
        let j = i;
        while (j + 1 < count && his[j + 1] === his[i] && los[j + 1] === los[i]) j++;
        for (let k = i; k <= j; k++) order[k] = j - (k - i);
        i = j + 1;
      }
    } else {
      for (let i = 0; i < count; i++) order[i] = count - 1 - i;
      order.sort((a, b) => his[a]! - his[b]! || los[a]! - los[b]!);
    }
    const hi = new Uint32Array(count);
    const lo = new Uint32Array(count);
    const ns = new Uint32Array(count);
    const ne = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const k = order[i]!;
      hi[i] = his[k]!;
      lo[i] = los[k]!;
      ns[i] = starts[k]!;
      ne[i] = ends[k]!;
    }
    return new KallsymsTable(text, hi, lo, ns, ne);
  }

  private cmpAt(khi: number, klo: number, i: number): number {
    const h = this.hi[i]!;
    return khi !== h ? (khi < h ? -1 : 1) : klo === this.lo[i]! ? 0 : klo < this.lo[i]! ? -1 : 1;
  }

  /** find_func: the symbol libtraceevent names for `addr`. */
  lookupIndex(addr: bigint): number {
    const khi = Number((addr >> 32n) & 0xffffffffn);
    const klo = Number(addr & 0xffffffffn);
    let l = 0;
    let u = this.hi.length;
    while (l < u) {
      const idx = (l + u) >>> 1;
      // func_bcmp: equal, or between this entry and the next (the sentinel after the last one is 0)
      const c = this.cmpAt(khi, klo, idx);
      let r: number;
      if (c === 0) r = 0;
      else if (c > 0) r = idx + 1 < this.hi.length && this.cmpAt(khi, klo, idx + 1) < 0 ? 0 : 1;
      else r = -1;
      if (r < 0) u = idx;
      else if (r > 0) l = idx + 1;
      else return idx;
    }
    return -1;
  }

  lookup(addr: bigint): SymbolHit | undefined {
    const i = this.lookupIndex(addr);
    if (i < 0) return undefined;
    const start = BigInt(this.hi[i]!) * BigInt(TWO32) + BigInt(this.lo[i]!);
    return { name: this.name(i), offset: addr - start };
  }

  /** test_for_symbol: the address of the first entry (in sorted order) with this name. */
  symbolAddress(name: string): bigint | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (let i = 0; i < this.hi.length; i++) {
        const name = this.name(i);
        if (!this.byName.has(name)) this.byName.set(name, i);
      }
    }
    const i = this.byName.get(name);
    return i === undefined ? undefined : BigInt(this.hi[i]!) * BigInt(TWO32) + BigInt(this.lo[i]!);
  }
}

/**
 * printk formats by address as tep_parse_printk_formats + tep_register_print_string store them: the
 * text after `addr : ` without a leading `"`, and without a trailing `"` and then a trailing `\n`.
 */
export class PrintkTable {
  private readonly map = new Map<bigint, string>();

  static parse(text: string): PrintkTable {
    const t = new PrintkTable();
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      const colon = line.indexOf(':');
      const addrStr = colon < 0 ? line : line.slice(0, colon);
      const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(addrStr);
      const addr = m ? BigInt('0x' + m[1]!.slice(-16)) : 0n;
      let fmt = colon < 0 ? '' : line.slice(colon + 2);
      if (fmt[0] === '"') fmt = fmt.slice(1);
      if (fmt.length > 0 && fmt[fmt.length - 1] === '"') {
        fmt = fmt.slice(0, -1);
        if (fmt.endsWith('\\n')) fmt = fmt.slice(0, -2);
      }
      // bsearch over a stable sort of the prepended list: among duplicates, the later line tends to win
      t.map.set(addr, fmt);
    }
    return t;
  }

  get(addr: bigint): string | undefined {
    return this.map.get(addr);
  }
}

/** What JavaScript's `\s` matches among the characters of a latin1 text. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}
