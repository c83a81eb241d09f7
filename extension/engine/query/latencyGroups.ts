/**
 * latencyGroups: latency distributions of a model's requests, per layer, op, device and stage: `total`
 * (first stage to completion) for every layer, and btt's Q2G, G2I, I2D, Q2D, D2C, Q2C for block requests.
 * Each group has its count, nearest-rank percentiles (as btt and fio report them), min, max, mean and
 * log-scale bins (a fixed number per decade, edges at powers of 10^(1/n) ns). Block requests merged into
 * another (block_rq_merge) are left out, as in the report's btt table.
 */
import type { LatencyGroup, LatencyQuery } from '../contracts/query';
import type { RequestLayer } from '../contracts/report';
import { devName } from '../lifecycle/devName';
import { LAYER_CODE, LAYERS, requestLatency, type RequestView } from '../requests/requestView';

const BTT = ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'] as const;
const STAGE_ORDER = ['total', ...BTT];

interface Acc {
  readonly layer: RequestLayer;
  readonly op: string;
  readonly device: string;
  readonly stage: string;
  values: number[];
}

/**
 * Log-scale bins of sorted values, `perDecade` bins per power of ten, from the bin holding the smallest
 * positive value; zeros (two stages in the same microsecond of a µs-resolution trace) get a first bin [0, lo).
 */
export function logBins(sorted: Float64Array, perDecade: number): { lo: number; hi: number; count: number }[] {
  if (sorted.length === 0) return [];
  const step = 1 / perDecade;
  const edge = (k: number): number => Math.round(10 ** (k * step));
  let i = 0;
  while (i < sorted.length && sorted[i]! <= 0) i++;
  const bins: { lo: number; hi: number; count: number }[] = [];
  if (i === sorted.length) return [{ lo: 0, hi: 1, count: i }];
  const lowest = sorted[i]!;
  let k = Math.floor(Math.log10(lowest) / step);
  while (edge(k) > lowest) k--;
  while (edge(k + 1) <= lowest) k++;
  if (i > 0) bins.push({ lo: 0, hi: edge(k), count: i });
  while (i < sorted.length) {
    const lo = edge(k);
    const hi = edge(k + 1);
    let count = 0;
    while (i < sorted.length && sorted[i]! < hi) {
      count++;
      i++;
    }
    bins.push({ lo, hi, count });
    k++;
  }
  return bins;
}

function stats(acc: Acc, perDecade: number): LatencyGroup {
  const v = Float64Array.from(acc.values).sort();
  const n = v.length;
  const at = (q: number): number => v[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i]!;
  return {
    layer: acc.layer,
    op: acc.op,
    device: acc.device,
    stage: acc.stage,
    count: n,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: v[n - 1]!,
    min: v[0]!,
    mean: Math.round(sum / n),
    bins: logBins(v, perDecade),
  };
}

/** The latency groups of one or several files' requests that match the query. */
export function latencyGroups(views: readonly RequestView[], q: LatencyQuery = {}): LatencyGroup[] {
  const groups = new Map<string, Acc>();
  const add = (layer: RequestLayer, op: string, device: string, stage: string, value: number): void => {
    if (q.stage !== undefined && q.stage !== stage) return;
    const key = `${layer}\u0000${op}\u0000${device}\u0000${stage}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { layer, op, device, stage, values: [] }));
    g.values.push(value);
  };
  const devicesOf = new Map<string, Set<string>>();
  for (const v of views) {
    for (let r = 0; r < v.count; r++) {
      const layer = v.layer(r);
      if (q.layer !== undefined && q.layer !== layer) continue;
      const op = v.op(r);
      if (q.op !== undefined && q.op !== op) continue;
      const device = v.dev(r) >= 0 ? devName(v.dev(r)) : 'unknown';
      if (q.device !== undefined && q.device !== device) continue;
      if (v.layerCode(r) === LAYER_CODE.block && v.block.get(r, 'mergedInto') !== undefined) continue;
      const total = requestLatency(v, r);
      if (total === undefined) continue;
      const lo = `${layer}\u0000${op}`;
      let devs = devicesOf.get(lo);
      if (devs === undefined) devicesOf.set(lo, (devs = new Set()));
      devs.add(device);
      add(layer, op, device, 'total', total);
      if (layer === 'block') {
        for (const s of BTT) {
          const x = v.block.get(r, s);
          if (x !== undefined) add(layer, op, device, s, x);
        }
      }
    }
  }
  // A (layer, op) seen on several devices also gets an `all` group per stage.
  for (const [key, devs] of devicesOf) {
    if (devs.size < 2 || q.device !== undefined) continue;
    const [layer, op] = key.split('\u0000') as [RequestLayer, string];
    for (const stage of STAGE_ORDER) {
      const merged: number[] = [];
      for (const d of devs) {
        const g = groups.get(`${layer}\u0000${op}\u0000${d}\u0000${stage}`);
        if (g) merged.push(...g.values);
      }
      if (merged.length > 0) groups.set(`${layer}\u0000${op}\u0000all\u0000${stage}`, { layer, op, device: 'all', stage, values: merged });
    }
  }
  const perDecade = Math.max(1, Math.min(20, Math.round(q.binsPerDecade ?? 4)));
  return [...groups.values()]
    .sort(
      (a, b) =>
        LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) ||
        a.op.localeCompare(b.op) ||
        (a.device === 'all' ? -1 : b.device === 'all' ? 1 : a.device.localeCompare(b.device, undefined, { numeric: true })) ||
        STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage),
    )
    .map((g) => stats(g, perDecade));
}
