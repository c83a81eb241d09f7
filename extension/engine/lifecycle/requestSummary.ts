/**
 * The `requests` section of the JSON report: request counts by layer and operation, complete and
 * incomplete, and submission-to-completion latency percentiles per layer (block-layer stage latencies
 * in btt's vocabulary come from the block tracker's statistics).
 */
import type { LatencyStats, LayerSummary, RequestLayer, RequestsSummary } from '../contracts/report';
import type { IoRequest, RequestSet } from './ioRequest';

/** Percentiles of `values` (unsorted; it is sorted in place). */
export function latencyStats(values: Float64Array): LatencyStats | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const at = (q: number): number => values[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
  return { count: n, mean: Math.round(sum / n), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[n - 1]! };
}

/** Submission (first stage) to completion (last stage) of a complete request, in ns. */
export function requestLatency(r: IoRequest): number | undefined {
  if (!r.complete || r.stages.length < 2) return undefined;
  return r.stages[r.stages.length - 1]!.ts - r.stages[0]!.ts;
}

export function summarizeRequests(set: RequestSet): RequestsSummary {
  const groups = new Map<RequestLayer, IoRequest[]>();
  for (const r of set.requests) {
    let g = groups.get(r.layer);
    if (!g) groups.set(r.layer, (g = []));
    g.push(r);
  }
  const byLayer: Partial<Record<RequestLayer, LayerSummary>> = {};
  for (const [layer, rs] of groups) {
    const byOp: Record<string, number> = {};
    let complete = 0;
    const lat: number[] = [];
    for (const r of rs) {
      byOp[r.op] = (byOp[r.op] ?? 0) + 1;
      if (r.complete) complete++;
      const l = requestLatency(r);
      if (l !== undefined) lat.push(l);
    }
    byLayer[layer] = { total: rs.length, complete, incomplete: rs.length - complete, byOp, latency: latencyStats(Float64Array.from(lat)) };
  }
  return { total: set.requests.length, byLayer };
}

