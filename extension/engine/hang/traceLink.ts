/**
 * traceLink: ties the tasks of a kernel log to a trace of the same window.
 *
 * Alignment: the hung-task detector emits `sched_process_hang` for a task right before it prints its
 * report, so a log task and a hang event with the same pid fix the offset between the log's clock and the
 * trace's (this works for wall-clock logs too). Without such pairs, a monotonic `[s.us]` log and a trace
 * in a ns clock are assumed to share the clock (true for the `local`, `global`, `mono` and `boot` trace
 * clocks on the same boot, which the text trace does not record), and the result says it is an assumption.
 *
 * Linking: each ordered-extent waiter is linked to the ordered extents that were added and not finished
 * when it blocked (restricted to its inode when the trace shows which), with their age and the block
 * requests still outstanding for them: only the writes the trace proves to be an extent's own (btrfs
 * prints logical addresses; lifecycle/btrfsDiskMap.ts pairs writes with the ranges btrfs reports done).
 * The device's other outstanding writes are said to be the device's, never an extent's.
 */
import type { DumpedTask } from '../contracts/report';
import { mappingsText } from '../lifecycle/btrfsDiskMap';
import { devName } from '../lifecycle/devName';
import type { RequestView } from '../requests/requestView';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import type { EventStore } from '../store/eventStore';
import type { OrderedExtentWait } from './stackFacts';
import type { TaskTraceCollector, TraceHang } from './taskTraceCollector';

/** What the analysis needs of one analysed trace file. */
export interface TraceSide {
  readonly file: string;
  readonly store: EventStore;
  readonly collector: TaskTraceCollector;
  readonly extents: readonly OrderedExtent[];
  readonly requests: RequestView;
  readonly clock: 'ns' | 'counter';
  /** Trace window, seconds. */
  readonly first: number;
  readonly last: number;
}

export type AlignmentMethod = 'sched_process_hang' | 'same-clock' | 'none';

export interface Alignment {
  readonly trace: string;
  readonly method: AlignmentMethod;
  /** Trace seconds = log seconds + offset. */
  readonly offset: number;
  readonly certain: boolean;
  /** Words for the report: how the clocks were matched, or why they could not be. */
  readonly note: string;
  /** Log task index → the hang events of that pid near its report. */
  readonly hangs: ReadonlyMap<number, readonly TraceHang[]>;
}

const PAIR_WINDOW = 2; // s: a hang event and its report are printed within milliseconds

export function alignLogWithTrace(tasks: readonly DumpedTask[], side: TraceSide): Alignment {
  const byPid = new Map<number, TraceHang[]>();
  for (const h of side.collector.hangs) {
    let l = byPid.get(h.pid);
    if (!l) byPid.set(h.pid, (l = []));
    l.push(h);
  }
  // Candidate offsets from every (hung-task report, hang event of the same pid) pair; the offset most
  // pairs agree on wins (reports repeat every check interval, so pairs of different rounds disagree).
  const offsets: number[] = [];
  for (const t of tasks) {
    if (t.source !== 'hung-task' || t.pid === undefined || t.ts === undefined) continue;
    for (const h of byPid.get(t.pid) ?? []) offsets.push(h.ts - t.ts);
  }
  const hangs = new Map<number, TraceHang[]>();
  if (offsets.length > 0) {
    offsets.sort((a, b) => a - b);
    let best = offsets[0]!;
    let bestCount = 0;
    for (const o of offsets) {
      const n = offsets.filter((x) => Math.abs(x - o) <= 0.05).length;
      if (n > bestCount) {
        bestCount = n;
        best = o;
      }
    }
    const agreeing = offsets.filter((x) => Math.abs(x - best) <= 0.05);
    const offset = agreeing.reduce((a, b) => a + b, 0) / agreeing.length;
    for (const t of tasks) {
      if (t.pid === undefined || t.ts === undefined) continue;
      const near = (byPid.get(t.pid) ?? []).filter((h) => Math.abs(h.ts - (t.ts! + offset)) <= PAIR_WINDOW);
      if (near.length > 0) hangs.set(t.index, near);
    }
    const matched = new Set([...hangs.keys()].map((i) => tasks[i]!.pid));
    return {
      trace: side.file,
      method: 'sched_process_hang',
      offset,
      certain: true,
      note: `aligned by ${agreeing.length} sched_process_hang event(s) of ${matched.size} reported task(s) (offset ${fmtOffset(offset)})`,
      hangs,
    };
  }
  const logTimes = tasks.filter((t) => t.ts !== undefined && t.timeSource === 'monotonic').map((t) => t.ts!);
  if (logTimes.length > 0 && side.clock === 'ns') {
    const lo = Math.min(...logTimes);
    const hi = Math.max(...logTimes);
    if (hi >= side.first - 60 && lo <= side.last + 60) {
      return {
        trace: side.file,
        method: 'same-clock',
        offset: 0,
        certain: false,
        note: `assumed the same clock: the log's [seconds] fall in the trace window ${side.first.toFixed(3)}–${side.last.toFixed(3)} s, which holds only if the trace clock was local, global, mono or boot on the same boot (a text trace does not record it); no sched_process_hang event confirms it`,
        hangs,
      };
    }
    return { trace: side.file, method: 'none', offset: 0, certain: false, note: `not aligned: the log (${lo.toFixed(3)}–${hi.toFixed(3)} s) is outside the trace window ${side.first.toFixed(3)}–${side.last.toFixed(3)} s`, hangs };
  }
  const why = side.clock === 'counter' ? 'the trace uses a counter clock' : 'the log has no kernel [seconds] stamps and the trace no sched_process_hang events of its tasks';
  return { trace: side.file, method: 'none', offset: 0, certain: false, note: `not aligned: ${why}`, hangs };
}

