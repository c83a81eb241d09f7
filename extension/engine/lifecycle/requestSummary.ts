/**
 * The `requests` section of the JSON report: request counts by layer and operation, complete and
 * incomplete, and submission-to-completion latency percentiles per layer (block-layer stage latencies
 * in btt's vocabulary come from blockLatency.ts). Computed over the requests of one or several files
 * (percentiles over all of them, never averaged), layers and ops in order of first appearance.
 */
import type { LatencyStats, LayerSummary, RequestLayer, RequestsReport, RequestsSummary } from '../contracts/report';
import { requestLatency, type RequestView } from '../requests/requestView';
import { blockLatencyStats } from './blockLatency';

/** Percentiles of `values` (unsorted; it is sorted in place): nearest rank, as btt and fio report them. */
export function latencyStats(values: Float64Array): LatencyStats | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const at = (q: number): number => values[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
  return { count: n, mean: Math.round(sum / n), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[n - 1]! };
}

interface LayerAcc {
  total: number;
  complete: number;
  readonly byOp: Record<string, number>;
  /** Completed requests with a latency (counted in a first pass, filled in a second). */
  latencies: number;
  values: Float64Array;
  filled: number;
}

/** Two passes over the requests (count, then fill exact-size typed arrays): no large transient JS arrays. */
export function summarizeRequests(views: readonly RequestView[]): RequestsSummary {
  const groups = new Map<RequestLayer, LayerAcc>();
  let total = 0;
  for (const v of views) {
    total += v.count;
    for (let r = 0; r < v.count; r++) {
      const layer = v.layer(r);
      let g = groups.get(layer);
      if (!g) groups.set(layer, (g = { total: 0, complete: 0, byOp: {}, latencies: 0, values: new Float64Array(0), filled: 0 }));
      g.total++;
      const op = v.op(r);
      g.byOp[op] = (g.byOp[op] ?? 0) + 1;
      if (v.isComplete(r)) g.complete++;
      if (v.isComplete(r) && v.stageCount(r) >= 2) g.latencies++;
    }
  }
  for (const g of groups.values()) g.values = new Float64Array(g.latencies);
  for (const v of views) {
    for (let r = 0; r < v.count; r++) {
      const l = requestLatency(v, r);
      if (l === undefined) continue;
      const g = groups.get(v.layer(r))!;
      g.values[g.filled++] = l;
    }
  }
  const byLayer: Partial<Record<RequestLayer, LayerSummary>> = {};
  for (const [layer, g] of groups) {
    byLayer[layer] = { total: g.total, complete: g.complete, incomplete: g.total - g.complete, byOp: g.byOp, latency: latencyStats(g.values) };
  }
  return { total, byLayer };
}

/** The report's `requests` section over one or several files' requests. */
export function requestsReport(views: readonly RequestView[]): RequestsReport {
  return { ...summarizeRequests(views), block: blockLatencyStats(views) };
}
