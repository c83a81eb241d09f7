/**
 * LineMap: the line of each event row. Events take consecutive lines except around the few lines that
 * are not events (headers, markers, damage), so the map keeps only the rows where the line jumps (a gap)
 * and derives the rest: line(row) = line of the last gap at or before row + the rows since. A file with
 * many non-event lines between events (more gaps than a quarter of the rows) switches to a plain Uint32
 * column. Rows are appended in line order (lines strictly increase).
 */
import { ChunkedColumn } from './chunkedColumn';

export class LineMap {
  /** Gap rows and the line of each (rows increasing). */
  private gapRow = new ChunkedColumn(Uint32Array);
  private gapLine = new ChunkedColumn(Uint32Array);
  private dense: ChunkedColumn<Uint32Array> | undefined;
  private length = 0;
  private lastLine = -1;

  get size(): number {
    return this.length;
  }

  /** Appends the lines of the next n rows. */
  pushArray(lines: Uint32Array, n: number): void {
    if (this.dense) {
      this.dense.pushArray(lines, n);
      this.length += n;
      return;
    }
    for (let i = 0; i < n; i++) {
      const l = lines[i]!;
      if (l !== this.lastLine + 1) {
        this.gapRow.push(this.length);
        this.gapLine.push(l);
      }
      this.lastLine = l;
      this.length++;
    }
    if (this.gapRow.size > 4096 && this.gapRow.size * 4 > this.length) this.densify();
  }

  /** The line of a row. */
  get(row: number): number {
    if (this.dense) return this.dense.get(row);
    const g = this.gapAt(row);
    return this.gapLine.get(g) + (row - this.gapRow.get(g));
  }

  /** The row of the event on `line`, or -1 when that line holds no event. */
  rowOf(line: number): number {
    if (this.dense) {
      let lo = 0;
      let hi = this.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const l = this.dense.get(mid);
        if (l === line) return mid;
        if (l < line) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    // The last gap whose line is at or before `line`.
    let lo = 0;
    let hi = this.gapLine.size - 1;
    let g = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.gapLine.get(mid) <= line) {
        g = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (g < 0) return -1;
    const row = this.gapRow.get(g) + (line - this.gapLine.get(g));
    const end = g + 1 < this.gapRow.size ? this.gapRow.get(g + 1) : this.length;
    return row < end ? row : -1;
  }

  /** Decodes the lines of rows [from, from + n) into `out`. */
  decode(from: number, n: number, out: Uint32Array): void {
    if (this.dense) {
      for (let i = 0; i < n; i++) out[i] = this.dense.get(from + i);
      return;
    }
    let g = this.gapAt(from);
    let nextGap = g + 1 < this.gapRow.size ? this.gapRow.get(g + 1) : Number.POSITIVE_INFINITY;
    let base = this.gapLine.get(g) - this.gapRow.get(g);
    for (let i = 0; i < n; i++) {
      const row = from + i;
      if (row >= nextGap) {
        g++;
        base = this.gapLine.get(g) - this.gapRow.get(g);
        nextGap = g + 1 < this.gapRow.size ? this.gapRow.get(g + 1) : Number.POSITIVE_INFINITY;
      }
      out[i] = base + row;
    }
  }

  get byteLength(): number {
    return this.dense ? this.dense.byteLength : this.gapRow.byteLength + this.gapLine.byteLength;
  }

  /** The last gap at or before `row`. */
  private gapAt(row: number): number {
    let lo = 0;
    let hi = this.gapRow.size - 1;
    let g = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.gapRow.get(mid) <= row) {
        g = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return g;
  }

  private densify(): void {
    const dense = new ChunkedColumn(Uint32Array);
    const tmp = new Uint32Array(Math.min(this.length, 65536));
    for (let from = 0; from < this.length; from += tmp.length) {
      const n = Math.min(tmp.length, this.length - from);
      this.decode(from, n, tmp);
      dense.pushArray(tmp, n);
    }
    this.dense = dense;
    this.gapRow = new ChunkedColumn(Uint32Array);
    this.gapLine = new ChunkedColumn(Uint32Array);
  }
}
