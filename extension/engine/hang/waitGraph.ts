/**
 * WaitGraph: who waits for what. Nodes are tasks, the resources they sleep on (ordered extents, folio
 * writeback, inode locks, a frozen filesystem's sb_writers, transactions, the journal, request-queue
 * throttling…) and, with a trace, the ordered extents and block requests those resources need. Edges go
 * from a waiter to its resource, and from a resource to whoever holds or serves it (blocker hints, lockdep
 * holders, the btrfs flush and completion workers) or to the I/O it needs. This is `waitGraph` in the JSON
 * contract; `cycles` lists the task cycles (deadlocks).
 */
import type { WaitEdge, WaitGraph, WaitNode } from '../contracts/report';

export class WaitGraphBuilder {
  private readonly nodes = new Map<string, WaitNode>();
  private readonly edges = new Map<string, WaitEdge>();
  /** Edge keys by source node, so that `out` does not scan every edge (tens of thousands of tasks). */
  private readonly outKeys = new Map<string, string[]>();

  node(n: WaitNode): string {
    const old = this.nodes.get(n.id);
    if (!old || (n.stuck && !old.stuck)) this.nodes.set(n.id, old ? { ...old, ...n } : n);
    return n.id;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  edge(e: WaitEdge): void {
    if (e.from === e.to) return;
    const key = `${e.from}\u0000${e.to}\u0000${e.kind}`;
    const old = this.edges.get(key);
    if (old) {
      // Evidence of the same edge found again adds only the lines it does not already cite (at most 16).
      const more = e.evidence.filter((x) => !old.evidence.some((o) => o.file === x.file && o.line === x.line && o.role === x.role));
      if (more.length > 0 && old.evidence.length < 16) this.edges.set(key, { ...old, evidence: [...old.evidence, ...more].slice(0, 16) });
      return;
    }
    this.edges.set(key, e);
    let keys = this.outKeys.get(e.from);
    if (!keys) this.outKeys.set(e.from, (keys = []));
    keys.push(key);
  }

  /** Targets of `id`'s outgoing edges. */
  out(id: string): WaitEdge[] {
    return (this.outKeys.get(id) ?? []).map((k) => this.edges.get(k)!);
  }

  build(): WaitGraph {
    const nodes = [...this.nodes.values()];
    const edges = [...this.edges.values()];
    return { nodes, edges, cycles: findCycles(nodes, edges) };
  }
}

/** Elementary cycles through at least two tasks (Johnson-lite: DFS from each node, bounded). */
function findCycles(nodes: readonly WaitNode[], edges: readonly WaitEdge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    let l = adj.get(e.from);
    if (!l) adj.set(e.from, (l = []));
    l.push(e.to);
  }
  const kind = new Map(nodes.map((n) => [n.id, n.kind]));
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const ids = nodes.map((n) => n.id).sort();
  for (const start of ids) {
    const path: string[] = [start];
    const onPath = new Set([start]);
    const dfs = (at: string, depth: number): void => {
      if (cycles.length >= 32 || depth > 24) return;
      for (const next of adj.get(at) ?? []) {
        if (next === start) {
          const tasks = path.filter((p) => kind.get(p) === 'task').length;
          const key = [...path].sort().join('|');
          if (tasks >= 2 && !seen.has(key)) {
            seen.add(key);
            cycles.push([...path]);
          }
        } else if (!onPath.has(next) && next > start) {
          onPath.add(next);
          path.push(next);
          dfs(next, depth + 1);
          path.pop();
          onPath.delete(next);
        }
      }
    };
    dfs(start, 0);
  }
  return cycles;
}
