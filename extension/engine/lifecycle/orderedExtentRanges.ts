/**
 * ByteRanges: a small set of half-open byte ranges [start, end), kept sorted and merged in one flat
 * number array. Ordered extents complete in a handful of ranges, so linear inserts are the cheap choice.
 */
export class ByteRanges {
  /** start0, end0, start1, end1, ... sorted, non-overlapping, non-adjacent. */
  private readonly flat: number[] = [];

  /** Adds [start, end); empty or inverted ranges are ignored. */
  add(start: number, end: number): void {
    if (!(end > start)) return;
    const f = this.flat;
    let i = 0;
    while (i < f.length && f[i + 1]! < start) i += 2;
    let s = start;
    let e = end;
    let j = i;
    while (j < f.length && f[j]! <= e) {
      s = Math.min(s, f[j]!);
      e = Math.max(e, f[j + 1]!);
      j += 2;
    }
    f.splice(i, j - i, s, e);
  }

  /** Adds every range of `other`. */
  addAll(other: ByteRanges): void {
    for (const [s, e] of other.list()) this.add(s, e);
  }

  /** The ranges of this set that are not in `other`. */
  minus(other: ByteRanges): ByteRanges {
    const out = new ByteRanges();
    for (const [s0, e0] of this.list()) {
      let s = s0;
      for (const [os, oe] of other.list()) {
        if (oe <= s || os >= e0) continue;
        if (os > s) out.add(s, os);
        s = Math.max(s, oe);
      }
      if (s < e0) out.add(s, e0);
    }
    return out;
  }

  /** Total bytes covered. */
  get bytes(): number {
    let n = 0;
    for (let i = 0; i < this.flat.length; i += 2) n += this.flat[i + 1]! - this.flat[i]!;
    return n;
  }

  get empty(): boolean {
    return this.flat.length === 0;
  }

  /** True when [start, end) is entirely covered. */
  covers(start: number, end: number): boolean {
    for (let i = 0; i < this.flat.length; i += 2) if (this.flat[i]! <= start && this.flat[i + 1]! >= end) return true;
    return end <= start;
  }

  /** The ranges as [start, end] pairs (end exclusive). */
  list(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.flat.length; i += 2) out.push([this.flat[i]!, this.flat[i + 1]!]);
    return out;
  }
}
