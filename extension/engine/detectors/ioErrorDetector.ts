/**
 * io-error: block requests that completed with a non-zero error (`block_rq_complete ... [-5]`,
 * `block_rq_error`) and requests the driver requeued, with the file I/O they belong to.
 *
 * Reads the block requests the BlockTracker rebuilt; the request's chain (`requests.root`) gives the
 * syscall / io_uring / filesystem request that caused it when other trackers linked them. One finding per
 * request: severity error for a failed request, warning for a requeued one that finally succeeded. The
 * evidence is the request's own lines plus the lines of the request at the top of its chain.
 */
import type { EvidenceRef, Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { devName } from '../lifecycle/devName';
import type { IoRequest, RequestSet } from '../lifecycle/ioRequest';
import type { Detector, DetectorContext } from './detector';

function range(r: IoRequest): string {
  return r.sector >= 0 ? `${r.sector} + ${r.sectors}` : '(no sector)';
}

function evidence(file: string, requests: RequestSet, r: IoRequest): EvidenceRef[] {
  const lines = new Set(r.lines);
  const root = requests.root(r);
  if (root !== r) for (const l of root.lines) lines.add(l);
  return [...lines].sort((a, b) => a - b).map((line) => ({ file, line }));
}

/** "the pwrite64 of pid 1234 (dd) at line 18" for the top of the chain, or '' when there is none. */
function owner(requests: RequestSet, r: IoRequest): { text: string; details: { [key: string]: JsonValue } } {
  const root = requests.root(r);
  if (root === r) return { text: '', details: {} };
  const who = root.pid >= 0 ? ` of pid ${root.pid}${root.comm ? ` (${root.comm})` : ''}` : '';
  const at = root.lines[0] ?? -1;
  const ino = root.ino >= 0 ? `, inode ${root.ino}` : '';
  const details: { [key: string]: JsonValue } = { rootLayer: root.layer, rootOp: root.op, rootLine: at };
  if (root.pid >= 0) details['rootPid'] = root.pid;
  if (root.ino >= 0) details['rootIno'] = root.ino;
  if (root.result !== undefined) details['rootResult'] = root.result;
  return { text: ` It belongs to the ${root.layer} ${root.op}${who}${ino} at line ${at}.`, details };
}

function facts(r: IoRequest): { [key: string]: JsonValue } {
  const d = r.details;
  const out: { [key: string]: JsonValue } = {
    dev: r.dev >= 0 ? devName(r.dev) : 'unknown',
    op: r.op,
    sector: r.sector,
    sectors: r.sectors,
    bytes: typeof d['bytes'] === 'number' ? d['bytes'] : Math.max(0, r.sectors) * 512,
    rwbs: d['rwbs'] ?? '',
    error: d['error'] ?? 0,
    requeues: d['requeues'] ?? 0,
  };
  if (d['errno'] !== undefined) out['errno'] = d['errno'];
  if (typeof d['D2C'] === 'number') out['D2C'] = d['D2C'];
  return out;
}

/** The io-error detector. */
export class IoErrorDetector implements Detector {
  readonly kind = 'io-error';
  readonly description = FINDING_KINDS['io-error'].description;

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    for (const r of ctx.requests.requests) {
      if (r.layer !== 'block') continue;
      const error = typeof r.details['error'] === 'number' ? r.details['error'] : 0;
      const requeues = typeof r.details['requeues'] === 'number' ? r.details['requeues'] : 0;
      if (error === 0 && requeues === 0) continue;
      const dev = r.dev >= 0 ? devName(r.dev) : 'an unknown device';
      const who = owner(ctx.requests, r);
      const decisive = r.stages.find((s) => s.name === (error !== 0 ? 'complete' : 'requeue')) ?? r.stages.find((s) => s.name === 'error') ?? r.stages[r.stages.length - 1];
      const line = decisive?.line ?? r.lines[0] ?? 1;
      let message: string;
      if (error !== 0) {
        const errno = typeof r.details['errno'] === 'string' ? ` (${r.details['errno']})` : '';
        const again = requeues > 0 ? ` after ${requeues} requeue${requeues > 1 ? 's' : ''}` : '';
        message = `Block ${r.op} request ${range(r)} (${Math.max(0, r.sectors) * 512} bytes, rwbs ${String(r.details['rwbs'] ?? '?')}) on ${dev} failed with ${error}${errno}${again}: the data was not ${r.op === 'read' ? 'read' : 'written'}.${who.text}`;
      } else {
        message = `Block ${r.op} request ${range(r)} on ${dev} was requeued ${requeues} time${requeues > 1 ? 's' : ''} by the driver (resource shortage or a device reset) before it completed.${who.text}`;
      }
      out.push({
        kind: this.kind,
        severity: error !== 0 ? 'error' : 'warning',
        message,
        file: ctx.file,
        line,
        evidence: evidence(ctx.file, ctx.requests, r),
        details: { ...facts(r), requestId: r.id, ...who.details },
      });
    }
    return out;
  }
}
