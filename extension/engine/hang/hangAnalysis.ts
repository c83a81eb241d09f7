/**
 * hangAnalysis: the blocked-task analysis of kernel logs, alone or with traces of the same window.
 *
 * For every task of every log it decides the culprit frame and the resource it sleeps on; it merges the
 * reports of one pid (hung-task rounds, a sysrq dump and a /proc snapshot are the same task), groups
 * tasks with the same culprit and stack, builds the wait-for graph, links ordered-extent waiters to the
 * trace, and reports the findings: `hung-task`, `ordered-extent-wait`, `wait-cycle` and `stalled-io`.
 */
import type { EvidenceRef, Finding, JsonValue } from '../contracts/finding';
import { kindsFrom } from '../contracts/findingKinds';
import type { AlignmentReport, DumpedTask, StackFrame, StateSource, TaskGroup, TaskReport, TaskSource, WaitGraph } from '../contracts/report';
import type { KernelLogResult } from '../klog/kernelLogParser';
import { devName } from '../lifecycle/devName';
import { clipRole } from '../requests/lineRoles';
import { culpritFrame, hangTitle, IO_WAITS, orderedExtentWait, reliableFrames, stackSignature, waitResource, baseName, type OrderedExtentWait, type WaitResource } from './stackFacts';
import { alignLogWithTrace, linkIoWaiter, linkOrderedExtentWaiter, type Alignment, type LinkedBio, type LinkedExtent, type TraceSide, type WaiterLink } from './traceLink';
import { WaitGraphBuilder } from './waitGraph';

export interface KernelLogInput {
  readonly file: string;
  readonly log: KernelLogResult;
}

export interface HangAnalysis {
  readonly tasks: TaskReport[];
  readonly taskGroups: TaskGroup[];
  readonly waitGraph: WaitGraph;
  readonly alignments: AlignmentReport[];
  readonly findings: Finding[];
}

interface TaskView {
  readonly file: string;
  readonly t: DumpedTask;
  readonly res: WaitResource;
  readonly oe: OrderedExtentWait | undefined;
  readonly node: string;
  readonly blocked: boolean;
  readonly primary: boolean;
  group: number;
  others: EvidenceRef[];
  link?: { side: TraceSide; align: Alignment; waiter?: WaiterLink; hangs: number[] };
}

/** SARIF rule texts of the findings this analysis reports. */
/** The finding kinds of the blocked-task analysis. */
export const HANG_FINDING_KINDS: readonly string[] = kindsFrom('kernel-log');

const SOURCE_RANK: Record<string, number> = { 'hung-task': 0, 'sysrq-w': 1, 'sysrq-t': 2, blocker: 3, 'proc-stack': 4, dump: 5 };
const MAX_BIO_NODES = 16;
const READ_WRITE: ReadonlySet<string> = new Set(['read', 'write']);
const WRITE_ONLY: ReadonlySet<string> = new Set(['write']);

