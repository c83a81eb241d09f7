/**
 * io-error: block requests that completed with a non-zero error (`block_rq_complete ... [-5]`,
 * `block_rq_error`) and requests the driver requeued, with the file I/O they belong to.
 *
 * Reads the block requests the BlockTracker rebuilt; the request's chain (`requests.root`) gives the
 * syscall / io_uring / filesystem request that caused it when other trackers linked them. One finding per
 * request: severity error for a failed request, warning for a requeued one that finally succeeded. The
 * evidence is the request's own lines plus the lines of the request at the top of its chain, each named by
 * the stage it is (`block write request completed: -5 EIO`, `pwrite64 returned: -5 EIO`).
 *
 * A failed request whose sectors later requests of the same device and op completed successfully (the page
 * cache re-reading a folio after failed readahead, an application retrying) is still a failure, but the
 * finding says that the range was read (written) again and where, and does not claim lost data: severity
 * warning. Only a successful request that starts after the failure completed and overlaps its range counts,
 * and the failed range must be covered entirely.
 */
import type { EvidenceRef, Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { LineRoles } from '../requests/lineRoles';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';
import type { Detector, DetectorContext } from './detector';

function range(v: RequestView, r: number): string {
  return v.sector(r) >= 0 ? `${v.sector(r)} + ${v.sectors(r)}` : '(no sector)';
}

/** The block request's lines and those of the request at the top of its chain, each named by its stage. */
function evidence(file: string, v: RequestView, store: EventStore, r: number): EvidenceRef[] {
  const lines = new Set(v.lines(r));
  const roles = new LineRoles(v, store).request(r);
  const root = v.root(r);
  if (root !== r) {
    for (const l of v.lines(root)) lines.add(l);
    roles.request(root);
  }
  return roles.refs(file, [...lines].sort((a, b) => a - b));
}

/** "the pwrite64 of pid 1234 (dd) at line 18" for the top of the chain, or '' when there is none. */
function owner(v: RequestView, r: number): { text: string; details: { [key: string]: JsonValue } } {
  const root = v.root(r);
  if (root === r) return { text: '', details: {} };
  const pid = v.pid(root);
  const comm = v.comm(root);
  const who = pid >= 0 ? ` of pid ${pid}${comm ? ` (${comm})` : ''}` : '';
  const at = v.lines(root)[0] ?? -1;
  const ino = v.ino(root) >= 0 ? `, inode ${v.ino(root)}` : '';
  const details: { [key: string]: JsonValue } = { rootLayer: v.layer(root), rootOp: v.op(root), rootLine: at };
  if (pid >= 0) details['rootPid'] = pid;
  if (v.ino(root) >= 0) details['rootIno'] = v.ino(root);
  const result = v.result(root);
  if (result !== undefined) details['rootResult'] = result;
  return { text: ` It belongs to the ${v.layer(root)} ${v.op(root)}${who}${ino} at line ${at}.`, details };
}

function facts(v: RequestView, r: number): { [key: string]: JsonValue } {
  const error = v.block.get(r, 'error');
  const out: { [key: string]: JsonValue } = {
    dev: v.dev(r) >= 0 ? devName(v.dev(r)) : 'unknown',
    op: v.op(r),
    sector: v.sector(r),
    sectors: v.sectors(r),
    bytes: v.block.get(r, 'bytes') ?? Math.max(0, v.sectors(r)) * 512,
    rwbs: v.block.get(r, 'rwbs') ?? '',
    error: error ?? 0,
    requeues: v.block.get(r, 'requeues') ?? 0,
  };
  const errno = error !== undefined && error !== 0 ? errnoNames.name(error) : undefined;
  if (errno !== undefined) out['errno'] = errno;
  const d2c = v.block.get(r, 'D2C');
  if (d2c !== undefined) out['D2C'] = d2c;
  return out;
}

/**
 * The successful requests of one device and op, by start sector, to find the ones that covered a failed
 * range again later.
 */
class SuccessIndex {
  private readonly groups = new Map<string, { ids: number[]; maxLen: number }>();

  constructor(private readonly v: RequestView) {
    for (let r = 0; r < v.count; r++) {
      if (v.layer(r) !== 'block' || v.sector(r) < 0 || v.sectors(r) <= 0) continue;
      if ((v.block.get(r, 'error') ?? 0) !== 0 || !v.isComplete(r)) continue;
      const key = `${v.dev(r)}:${v.op(r)}`;
      let g = this.groups.get(key);
      if (!g) this.groups.set(key, (g = { ids: [], maxLen: 0 }));
      g.ids.push(r);
      g.maxLen = Math.max(g.maxLen, v.sectors(r));
    }
    for (const g of this.groups.values()) g.ids.sort((a, b) => v.sector(a) - v.sector(b));
  }

  /**
   * The first line of each later successful request that overlaps [start, end) when together they cover
   * it entirely (after `afterLine`), else undefined.
   */
  retriedAt(dev: number, op: string, start: number, end: number, afterLine: number): number[] | undefined {
    const g = this.groups.get(`${dev}:${op}`);
    if (!g) return undefined;
    const v = this.v;
    // First request whose sector could reach `start`.
    let lo = 0;
    let hi = g.ids.length;
    const from = start - g.maxLen;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v.sector(g.ids[mid]!) < from) lo = mid + 1;
      else hi = mid;
    }
    const spans: { s: number; e: number; line: number }[] = [];
    for (let k = lo; k < g.ids.length; k++) {
      const r = g.ids[k]!;
      const s = v.sector(r);
      if (s >= end) break;
      const e = s + v.sectors(r);
      const line = v.lines(r)[0] ?? 0;
      if (e > start && line > afterLine) spans.push({ s, e, line });
      if (spans.length > 4096) break;
    }
    spans.sort((a, b) => a.s - b.s);
    let covered = start;
    for (const sp of spans) {
      if (sp.s > covered) break;
      covered = Math.max(covered, sp.e);
      if (covered >= end) return [...new Set(spans.filter((x) => x.s < end && x.e > start).map((x) => x.line))].sort((a, b) => a - b);
    }
    return undefined;
  }
}

