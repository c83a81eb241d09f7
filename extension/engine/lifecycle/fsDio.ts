/**
 * FsDio: pairs `iomap_dio_rw_begin` with `iomap_dio_complete` per file. The completion often runs in
 * another task (a kworker or softirq for AIO / io_uring), so the key is the file, never the pid. The
 * completion prints the position *after* the I/O (`offset` = begin offset + bytes done), so the begin whose
 * `offset + ret` equals it is the match; failing that (errors do not advance the position), the oldest open
 * begin whose range contains the completion offset, else the oldest. Begins that never complete (direct
 * reads at or past EOF return 0 without `iomap_dio_complete`) are dropped once their request ends another way.
 */
import type { RequestSet } from '../requests/requestSet';

interface OpenDio {
  readonly req: number;
  readonly offset: number;
  readonly length: number;
}

export class FsDio {
  /** dev -> ino -> open begins, oldest first. */
  private readonly open = new Map<number, Map<number, OpenDio[]>>();
  /** Begins paired so far (for statistics). */
  paired = 0;

  begin(dev: number, ino: number, offset: number, length: number, req: number, rs: RequestSet): void {
    let byIno = this.open.get(dev);
    if (!byIno) this.open.set(dev, (byIno = new Map()));
    let list = byIno.get(ino);
    if (!list) byIno.set(ino, (list = []));
    else prune(list, rs);
    list.push({ req, offset, length });
  }

  /** The request a completion at `endOffset` with return value `ret` closes, or -1. */
  complete(dev: number, ino: number, endOffset: number, ret: number, rs: RequestSet): number {
    const byIno = this.open.get(dev);
    const list = byIno?.get(ino);
    if (!byIno || !list) return -1;
    prune(list, rs);
    let pick = -1;
    for (let i = 0; i < list.length && pick < 0; i++) {
      const d = list[i]!;
      if (d.offset + Math.max(ret, 0) === endOffset) pick = i;
    }
    for (let i = 0; i < list.length && pick < 0; i++) {
      const d = list[i]!;
      if (endOffset >= d.offset && endOffset <= d.offset + d.length) pick = i;
    }
    if (pick < 0 && list.length > 0) pick = 0;
    if (pick < 0) return -1;
    const d = list[pick]!;
    list.splice(pick, 1);
    if (list.length === 0) byIno.delete(ino);
    this.paired++;
    return d.req;
  }

  /** Begins still open (never completed). */
  openCount(): number {
    let n = 0;
    for (const byIno of this.open.values()) for (const l of byIno.values()) n += l.length;
    return n;
  }
}

/** Drops begins whose request already ended (through its parent). */
function prune(list: OpenDio[], rs: RequestSet): void {
  for (let i = list.length - 1; i >= 0; i--) if (rs.isComplete(list[i]!.req)) list.splice(i, 1);
}