export function analyzeHangs(logs: readonly KernelLogInput[], traces: readonly TraceSide[]): HangAnalysis {
  const views: TaskView[] = [];
  for (const { file, log } of logs) {
    for (const t of log.tasks) {
      const node = t.pid !== undefined ? `task:${t.pid}` : `task:${file}#${t.index}`;
      views.push({ file, t, res: waitResource(t), oe: orderedExtentWait(t), node, blocked: t.state === 'D', primary: false, group: -1, others: [] });
    }
  }
  // One representative per pid: the richest report (a hung-task report over a dump over a /proc stack).
  const byNode = new Map<string, TaskView[]>();
  for (const v of views) {
    let l = byNode.get(v.node);
    if (!l) byNode.set(v.node, (l = []));
    l.push(v);
  }
  const primaries: TaskView[] = [];
  for (const list of byNode.values()) {
    const withStack = list.filter((v) => reliableFrames(v.t).length > 0);
    const pool = withStack.length > 0 ? withStack : list;
    const best = [...pool].sort((a, b) => (SOURCE_RANK[a.t.source] ?? 9) - (SOURCE_RANK[b.t.source] ?? 9) || a.t.firstLine - b.t.firstLine)[0]!;
    (best as { primary: boolean }).primary = true;
    (best as { blocked: boolean }).blocked = list.some((v) => v.blocked);
    best.others = list.filter((v) => v !== best).map((v) => ({ file: v.file, line: v.t.firstLine, role: `same pid reported again (${SOURCE_WORDS[v.t.source]})` }));
    primaries.push(best);
  }
  primaries.sort((a, b) => a.file.localeCompare(b.file) || a.t.firstLine - b.t.firstLine);

  // Groups: same culprit and the same reliable stack.
  const groups: TaskGroup[] = [];
  const groupOf = new Map<string, number>();
  for (const v of primaries) {
    if (!v.blocked) continue;
    const sig = stackSignature(v.t);
    let g = groupOf.get(sig);
    if (g === undefined) {
      g = groups.length;
      groupOf.set(sig, g);
      groups.push({ title: hangTitle(v.t), culprit: culpritFrame(v.t)?.func ?? '?', waitsOn: v.res.label, tasks: [] });
    }
    v.group = g;
  }

  // Trace alignment, per (log, trace).
  const alignments: AlignmentReport[] = [];
  for (const { file, log } of logs) {
    let best: { side: TraceSide; align: Alignment } | undefined;
    for (const side of traces) {
      const align = alignLogWithTrace(log.tasks, side);
      alignments.push({ log: file, trace: side.file, method: align.method, offset: align.offset, certain: align.certain, note: align.note });
      if (align.method !== 'none' && (!best || (align.certain && !best.align.certain))) best = { side, align };
    }
    if (!best) continue;
    for (const v of views) {
      if (v.file !== file) continue;
      const hangs = (best.align.hangs.get(v.t.index) ?? []).map((h) => h.line);
      v.link = { side: best.side, align: best.align, hangs };
      const w = waiterLink(v, best.side, best.align);
      if (w) v.link.waiter = w;
    }
  }
  // Hang events of a task carried by a non-primary report (the log's repeated rounds) count for the primary.
  for (const list of byNode.values()) {
    const p = list.find((v) => v.primary)!;
    if (p.link) continue;
    const linked = list.find((v) => v.link);
    if (linked?.link) p.link = { ...linked.link };
    if (p.link && !p.link.waiter) {
      const w = waiterLink(p, p.link.side, p.link.align);
      if (w) p.link.waiter = w;
    }
  }

  const graph = buildGraph(primaries, logs);
  const tasks: TaskReport[] = [];
  const indexOf = new Map<TaskView, number>();
  for (const v of views) {
    indexOf.set(v, tasks.length);
    tasks.push(taskReport(v));
  }
  for (const v of primaries) if (v.group >= 0) groups[v.group]!.tasks.push(indexOf.get(v)!);

  const findings = [...hungTaskFindings(primaries, groups), ...orderedExtentFindings(primaries, graph.builder), ...cycleFindings(graph.graph, primaries), ...stalledIoFindings(primaries)];
  findings.push(...traceOnlyHangs(traces, views));
  return { tasks, taskGroups: groups, waitGraph: graph.graph, alignments, findings };
}

function waiterLink(v: TaskView, side: TraceSide, align: Alignment): WaiterLink | undefined {
  if (!v.blocked) return undefined;
  if (v.oe) return linkOrderedExtentWaiter(v.t, v.oe, side, align);
  if (!IO_WAITS.has(v.res.kind)) return undefined;
  // Metadata buffers, bios and direct I/O wait on reads as well; writeback waits on writes.
  const readsToo = v.res.kind === 'buffer' || v.res.kind === 'bio' || v.res.kind === 'direct-io';
  return linkIoWaiter(v.t, side, align, readsToo ? READ_WRITE : WRITE_ONLY);
  return undefined;
}

function taskReport(v: TaskView): TaskReport {
  const c = culpritFrame(v.t);
  const w = v.link?.waiter;
  return {
    file: v.file,
    ...v.t,
    blocked: v.blocked,
    title: hangTitle(v.t),
    ...(c ? { culprit: c.func } : {}),
    waitsOn: { kind: v.res.kind, label: v.res.label },
    ...(v.oe ? { orderedExtentWait: { role: v.oe.role, words: v.oe.words, waitIn: v.oe.waitIn.func, line: v.oe.waitIn.line } } : {}),
    node: v.node,
    group: v.group,
    ...(v.others.length > 0 ? { alsoReportedAt: v.others } : {}),
    ...(v.link && v.t.ts !== undefined
      ? {
          trace: {
            file: v.link.side.file,
            reportTs: round6(v.t.ts + v.link.align.offset),
            hangEvents: v.link.hangs,
            ...(w ? { blockedTs: round6(w.blockedTs) } : {}),
            ...(w?.blockedLine !== undefined ? { blockedLine: w.blockedLine } : {}),
          },
        }
      : {}),
  };
}

/** What a report of each source is called in a role. */
const SOURCE_WORDS: Readonly<Record<TaskSource, string>> = {
  'hung-task': 'hung-task report',
  'sysrq-w': 'sysrq-w blocked-task dump',
  'sysrq-t': 'sysrq-t task dump',
  blocker: 'lock owner report',
  'proc-stack': '/proc stack',
  dump: 'task dump',
};

