/**
 * requestJson: requests as JSON, for `iolens request`, the worker's request queries and hovers. One
 * renderer per layer turns the typed facts into the `details` object (fixed key order, absent facts
 * omitted); `requestTree` renders a request with its stages, lines and the requests below it.
 */
import type { JsonValue } from '../contracts/finding';
import { errnoNames } from '../decode/errnoNames';
import { devName } from '../lifecycle/devName';
import { orderedExtentDetails } from '../lifecycle/orderedExtentState';
import { SYSCALL_SPECS } from '../lifecycle/syscallSpecs';
import { BLOCK_FLAG_NAMES } from './requestFacts';
import { requestLatency, type RequestView } from './requestView';

type Details = { [key: string]: JsonValue };

function hex(v: number | undefined): string {
  return v === undefined ? '' : `0x${v.toString(16)}`;
}

/** An io_uring request's user_data as printed in findings (`0x4`; '' when the trace had none). */
export function userDataText(v: RequestView, r: number): string {
  return hex(v.uring.get(r, 'userData'));
}

function put(d: Details, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) d[key] = value;
}

/** What every layer knows about the file of a request at the top of its chain. */
function fileFacts(v: RequestView, r: number, d: Details): void {
  if (v.fileFromFd(r)) d['fileFrom'] = 'fd';
  if (v.iSizeFromOtherEvents(r)) d['i_sizeFrom'] = 'other events of the file';
  put(d, 'eof', v.eof(r));
}

function syscallDetails(v: RequestView, r: number): Details {
  const d: Details = { syscall: v.op(r) };
  put(d, 'direction', SYSCALL_SPECS.get(v.op(r))?.direction);
  put(d, 'fd', v.syscall.get(r, 'fd'));
  put(d, 'flags', v.syscall.get(r, 'flags'));
  put(d, 'nowait', v.syscall.get(r, 'nowait'));
  put(d, 'mode', v.syscall.get(r, 'mode'));
  if (v.iSize(r) >= 0) d['i_size'] = v.iSize(r);
  if (v.syscall.get(r, 'offsetFromPrevious') === true) d['offsetFrom'] = 'previous call on the fd';
  fileFacts(v, r, d);
  return d;
}

function uringDetails(v: RequestView, r: number): Details {
  const d: Details = { user_data: userDataText(v, r) };
  put(d, 'ring', v.uring.get(r, 'ring'));
  const flags = v.uring.get(r, 'flags');
  if (flags !== undefined) d['flags'] = hex(flags);
  put(d, 'fd', v.uring.get(r, 'fd'));
  put(d, 'error', v.uring.get(r, 'error'));
  put(d, 'failedLink', v.uring.get(r, 'failedLink'));
  put(d, 'cqeOverflow', v.uring.get(r, 'cqeOverflow'));
  put(d, 'eofRemainder', v.uring.get(r, 'eofRemainder'));
  if (v.iSize(r) >= 0) d['i_size'] = v.iSize(r);
  put(d, 'retries', v.uring.get(r, 'retries'));
  put(d, 'attempts', v.uring.get(r, 'attempts'));
  put(d, 'addedLatencyNs', v.uring.get(r, 'addedLatencyNs'));
  put(d, 'punted', v.uring.get(r, 'punted'));
  fileFacts(v, r, d);
  return d;
}

function fsDetails(v: RequestView, r: number): Details {
  const d: Details = {};
  if (v.iSize(r) >= 0) d['i_size'] = v.iSize(r);
  put(d, 'event', v.fs.get(r, 'event'));
  put(d, 'eofRemainder', v.fs.get(r, 'eofRemainder'));
  put(d, 'retries', v.fs.get(r, 'retries'));
  put(d, 'dioFlags', v.fs.get(r, 'dioFlags'));
  put(d, 'nowait', v.fs.get(r, 'nowait'));
  put(d, 'aio', v.fs.get(r, 'aio'));
  put(d, 'error', v.fs.get(r, 'error'));
  put(d, 'readaheadPages', v.fs.get(r, 'readaheadPages'));
  put(d, 'endedWith', v.fs.get(r, 'endedWith'));
  put(d, 'dioPartial', v.fs.get(r, 'dioPartial'));
  put(d, 'faulted', v.fs.get(r, 'faulted'));
  put(d, 'doneBefore', v.fs.get(r, 'doneBefore'));
  put(d, 'continuedBy', v.fs.get(r, 'continuedBy'));
  fileFacts(v, r, d);
  return d;
}