/** The io-error detector. */
export class IoErrorDetector implements Detector {
  readonly kind = 'io-error';
  readonly description = FINDING_KINDS['io-error'].description;

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    const v = ctx.requests;
    let index: SuccessIndex | undefined;
    for (let r = 0; r < v.count; r++) {
      if (v.layer(r) !== 'block') continue;
      const error = v.block.get(r, 'error') ?? 0;
      const requeues = v.block.get(r, 'requeues') ?? 0;
      if (error === 0 && requeues === 0) continue;
      const dev = v.dev(r) >= 0 ? devName(v.dev(r)) : 'an unknown device';
      const who = owner(v, r);
      const stages = v.stages(r);
      const decisive = stages.find((s) => s.name === (error !== 0 ? 'complete' : 'requeue')) ?? stages.find((s) => s.name === 'error') ?? stages[stages.length - 1];
      const line = decisive?.line ?? v.lines(r)[0] ?? 1;
      const op = v.op(r);
      let message: string;
      let retried: number[] | undefined;
      if (error !== 0) {
        const name = errnoNames.name(error);
        const errno = name !== undefined ? ` (${name})` : '';
        const again = requeues > 0 ? ` after ${requeues} requeue${requeues > 1 ? 's' : ''}` : '';
        if ((op === 'read' || op === 'write') && v.sector(r) >= 0 && v.sectors(r) > 0) {
          index ??= new SuccessIndex(v);
          retried = index.retriedAt(v.dev(r), op, v.sector(r), v.sector(r) + v.sectors(r), line);
        }
        const outcome = retried
          ? `; later ${op === 'read' ? 'reads' : 'writes'} of the same sectors succeeded (line${retried.length > 1 ? 's' : ''} ${retried.slice(0, 4).join(', ')}${retried.length > 4 ? ', …' : ''}): a retry got past the error`
          : `: the data was not ${op === 'read' ? 'read' : 'written'} by this request, and no later ${op === 'read' ? 'read' : 'write'} of these sectors succeeded in the trace`;
        message = `Block ${op} request ${range(v, r)} (${Math.max(0, v.sectors(r)) * 512} bytes, rwbs ${v.block.get(r, 'rwbs') ?? '?'}) on ${dev} failed with ${error}${errno}${again}${op === 'read' || op === 'write' ? outcome : ''}.${who.text}`;
      } else {
        message = `Block ${op} request ${range(v, r)} on ${dev} was requeued ${requeues} time${requeues > 1 ? 's' : ''} by the driver (resource shortage or a device reset) before it completed.${who.text}`;
      }
      out.push({
        kind: this.kind,
        severity: error !== 0 && !retried ? 'error' : 'warning',
        message,
        file: ctx.file,
        line,
        evidence: evidence(ctx.file, v, ctx.store, r),
        details: { ...facts(v, r), requestId: r, ...who.details, ...(retried ? { retriedAtLines: retried } : {}) },
      });
    }
    return out;
  }
}