/** Where the state of a task whose report printed none was read: `/proc/4321/stat`, `a ps line`. */
function stateWhere(t: DumpedTask): string {
  const how: StateSource | undefined = t.stateFrom?.how;
  const pid = t.pid ?? 'PID';
  return how === 'proc-stat' ? `/proc/${pid}/stat` : how === 'proc-status' ? `the State: line of /proc/${pid}/status` : 'a ps line';
}

/** `kworker/u8:3 (pid 123)`. */
function taskWho(t: DumpedTask): string {
  return `${t.comm}${t.pid !== undefined ? ` (pid ${t.pid})` : ''}`;
}

/** The role of a task's first line: `hung-task report of kworker/u8:3 (pid 123)`. */
function taskRole(t: DumpedTask): string {
  return clipRole(`${SOURCE_WORDS[t.source]} of ${taskWho(t)}`);
}

/** The role of a block request's first line that a blocked task needed: `block request WS 7:0 28672+512, never completed`. */
function bioRole(b: LinkedBio, reportTs: number): string {
  const when = b.completedTs === undefined ? 'never completed' : b.completedTs > reportTs ? 'completed after the report' : 'outstanding at the report';
  return clipRole(`block request ${b.label}, ${when}`);
}

function taskName(t: DumpedTask): string {
  return t.pid !== undefined ? `${t.comm}:${t.pid}` : `${t.comm} (no pid)`;
}

function isFlushWorker(v: TaskView): boolean {
  return v.oe?.role === 'flush-worker';
}

/** A btrfs worker that completes ordered extents (btrfs-endio-write), blocked itself. */
function isCompletionWorker(v: TaskView): boolean {
  return (
    v.blocked &&
    (reliableFrames(v.t).some((f) => /^(?:btrfs_finish_ordered_io|btrfs_finish_one_ordered|finish_ordered_fn|btrfs_finish_ordered_extent)$/.test(baseName(f.func))) ||
      (v.t.workqueue !== undefined && /endio-write|endio_write/.test(v.t.workqueue.name)))
  );
}

