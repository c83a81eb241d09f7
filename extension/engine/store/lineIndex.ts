/**
 * LineIndex: a sparse map from line numbers to byte offsets in the input (a checkpoint about every 64 lines,
 * and at every slice start), so any line can be read again from disk without scanning the file: seek to
 * the nearest checkpoint at or before it and count newlines from there.
 *
 * Invariant: checkpoints are added in increasing line order.
 */
import { ChunkedColumn } from './chunkedColumn';

export const LINE_INDEX_STRIDE = 64;

export class LineIndex {
  readonly lines = new ChunkedColumn(Uint32Array);
  readonly offsets = new ChunkedColumn(Float64Array);

  /** Records the byte offset of a line (checkpoints come in increasing line order). */
  add(lineNo: number, offset: number): void {
    this.lines.push(lineNo);
    this.offsets.push(offset);
  }

  /** The nearest checkpoint at or before `lineNo`: [line number, byte offset] ([1, 0] before any). */
  seek(lineNo: number): [number, number] {
    let lo = 0;
    let hi = this.lines.size - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lines.get(mid) <= lineNo) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? [1, 0] : [this.lines.get(best), this.offsets.get(best)];
  }

  get byteLength(): number {
    return this.lines.byteLength + this.offsets.byteLength;
  }
}
