/**
 * ByteCursor: bounded reads of numbers and C strings from bytes in the trace.dat's endianness. Every read
 * checks the bounds and raises a DatError naming `what` was being read, so a damaged size never reads past
 * the bytes it was given, and a string is at most the rest of the buffer.
 */
import { DatError } from './datError';

const latin1 = new TextDecoder('latin1');

export class ByteCursor {
  private readonly view: DataView;
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    /** Where these bytes are in the file, for messages. */
    readonly base: number,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new DatError(`${this.what}: ${what} at file offset ${this.base + this.pos} needs ${n} bytes, only ${Math.max(0, this.left)} left`);
    }
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'a 16-bit number'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }

  u32(what = 'a 32-bit number'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  u64(what = 'a 64-bit number'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /** A 64-bit size or offset that must fit the file: larger values are damage, not data. */
  size64(what: string, limit: number): number {
    const v = this.u64(what);
    if (v > BigInt(limit)) throw new DatError(`${this.what}: ${what} at file offset ${this.base + this.pos - 8} is ${v}, more than the ${limit} bytes there are`);
    return Number(v);
  }

  /** A NUL-terminated string (the NUL is consumed); an unterminated one runs to the end of the bytes. */
  cstring(what = 'a string'): string {
    const start = this.pos;
    const end = this.bytes.indexOf(0, start);
    if (end < 0) throw new DatError(`${this.what}: ${what} at file offset ${this.base + start} has no terminating NUL`);
    this.pos = end + 1;
    return latin1.decode(this.bytes.subarray(start, end));
  }

  take(n: number, what = 'data'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(n: number, what = 'text'): string {
    return latin1.decode(this.take(n, what));
  }
}

export function latin1Text(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}