function buildGraph(views: readonly TaskView[], logs: readonly KernelLogInput[]): { graph: WaitGraph; builder: WaitGraphBuilder } {
  const g = new WaitGraphBuilder();
  const blocked = views.filter((v) => v.blocked);
  for (const v of blocked) {
    g.node({ id: v.node, kind: 'task', label: taskName(v.t), stuck: true, file: v.file, line: v.t.firstLine, detail: v.t.state });
    const rid = `res:${v.res.key}`;
    g.node({ id: rid, kind: 'resource', label: v.res.label, stuck: false, detail: v.res.kind });
    const ev: EvidenceRef[] = [{ file: v.file, line: v.res.frame?.line ?? v.t.firstLine, role: v.res.frame ? clipRole(`sleeps in ${baseName(v.res.frame.func)}`) : taskRole(v.t) }];
    g.edge({ from: v.node, to: rid, kind: 'waits-on', label: v.oe ? v.oe.words : `sleeps in ${v.res.frame ? baseName(v.res.frame.func) : '?'}`, evidence: ev });
  }
  // Tasks by pid (the first view of a pid, as a linear search would find it).
  const byPid = new Map<number, TaskView>();
  for (const o of views) if (o.t.pid !== undefined && !byPid.has(o.t.pid)) byPid.set(o.t.pid, o);
  // Blocker hints (6.x): the lock is likely owned by the named task.
  for (const v of blocked) {
    const b = v.t.blocker;
    if (!b || b.ownerPid === undefined) continue;
    const owner = byPid.get(b.ownerPid);
    const oid = `task:${b.ownerPid}`;
    if (!owner || !owner.blocked) g.node({ id: oid, kind: 'task', label: `${b.ownerComm ?? '?'}:${b.ownerPid}`, stuck: false, ...(owner ? { file: owner.file, line: owner.t.firstLine, detail: owner.t.state } : {}) });
    g.edge({ from: `res:${v.res.key}`, to: oid, kind: 'held-by', label: `${b.lock} likely owned by ${b.ownerComm ?? '?'}:${b.ownerPid}${b.ownerRole ? ` <${b.ownerRole}>` : ''} (blocker hint)`, evidence: [{ file: v.file, line: b.line, role: clipRole(`blocker hint: owned by ${b.ownerComm ?? '?'} (pid ${b.ownerPid})`) }] });
  }
  // lockdep: tasks holding a lock of the class the waiters sleep on. The waiters are grouped by what a lock
  // line can match (a resource kind, or the function that takes a mutex / rw-semaphore) and by resource, so
  // a dump of many locks and many waiters costs locks x resources, not locks x tasks.
  const waitersByMatch = new Map<string, Map<string, TaskView[]>>();
  const addWaiter = (match: string, v: TaskView): void => {
    let byRes = waitersByMatch.get(match);
    if (!byRes) waitersByMatch.set(match, (byRes = new Map()));
    const rid = `res:${v.res.key}`;
    const l = byRes.get(rid);
    if (l) l.push(v);
    else byRes.set(rid, [v]);
  };
  for (const v of blocked) {
    if (v.res.kind === 'frozen-fs' || v.res.kind === 'inode-lock') addWaiter(`kind:${v.res.kind}`, v);
    if ((v.res.kind === 'mutex' || v.res.kind === 'rwsem') && v.res.frame !== undefined) addWaiter(`at:${baseName(v.res.frame.func)}`, v);
  }
  for (const { file, log } of logs) {
    for (const l of log.locks) {
      const kind = /sb_writers/.test(l.name) ? 'frozen-fs' : /i_mutex_key|i_rwsem|&ei->|i_mmap|invalidate_lock|iolock|ilock/.test(l.name) ? 'inode-lock' : undefined;
      for (const match of [...(kind !== undefined ? [`kind:${kind}`] : []), `at:${baseName(l.at.split('+')[0]!)}`]) {
        for (const [rid, waiters] of waitersByMatch.get(match) ?? []) {
          if (waiters.every((v) => v.t.pid === l.pid)) continue;
          const holder = byPid.get(l.pid);
          if (!holder?.blocked) g.node({ id: `task:${l.pid}`, kind: 'task', label: `${l.comm}:${l.pid}`, stuck: false });
          g.edge({ from: rid, to: `task:${l.pid}`, kind: 'held-by', label: `holds ${l.name} (lockdep, taken at ${l.at})`, evidence: [{ file, line: l.line, role: clipRole(`lockdep: ${l.comm} (pid ${l.pid}) holds ${l.name}`) }] });
        }
      }
    }
  }
  // btrfs: waits on all ordered extents are served by the flush workers; ordered extents are completed by
  // the endio-write workers.
  // The edges go from a resource, so they are added once per resource (not once per waiter: a dump can hold
  // thousands of waiters); a worker is not linked to a resource it alone waits on.
  const flushWorkers = blocked.filter(isFlushWorker);
  const completionWorkers = blocked.filter(isCompletionWorker);
  const waitersOf = new Map<string, { served: TaskView[]; completed: TaskView[] }>();
  for (const v of blocked) {
    const servedBy = v.res.kind === 'ordered-extents' || (v.oe?.all ?? false);
    const completedBy = v.oe !== undefined || v.res.kind === 'ordered-extent' || v.res.kind === 'folio-writeback';
    if (!servedBy && !completedBy) continue;
    const rid = `res:${v.res.key}`;
    let w = waitersOf.get(rid);
    if (!w) waitersOf.set(rid, (w = { served: [], completed: [] }));
    if (servedBy) w.served.push(v);
    if (completedBy) w.completed.push(v);
  }
  for (const [rid, { served, completed }] of waitersOf) {
    if (served.length > 0) {
      for (const w of flushWorkers) {
        if (served.length === 1 && served[0] === w) continue;
        g.edge({ from: rid, to: w.node, kind: 'served-by', label: `btrfs_wait_ordered_extents waits for the flush work ${taskName(w.t)} runs`, evidence: [{ file: w.file, line: w.t.firstLine, role: clipRole(`flush worker ${taskWho(w.t)}`) }] });
      }
    }
    if (completed.length > 0) {
      for (const w of completionWorkers) {
        if (completed.length === 1 && completed[0] === w) continue;
        g.edge({ from: rid, to: w.node, kind: 'completed-by', label: `ordered extents are completed by ${taskName(w.t)}, which is blocked itself`, evidence: [{ file: w.file, line: w.t.firstLine, role: clipRole(`completion worker ${taskWho(w.t)}`) }] });
      }
    }
  }
  // Trace: the ordered extents and bios the waits need.
  for (const v of blocked) {
    const w = v.link?.waiter;
    if (!w) continue;
    const side = v.link!.side;
    const rid = `res:${v.res.key}`;
    let bios = 0;
    for (const b of w.bios) {
      if (bios++ >= MAX_BIO_NODES) break;
      const bid = `bio:${side.file}:${b.id}`;
      g.node({ id: bid, kind: 'bio', label: bioLabel(b), stuck: b.completedTs === undefined || b.completedTs > w.reportTs, file: side.file, line: b.line, detail: b.completedTs === undefined ? 'never completed' : `completed at ${b.completedTs.toFixed(6)}` });
      const label = v.oe ? `write outstanding on the device when ${taskName(v.t)} was reported, not traced to any of its ordered extents` : `write outstanding when ${taskName(v.t)} was reported`;
      g.edge({ from: rid, to: bid, kind: 'needs-io', label, evidence: [{ file: side.file, line: b.line, role: bioRole(b, w.reportTs) }] });
    }
    for (const x of w.extents) {
      const oe = x.extent;
      const oid = `oe:${side.file}:${oe.request}`;
      const stuck = x.finishedTs === undefined || x.finishedTs > w.reportTs;
      g.node({ id: oid, kind: 'ordered-extent', label: `ordered extent ino ${oe.ino} [${oe.fileOffset}, +${oe.len})`, stuck, file: side.file, line: oe.addedLine, detail: x.finishedTs === undefined ? 'never completed' : `completed at ${x.finishedTs.toFixed(6)}` });
      g.edge({ from: rid, to: oid, kind: 'needs-io', label: `open when ${taskName(v.t)} blocked`, evidence: [{ file: side.file, line: oe.addedLine, role: 'ordered extent added (open when the task blocked)' }] });
      for (const b of x.outstanding) {
        if (bios++ >= MAX_BIO_NODES) break;
        const bid = `bio:${side.file}:${b.id}`;
        g.node({ id: bid, kind: 'bio', label: bioLabel(b), stuck: b.completedTs === undefined || b.completedTs > w.reportTs, file: side.file, line: b.line, detail: b.completedTs === undefined ? 'never completed' : `completed at ${b.completedTs.toFixed(6)}` });
        g.edge({ from: oid, to: bid, kind: 'needs-io', label: 'its write (it completed right before btrfs reported the range done)', evidence: [{ file: side.file, line: b.line, role: bioRole(b, w.reportTs) }] });
      }
    }
  }
  return { graph: g.build(), builder: g };
}

