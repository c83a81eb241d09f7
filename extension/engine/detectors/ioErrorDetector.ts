/**
 * io-error: block requests that completed with a non-zero error (`block_rq_complete ... [-5]`,
 * `block_rq_error`) and requests the driver requeued, with the file I/O they belong to.
 *
 * Reads the block requests the BlockTracker rebuilt; the request's chain (`requests.root`) gives the
 * syscall / io_uring / filesystem request that caused it when other trackers linked them. One finding per
 * request: severity error for a failed request, warning for a requeued one that finally succeeded. The
 * evidence is the request's own lines plus the lines of the request at the top of its chain, each named by
 * the stage it is (`block write request completed: -5 EIO`, `pwrite64 returned: -5 EIO`).
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

/** The io-error detector. */
export class IoErrorDetector implements Detector {
  readonly kind = 'io-error';
  readonly description = FINDING_KINDS['io-error'].description;

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    const v = ctx.requests;
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
      if (error !== 0) {
        const name = errnoNames.name(error);
        const errno = name !== undefined ? ` (${name})` : '';
        const again = requeues > 0 ? ` after ${requeues} requeue${requeues > 1 ? 's' : ''}` : '';
        message = `Block ${op} request ${range(v, r)} (${Math.max(0, v.sectors(r)) * 512} bytes, rwbs ${v.block.get(r, 'rwbs') ?? '?'}) on ${dev} failed with ${error}${errno}${again}: the data was not ${op === 'read' ? 'read' : 'written'}.${who.text}`;
      } else {
        message = `Block ${op} request ${range(v, r)} on ${dev} was requeued ${requeues} time${requeues > 1 ? 's' : ''} by the driver (resource shortage or a device reset) before it completed.${who.text}`;
      }
      out.push({
        kind: this.kind,
        severity: error !== 0 ? 'error' : 'warning',
        message,
        file: ctx.file,
        line,
        evidence: evidence(ctx.file, v, ctx.store, r),
        details: { ...facts(v, r), requestId: r, ...who.details },
      });
    }
    return out;
  }
}
