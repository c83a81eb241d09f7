/**
 * RequestView: the read-only face of one file's I/O requests, for detectors, the blocked-task analysis,
 * reports and queries. Requests are dense ids (0..count-1); every field is read through an accessor over
 * typed-array columns, never from a per-request object. Only `RequestSet` (the writer, used by the
 * trackers while a file streams) changes them.
 *
 * A request is the life of one I/O at one layer (syscall, io_uring, fs, block, ordered-extent): its stages
 * (name, time, line), every line that belongs to it, its parent (the upper layer that caused it) and its
 * children, and the facts only its layer knows (`syscall`/`uring`/`fs`/`block`, typed by their schemas in
 * requestFacts.ts; ordered extents keep their OrderedExtent state). Times are ns relative to the file's
 * first event; lines are 1-based. After `seal()` a request's lines are sorted and unique.
 */
import type { RequestLayer } from '../contracts/report';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import type { FactSchema, FactValue } from './factTable';
import type { BlockFacts, FsFacts, SyscallFacts, UringFacts } from './requestFacts';

/** One step of a request: `queue`, `issue`, `complete`, `submit`, `punt-to-io-wq`, `retry`, `enter`, `exit`... */
export interface RequestStage {
  readonly name: string;
  /** ns relative to the first event of the file. */
  readonly ts: number;
  readonly line: number;
}

/** Layer names by code (the order of the `layer` column). */
export const LAYERS: readonly RequestLayer[] = ['syscall', 'io_uring', 'fs', 'block', 'ordered-extent'];
/** Layer codes by name. */
export const LAYER_CODE: Readonly<Record<RequestLayer, number>> = { syscall: 0, io_uring: 1, fs: 2, block: 3, 'ordered-extent': 4 };

/** What the short-read analysis decided about a read's end of file. */
export type EofState = true | 'unknown';

/** The facts of one layer, read by request id (undefined for requests of other layers). */
export interface LayerFactReader<S extends FactSchema> {
  get<K extends keyof S & string>(id: number, key: K): FactValue<S[K]> | undefined;
}

export interface RequestView {
  readonly count: number;
  /** Bytes held by the request tables. */
  readonly byteLength: number;
  layer(id: number): RequestLayer;
  layerCode(id: number): number;
  /** `read`, `write`, `discard`, `flush`, `fsync`, an io_uring opcode name, `buffered-read`… */
  op(id: number): string;
  /** The op as a small id of this view (equal ids: equal ops), and the name of an op id. */
  opId(id: number): number;
  opName(opId: number): string;
  /** Task that submitted it (-1 when unknown) and its comm as printed ('' when unknown). */
  pid(id: number): number;
  comm(id: number): string;
  /** Block device (kernel dev_t, major << 20 | minor), -1 when unknown. */
  dev(id: number): number;
  /** Inode, -1 when unknown. */
  ino(id: number): number;
  /** Byte offset in the file (fs, syscall, io_uring) or on the device (block); -1 when unknown. */
  offset(id: number): number;
  /** Bytes requested, -1 when unknown. */
  length(id: number): number;
  /** First sector and sector count (block), -1 otherwise. */
  sector(id: number): number;
  sectors(id: number): number;
  /** Bytes done or the return value (negative errno); undefined while incomplete or unknown. */
  result(id: number): number | undefined;
  isComplete(id: number): boolean;
  /** The request that caused this one, -1 at the top of a chain. */
  parent(id: number): number;
  /** Requests this one caused (lower layers), in the order they were linked. */
  children(id: number): readonly number[];
  /** The top of the request's chain. */
  root(id: number): number;
  stageCount(id: number): number;
  stageName(id: number, k: number): string;
  stageTs(id: number, k: number): number;
  stageLine(id: number, k: number): number;
  /** Every stage as objects (for reports and queries; allocates). */
  stages(id: number): RequestStage[];
  /** Time of the first / last stage. */
  firstTs(id: number): number;
  lastTs(id: number): number;
  /** Every line that belongs to the request (sorted and unique once sealed). */
  lines(id: number): readonly number[];
  /** The requests a line belongs to (several layers can share a line), by id. */
  atLine(line: number): number[];
  /** Every line that belongs to some request, ascending with repeats (one per request), and its request (built on first use, like `atLine`). */
  lineIndex(): { readonly lines: Uint32Array; readonly requests: Int32Array };
  /** i_size at the time of a request at the top of its chain (-1 when unknown), and where it came from. */
  iSize(id: number): number;
  iSizeFromOtherEvents(id: number): boolean;
  /** The file was found through the task's fd (its own events named none). */
  fileFromFd(id: number): boolean;
  /** For reads at the top of a chain: ended at EOF (true), or undecidable ('unknown'). */
  eof(id: number): EofState | undefined;
  readonly syscall: LayerFactReader<SyscallFacts>;
  readonly uring: LayerFactReader<UringFacts>;
  readonly fs: LayerFactReader<FsFacts>;
  readonly block: LayerFactReader<BlockFacts>;
  /** The typed state of an ordered-extent request. */
  orderedExtent(id: number): OrderedExtent | undefined;
}

/** Submission (first stage) to completion (last stage) of a complete request, in ns. */
export function requestLatency(v: RequestView, id: number): number | undefined {
  if (!v.isComplete(id) || v.stageCount(id) < 2) return undefined;
  return v.lastTs(id) - v.firstTs(id);
}
