/**
 * IoRequest: the life of one I/O request at one layer, as rebuilt from a trace, and the links that join
 * the layers (a syscall or io_uring request -> the filesystem I/O it caused -> the bios / block requests
 * that carried it; a btrfs ordered extent -> the block requests that wrote it).
 *
 * Trackers (one per layer) create requests while the file streams and link them; detectors read them at
 * the end. Times are ns relative to the file's first event (EventStore), lines are 1-based.
 */
import type { JsonValue } from '../contracts/finding';
import type { RequestLayer } from '../contracts/report';

/** One step of a request: `queue`, `issue`, `complete`, `submit`, `punt-to-io-wq`, `retry`, `enter`, `exit`... */
export interface RequestStage {
  readonly name: string;
  /** ns relative to the first event of the file. */
  readonly ts: number;
  readonly line: number;
}

export interface IoRequest {
  /** Index in RequestSet.requests. */
  readonly id: number;
  readonly layer: RequestLayer;
  /** `read`, `write`, `discard`, `write-zeroes`, `flush`, `fallocate`, `fsync`, io_uring opcode name, ... */
  op: string;
  /** Task that submitted it (pid and comm string as printed), -1 / '' when unknown. */
  pid: number;
  comm: string;
  /** Block device (kernel dev_t: major << 20 | minor), -1 when unknown. */
  dev: number;
  /** Inode number, -1 when unknown. */
  ino: number;
  /** Byte offset in the file (fs, syscall, io_uring) or on the device (block: sector * 512); -1 when unknown. */
  offset: number;
  /** Bytes requested; -1 when unknown. */
  length: number;
  /** Bytes done or the return value (negative errno); undefined while incomplete. */
  result: number | undefined;
  /** First block sector and sector count (block layer); -1 when not a block request. */
  sector: number;
  sectors: number;
  readonly stages: RequestStage[];
  /** Every line that belongs to this request, in order (the evidence for findings and `iolens request`). */
  readonly lines: number[];
  /** Requests this one caused (lower layers) and the one that caused it. */
  readonly children: number[];
  parent: number;
  complete: boolean;
  /** Layer-specific facts (rwbs, user_data, flags, i_size, retries...). */
  readonly details: { [key: string]: JsonValue };
}

/**
 * All requests of one file, with an index from line to request. The index is built on first use (and
 * rebuilt only when requests changed since): keeping it up to date while ingesting cost a third of the
 * lifecycle time on a large trace, and only `iolens request` / hovers and a few detectors query it.
 */
export class RequestSet {
  readonly requests: IoRequest[] = [];
  /** line -> request ids touching it (a line can belong to several layers' requests). */
  private byLine: Map<number, number[]> | undefined;
  private version = 0;
  private indexedVersion = -1;

  create(layer: RequestLayer, op: string, stage: RequestStage): IoRequest {
    const r: IoRequest = {
      id: this.requests.length,
      layer,
      op,
      pid: -1,
      comm: '',
      dev: -1,
      ino: -1,
      offset: -1,
      length: -1,
      result: undefined,
      sector: -1,
      sectors: -1,
      stages: [],
      lines: [],
      children: [],
      parent: -1,
      complete: false,
      details: {},
    };
    this.requests.push(r);
    this.addStage(r, stage);
    return r;
  }

  addStage(r: IoRequest, stage: RequestStage): void {
    r.stages.push(stage);
    this.addLine(r, stage.line);
  }

  addLine(r: IoRequest, line: number): void {
    if (r.lines[r.lines.length - 1] !== line) {
      r.lines.push(line);
      this.version++;
    }
  }

  /** Makes `child` a lower-layer part of `parent`. */
  link(parent: IoRequest, child: IoRequest): void {
    if (child.parent === parent.id) return;
    child.parent = parent.id;
    parent.children.push(child.id);
  }

  /** Requests an event line belongs to. */
  atLine(line: number): IoRequest[] {
    return (this.lineIndex().get(line) ?? []).map((id) => this.requests[id]!);
  }

  private lineIndex(): Map<number, number[]> {
    if (this.byLine !== undefined && this.indexedVersion === this.version) return this.byLine;
    const index = new Map<number, number[]>();
    for (const r of this.requests) {
      for (const line of r.lines) {
        let ids = index.get(line);
        if (ids === undefined) index.set(line, (ids = []));
        if (ids[ids.length - 1] !== r.id) ids.push(r.id);
      }
    }
    this.byLine = index;
    this.indexedVersion = this.version;
    return index;
  }

  /** The top of a request's chain (the syscall or io_uring request that started it, if known). */
  root(r: IoRequest): IoRequest {
    let cur = r;
    while (cur.parent >= 0) cur = this.requests[cur.parent]!;
    return cur;
  }
}
