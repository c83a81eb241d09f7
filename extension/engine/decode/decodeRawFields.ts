/**
 * decodeRawFields: the `trace-cmd report -R` fallback. Raw payloads print every format-file field as
 * `name=value` (`dev=7340032 sector=67848 nr_sector=8 bytes=4096 ioprio=16388 rwbs=RM comm=dd cmd=`), and
 * the templates name their fields after the kernel's format-file fields, so the pairs land in the same
 * slots as a decoded TP_printk line.
 *
 * Values are read by the slot's kind: `dev` is the raw dev_t (or MAJ:MIN), hex kinds read hex, decimal
 * kinds read decimal unless the value has `0x` (libtraceevent reuses the print conversion: `ino=0xd`),
 * string kinds are interned as printed. Raw `ioprio` fills `ioprio_class` (as `0x<class>`, like trace-cmd
 * prints it), `ioprio_hint` and `ioprio_level`; a numeric `opcode` fills the name and `op`. A value runs
 * up to the next blank-separated `key=` token, so comms with blanks survive. Allocation-light, not
 * allocation-free: it only runs for files recorded with -R. Keys that name no field are never interned.
 */
import type { CompiledSchema } from './compiledSchema';
import { ioUringOpcodes } from './ioUringOpcodes';
import type { StringTable } from '../store/stringTable';

/** Field names are short; a longer key is no field of any schema. */
const MAX_KEY_BYTES = 64;
const latin1 = new TextDecoder('latin1');

function isKeyStart(buf: Uint8Array, i: number, end: number): number {
  // Returns the index of '=' when buf[i..] starts with an identifier followed by '=', else -1.
  const c = buf[i]!;
  if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f)) return -1;
  for (let j = i + 1; j < end; j++) {
    const d = buf[j]!;
    if (d === 0x3d) return j;
    if (!((d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a) || (d >= 0x30 && d <= 0x39) || d === 0x5f)) return -1;
  }
  return -1;
}

/** Parses a number from buf[s, e): `0x` hex, or hex when `hex`, else signed decimal. NaN when not a number. */
function parseNumber(buf: Uint8Array, s: number, e: number, hex: boolean, signed64: boolean): number {
  if (s >= e) return NaN;
  let neg = false;
  if (buf[s] === 0x2d) { neg = true; s++; }
  if (e - s > 2 && buf[s] === 0x30 && (buf[s + 1]! | 0x20) === 0x78) { hex = true; s += 2; }
  if (s >= e) return NaN;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return NaN;
    v = hex ? v * 16 + d : v * 10 + d;
  }
  if (signed64 && hex && e - s === 16 && v >= 2 ** 63) {
    let hi = 0;
    let lo = 0;
    for (let i = s; i < e - 8; i++) hi = hi * 16 + parseInt(String.fromCharCode(buf[i]!), 16);
    for (let i = e - 8; i < e; i++) lo = lo * 16 + parseInt(String.fromCharCode(buf[i]!), 16);
    v = (hi - 4294967296) * 4294967296 + lo;
  }
  return neg ? -v : v;
}

function parseDev(buf: Uint8Array, s: number, e: number): number {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 0x2c || c === 0x3a) {
      const maj = parseNumber(buf, s, i, false, false);
      const min = parseNumber(buf, i + 1, e, false, false);
      return maj * 1048576 + min;
    }
  }
  return parseNumber(buf, s, e, false, false);
}

/**
 * Decodes `key=value` pairs of buf[start, end) (trimmed) into the schema's record. Returns false when the
 * payload does not start with `key=` or no key is a field of the schema. The record must be reset first.
 */
export function decodeRawFields(schema: CompiledSchema, buf: Uint8Array, start: number, end: number, strings: StringTable): boolean {
  if (start >= end || isKeyStart(buf, start, end) < 0) return false;
  const { num, str } = schema.record;
  let matched = 0;
  let i = start;
  while (i < end) {
    const eq = isKeyStart(buf, i, end);
    const keyEnd = eq;
    // Value: up to the next blank that is followed by `key=`.
    let j = eq + 1;
    let valEnd = end;
    while (j < end) {
      if ((buf[j] === 0x20 || buf[j] === 0x09) && j + 1 < end) {
        let k = j + 1;
        while (k < end && (buf[k] === 0x20 || buf[k] === 0x09)) k++;
        if (k < end && isKeyStart(buf, k, end) >= 0) {
          valEnd = j;
          j = k;
          break;
        }
        j = k;
        continue;
      }
      j++;
    }
    if (valEnd === end) j = end;
    const vs = eq + 1;
    // Keys are looked up, not interned: only the names of the schema's fields (and `ioprio`) are stored,
    // so a line of a million made-up keys stores nothing.
    let keyName: string | undefined;
    let keyId = strings.findBytes(buf, i, keyEnd);
    let slot = keyId >= 0 ? schema.rawSlots.get(keyId) : undefined;
    if (slot === undefined) {
      keyName = keyEnd - i <= MAX_KEY_BYTES ? latin1.decode(buf.subarray(i, keyEnd)) : '';
      slot = schema.slot(keyName);
      if (slot >= 0 || keyName === 'ioprio') {
        keyId = strings.internBytes(buf, i, keyEnd);
        schema.rawSlots.set(keyId, slot);
      }
    }
    if (slot >= 0) {
      const spec = schema.fields[slot]!;
      matched++;
      if (spec.isString) {
        const v = parseNumber(buf, vs, valEnd, false, false);
        if (spec.kind === 'sop' && !Number.isNaN(v)) {
          str[slot] = strings.intern(ioUringOpcodes.name(v));
          const op = schema.slot('op');
          if (op >= 0) num[op] = v;
        } else str[slot] = strings.internBytes(buf, vs, valEnd);
      } else if (spec.kind === 'dev') {
        num[slot] = parseDev(buf, vs, valEnd);
      } else {
        const k = spec.kind;
        const v = parseNumber(buf, vs, valEnd, k === 'x' || k === 'h' || k === 'sys' || k === 'sx', k === 'sx');
        num[slot] = v;
        if (k === 'uop') {
          const name = schema.slot('opcode');
          if (name >= 0 && !Number.isNaN(v)) str[name] = strings.intern(ioUringOpcodes.name(v));
        }
      }
    } else if (keyEnd - i === 6 && (keyName ?? strings.get(keyId)) === 'ioprio') {
      const v = parseNumber(buf, vs, valEnd, false, false);
      const cls = schema.slot('ioprio_class');
      if (cls >= 0 && !Number.isNaN(v)) {
        matched++;
        str[cls] = strings.intern(`0x${((v >> 13) & 7).toString(16)}`);
        const hint = schema.slot('ioprio_hint');
        if (hint >= 0) num[hint] = (v >> 3) & 0x3ff;
        const level = schema.slot('ioprio_level');
        if (level >= 0) num[level] = v & 7;
      }
    }
    i = j;
  }
  return matched > 0;
}
