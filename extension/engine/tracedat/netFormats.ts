/**
 * The %pM/%pm (MAC), %pI4/%pI6/%pIS (IP addresses, sockaddr) and %pU (UUID) printers of libtraceevent
 * 1.7.1 (print_mac_arg, print_ip4_addr, print_ip6c_addr, print_ipsa_arg, print_uuid_arg), on bytes of a
 * record. `ext` is the conversion's text after `p` (e.g. `MR`, `I6c`, `ISpc`, `Ub`).
 */

function h2(b: number): string {
  return b < 16 ? '0' + b.toString(16) : b.toString(16);
}

export function formatMac(ext: string, d: Uint8Array, p: number, size: number): string {
  if (size !== 6) return 'INVALIDMAC';
  let sep = ':';
  if (ext[0] === 'm') sep = '';
  else if (ext[0] === 'M' && ext[1] === 'F') sep = '-';
  const order = ext[1] === 'R' ? [5, 4, 3, 2, 1, 0] : [0, 1, 2, 3, 4, 5];
  return order.map((i) => h2(d[p + i] ?? 0)).join(sep);
}

function ip4(d: Uint8Array, p: number, leading: boolean, reverse: boolean): string {
  const idx = reverse ? [3, 2, 1, 0] : [0, 1, 2, 3];
  return idx.map((i) => (leading ? String(d[p + i] ?? 0).padStart(3, '0') : String(d[p + i] ?? 0))).join('.');
}

/** parse_ip4_print_args: [hnbl] byte order letter; returns [consumed, reverse]. */
function ip4Order(c: string | undefined, le: boolean): [number, boolean] {
  switch (c) {
    case 'h':
      return [1, le];
    case 'l':
      return [1, true];
    case 'n':
    case 'b':
      return [1, false];
    default:
      return [0, false];
  }
}

function ip6Full(d: Uint8Array, p: number, colons: boolean): string {
  let out = '';
  for (let j = 0; j < 16; j += 2) {
    out += h2(d[p + j] ?? 0) + h2(d[p + j + 1] ?? 0);
    if (colons && j < 14) out += ':';
  }
  return out;
}

function ip6Compressed(d: Uint8Array, p: number): string {
  const w = (i: number): number => ((d[p + 2 * i] ?? 0) << 8) | (d[p + 2 * i + 1] ?? 0);
  const v4mapped = w(0) === 0 && w(1) === 0 && w(2) === 0 && w(3) === 0 && w(4) === 0 && w(5) === 0xffff;
  const isatap = ((w(4) | 0x0200) === 0x0200 && w(5) === 0x5efe) || false;
  const useV4 = v4mapped || isatap;
  const range = useV4 ? 6 : 8;
  const zerolength = new Array<number>(8).fill(0);
  for (let i = 0; i < range; i++) {
    for (let j = i; j < range; j++) {
      if (w(j) !== 0) break;
      zerolength[i]!++;
    }
  }
  let longest = 1;
  let colonpos = -1;
  for (let i = 0; i < range; i++) {
    if (zerolength[i]! > longest) {
      longest = zerolength[i]!;
      colonpos = i;
    }
  }
  if (longest === 1) colonpos = -1;
  let out = '';
  let needcolon = false;
  for (let i = 0; i < range; i++) {
    if (i === colonpos) {
      if (needcolon || i === 0) out += ':';
      out += ':';
      needcolon = false;
      i += longest - 1;
      continue;
    }
    if (needcolon) {
      out += ':';
      needcolon = false;
    }
    const word = w(i);
    const hi = word >> 8;
    const lo = word & 0xff;
    out += hi ? hi.toString(16) + h2(lo) : lo.toString(16);
    needcolon = true;
  }
  if (useV4) {
    if (needcolon) out += ':';
    out += ip4(d, p + 12, false, false);
  }
  return out;
}

/** %pi4 %pI4 %pi6 %pI6 %pI6c %pIS[pc][hnbl] on `len` bytes at `p` (a field or a sockaddr). */
export function formatIp(ext: string, d: Uint8Array, p: number, len: number, le: boolean): string {
  const i = ext[0]!;
  const v = ext[1];
  let k = 2;
  if (v === '4') {
    const [, reverse] = ip4Order(ext[k], le);
    if (len !== 4) return 'INVALIDIPv4';
    return ip4(d, p, i === 'i', reverse);
  }
  if (v === '6') {
    const c = i === 'I' && ext[k] === 'c';
    if (len !== 16) return 'INVALIDIPv6';
    return c ? ip6Compressed(d, p) : ip6Full(d, p, i === 'I');
  }
  // sockaddr
  let haveP = false;
  let haveC = false;
  if (i === 'I') {
    if (ext[k] === 'p') {
      haveP = true;
      k++;
    }
    if (ext[k] === 'c') {
      haveC = true;
      k++;
    }
  }
  const [, reverse] = ip4Order(ext[k], le);
  const family = (d[p] ?? 0) | ((d[p + 1] ?? 0) << 8);
  const port = ((d[p + 2] ?? 0) << 8) | (d[p + 3] ?? 0);
  if (family === 2) {
    if (len < 16) return 'INVALIDIPv4';
    return ip4(d, p + 4, i === 'i', reverse) + (haveP ? `:${port}` : '');
  }
  if (family === 10) {
    if (len < 28) return 'INVALIDIPv6';
    const addr = haveC ? ip6Compressed(d, p + 8) : ip6Full(d, p + 8, i === 'I');
    return haveP ? `[${addr}]:${port}` : addr;
  }
  return '';
}

const GUID = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
const UUID = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

export function formatUuid(ext: string, d: Uint8Array, p: number): string {
  const c = ext[1];
  const index = c === 'L' || c === 'l' ? GUID : UUID;
  const upper = c === 'L' || c === 'B';
  let out = '';
  for (let i = 0; i < 16; i++) {
    const h = h2(d[p + index[i]!] ?? 0);
    out += upper ? h.toUpperCase() : h;
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}
