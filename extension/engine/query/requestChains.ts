/**
 * requestChains: the request chains a line belongs to, for hovers, "Show Request Lifecycle" and
 * `iolens request`: every root (the syscall or io_uring request at the top, or the topmost layer known)
 * with all its descendants, each request with its stages (absolute time, offset from the request's start,
 * wait since the previous stage), latency, btt stage latencies for block requests, and facts.
 * `relatedLines` lists every line of those chains with its role in words, for Find All References and
 * document highlights.
 */
import type { RelatedLine, RequestChain, RequestNode, StageView } from '../contracts/query';
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { requestDetails } from '../requests/requestJson';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';

const BTT = ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'] as const;
const DEFAULT_MAX_NODES = 256;

function orNull(x: number): number | null {
  return x < 0 ? null : x;
}

/** One request as a chain node. */
export function requestNode(v: RequestView, store: EventStore, r: number, depth: number, scale = 1e9): RequestNode {
  const stages: StageView[] = [];
  const n = v.stageCount(r);
  const t0 = n > 0 ? v.stageTs(r, 0) : 0;
  let prev = t0;
  for (let k = 0; k < n; k++) {
    const ts = v.stageTs(r, k);
    stages.push({ name: v.stageName(r, k), line: v.stageLine(r, k), ts: store.absoluteNs(ts) / scale, offsetNs: ts - t0, sincePrevNs: ts - prev });
    prev = ts;
  }
  const result = v.result(r);
  let btt: Record<string, number> | undefined;
  if (v.layer(r) === 'block') {
    for (const s of BTT) {
      const x = v.block.get(r, s);
      if (x !== undefined) (btt ??= {})[s] = x;
    }
  }
  const errno = result !== undefined && result < 0 ? errnoNames.name(result) : undefined;
  return {
    id: r,
    layer: v.layer(r),
    op: v.op(r),
    pid: v.pid(r),
    comm: v.comm(r),
    dev: v.dev(r) < 0 ? null : devName(v.dev(r)),
    ino: orNull(v.ino(r)),
    offset: orNull(v.offset(r)),
    length: orNull(v.length(r)),
    sector: orNull(v.sector(r)),
    sectors: orNull(v.sectors(r)),
    result: result ?? null,
    ...(errno !== undefined ? { errno: `${result} ${errno}` } : {}),
    complete: v.isComplete(r),
    latencyNs: v.isComplete(r) && n > 0 ? v.lastTs(r) - t0 : null,
    ...(btt !== undefined ? { btt } : {}),
    stages,
    lines: [...v.lines(r)],
    parent: v.parent(r),
    children: [...v.children(r)],
    depth,
    details: requestDetails(v, r),
  };
}

/** The chain under `root`: the root, then its descendants depth-first in link order. */
export function requestChain(file: string, v: RequestView, store: EventStore, root: number, maxNodes = DEFAULT_MAX_NODES, scale = 1e9): RequestChain {
  const nodes: RequestNode[] = [];
  let truncated = false;
  const visit = (r: number, depth: number): void => {
    if (nodes.length >= maxNodes || depth > 16) {
      truncated = true;
      return;
    }
    nodes.push(requestNode(v, store, r, depth, scale));
    for (const c of v.children(r)) visit(c, depth + 1);
  };
  visit(root, 0);
  return { file, root, nodes, truncated };
}

/** The roots of every request the line belongs to (one chain per distinct root). */
export function rootsAtLine(v: RequestView, line: number): number[] {
  const roots = new Set<number>();
  for (const r of v.atLine(line)) roots.add(v.root(r));
  return [...roots];
}

/** The chains of the requests a line belongs to. */
export function requestChainsAt(file: string, v: RequestView, store: EventStore, line: number, maxNodes?: number, scale = 1e9): RequestChain[] {
  return rootsAtLine(v, line).map((root) => requestChain(file, v, store, root, maxNodes, scale));
}

/** What a stage is, in words (`block request issued`, `syscall exit: 65536 of 262144`). */
export function stageRole(v: RequestView, r: number, stage: string): string {
  const layer = v.layer(r);
  const op = v.op(r);
  const result = v.result(r);
  const res = result === undefined ? '' : result < 0 ? `: ${result}${errnoNames.name(result) ? ` ${errnoNames.name(result)}` : ''}` : v.length(r) > 0 && layer !== 'block' ? `: ${result} of ${v.length(r)}` : `: ${result}`;
  switch (layer) {
    case 'syscall':
      return stage === 'exit' ? `${op} returned${res}` : stage === 'enter' ? `${op} entered` : `${op} ${stage}`;
    case 'io_uring':
      return stage === 'complete' ? `io_uring ${op} completed${res}` : `io_uring ${op} ${stage}`;
    case 'fs':
      return `${op} ${stage}`;
    case 'block': {
      const words: Record<string, string> = {
        queue: 'bio queued',
        getrq: 'request allocated',
        insert: 'inserted into the scheduler',
        issue: 'issued to the driver',
        'io-start': 'I/O started',
        complete: `completed${result !== undefined && result < 0 ? res : ''}`,
        'partial-complete': 'completed in part',
        error: `failed${res}`,
        requeue: 'requeued',
        backmerge: 'bio back-merged',
        frontmerge: 'bio front-merged',
        split: 'bio split',
        remap: 'remapped',
        'io-done': 'I/O done',
      };
      return `block ${op} request ${words[stage] ?? stage}`;
    }
    case 'ordered-extent':
      return `ordered extent ${stage}`;
  }
}

/** Every line of the chains `line` belongs to, with its role; sorted by line. A line is named by the request whose own stage it is (the block request's completion, not the ordered extent that also lists it). */
export function relatedLines(v: RequestView, line: number, maxLines = 4096): RelatedLine[] {
  const out = new Map<number, RelatedLine & { named: boolean }>();
  const visit = (r: number, depth: number): void => {
    if (out.size >= maxLines || depth > 16) return;
    const named = new Map<number, string>();
    for (let k = 0; k < v.stageCount(r); k++) {
      const stage = v.stageName(r, k);
      if (stage !== 'parent-complete') named.set(v.stageLine(r, k), stageRole(v, r, stage));
    }
    for (const l of v.lines(r)) {
      const role = named.get(l);
      const known = out.get(l);
      if (known !== undefined && (known.named || role === undefined)) continue;
      out.set(l, { line: l, role: role ?? `${v.layer(r)} ${v.op(r)} event`, request: r, layer: v.layer(r), named: role !== undefined });
    }
    for (const c of v.children(r)) visit(c, depth + 1);
  };
  for (const root of rootsAtLine(v, line)) visit(root, 0);
  return [...out.values()].sort((a, b) => a.line - b.line).map(({ named: _named, ...rel }) => rel);
}

/** The line a request starts at (its first stage), for Go to Definition. */
export function requestStartLine(v: RequestView, r: number): number {
  return v.stageCount(r) > 0 ? v.stageLine(r, 0) : (v.lines(r)[0] ?? 0);
}