function fmtOffset(o: number): string {
  return Math.abs(o) < 0.0005 ? '0 s' : `${o > 0 ? '+' : ''}${o.toFixed(6)} s`;
}

/** A block request of the trace, as the blocked-task analysis names it. */
export interface LinkedBio {
  /** Request id in the trace's requests. */
  readonly id: number;
  readonly dev: number;
  /** First line of the request in the trace. */
  readonly line: number;
  /** `WS 7:0 28672+512`. */
  readonly label: string;
  readonly issuedTs: number;
  /** Trace seconds; undefined when it never completed in the trace. */
  readonly completedTs?: number;
}

export interface LinkedExtent {
  readonly extent: OrderedExtent;
  readonly addedTs: number;
  /** Trace seconds the extent's I/O was done (mark_finished / finish ranges); undefined if never. */
  readonly ioDoneTs?: number;
  /** Trace seconds the extent completed (removed: what btrfs_start_ordered_extent waits for); undefined if never. */
  readonly finishedTs?: number;
  /** Block requests proven to be this extent's writes (see btrfsDiskMap) and not complete at the report time. */
  readonly outstanding: LinkedBio[];
  /** How the extent's logical range maps to a device, when the trace proves it (words, no line numbers). */
  readonly mapping?: string;
  /** The lines that prove the mapping (the range-done line and the block completions), for evidence. */
  readonly mappingLines: readonly number[];
}

export interface WaiterLink {
  /** Trace seconds: when the task blocked (its last switch out in D state), or its report time minus the hung seconds. */
  readonly blockedTs: number;
  readonly blockedLine?: number;
  /** Trace seconds of the report (the log line, aligned). */
  readonly reportTs: number;
  /** The inode the task works on, when the trace shows it (btrfs_sync_file). */
  readonly ino?: number;
  readonly extents: LinkedExtent[];
  /**
   * For I/O waits that are not ordered-extent waits: the block writes outstanding at the report time. For
   * ordered-extent waits: the device writes outstanding at the report time that no open extent is proven
   * to own (they may be theirs; the trace does not show it).
   */
  readonly bios: LinkedBio[];
}

/**
 * Links a task that waits on I/O (page writeback, a bio, direct I/O, a metadata read) but not on ordered
 * extents: the block requests of `ops` outstanding on the traced devices at its report time.
 */
export function linkIoWaiter(task: DumpedTask, side: TraceSide, align: Alignment, ops: ReadonlySet<string>): WaiterLink | undefined {
  const at = blockedAt(task, side, align);
  if (!at) return undefined;
  return { ...at, extents: [], bios: outstanding(side, at.reportTs, absSeconds(side), ops) };
}

/**
 * When the task was reported (trace clock) and when it blocked: its last switch out in D state before the
 * report, or the report time minus the hung seconds. Undefined when the log is not aligned with the trace.
 */
function blockedAt(task: DumpedTask, side: TraceSide, align: Alignment): { reportTs: number; blockedTs: number; blockedLine?: number } | undefined {
  if (align.method === 'none' || task.ts === undefined) return undefined;
  const reportTs = task.ts + align.offset;
  const switches = task.pid !== undefined ? (side.collector.dSwitches.get(task.pid) ?? []) : [];
  const lastD = [...switches].reverse().find((s) => s.ts <= reportTs + 0.001);
  return { reportTs, blockedTs: lastD?.ts ?? reportTs - (task.hungSeconds ?? 0), ...(lastD ? { blockedLine: lastD.line } : {}) };
}

