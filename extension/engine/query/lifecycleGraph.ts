/**
 * lifecycleGraph: one request's life across layers as a graph for elkjs (layered, left to right): the
 * root of its chain and every request below it (syscall / io_uring -> fs -> block requests; ordered
 * extents and the block writes that wrote them), each node with its op, range, result and latency, edges
 * labelled with the wait from the parent's start to the child's. A layer with more than `maxPerLayer`
 * requests is folded into one node with a count, unless the caller asks to expand it.
 */
import type { LifecycleEdge, LifecycleGraph, LifecycleNode } from '../contracts/query';
import type { RequestLayer } from '../contracts/report';
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { fdOf } from '../lifecycle/fsResolve';
import { formatDuration } from '../report/formatDuration';
import type { RequestView } from '../requests/requestView';

const MAX_NODES = 2000;

/** A short label for a request: what it did and where. */
export function requestLabel(v: RequestView, r: number): string {
  const op = v.op(r);
  switch (v.layer(r)) {
    case 'syscall': {
      const fd = fdOf(v, r);
      return `${op}(${fd !== undefined ? `fd ${fd}` : ''}${v.offset(r) >= 0 ? ` @${v.offset(r)}` : ''}${v.length(r) >= 0 ? `, ${v.length(r)}` : ''})`;
    }
    case 'io_uring':
      return `io_uring ${op}${v.offset(r) >= 0 ? ` @${v.offset(r)}` : ''}${v.length(r) >= 0 ? ` ${v.length(r)}` : ''}`;
    case 'fs':
      return `${op}${v.ino(r) >= 0 ? ` ino ${v.ino(r)}` : ''}${v.offset(r) >= 0 ? ` @${v.offset(r)}` : ''}${v.length(r) >= 0 ? ` ${v.length(r)}` : ''}`;
    case 'block':
      return `${op} ${v.dev(r) >= 0 ? devName(v.dev(r)) : '?'} ${v.sector(r)}+${v.sectors(r)}`;
    case 'ordered-extent': {
      const oe = v.orderedExtent(r);
      return oe ? `ordered extent ino ${oe.ino} [${oe.fileOffset}, ${oe.fileOffset + oe.len})` : 'ordered extent';
    }
  }
}

function isShortRead(v: RequestView, r: number): boolean {
  const res = v.result(r);
  return res !== undefined && res >= 0 && v.length(r) > 0 && res < v.length(r) && /read|READ/.test(v.op(r)) && v.eof(r) !== true;
}

function detailOf(v: RequestView, r: number): string {
  const res = v.result(r);
  const lat = v.isComplete(r) && v.stageCount(r) > 1 ? `, ${formatDuration(v.lastTs(r) - v.firstTs(r))}` : '';
  if (res === undefined) return v.isComplete(r) ? `done${lat}` : 'incomplete';
  if (res < 0) return `failed ${res}${errnoNames.name(res) ? ` ${errnoNames.name(res)}` : ''}${lat}`;
  return `-> ${res}${lat}`;
}

export function lifecycleGraph(file: string, v: RequestView, request: number, expand: readonly RequestLayer[] = [], maxPerLayer = 24): LifecycleGraph {
  const root = v.root(request);
  const members: number[] = [];
  const visit = (r: number, depth: number): void => {
    if (members.length >= MAX_NODES || depth > 16) return;
    members.push(r);
    for (const c of v.children(r)) visit(c, depth + 1);
  };
  visit(root, 0);
  const perLayer = new Map<RequestLayer, number>();
  for (const r of members) perLayer.set(v.layer(r), (perLayer.get(v.layer(r)) ?? 0) + 1);
  const collapsed = [...perLayer].filter(([layer, n]) => n > maxPerLayer && !expand.includes(layer) && layer !== v.layer(root)).map(([layer]) => layer);
  const idOf = (r: number): string => (collapsed.includes(v.layer(r)) ? `group:${v.layer(r)}` : `req:${r}`);
  const nodes = new Map<string, LifecycleNode>();
  const edges = new Map<string, LifecycleEdge>();
  for (const r of members) {
    const id = idOf(r);
    const failed = (v.result(r) ?? 0) < 0;
    const short = isShortRead(v, r);
    const line = v.stageCount(r) > 0 ? v.stageLine(r, 0) : (v.lines(r)[0] ?? 0);
    const known = nodes.get(id);
    if (id.startsWith('group:')) {
      const n = (known?.count ?? 0) + 1;
      nodes.set(id, {
        id,
        request: known?.request ?? r,
        layer: v.layer(r),
        label: `${n} ${v.layer(r)} requests`,
        detail: `${(known?.failed ?? false) || failed ? 'some failed; ' : ''}click to expand`,
        line: known?.line ?? line,
        failed: (known?.failed ?? false) || failed,
        short: (known?.short ?? false) || short,
        count: n,
      });
    } else {
      nodes.set(id, { id, request: r, layer: v.layer(r), label: requestLabel(v, r), detail: detailOf(v, r), line, failed, short, count: 1 });
    }
    const p = v.parent(r);
    if (p >= 0 && r !== root) {
      const from = idOf(p);
      if (from !== id) {
        const key = `${from}->${id}`;
        if (!edges.has(key)) edges.set(key, { from, to: id, label: `+${formatDuration(v.firstTs(r) - v.firstTs(p))}` });
      }
    }
  }
  return { file, root, nodes: [...nodes.values()], edges: [...edges.values()], collapsed };
}
