/**
 * FsFiles: what the filesystem events taught about files: i_size over time per (dev, ino), and which file
 * a task's fd refers to (learnt when a syscall or io_uring request on that fd shows filesystem events).
 *
 * Sizes are kept as a short history of changes (a new entry only when the size differs), so the size a
 * read saw can be looked up at its time even when the file grows later (appends) or shrinks (truncate).
 */

export interface FileRef {
  readonly dev: number;
  readonly ino: number;
}

/** A stretch of time in which a task's fd was seen to refer to one file. */
interface FdSpan extends FileRef {
  readonly from: number;
  to: number;
}

interface SizeHistory {
  /** Times (ns) and sizes of each change, in time order. */
  readonly ts: number[];
  readonly size: number[];
}

export class FsFiles {
  /** dev -> ino -> size history (nested maps: no key strings on the per-event path). */
  private readonly sizes = new Map<number, Map<number, SizeHistory>>();
  private readonly fds = new Map<string, FdSpan[]>();

  /** Notes that `dev:ino` had i_size `size` at time `ts` (events arrive in time order per file). */
  noteSize(dev: number, ino: number, size: number, ts: number): void {
    if (!(size >= 0) || ino < 0) return;
    let byIno = this.sizes.get(dev);
    if (!byIno) this.sizes.set(dev, (byIno = new Map()));
    let h = byIno.get(ino);
    if (!h) byIno.set(ino, (h = { ts: [], size: [] }));
    const n = h.size.length;
    if (n > 0 && h.size[n - 1] === size) return;
    h.ts.push(ts);
    h.size.push(size);
  }

  /** i_size of a file at time `ts`: the last size noted at or before `ts`, else the first noted after; -1 if unknown. */
  sizeAt(dev: number, ino: number, ts: number): number {
    const h = this.sizes.get(dev)?.get(ino);
    if (!h || h.size.length === 0) return -1;
    let best = h.size[0]!;
    for (let i = 0; i < h.ts.length && h.ts[i]! <= ts; i++) best = h.size[i]!;
    return best;
  }

  /** The last known i_size of every file (`dev:ino` -> bytes). */
  lastSizes(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [dev, byIno] of this.sizes) for (const [ino, h] of byIno) out.set(fileKey(dev, ino), h.size[h.size.length - 1]!);
    return out;
  }

  /**
   * Notes that at time `ts` the task's `fd` referred to (dev, ino). Fds are reused after close (which is
   * rarely traced), so a binding is only trusted between two sightings of the same file.
   */
  bindFd(pid: number, fd: number, dev: number, ino: number, ts: number): void {
    if (pid < 0 || !(fd >= 0) || ino < 0) return;
    const key = `${pid}:${fd}`;
    let spans = this.fds.get(key);
    if (!spans) this.fds.set(key, (spans = []));
    const last = spans[spans.length - 1];
    if (last && last.dev === dev && last.ino === ino) last.to = Math.max(last.to, ts);
    else spans.push({ dev, ino, from: ts, to: ts });
  }

  /** The file `fd` of `pid` referred to at `ts`, when `ts` lies between two sightings of that file. */
  fileOf(pid: number, fd: number, ts: number): FileRef | undefined {
    const spans = this.fds.get(`${pid}:${fd}`);
    if (!spans) return undefined;
    for (const s of spans) if (ts >= s.from && ts <= s.to) return s;
    return undefined;
  }
}

export function fileKey(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}
