/**
 * traceIoLink: ties a kernel log's I/O error group to the failed block requests of a trace of the same
 * window, and the trace's `io-error` findings back to the log lines.
 *
 * The log names devices (`loop2`, `sda`); the trace numbers them (`7:2`). The device is known:
 * - from the log itself when it states the number for the name (btrfs `device fsid ... /dev/loop6
 *   (7:6)`, a multipath path `8:128`): only that trace device is considered;
 * - otherwise from the requests: a log line with a sector (512-byte sectors of its device) and an op
 *   matches a failed block request (`block_rq_complete ... [-5]`) of the same op whose range holds that
 *   sector (the block layer prints the request's current position, which partial completions advance);
 *   the trace device whose failed requests match most lines is the log's device.
 * Time: the log's stamps and the trace's clock differ by an offset (different clocks, or print delay);
 * the offset most candidate pairs agree on (within 10 ms; 1.5 s for wall-clock logs) is taken, and each
 * log line is paired with the unused matching request closest to it after the offset. A log without
 * stamps is paired in order. The finding says which of these it was.
 */
import type { EvidenceRef, Finding, JsonValue } from '../contracts/finding';
import type { TraceSide } from '../hang/traceLink';
import { devName } from '../lifecycle/devName';
import { clipRole } from '../requests/lineRoles';
import type { GroupedLine, IoErrorGroup } from './ioErrorGroups';
import type { LinkNote } from './logIoErrorFinding';

/** A failed block request of a trace, as the link needs it. */
interface FailedRequest {
  readonly id: number;
  readonly dev: number;
  /** Upper case, like the log: `READ`, `WRITE`, `WRITE_ZEROES`. */
  readonly op: string;
  readonly sector: number;
  readonly sectors: number;
  readonly error: number;
  /** Absolute trace seconds of the completion, undefined for a counter clock. */
  readonly ts?: number;
  /** The completion line (the trace finding's decisive line). */
  readonly line: number;
  readonly rwbs: string;
}

export interface LinkedPair {
  readonly log: GroupedLine;
  readonly req: FailedRequest;
}

/** A filesystem line of the log (an inode's failed I/O) and the failed file I/O of the trace it is. */
export interface FsPair {
  readonly log: GroupedLine;
  /** The request at the top of the trace's chain (a syscall or io_uring request, or the fs request). */
  readonly request: number;
  /** Its last line (the syscall's exit, the completion). */
  readonly line: number;
  readonly words: string;
  /** The failed block requests under it on the linked device. */
  readonly blocks: readonly number[];
}

export interface GroupLink {
  readonly logFile: string;
  readonly group: IoErrorGroup;
  readonly trace: string;
  readonly dev: number;
  readonly method: 'log-number' | 'sector-match';
  readonly timing: 'offset' | 'order';
  readonly offset?: number;
  readonly pairs: readonly LinkedPair[];
  /** The log's filesystem lines (inode, file offset) paired with the trace's failed file I/O. */
  readonly fsPairs: readonly FsPair[];
  /** Failed requests of the device that no log line matched (for a device known from the log: all of them, when no line has a sector). */
  readonly others: readonly FailedRequest[];
  readonly note: LinkNote;
}

/** A trace analysed with the logs: what the link needs, and its detector findings (to amend). */
export interface TraceIoInput {
  readonly side: TraceSide;
  readonly findings: readonly Finding[];
}

const MAX_LINK_EVIDENCE = 64;

/** Per trace, computed once for all the groups of all the logs linked to it. */
interface SideIndex {
  readonly failed: FailedRequest[];
  /** Failed file I/O (not block) by inode. */
  readonly failedByIno: Map<number, number[]>;
  /** Filesystem device numbers whose requests the trace shows reaching each disk, by disk. */
  fsDevs?: Map<number, Set<number>>;
}
const indexes = new WeakMap<TraceSide, SideIndex>();

function indexOf(side: TraceSide): SideIndex {
  let ix = indexes.get(side);
  if (ix) return ix;
  const v = side.requests;
  const failedByIno = new Map<number, number[]>();
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) === 'block' || v.ino(r) < 0) continue;
    const res = v.result(r);
    if (res === undefined || res >= 0) continue;
    (failedByIno.get(v.ino(r)) ?? failedByIno.set(v.ino(r), []).get(v.ino(r))!).push(r);
  }
  ix = { failed: failedRequests(side), failedByIno };
  indexes.set(side, ix);
  return ix;
}