function bioLabel(b: LinkedBio): string {
  return b.label;
}

function hungTaskFindings(views: readonly TaskView[], groups: readonly TaskGroup[]): Finding[] {
  const out: Finding[] = [];
  const members = new Map<number, TaskView[]>();
  for (const v of views) {
    if (v.group < 0) continue;
    let l = members.get(v.group);
    if (!l) members.set(v.group, (l = []));
    l.push(v);
  }
  const peerTexts = new Map<readonly TaskView[], string>();
  for (const v of views) {
    if (!v.blocked) continue;
    const t = v.t;
    const group = members.get(v.group) ?? [v];
    const c = culpritFrame(t);
    const title = groups[v.group]?.title ?? hangTitle(t);
    const since = t.hungSeconds !== undefined ? ` (blocked for more than ${t.hungSeconds} s)` : '';
    // The same text for every member of a group: built once per group (a dump of 16,000 tasks in one stack
    // made this quadratic).
    let peerText = peerTexts.get(group);
    if (peerText === undefined) {
      peerText = group.length > 1 ? `; ${group.length} tasks share this stack (${group.slice(0, 6).map((p) => taskName(p.t)).join(', ')}${group.length > 6 ? ', …' : ''})` : '';
      peerTexts.set(group, peerText);
    }
    const evidence: EvidenceRef[] = [{ file: v.file, line: t.firstLine, role: taskRole(t) }];
    // A stack whose report prints no state (a /proc paste) is blocked by what the paste says elsewhere.
    const stated = t.stateFrom ? ` (state ${t.state} from ${stateWhere(t)}, line ${t.stateFrom.line})` : '';
    if (t.stateFrom) evidence.push({ file: v.file, line: t.stateFrom.line, role: clipRole(`state ${t.state} of ${taskWho(t)} (${stateWhere(t)})`) });
    if (c) evidence.push({ file: v.file, line: c.line, role: clipRole(`culprit frame: ${baseName(c.func)}`) });
    if (v.res.frame && v.res.frame !== c) evidence.push({ file: v.file, line: v.res.frame.line, role: clipRole(`sleeps in ${baseName(v.res.frame.func)}`) });
    evidence.push(...v.others);
    for (const h of v.link?.hangs ?? []) evidence.push({ file: v.link!.side.file, line: h, role: clipRole(`sched_process_hang of ${taskWho(t)}`) });
    out.push({
      kind: 'hung-task',
      severity: t.source === 'hung-task' ? 'error' : 'warning',
      message: `${title}: ${taskName(t)}${t.workqueue ? ` [${t.workqueue.name} ${t.workqueue.func}]` : ''} waits on ${v.res.label}${since}${stated}${peerText}`,
      file: v.file,
      line: t.firstLine,
      evidence,
      details: {
        title,
        comm: t.comm,
        pid: t.pid ?? null,
        state: t.state,
        ...(t.stateFrom ? { stateFrom: t.stateFrom.how, stateLine: t.stateFrom.line } : {}),
        source: t.source,
        culprit: c?.func ?? null,
        waitKind: v.res.kind,
        waitsOn: v.res.label,
        hungSeconds: t.hungSeconds ?? null,
        group: v.group,
        groupSize: group.length,
        reports: v.others.length + 1,
        ...(v.link?.hangs.length ? { hangEvents: v.link.hangs } : {}),
      },
    });
  }
  return out;
}