function absSeconds(side: TraceSide): (rel: number) => number {
  return (rel) => side.store.absoluteNs(rel) / 1e9;
}

const WRITES: ReadonlySet<string> = new Set(['write']);

function outstanding(side: TraceSide, reportTs: number, abs: (rel: number) => number, ops: ReadonlySet<string> = WRITES): LinkedBio[] {
  const v = side.requests;
  const out: LinkedBio[] = [];
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) !== 'block' || !ops.has(v.op(r)) || v.stageCount(r) === 0) continue;
    const b = bioAt(v, r, abs);
    if (b.issuedTs <= reportTs && (b.completedTs === undefined || b.completedTs > reportTs)) out.push(b);
  }
  return out;
}

/** Links one ordered-extent waiter of the log to the trace. */
export function linkOrderedExtentWaiter(task: DumpedTask, wait: OrderedExtentWait, side: TraceSide, align: Alignment): WaiterLink | undefined {
  const at = blockedAt(task, side, align);
  if (!at) return undefined;
  const { reportTs, blockedTs } = at;
  const syncs = task.pid !== undefined ? side.collector.syncs.get(task.pid) ?? [] : [];
  const sync = [...syncs].reverse().find((s) => s.ts <= reportTs);
  const abs = absSeconds(side);
  const inodeOf = (oe: OrderedExtent): boolean => {
    // Waits on every extent, and workers that wait on one extent of the queue: any extent may be it.
    if (wait.all || wait.role === 'flush-worker' || wait.role === 'delalloc-flush' || wait.role === 'sync' || wait.role === 'umount') return true;
    if (sync && wait.role === 'fsync') return oe.ino === sync.ino;
    return task.pid === undefined || oe.pids.includes(task.pid) || oe.pids.length === 0;
  };
  const open = side.extents.filter((oe) => {
    if (oe.addedTs < 0) return false;
    const added = abs(oe.addedTs);
    const completed = oe.removedTs >= 0 ? abs(oe.removedTs) : Infinity;
    return added <= blockedTs + 0.001 && completed > blockedTs && inodeOf(oe);
  });
  const v = side.requests;
  const owned = new Set<number>();
  const extents: LinkedExtent[] = open.map((oe) => {
    const ids = oe.writes ?? [];
    for (const r of ids) owned.add(r);
    const own = ids.map((r) => bioAt(v, r, abs)).filter((b) => b.issuedTs <= reportTs && (b.completedTs === undefined || b.completedTs > reportTs));
    const done = oe.finishedTs >= 0 ? abs(oe.finishedTs) : undefined;
    const fin = oe.removedTs >= 0 ? abs(oe.removedTs) : undefined;
    const maps = oe.mappings ?? [];
    const mapping = maps.length > 0 ? mappingsText(maps, devName) : undefined;
    return {
      extent: oe,
      addedTs: abs(oe.addedTs),
      ...(done !== undefined ? { ioDoneTs: done } : {}),
      ...(fin !== undefined ? { finishedTs: fin } : {}),
      outstanding: own,
      ...(mapping !== undefined ? { mapping } : {}),
      mappingLines: maps.flatMap((m) => [m.line, ...m.blockLines]),
    };
  });
  // The device's outstanding writes that no open extent is proven to own: said to be the device's.
  const unowned = open.length > 0 ? outstanding(side, reportTs, abs).filter((b) => !owned.has(b.id)) : [];
  return {
    ...at,
    ...(sync ? { ino: sync.ino } : {}),
    extents,
    bios: unowned,
  };
}

function bioAt(v: RequestView, r: number, abs: (rel: number) => number): LinkedBio {
  const stages = v.stages(r);
  const issue = stages.find((s) => s.name === 'issue' || s.name === 'insert' || s.name === 'queue') ?? stages[0]!;
  const done = v.isComplete(r) ? stages.find((s) => s.name === 'complete' || s.name === 'error') : undefined;
  const dev = v.dev(r);
  const label = `${v.block.get(r, 'rwbs') ?? v.op(r)} ${dev >= 0 ? devName(dev) : '?'} ${v.sector(r)}+${v.sectors(r)}`;
  return { id: r, dev, line: v.lines(r)[0] ?? 0, label, issuedTs: abs(issue.ts), ...(done ? { completedTs: abs(done.ts) } : {}) };
}
