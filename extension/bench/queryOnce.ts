/**
 * Query latencies inside the engine worker, as the editor sees them: starts the real engine worker
 * (dist/engineWorker.js), opens a trace in it, then times a few hundred random queries of each kind round
 * trip (the host posts a request, the worker answers from the retained model): a hover's event and chains
 * (two requests, and `lineInfo` in one), CodeLenses and inlay hints of 200-line windows, pages, first
 * filter scans, text filters (first scan, then pages), the row of an editor line under a filter, the
 * request timeline (index build, whole trace and zoomed windows at 1200 px), the overview and latency
 * histograms. Prints one JSON line with p50/p95/max per query kind and the time
 * the `open` took.
 *
 *   node dist/bench-query.js FILE
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineMethods, FromWorkerMessage } from '../protocol/engineProtocol';
import type { ParamsOf, ResultOf } from '../protocol/envelope';

const file = process.argv[2];
if (!file) throw new Error('usage: queryOnce FILE');
const worker = new Worker(path.join(__dirname, 'engineWorker.js'));
let nextId = 1;
const pending = new Map<number, (m: FromWorkerMessage) => void>();
worker.on('message', (m: FromWorkerMessage) => {
  if (m.kind === 'reply') pending.get(m.id)?.(m);
});

function call<M extends keyof EngineMethods & string>(method: M, params: ParamsOf<EngineMethods, M>): Promise<ResultOf<EngineMethods, M>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (m) => {
      pending.delete(id);
      if (m.kind === 'reply' && m.ok) resolve(m.result as ResultOf<EngineMethods, M>);
      else reject(new Error(m.kind === 'reply' && !m.ok ? m.error : 'bad reply'));
    });
    worker.postMessage({ kind: 'request', id, method, params });
  });
}

function pct(xs: number[]): { n: number; p50: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: +at(0.5).toFixed(3), p95: +at(0.95).toFixed(3), max: +s[s.length - 1]!.toFixed(3) };
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

async function run(): Promise<void> {
  const doc = { key: `file://${path.resolve(file!)}`, version: 1, name: path.resolve(file!), path: path.resolve(file!) };
  const [openMs, opened] = await time(() => call('open', { doc, companions: [] }));
  const lines = opened.lines;
  // Deterministic pseudo-random lines (xorshift), so runs are comparable.
  let x = 0x9e3779b9;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const hover: number[] = [];
  for (let i = 0; i < 400; i++) {
    const line = 1 + Math.floor(rnd() * lines);
    const [ms] = await time(async () => {
      await call('eventAt', { doc: doc.key, line });
      await call('requestChains', { doc: doc.key, line });
    });
    hover.push(ms);
  }
  // The editor's per-line and per-window questions: a hover in one round trip, CodeLenses and inlay
  // hints of a 200-line window (what a screen shows, with margin).
  const info: number[] = [];
  for (let i = 0; i < 400; i++) {
    const line = 1 + Math.floor(rnd() * lines);
    const [ms] = await time(() => call('lineInfo', { doc: doc.key, line }));
    info.push(ms);
  }
  const lens: number[] = [];
  const hints: number[] = [];
  for (let i = 0; i < 200; i++) {
    const from = 1 + Math.floor(rnd() * Math.max(1, lines - 200));
    const [lensMs] = await time(() => call('lenses', { doc: doc.key, from, to: from + 199 }));
    lens.push(lensMs);
    const [hintMs] = await time(() => call('inlayHints', { doc: doc.key, from, to: from + 199 }));
    hints.push(hintMs);
  }
  const page: number[] = [];
  const filters = [{ events: ['block_rq_issue'] }, { events: ['iomap_dio_complete', 'xfs_file_direct_read'] }, { cpus: [1] }, { devices: ['7:0'], events: ['block_rq_complete'] }];
  for (let i = 0; i < 200; i++) {
    const filter = filters[i % filters.length]!;
    const [ms] = await time(() => call('eventsPage', { doc: doc.key, filter, offset: Math.floor(rnd() * 10000), limit: 200 }));
    page.push(ms);
  }
  const firstFilterMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [ms] = await time(() => call('eventsPage', { doc: doc.key, filter: { pids: [i + 12000], events: [`block_rq_issue`] }, offset: 0, limit: 200 }));
    firstFilterMs.push(ms);
  }
  // The event table (webview/DESIGN.md step 8): the first scan of a text filter (every line read again), then
  // pages of 200 rows of it at random offsets, alone and with an event filter; the row of an editor line.
  const textFilters = [{ text: 'RS 4096' }, { events: ['block_rq_issue'], text: 'RS 4096' }, { text: 'fio-12060' }];
  const firstTextScanMs: number[] = [];
  const textTotals: number[] = [];
  for (const filter of textFilters) {
    const [ms, p] = await time(() => call('eventsPage', { doc: doc.key, filter, offset: 0, limit: 200 }));
    firstTextScanMs.push(ms);
    textTotals.push(p?.total ?? 0);
  }
  const pageText: number[] = [];
  for (let i = 0; i < 200; i++) {
    const k = i % textFilters.length;
    const offset = Math.floor(rnd() * Math.max(1, textTotals[k]! - 200));
    const [ms] = await time(() => call('eventsPage', { doc: doc.key, filter: textFilters[k]!, offset, limit: 200 }));
    pageText.push(ms);
  }
  const rowIndex: number[] = [];
  const rowFilters = [{}, { events: ['block_rq_issue'] }, textFilters[0]!];
  for (let i = 0; i < 300; i++) {
    const line = 1 + Math.floor(rnd() * lines);
    const [ms] = await time(() => call('rowIndexOfLine', { doc: doc.key, filter: rowFilters[i % rowFilters.length]!, line }));
    rowIndex.push(ms);
  }
  // The timeline (step 12): lanes (the first call builds the index), the whole trace at 1200 px by device and
  // by task, random zoomed windows, and the overview (each bin count is a new pass over the time column).
  const [timelineIndexMs, devLanes] = await time(() => call('timelineLanes', { doc: doc.key, by: 'device' }));
  const [taskIndexMs] = await time(() => call('timelineLanes', { doc: doc.key, by: 'task' }));
  const fromNs = devLanes?.startNs ?? 0;
  const toNs = devLanes?.endNs ?? 0;
  const timelineFull: number[] = [];
  const timelineTask: number[] = [];
  let fullBars = 0;
  let fullTotal = 0;
  for (let i = 0; i < 50; i++) {
    const [ms, b] = await time(() => call('timeline', { doc: doc.key, by: 'device', fromNs, toNs, widthPx: 1200 }));
    timelineFull.push(ms);
    fullBars = b?.lane.length ?? 0;
    fullTotal = b?.total ?? 0;
    const [tms] = await time(() => call('timeline', { doc: doc.key, by: 'task', fromNs, toNs, widthPx: 1200 }));
    timelineTask.push(tms);
  }
  const timelineZoomed: number[] = [];
  for (let i = 0; i < 100; i++) {
    const span = (toNs - fromNs) / 10 ** (1 + Math.floor(rnd() * 4));
    const from = fromNs + rnd() * (toNs - fromNs - span);
    const [ms] = await time(() => call('timeline', { doc: doc.key, by: 'device', fromNs: from, toNs: from + span, widthPx: 1200 }));
    timelineZoomed.push(ms);
  }
  const overview: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [ms] = await time(() => call('overview', { doc: doc.key, bins: 1000 + i }));
    overview.push(ms);
  }
  const hist: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [ms] = await time(() => call('latency', { doc: doc.key, query: i % 2 === 0 ? { layer: 'block' } : {} }));
    hist.push(ms);
  }
  process.stdout.write(
    JSON.stringify({
      openMs,
      lines,
      eventAndChain: pct(hover),
      lineInfo: pct(info),
      lenses200: pct(lens),
      inlayHints200: pct(hints),
      page200: pct(page),
      firstFilterScan: pct(firstFilterMs),
      firstTextScan: { ...pct(firstTextScanMs), totals: textTotals },
      page200Text: pct(pageText),
      rowIndexOfLine: pct(rowIndex),
      timelineIndexBuild: { device: +timelineIndexMs.toFixed(3), task: +taskIndexMs.toFixed(3), lanes: devLanes?.key.length ?? 0 },
      timelineFull: { ...pct(timelineFull), bars: fullBars, requests: fullTotal },
      timelineTaskFull: pct(timelineTask),
      timelineZoomed: pct(timelineZoomed),
      overview: pct(overview),
      latencyHistogram: pct(hist),
    }) + '\n',
  );
  await worker.terminate();
}

void run();
