/**
 * requestOutcome: how a request ended, in the few words an inlay hint or a CodeLens shows: `Q2C 86.2 µs`
 * (a block request, btt's whole life when its queue was traced), `-5 EIO after 3.100 ms`, `65536 of 262144
 * B in 1.240 ms` (a short transfer), `1.240 ms`; and `requestTitle`, the request's op and range before it
 * (`preadv2 fd 5 256 KiB @0: 65536 of 262144 B in 1.240 ms`, `block R 7:0 2048+32: -5 EIO after 3.100 ms`).
 *
 * A request completes at one stage, its completion event: a block request's `complete` (or `error` when
 * the error event closed it; never the later `io-done` or post-flush `end`), a syscall's `exit`, an
 * io_uring request's `complete`, a filesystem request's `dio-complete` / `complete`, an ordered extent's
 * `remove` (an ordered extent is complete when it is removed). A filesystem request that ends with its
 * caller (`parent-complete`) has no completion event of its own. Latencies are ns, or ticks of a counter
 * clock (`unitsPerSecond` 1).
 */
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { fdOf } from '../lifecycle/fsResolve';
import { formatBytes, formatDuration } from '../report/formatDuration';
import type { RequestView } from '../requests/requestView';

/** Index of the stage at which request `r` completed (its completion event), or -1 (incomplete, or no event of its own). */
export function completionStage(v: RequestView, r: number): number {
  if (!v.isComplete(r)) return -1;
  const n = v.stageCount(r);
  switch (v.layer(r)) {
    case 'block':
      for (let k = 0; k < n; k++) {
        const s = v.stageName(r, k);
        if (s === 'complete' || s === 'error') return k;
      }
      return -1;
    case 'syscall':
      return lastStageNamed(v, r, 'exit');
    case 'io_uring':
      return lastStageNamed(v, r, 'complete');
    case 'fs': {
      const k = lastStageNamed(v, r, 'dio-complete');
      return k >= 0 ? k : lastStageNamed(v, r, 'complete');
    }
    case 'ordered-extent':
      return lastStageNamed(v, r, 'remove');
  }
}

function lastStageNamed(v: RequestView, r: number, name: string): number {
  for (let k = v.stageCount(r) - 1; k >= 0; k--) if (v.stageName(r, k) === name) return k;
  return -1;
}

/** The latency to the completion stage `k`: btt Q2C for a block request whose queue was traced, else first stage to `k`. */
export function completionLatency(v: RequestView, r: number, k: number): { readonly ns: number; readonly q2c: boolean } | undefined {
  if (v.layer(r) === 'block') {
    const q2c = v.block.get(r, 'Q2C');
    if (q2c !== undefined) return { ns: q2c, q2c: true };
  }
  if (k <= 0) return undefined;
  return { ns: v.stageTs(r, k) - v.stageTs(r, 0), q2c: false };
}

/** `-5 EIO`, or the bare number for an errno without a name. */
function errnoText(result: number): string {
  const name = errnoNames.name(result);
  return name ? `${result} ${name}` : String(result);
}

/** How request `r` ended (see the header); `incomplete` when it did not, `done` when it has no end event. */
export function requestOutcome(v: RequestView, r: number, unitsPerSecond = 1e9): string {
  // A filesystem request that ended with its caller is timed to the caller's exit.
  const k = v.isComplete(r) ? Math.max(completionStage(v, r), lastStageNamed(v, r, 'parent-complete')) : -1;
  if (k < 0) return v.isComplete(r) ? 'done' : 'incomplete';
  const lat = completionLatency(v, r, k);
  const dur = lat === undefined ? undefined : formatDuration(lat.ns, unitsPerSecond);
  const result = v.result(r);
  const layer = v.layer(r);
  if (result !== undefined && result < 0) {
    const what = layer === 'ordered-extent' ? 'IOERR' : errnoText(result);
    return dur !== undefined ? `${what} after ${dur}` : `${what} (start not traced)`;
  }
  const length = v.length(r);
  if (result !== undefined && layer !== 'block' && layer !== 'ordered-extent' && length > 0 && result < length) {
    const eof = v.eof(r) === true ? ' (EOF)' : '';
    return `${result} of ${length} B${eof}${dur !== undefined ? ` in ${dur}` : ''}`;
  }
  if (dur === undefined) return 'done (start not traced)';
  return lat!.q2c ? `Q2C ${dur}` : dur;
}

/** What a request is, shortly: `preadv2 fd 5 256 KiB @0`, `io_uring READ 4 KiB @8192`, `block R 7:0 2048+32`. */
export function requestWhat(v: RequestView, r: number): string {
  const op = v.op(r);
  const size = v.length(r) >= 0 ? ` ${formatBytes(v.length(r))}` : '';
  const at = v.offset(r) >= 0 ? ` @${v.offset(r)}` : '';
  switch (v.layer(r)) {
    case 'syscall': {
      const fd = fdOf(v, r);
      return `${op}${fd !== undefined ? ` fd ${fd}` : ''}${size}${at}`;
    }
    case 'io_uring':
      return `io_uring ${op}${size}${at}`;
    case 'fs':
      return `${op}${v.ino(r) >= 0 ? ` ino ${v.ino(r)}` : ''}${size}${at}`;
    case 'block': {
      const dev = v.dev(r) >= 0 ? ` ${devName(v.dev(r))}` : '';
      const range = v.sector(r) >= 0 ? ` ${v.sector(r)}+${v.sectors(r)}` : '';
      return `block ${v.block.get(r, 'rwbs') || op}${dev}${range}`;
    }
    case 'ordered-extent': {
      const oe = v.orderedExtent(r);
      return oe ? `ordered extent ino ${oe.ino} ${formatBytes(oe.len)} @${oe.fileOffset}` : 'ordered extent';
    }
  }
}

/** `preadv2 fd 5 256 KiB @0: 65536 of 262144 B in 1.240 ms`. */
export function requestTitle(v: RequestView, r: number, unitsPerSecond = 1e9): string {
  return `${requestWhat(v, r)}: ${requestOutcome(v, r, unitsPerSecond)}`;
}