/** For each disk, the filesystem device numbers of the requests that reach it (btrfs's anonymous 0:N on 7:0). */
function fsDevsOf(side: TraceSide): Map<number, Set<number>> {
  const ix = indexOf(side);
  if (ix.fsDevs) return ix.fsDevs;
  const v = side.requests;
  const out = new Map<number, Set<number>>();
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) !== 'block' || v.dev(r) < 0) continue;
    // Up the chain: every non-block request above a block request is on that disk.
    for (let p = v.parent(r); p >= 0; p = v.parent(p)) {
      if (v.layer(p) !== 'block' && v.dev(p) >= 0) (out.get(v.dev(r)) ?? out.set(v.dev(r), new Set()).get(v.dev(r))!).add(v.dev(p));
    }
  }
  ix.fsDevs = out;
  return out;
}

function failedRequests(side: TraceSide): FailedRequest[] {
  const v = side.requests;
  const out: FailedRequest[] = [];
  for (let r = 0; r < v.count; r++) {
    if (v.layer(r) !== 'block') continue;
    const error = v.block.get(r, 'error') ?? 0;
    if (error === 0 || v.dev(r) < 0) continue;
    const stages = v.stages(r);
    const done = stages.find((s) => s.name === 'complete') ?? stages.find((s) => s.name === 'error') ?? stages[stages.length - 1];
    if (!done) continue;
    out.push({
      id: r,
      dev: v.dev(r),
      op: v.op(r).toUpperCase().replace(/-/g, '_'),
      sector: v.sector(r),
      sectors: Math.max(1, v.sectors(r)),
      error,
      ...(side.clock === 'ns' ? { ts: side.store.absoluteNs(done.ts) / 1e9 } : {}),
      line: done.line,
      rwbs: v.block.get(r, 'rwbs') ?? '',
    });
  }
  return out;
}

/** Log lines that can be matched by sector: failures with a sector of the group's device. */
function sectorLines(group: IoErrorGroup): GroupedLine[] {
  return group.lines.filter((l) => l.cls === 'io' && l.rec.sector !== undefined && (l.rec.kind === 'request' || l.rec.source === 'xfs' || l.rec.source === 'md'));
}

function covers(q: FailedRequest, l: GroupedLine): boolean {
  const s = l.rec.sector!;
  return s >= q.sector && s < q.sector + q.sectors && (l.op === undefined || l.op === q.op);
}

/** The offset (trace s - log s) most candidate pairs agree on, and how many do. */
function bestOffset(cands: readonly { l: GroupedLine; q: FailedRequest }[], tol: number): { offset: number; support: number } | undefined {
  const offs = cands.filter((c) => c.l.rec.ts !== undefined && c.q.ts !== undefined).map((c) => c.q.ts! - c.l.rec.ts!);
  if (offs.length === 0) return undefined;
  offs.sort((a, b) => a - b);
  let best = { offset: offs[0]!, support: 0 };
  let lo = 0;
  for (let hi = 0; hi < offs.length; hi++) {
    while (offs[hi]! - offs[lo]! > tol) lo++;
    const n = hi - lo + 1;
    if (n > best.support) best = { offset: offs[lo + Math.floor((hi - lo) / 2)]!, support: n };
  }
  return best;
}

