/**
 * Query latencies inside the engine worker, as the editor sees them: starts the real engine worker
 * (dist/engineWorker.js), opens a trace in it, then times a few hundred random queries of each kind round
 * trip (the host posts a request, the worker answers from the retained model): a hover's event and chains
 * (two requests, and `lineInfo` in one), CodeLenses and inlay hints of 200-line windows, pages, first
 * filter scans and latency histograms. Prints one JSON line with p50/p95/max per query kind and the time
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
  const hist: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [ms] = await time(() => call('latency', { doc: doc.key, query: i % 2 === 0 ? { layer: 'block' } : {} }));
    hist.push(ms);
  }
  process.stdout.write(JSON.stringify({ openMs, lines, eventAndChain: pct(hover), lineInfo: pct(info), lenses200: pct(lens), inlayHints200: pct(hints), page200: pct(page), firstFilterScan: pct(firstFilterMs), latencyHistogram: pct(hist) }) + '\n');
  await worker.terminate();
}

void run();
