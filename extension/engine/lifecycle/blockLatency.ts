/**
 * Block-layer stage latencies in btt's vocabulary: Q2G (bio queued to request allocated), G2I (to inserted
 * in the scheduler), I2D (inserted to issued to the driver), D2C (issued to completed), Q2C (whole life),
 * plus Q2D (btt's `--q2d-latencies`), which is what a request that was never inserted (direct issue) has
 * instead of G2I + I2D.
 *
 * The block tracker records each stage's time while the request lives and writes the latencies (ns) into
 * the request's block facts when it completes; `blockLatencyStats` turns them into percentiles per device
 * and for all devices (the `block` part of the report's `requests` section). A stage that the trace does
 * not show (events not enabled, request issued before the trace began) simply has no value.
 */
import type { DeviceLatency } from '../contracts/report';
import type { RequestSet } from '../requests/requestSet';
import { LAYER_CODE, type RequestView } from '../requests/requestView';
import { devName } from './devName';
import { latencyStats } from './requestSummary';

/** The latency names, in the order of a request's life. */
export const BLOCK_LATENCIES = ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'] as const;
export type BlockLatencyName = (typeof BLOCK_LATENCIES)[number];

const BLOCK = LAYER_CODE.block;

/** Stage times of one request (ns from the first event; NaN when not seen). */
export interface BlockStageTimes {
  /** First bio queued. */
  q: number;
  /** Request allocated (getrq). */
  g: number;
  /** First insert, and the insert before the last issue (they differ after a requeue). */
  i: number;
  iLast: number;
  /** Last issue (a requeued request is issued again). */
  d: number;
}

/** Fresh stage times. */
export function newStageTimes(): BlockStageTimes {
  return { q: NaN, g: NaN, i: NaN, iLast: NaN, d: NaN };
}

/** Writes the latencies that the seen stages allow into the block facts of `r`, completed at `c`. */
export function recordLatencies(rs: RequestSet, r: number, t: BlockStageTimes, c: number): void {
  const put = (name: BlockLatencyName, from: number, to: number): void => {
    if (!Number.isNaN(from) && !Number.isNaN(to) && to >= from) rs.block.put(r, name, to - from);
  };
  put('Q2G', t.q, t.g);
  put('G2I', t.g, t.i);
  put('I2D', t.iLast, t.d);
  put('Q2D', t.q, t.d);
  put('D2C', t.d, c);
  put('Q2C', t.q, c);
}

/** The latencies of one device (or all), per stage: counted first, then filled into exact-size arrays. */
class Collector {
  requests = 0;
  private readonly counts = new Map<BlockLatencyName, number>(BLOCK_LATENCIES.map((n) => [n, 0]));
  private readonly values = new Map<BlockLatencyName, Float64Array>();
  private readonly filled = new Map<BlockLatencyName, number>();

  count(v: RequestView, r: number): void {
    this.requests++;
    for (const name of BLOCK_LATENCIES) if (v.block.get(r, name) !== undefined) this.counts.set(name, this.counts.get(name)! + 1);
  }

  add(v: RequestView, r: number): void {
    for (const name of BLOCK_LATENCIES) {
      const x = v.block.get(r, name);
      if (x === undefined) continue;
      let arr = this.values.get(name);
      if (arr === undefined) this.values.set(name, (arr = new Float64Array(this.counts.get(name)!)));
      const at = this.filled.get(name) ?? 0;
      arr[at] = x;
      this.filled.set(name, at + 1);
    }
  }

  result(device: string): DeviceLatency {
    const stages: Record<string, ReturnType<typeof latencyStats>> = {};
    for (const name of BLOCK_LATENCIES) stages[name] = latencyStats(this.values.get(name) ?? new Float64Array(0));
    return { device, requests: this.requests, stages };
  }
}

/**
 * Percentiles (count, mean, p50, p90, p99, max, ns) of each block stage latency over the completed block
 * requests of one or more files: first `all` devices, then one entry per device in device-number order.
 */
export function blockLatencyStats(views: readonly RequestView[]): DeviceLatency[] {
  const all = new Collector();
  const byDev = new Map<number, Collector>();
  for (const pass of ['count', 'add'] as const) {
    for (const v of views) {
      for (let r = 0; r < v.count; r++) {
        if (v.layerCode(r) !== BLOCK || !v.isComplete(r) || v.block.get(r, 'mergedInto') !== undefined) continue;
        const dev = v.dev(r);
        let c = byDev.get(dev);
        if (!c) byDev.set(dev, (c = new Collector()));
        all[pass](v, r);
        c[pass](v, r);
      }
    }
  }
  if (all.requests === 0) return [];
  const devs = [...byDev.keys()].sort((a, b) => a - b);
  return [all.result('all'), ...devs.map((d) => byDev.get(d)!.result(d < 0 ? 'unknown' : devName(d)))];
}