function match(lines: readonly GroupedLine[], reqs: readonly FailedRequest[], tol: number): { pairs: LinkedPair[]; offset?: number; timing: 'offset' | 'order' } {
  // Requests by start sector: a line's candidates are those starting at most the longest request before it.
  const sorted = [...reqs].sort((a, b) => a.sector - b.sector);
  const longest = sorted.reduce((m, q) => Math.max(m, q.sectors), 1);
  const cands: { l: GroupedLine; q: FailedRequest }[] = [];
  for (const l of lines) {
    const s = l.rec.sector!;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.sector <= s) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && sorted[i]!.sector > s - longest; i--) if (covers(sorted[i]!, l)) cands.push({ l, q: sorted[i]! });
  }
  cands.sort((a, b) => a.q.line - b.q.line);
  if (cands.length === 0) return { pairs: [], timing: 'order' };
  const best = bestOffset(cands, tol);
  const used = new Set<number>();
  const pairs: LinkedPair[] = [];
  let after = -Infinity;
  const byLine = new Map<GroupedLine, FailedRequest[]>();
  for (const c of cands) (byLine.get(c.l) ?? byLine.set(c.l, []).get(c.l)!).push(c.q);
  for (const l of lines) {
    const mine = (byLine.get(l) ?? []).filter((q) => !used.has(q.id)).map((q) => ({ q }));
    let pick: FailedRequest | undefined;
    if (best && l.rec.ts !== undefined) {
      let d = Infinity;
      for (const c of mine) {
        if (c.q.ts === undefined) continue;
        const e = Math.abs(c.q.ts - (l.rec.ts + best.offset));
        if (e <= tol && e < d) {
          d = e;
          pick = c.q;
        }
      }
    } else {
      pick = mine.map((c) => c.q).find((q) => q.line > after);
    }
    if (!pick) continue;
    used.add(pick.id);
    after = pick.line;
    pairs.push({ log: l, req: pick });
  }
  return best && pairs.some((p) => p.log.rec.ts !== undefined) ? { pairs, offset: best.offset, timing: 'offset' } : { pairs, timing: 'order' };
}

/** The trace device whose failed requests the group's lines are, and how it is known; undefined when none matches. */
export function linkGroupToTraces(logFile: string, group: IoErrorGroup, sides: readonly TraceSide[]): GroupLink | undefined {
  const lines = sectorLines(group);
  const wall = lines.some((l) => l.rec.timeSource === 'wall-clock');
  const tol = wall ? 1.5 : 0.01;
  const stated = group.devNum ? parseDevNum(group.devNum.devNum) : undefined;
  let best: Omit<GroupLink, 'note' | 'fsPairs'> | undefined;
  for (const side of sides) {
    const failed = indexOf(side).failed;
    const devs = stated !== undefined ? [stated] : [...new Set(failed.map((q) => q.dev))];
    for (const dev of devs) {
      const reqs = failed.filter((q) => q.dev === dev);
      if (reqs.length === 0) continue;
      const m = match(lines, reqs, tol);
      // Without a number stated by the log, only matching requests prove which device it is.
      if (m.pairs.length === 0 && stated === undefined) continue;
      if (best && best.pairs.length >= m.pairs.length) continue;
      const linked = new Set(m.pairs.map((p) => p.req.id));
      best = {
        logFile,
        group,
        trace: side.file,
        dev,
        method: stated !== undefined ? 'log-number' : 'sector-match',
        timing: m.timing,
        ...(m.offset !== undefined ? { offset: m.offset } : {}),
        pairs: m.pairs,
        others: reqs.filter((q) => !linked.has(q.id)),
      };
    }
  }
  if (!best) return undefined;
  const side = sides.find((x) => x.file === best!.trace)!;
  const withFs = { ...best, fsPairs: linkFsLines(group, side, best) };
  return { ...withFs, note: noteOf(withFs, lines.length) };
}

/** Block requests under `r` (its children, their children…). */
function blocksUnder(side: TraceSide, r: number, out: number[] = []): number[] {
  const v = side.requests;
  for (const c of v.children(r)) {
    if (v.layer(c) === 'block') out.push(c);
    else blocksUnder(side, c, out);
  }
  return out;
}

/**
 * Pairs the log's filesystem failures that name an inode (btrfs direct I/O, ext4 writeback) with the
 * trace's failed file I/O of that inode: same direction, overlapping file range when the log gives one,
 * on the linked device (inode numbers repeat across filesystems: the request has a failed block request
 * on it, or its filesystem's device number is one whose requests the trace shows reaching it), and
 * within a second of the log line after the clock offset when the link has one.
 */