function orderedExtentFindings(views: readonly TaskView[], g: WaitGraphBuilder): Finding[] {
  const out: Finding[] = [];
  // Views by graph node: the workers a resource's edges lead to, without scanning every view per waiter.
  const byNode = new Map<string, TaskView[]>();
  for (const v of views) {
    let l = byNode.get(v.node);
    if (!l) byNode.set(v.node, (l = []));
    l.push(v);
  }
  const order = new Map<TaskView, number>(views.map((v, i) => [v, i]));
  const targets = (edges: readonly { to: string }[]): TaskView[] =>
    [...new Set(edges.map((e) => e.to))].flatMap((id) => byNode.get(id) ?? []).sort((a, b) => order.get(a)! - order.get(b)!);
  for (const v of views) {
    if (!v.blocked || !v.oe) continue;
    const t = v.t;
    const parts: string[] = [`${capital(v.oe.words)}`];
    if (v.oe.onWriteback) parts.push('it sleeps on page writeback, so the data writes of those ordered extents have not completed');
    const rid = `res:${v.res.key}`;
    const served = g.out(rid).filter((e) => e.kind === 'served-by');
    const completer = g.out(rid).filter((e) => e.kind === 'completed-by');
    const workers = targets(served);
    for (const w of workers) {
      const waits = w.oe && !w.oe.all ? 'waits for an ordered extent to complete' : `waits on ${w.res.label}`;
      parts.push(`the flush worker ${taskName(w.t)} itself ${waits}, so neither can progress until that ordered extent's I/O completes`);
    }
    const completers = targets(completer);
    const byCulprit = new Map<string, TaskView[]>();
    for (const w of completers) {
      const k = `${culpritFrame(w.t)?.func ?? '?'}|${w.res.label}`;
      byCulprit.set(k, [...(byCulprit.get(k) ?? []), w]);
    }
    for (const [k, ws] of byCulprit) {
      const [culprit, label] = k.split('|') as [string, string];
      const wq = ws[0]!.t.workqueue ? `${ws[0]!.t.workqueue.name} ` : '';
      const names = ws.map((w) => taskName(w.t));
      parts.push(
        ws.length === 1
          ? `and the ordered extents cannot complete: the ${wq}worker ${names[0]} that finishes them is blocked itself in ${culprit}, waiting on ${label}`
          : `and the ordered extents cannot complete: the ${ws.length} ${wq}workers that finish them (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}) are blocked themselves in ${culprit}, waiting on ${label}`,
      );
    }
    const details: { [k: string]: JsonValue } = { comm: t.comm, pid: t.pid ?? null, role: v.oe.role, waitIn: v.oe.waitIn.func, all: v.oe.all, onWriteback: v.oe.onWriteback, explanation: '' };
    const evidence: EvidenceRef[] = [
      { file: v.file, line: v.oe.waitIn.line, role: clipRole(`waits for ordered extents in ${baseName(v.oe.waitIn.func)}`) },
      { file: v.file, line: t.firstLine, role: taskRole(t) },
    ];
    const w = v.link?.waiter;
    if (v.link && w) {
      const side = v.link.side;
      const open = w.extents;
      const still = open.filter((x) => x.finishedTs === undefined || x.finishedTs > w.reportTs);
      const inoText = w.ino !== undefined ? ` of inode ${w.ino}` : '';
      if (open.length === 0) {
        parts.push(`in ${side.file} no ordered extent${inoText} was open when it blocked at ${w.blockedTs.toFixed(6)} s (${v.link.align.certain ? 'aligned' : 'alignment uncertain'})`);
      } else {
        const device = deviceWrites(w.bios);
        const desc = still.slice(0, 4).map((x) => {
          const oe = x.extent;
          const age = (w.reportTs - x.addedTs).toFixed(3);
          const io = x.ioDoneTs === undefined ? 'its I/O never done' : `its I/O done ${(x.ioDoneTs - x.addedTs).toFixed(3)} s after it was added`;
          const fin = x.finishedTs === undefined ? 'never completed in the trace' : `completed only ${(x.finishedTs - w.reportTs).toFixed(3)} s after the report`;
          return `ino ${oe.ino} [${oe.fileOffset}, +${oe.len}) added ${age} s before the report, ${io}, ${fin}, ${extentWrites(x, device)}`;
        });
        parts.push(`in ${side.file}, ${open.length} ordered extent(s)${inoText} were open when it blocked at ${w.blockedTs.toFixed(6)} s and ${still.length} were still unfinished at the report: ${desc.join('; ')}${still.length > 4 ? '; …' : ''}`);
        for (const x of still.slice(0, 8)) {
          evidence.push({ file: side.file, line: x.extent.addedLine, role: 'ordered extent added, unfinished at the report' });
          for (const b of x.outstanding.slice(0, 2)) evidence.push({ file: side.file, line: b.line, role: bioRole(b, w.reportTs) });
          if (x.outstanding.length > 0 && x.mappingLines.length > 0) evidence.push({ file: side.file, line: x.mappingLines[0]!, role: 'range reported done right after its writes completed (proves them its own)' });
        }
        if (still.some((x) => x.outstanding.length === 0) && w.bios.length > 0) {
          for (const b of w.bios.slice(0, 2)) evidence.push({ file: side.file, line: b.line, role: clipRole(`device write ${b.label}, not traced to an extent`) });
        }
      }
      if (!v.link.align.certain) parts.push(`(${v.link.align.note})`);
      details['trace'] = side.file;
      details['alignment'] = v.link.align.method;
      details['blockedTs'] = round6(w.blockedTs);
      details['openExtents'] = w.extents.map((x) => ({
        ino: x.extent.ino,
        fileOffset: x.extent.fileOffset,
        len: x.extent.len,
        addedTs: round6(x.addedTs),
        ioDoneTs: x.ioDoneTs === undefined ? null : round6(x.ioDoneTs),
        finishedTs: x.finishedTs === undefined ? null : round6(x.finishedTs),
        line: x.extent.addedLine,
        // Only the writes the trace proves to be the extent's own (btrfsDiskMap); the device's others are below.
        outstandingBios: x.outstanding.map((b) => ({ bio: bioLabel(b), line: b.line, issuedTs: round6(b.issuedTs), completedTs: b.completedTs === undefined ? null : round6(b.completedTs) })),
        writesTraced: x.extent.writes?.length ?? 0,
        mapping: x.mapping ?? null,
      }));
      details['deviceOutstandingBios'] = w.bios.map((b) => ({ bio: bioLabel(b), line: b.line, issuedTs: round6(b.issuedTs), completedTs: b.completedTs === undefined ? null : round6(b.completedTs) }));
    }
    const explanation = `${parts.join('; ')}.`;
    details['explanation'] = explanation;
    out.push({ kind: 'ordered-extent-wait', severity: 'error', message: `${taskName(t)}: ${explanation}`, file: v.file, line: v.oe.waitIn.line, evidence, details });
  }
  return out;
}