/** The rwbs flags of a block request by name, in print order. */
export function blockFlagNames(v: RequestView, r: number): string[] {
  const bits = v.block.get(r, 'flags') ?? 0;
  return BLOCK_FLAG_NAMES.filter((_, i) => (bits & (1 << i)) !== 0);
}

function blockDetails(v: RequestView, r: number): Details {
  const d: Details = {};
  put(d, 'rwbs', v.block.get(r, 'rwbs'));
  const flags = blockFlagNames(v, r);
  if (flags.length > 0) d['flags'] = flags;
  put(d, 'remappedFrom', v.block.get(r, 'remappedFrom'));
  const also = v.block.get(r, 'alsoFor');
  if (also !== undefined) d['alsoFor'] = [...also];
  put(d, 'mergedBios', v.block.get(r, 'mergedBios'));
  put(d, 'bytes', v.block.get(r, 'bytes'));
  put(d, 'requeues', v.block.get(r, 'requeues'));
  put(d, 'orphan', v.block.get(r, 'orphan'));
  const error = v.block.get(r, 'error');
  put(d, 'error', error);
  if (error !== undefined && error !== 0) put(d, 'errno', errnoNames.name(error));
  for (const k of ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'] as const) put(d, k, v.block.get(r, k));
  put(d, 'mergedInto', v.block.get(r, 'mergedInto'));
  return d;
}

/** The layer-specific facts of a request as the JSON `details` object. */
export function requestDetails(v: RequestView, r: number): Details {
  switch (v.layer(r)) {
    case 'syscall':
      return syscallDetails(v, r);
    case 'io_uring':
      return uringDetails(v, r);
    case 'fs':
      return fsDetails(v, r);
    case 'block':
      return blockDetails(v, r);
    case 'ordered-extent': {
      const oe = v.orderedExtent(r);
      return oe ? orderedExtentDetails(oe) : {};
    }
  }
}

/** A request and its lower layers, as JSON. */
export interface RequestTree {
  readonly id: number;
  readonly layer: string;
  readonly op: string;
  readonly pid: number;
  readonly comm: string;
  readonly dev: string | null;
  readonly ino: number | null;
  readonly offset: number | null;
  readonly length: number | null;
  readonly sector: number | null;
  readonly sectors: number | null;
  readonly result: number | null;
  readonly complete: boolean;
  /** Submission to completion in ns, when complete. */
  readonly latencyNs: number | null;
  readonly stages: { name: string; ts: number; line: number }[];
  readonly lines: number[];
  readonly details: Details;
  readonly children: RequestTree[];
}

function orNull(x: number): number | null {
  return x < 0 ? null : x;
}

export function requestTree(v: RequestView, r: number, depth = 0): RequestTree {
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
    result: v.result(r) ?? null,
    complete: v.isComplete(r),
    latencyNs: v.isComplete(r) && v.stageCount(r) > 0 ? v.lastTs(r) - v.firstTs(r) : null,
    stages: v.stages(r).map((s) => ({ ...s })),
    lines: [...v.lines(r)],
    details: requestDetails(v, r),
    children: depth > 8 ? [] : v.children(r).map((c) => requestTree(v, c, depth + 1)),
  };
}

/** The trees of every request chain the line belongs to (one per distinct root). */
export function requestsAtLine(v: RequestView, line: number): RequestTree[] {
  const roots = new Set<number>();
  for (const r of v.atLine(line)) roots.add(v.root(r));
  return [...roots].map((r) => requestTree(v, r));
}

export { requestLatency };