function linkFsLines(group: IoErrorGroup, side: TraceSide, link: Omit<GroupLink, 'note' | 'fsPairs'>): FsPair[] {
  const v = side.requests;
  const out: FsPair[] = [];
  const used = new Set<number>();
  const wanted = group.lines.filter((l) => l.cls === 'io' && l.rec.inode !== undefined && l.op !== undefined);
  if (wanted.length === 0) return out;
  // The filesystem's own device numbers (btrfs's anonymous 0:N) on the linked disk: those of requests
  // the trace shows reaching it.
  const fsDevs = fsDevsOf(side).get(link.dev) ?? new Set<number>();
  const byIno = indexOf(side).failedByIno;
  for (const l of wanted) {
    const rec = l.rec;
    const dir = l.op === 'READ' ? 'read' : l.op === 'WRITE' ? 'write' : undefined;
    if (dir === undefined) continue;
    let best: FsPair | undefined;
    let bestDt = Infinity;
    for (const r of byIno.get(rec.inode!) ?? []) {
      if (used.has(v.root(r))) continue;
      const res = v.result(r)!;
      if (!v.op(r).includes(dir)) continue;
      if (rec.fileOffset !== undefined && v.offset(r) >= 0) {
        const end = rec.fileOffset + Math.max(1, rec.bytes ?? 1);
        if (v.offset(r) >= end || v.offset(r) + Math.max(1, v.length(r)) <= rec.fileOffset) continue;
      }
      const blocks = blocksUnder(side, r).filter((b) => v.dev(b) === link.dev && (v.block.get(b, 'error') ?? 0) !== 0);
      if (blocks.length === 0 && !fsDevs.has(v.dev(r))) continue;
      let dt = 0;
      if (link.offset !== undefined && rec.ts !== undefined && side.clock === 'ns') {
        dt = Math.abs(side.store.absoluteNs(v.lastTs(r)) / 1e9 - (rec.ts + link.offset));
        if (dt > 1) continue;
      }
      if (dt >= bestDt) continue;
      const top = v.root(r);
      const pid = v.pid(top);
      const who = pid >= 0 ? ` of pid ${pid}${v.comm(top) ? ` (${v.comm(top)})` : ''}` : '';
      const lines = v.lines(top);
      best = { log: l, request: top, line: lines[lines.length - 1] ?? v.lines(r)[0] ?? 0, words: `${v.layer(top)} ${v.op(top)}${who} on inode ${rec.inode} returned ${v.result(top) ?? res}`, blocks };
      bestDt = dt;
    }
    if (best) {
      used.add(best.request);
      out.push(best);
    }
  }
  return out;
}

function parseDevNum(s: string): number | undefined {
  const m = /^(\d+):(\d+)$/.exec(s);
  return m ? Number(m[1]) * 1048576 + Number(m[2]) : undefined;
}

function listFew(xs: readonly string[]): string {
  return xs.length <= 3 ? xs.join('; ') : `${xs.slice(0, 3).join('; ')}; … (${xs.length})`;
}

function reqWords(q: FailedRequest): string {
  return `block ${q.op.toLowerCase()} request ${q.sector} + ${q.sectors} (${q.rwbs}) on ${devName(q.dev)} failed with ${q.error}`;
}

function fmtOffset(o: number): string {
  return `${o >= 0 ? '+' : '-'}${Math.abs(o).toFixed(6)} s`;
}