/** `7:0 had 6 writes outstanding` / `the traced devices had 6 writes outstanding (7:0: 4, 7:1: 2)`; '' for none. */
function deviceWrites(bios: readonly LinkedBio[]): string {
  if (bios.length === 0) return '';
  const byDev = new Map<number, number>();
  for (const b of bios) byDev.set(b.dev, (byDev.get(b.dev) ?? 0) + 1);
  const n = `${bios.length} write${bios.length === 1 ? '' : 's'} outstanding`;
  if (byDev.size === 1) return `${devText([...byDev.keys()][0]!)} had ${n}`;
  return `the traced devices had ${n} (${[...byDev].map(([d, k]) => `${devText(d)}: ${k}`).join(', ')})`;
}

function devText(dev: number): string {
  return dev >= 0 ? devName(dev) : 'the device';
}

/**
 * What is known of an extent's writes at the report: the ones proven to be its own (and how the mapping is
 * known), or, when none is, what the device had outstanding without claiming any of it for the extent.
 */
function extentWrites(x: LinkedExtent, device: string): string {
  const n = x.outstanding.length;
  if (n > 0) return `${n} of its writes outstanding (${x.outstanding.slice(0, 2).map(bioLabel).join(', ')}${n > 2 ? ', …' : ''}; ${x.mapping ?? 'traced to it'})`;
  const traced = x.extent.writes?.length ?? 0;
  if (traced > 0) return `its ${traced} traced write${traced === 1 ? '' : 's'}: none outstanding`;
  return device === '' ? 'no write traced to it and none outstanding' : `${device}, none of them traced to this extent`;
}

