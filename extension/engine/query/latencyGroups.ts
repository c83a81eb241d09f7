/**
 * latencyGroups: latency distributions of a model's requests, per layer, op, device and stage: `total`
 * (first stage to completion) for every layer, and btt's Q2G, G2I, I2D, Q2D, D2C, Q2C for block requests.
 * Each group has its count, nearest-rank percentiles (as btt and fio report them), min, max, mean and
 * log-scale bins (a fixed number per decade, edges at powers of 10^(1/n) ns). Block requests merged into
 * another (block_rq_merge) are left out, as in the report's btt table.
 */
import type { LatencyBin, LatencyGroup, LatencyQuery } from '../contracts/query';
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
  /** Sorted ascending. */
  readonly values: Float64Array;
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
  const v = acc.values;
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

/** Latencies of one (layer, op, device) of one view, by stage. */
interface Cell {
  readonly layer: RequestLayer;
  readonly op: string;
  readonly device: string;
  /** Latencies per stage: collected, then sorted once (Float64Array). */
  readonly stages: Map<string, number[] | Float64Array>;
}

/**
 * Every latency of the views, grouped by (layer, op, device) and stage: one pass over the requests with
 * numeric keys (no string built per request).
 */
export function collectLatencies(views: readonly RequestView[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const v of views) {
    const local = new Map<number, Cell>();
    for (let r = 0; r < v.count; r++) {
      const code = v.layerCode(r);
      if (code === LAYER_CODE.block && v.block.get(r, 'mergedInto') !== undefined) continue;
      const total = requestLatency(v, r);
      if (total === undefined) continue;
      const dev = v.dev(r);
      const key = (code * 65536 + v.opId(r)) * 4294967296 + (dev < 0 ? 4294967295 : dev);
      let cell = local.get(key);
      if (cell === undefined) {
        const layer = LAYERS[code]!;
        const op = v.op(r);
        const device = dev >= 0 ? devName(dev) : 'unknown';
        const name = `${layer}\u0000${op}\u0000${device}`;
        cell = cells.get(name);
        if (cell === undefined) cells.set(name, (cell = { layer, op, device, stages: new Map([['total', []]]) }));
        local.set(key, cell);
      }
      (cell.stages.get('total') as number[]).push(total);
      if (code === LAYER_CODE.block) {
        for (const s of BTT) {
          const x = v.block.get(r, s);
          if (x === undefined) continue;
          let list = cell.stages.get(s) as number[] | undefined;
          if (list === undefined) cell.stages.set(s, (list = []));
          list.push(x);
        }
      }
    }
  }
  for (const c of cells.values()) for (const [stage, vs] of c.stages) c.stages.set(stage, Float64Array.from(vs).sort());
  return [...cells.values()];
}

/** The latency groups of collected cells that match the query. */
export function groupsOf(cells: readonly Cell[], q: LatencyQuery = {}): LatencyGroup[] {
  const groups: Acc[] = [];
  const byLayerOp = new Map<string, Cell[]>();
  for (const c of cells) {
    if (q.layer !== undefined && q.layer !== c.layer) continue;
    if (q.op !== undefined && q.op !== c.op) continue;
    const lo = `${c.layer}\u0000${c.op}`;
    let list = byLayerOp.get(lo);
    if (list === undefined) byLayerOp.set(lo, (list = []));
    list.push(c);
    if (q.device !== undefined && q.device !== c.device) continue;
    for (const [stage, values] of c.stages) {
      if (q.stage !== undefined && q.stage !== stage) continue;
      if (values.length > 0) groups.push({ layer: c.layer, op: c.op, device: c.device, stage, values: values as Float64Array });
    }
  }
  // A (layer, op) seen on several devices also gets an `all` group per stage.
  if (q.device === undefined) {
    for (const list of byLayerOp.values()) {
      if (list.length < 2) continue;
      for (const stage of STAGE_ORDER) {
        if (q.stage !== undefined && q.stage !== stage) continue;
        const merged: number[] = [];
        for (const c of list) {
          const vs = c.stages.get(stage);
          if (vs) for (const x of vs) merged.push(x);
        }
        if (merged.length > 0) groups.push({ layer: list[0]!.layer, op: list[0]!.op, device: 'all', stage, values: Float64Array.from(merged).sort() });
      }
    }
  }
  const perDecade = Math.max(1, Math.min(20, Math.round(q.binsPerDecade ?? 4)));
  return groups
    .sort(
      (a, b) =>
        LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) ||
        a.op.localeCompare(b.op) ||
        (a.device === 'all' ? -1 : b.device === 'all' ? 1 : a.device.localeCompare(b.device, undefined, { numeric: true })) ||
        STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage),
    )
    .map((g) => stats(g, perDecade));
}

/** The latency groups of one or several files' requests that match the query. */
export function latencyGroups(views: readonly RequestView[], q: LatencyQuery = {}): LatencyGroup[] {
  return groupsOf(collectLatencies(views), q);
}

/**
 * The requests of one histogram bin: those the latency groups count in (layer, op, device or `all`, stage)
 * with a latency in [loNs, hiNs), by the same rules (merged block requests left out).
 */
export function requestsInBin(v: RequestView, bin: LatencyBin): number[] {
  const out: number[] = [];
  const code = LAYER_CODE[bin.layer as keyof typeof LAYER_CODE];
  if (code === undefined) return out;
  for (let r = 0; r < v.count; r++) {
    if (v.layerCode(r) !== code || v.op(r) !== bin.op) continue;
    if (code === LAYER_CODE.block && v.block.get(r, 'mergedInto') !== undefined) continue;
    if (requestLatency(v, r) === undefined) continue;
    if (bin.device !== 'all') {
      const dev = v.dev(r);
      if ((dev >= 0 ? devName(dev) : 'unknown') !== bin.device) continue;
    }
    const x = bin.stage === 'total' ? requestLatency(v, r) : code === LAYER_CODE.block && (BTT as readonly string[]).includes(bin.stage) ? v.block.get(r, bin.stage as (typeof BTT)[number]) : undefined;
    if (x !== undefined && x >= bin.loNs && x < bin.hiNs) out.push(r);
  }
  return out;
}