function noteOf(link: Omit<GroupLink, 'note'>, candidates: number): LinkNote {
  const dev = devName(link.dev);
  const n = link.pairs.length;
  const fs = link.fsPairs.map((p) => `${p.log.rec.source} line ${p.log.rec.line} is the trace's ${p.words} (line ${p.line})`);
  const how =
    link.method === 'log-number'
      ? `the log states that ${link.group.device} is ${dev} (line ${link.group.devNum!.line})`
      : `${link.group.device} is ${dev}: its failed requests have the sectors and ops of the log's lines`;
  const timing = link.timing === 'offset' ? `, matched in time with the trace clock = log clock ${fmtOffset(link.offset!)}` : n > 0 ? ', matched in order (the log has no usable time stamps)' : '';
  const unmatched = candidates - n;
  let text: string;
  if (n > 0) {
    text = `Linked to ${n} failed block request${n === 1 ? '' : 's'} of ${link.trace} by sector and op (${how}${timing})${unmatched > 0 ? `; ${unmatched} of the log's lines with a sector have no failed request in the trace (outside its window or not traced)` : ''}${link.others.length > 0 ? `; the trace has ${link.others.length} more failed request${link.others.length === 1 ? '' : 's'} on ${dev}` : ''}.`;
  } else {
    text = `${link.trace} has ${link.others.length} failed block request${link.others.length === 1 ? '' : 's'} on ${dev} (${how}); no log line gives a sector to pair them one by one.`;
  }
  if (fs.length > 0) text += ` By inode and file range: ${listFew(fs)}.`;
  const evidence: EvidenceRef[] = [];
  for (const p of link.pairs.slice(0, MAX_LINK_EVIDENCE)) evidence.push({ file: link.trace, line: p.req.line, role: clipRole(`trace: ${reqWords(p.req)} (log line ${p.log.rec.line})`) });
  if (n === 0) for (const q of link.others.slice(0, 16)) evidence.push({ file: link.trace, line: q.line, role: clipRole(`trace: ${reqWords(q)}`) });
  for (const p of link.fsPairs.slice(0, 16)) evidence.push({ file: link.trace, line: p.line, role: clipRole(`trace: ${p.words} (log line ${p.log.rec.line})`) });
  const details: { [key: string]: JsonValue } = {
    trace: link.trace,
    traceDevice: dev,
    linkedBy: link.method === 'log-number' ? 'device number stated in the log' : 'sector and op',
    timing: link.timing,
    clockOffset: link.offset !== undefined ? Math.round(link.offset * 1e6) / 1e6 : null,
    linkedRequests: n,
    unlinkedLines: unmatched,
    otherFailedRequests: link.others.length,
    links: link.pairs.slice(0, MAX_LINK_EVIDENCE).map((p) => ({ logLine: p.log.rec.line, traceLine: p.req.line, requestId: p.req.id })),
    fileLinks: link.fsPairs.slice(0, MAX_LINK_EVIDENCE).map((p) => ({ logLine: p.log.rec.line, traceLine: p.line, requestId: p.request, inode: p.log.rec.inode ?? null })),
  };
  return { text, evidence, details };
}

/** The trace findings of the linked requests, with the log lines as evidence: original -> amended copy. */
export function amendTraceFindings(links: readonly GroupLink[], traces: readonly TraceIoInput[]): Map<Finding, Finding> {
  const out = new Map<Finding, Finding>();
  for (const t of traces) {
    const byRequest = new Map<number, Finding>();
    for (const f of t.findings) {
      const id = f.details['requestId'];
      if (f.kind === 'io-error' && typeof id === 'number') byRequest.set(id, f);
    }
    for (const link of links) {
      if (link.trace !== t.side.file) continue;
      const entries: { id: number; line: number; words: string; how: string }[] = link.pairs.map((p) => ({
        id: p.req.id,
        line: p.log.rec.line,
        words: p.log.rec.words,
        how: link.method === 'log-number' ? `the log states ${link.group.device} = ${devName(link.dev)}` : `matched by sector and op${link.timing === 'offset' ? ` at clock offset ${fmtOffset(link.offset!)}` : ''}`,
      }));
      for (const p of link.fsPairs) for (const b of p.blocks) entries.push({ id: b, line: p.log.rec.line, words: p.log.rec.words, how: `the filesystem's view: inode ${p.log.rec.inode} of the ${p.words.split(' on inode')[0]}` });
      for (const p of entries) {
        const orig = byRequest.get(p.id);
        if (!orig) continue;
        const cur = out.get(orig) ?? orig;
        const prev = Array.isArray(cur.details['kernelLog']) ? (cur.details['kernelLog'] as JsonValue[]) : [];
        out.set(orig, {
          ...cur,
          message: `${cur.message} The kernel log reports it (${link.logFile}:${p.line}: ${p.words}; ${p.how}).`,
          evidence: [...cur.evidence, { file: link.logFile, line: p.line, role: clipRole(`kernel log: ${p.words}`) }],
          details: { ...cur.details, kernelLog: [...prev, { file: link.logFile, line: p.line, device: link.group.device, linkedBy: p.how }] },
        });
      }
    }
  }
  return out;
}