function cycleFindings(graph: WaitGraph, views: readonly TaskView[]): Finding[] {
  return graph.cycles.map((cycle) => {
    const names = cycle.map((id) => graph.nodes.find((n) => n.id === id)?.label ?? id);
    const first = views.find((v) => cycle.includes(v.node));
    const evidence = graph.edges.filter((e) => cycle.includes(e.from) && cycle.includes(e.to)).flatMap((e) => e.evidence);
    return {
      kind: 'wait-cycle',
      severity: 'error' as const,
      message: `wait-for cycle (deadlock): ${names.join(' → ')} → ${names[0]}`,
      file: first?.file ?? evidence[0]?.file ?? '',
      line: first?.t.firstLine ?? evidence[0]?.line ?? 0,
      evidence,
      details: { cycle },
    };
  });
}

/** Waits on I/O that did not complete while the tasks waited (needs a linked trace): one finding per trace. */
function stalledIoFindings(views: readonly TaskView[]): Finding[] {
  const byTrace = new Map<string, { side: TraceSide; bios: Map<number, LinkedBio>; waiters: TaskView[]; reportTs: number }>();
  for (const v of views) {
    const w = v.link?.waiter;
    if (!v.blocked || !w) continue;
    const bios = [...w.extents.flatMap((x) => x.outstanding), ...w.bios];
    if (bios.length === 0) continue;
    const side = v.link!.side;
    let e = byTrace.get(side.file);
    if (!e) byTrace.set(side.file, (e = { side, bios: new Map(), waiters: [], reportTs: w.reportTs }));
    e.waiters.push(v);
    e.reportTs = Math.min(e.reportTs, w.reportTs);
    for (const b of bios) e.bios.set(b.id, b);
  }
  const out: Finding[] = [];
  for (const { side, bios: m, waiters, reportTs } of byTrace.values()) {
    const bios = [...m.values()].sort((a, b) => a.issuedTs - b.issuedTs);
    const never = bios.filter((b) => b.completedTs === undefined);
    const waited = reportTs - bios[0]!.issuedTs;
    const late = bios.filter((b) => b.completedTs !== undefined).map((b) => b.completedTs! - reportTs);
    const devs = [...new Set(bios.map((b) => (b.dev >= 0 ? devName(b.dev) : '?')))].join(', ');
    const tail =
      never.length > 0
        ? `${never.length} of them never completed in the trace`
        : `they completed only ${Math.min(...late).toFixed(3)}–${Math.max(...late).toFixed(3)} s after the first report`;
    const names = waiters.map((v) => taskName(v.t));
    out.push({
      kind: 'stalled-io',
      severity: 'error',
      message: `${bios.length} block request(s) on ${devs} were outstanding for up to ${waited.toFixed(3)} s when the blocked tasks waiting on I/O were reported (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): ${bios
        .slice(0, 3)
        .map(bioLabel)
        .join(', ')}${bios.length > 3 ? ', …' : ''}; ${tail}. The device (or what is under it) stopped completing I/O`,
      file: side.file,
      line: bios[0]!.line,
      evidence: [...bios.slice(0, 16).map((b) => ({ file: side.file, line: b.line, role: bioRole(b, reportTs) })), ...waiters.map((v) => ({ file: v.file, line: v.t.firstLine, role: taskRole(v.t) }))],
      details: { waiters: names, bios: bios.length, neverCompleted: never.length, outstandingSeconds: round6(waited), devices: devs },
    });
  }
  return out;
}

/** `sched_process_hang` in a trace with no log task of that pid: a hung task without a stack. */
function traceOnlyHangs(traces: readonly TraceSide[], views: readonly TaskView[]): Finding[] {
  const out: Finding[] = [];
  const logged = new Set(views.filter((v) => v.link && v.t.pid !== undefined).map((v) => `${v.link!.side.file}:${v.t.pid}`));
  for (const side of traces) {
    const first = new Map<number, { comm: string; lines: number[]; ts: number }>();
    for (const h of side.collector.hangs) {
      if (logged.has(`${side.file}:${h.pid}`)) continue;
      const f = first.get(h.pid);
      if (f) f.lines.push(h.line);
      else first.set(h.pid, { comm: h.comm, lines: [h.line], ts: h.ts });
    }
    for (const [pid, f] of first) {
      out.push({
        kind: 'hung-task',
        severity: 'error',
        message: `${f.comm}:${pid} hung (sched_process_hang at ${f.ts.toFixed(6)} s${f.lines.length > 1 ? `, ${f.lines.length} times` : ''}); the trace has no stack: analyse it together with the kernel log of the same window to see where it waits`,
        file: side.file,
        line: f.lines[0]!,
        evidence: f.lines.slice(0, 16).map((line, i) => ({ file: side.file, line, role: clipRole(`sched_process_hang of ${f.comm} (pid ${pid})${i > 0 ? ', again' : ''}`) })),
        details: { comm: f.comm, pid, culprit: null, source: 'sched_process_hang', reports: f.lines.length },
      });
    }
  }
  return out;
}

function capital(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export type { StackFrame };
