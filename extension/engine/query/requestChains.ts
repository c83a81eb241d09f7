/**
 * requestChains: the request chains a line belongs to, for hovers, "Show Request Lifecycle" and
 * `iolens request`: every root (the syscall or io_uring request at the top, or the topmost layer known)
 * with all its descendants, each request with its stages (absolute time, offset from the request's start,
 * wait since the previous stage), latency, btt stage latencies for block requests, and facts.
 * `relatedLines` lists every line of those chains with its role in words (requests/lineRoles.ts, shared
 * with the evidence of findings), for Find All References and document highlights.
 */
import type { RelatedLine, RequestChain, RequestNode, StageView } from '../contracts/query';
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { requestDetails } from '../requests/requestJson';
import { LineRoles } from '../requests/lineRoles';
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

/** Every line of the chains `line` belongs to, with its role (lineRoles.ts); sorted by line. A line is named by the request whose own stage it is (the block request's completion, not the ordered extent that also lists it); `store` names the other lines by their event. */
export function relatedLines(v: RequestView, line: number, maxLines = 4096, store?: EventStore): RelatedLine[] {
  const roles = new LineRoles(v, store);
  for (const root of rootsAtLine(v, line)) roles.tree(root, maxLines);
  return roles.named().map((n) => ({ line: n.line, role: n.role, request: n.request, layer: v.layer(n.request) }));
}

/** The line a request starts at (its first stage), for Go to Definition. */
export function requestStartLine(v: RequestView, r: number): number {
  return v.stageCount(r) > 0 ? v.stageLine(r, 0) : (v.lines(r)[0] ?? 0);
}
