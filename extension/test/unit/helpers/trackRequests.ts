// Test helpers for request lifecycles: run trackers over a recording or constructed lines with a fresh
// event store and RequestSet (sharing the store's strings), finish the requests as an analysis does (EOF
// outcomes, seal), and materialize them as plain objects (`TestRequest`) for readable assertions.
import type { JsonValue } from '../../../engine/contracts/finding';
import type { RequestLayer } from '../../../engine/contracts/report';
import type { EventConsumer } from '../../../engine/ingest/eventConsumer';
import { ingestBytes, ingestFile, type IngestResult } from '../../../engine/ingest/ingestFile';
import { LinkIndex } from '../../../engine/lifecycle/linkIndex';
import { markEof } from '../../../engine/lifecycle/readOutcome';
import { requestDetails } from '../../../engine/requests/requestJson';
import { RequestSet } from '../../../engine/requests/requestSet';
import type { RequestStage, RequestView } from '../../../engine/requests/requestView';
import { EventStore } from '../../../engine/store/eventStore';

/** One request as a plain object (what the old IoRequest looked like), with its JSON details. */
export interface TestRequest {
  readonly id: number;
  readonly layer: RequestLayer;
  readonly op: string;
  readonly pid: number;
  readonly comm: string;
  readonly dev: number;
  readonly ino: number;
  readonly offset: number;
  readonly length: number;
  readonly result: number | undefined;
  readonly sector: number;
  readonly sectors: number;
  readonly stages: readonly RequestStage[];
  readonly lines: readonly number[];
  readonly children: readonly number[];
  readonly parent: number;
  readonly complete: boolean;
  readonly details: { readonly [key: string]: JsonValue };
}

export function materialize(v: RequestView): TestRequest[] {
  const out: TestRequest[] = [];
  for (let r = 0; r < v.count; r++) {
    out.push({
      id: r,
      layer: v.layer(r),
      op: v.op(r),
      pid: v.pid(r),
      comm: v.comm(r),
      dev: v.dev(r),
      ino: v.ino(r),
      offset: v.offset(r),
      length: v.length(r),
      result: v.result(r),
      sector: v.sector(r),
      sectors: v.sectors(r),
      stages: v.stages(r),
      lines: [...v.lines(r)],
      children: [...v.children(r)],
      parent: v.parent(r),
      complete: v.isComplete(r),
      details: requestDetails(v, r),
    });
  }
  return out;
}

/** The top of a request's chain among materialized requests. */
export function rootOf(requests: readonly TestRequest[], r: TestRequest): TestRequest {
  let cur = r;
  while (cur.parent >= 0) cur = requests[cur.parent]!;
  return cur;
}

export interface Tracked {
  /** The sealed requests (what detectors read). */
  readonly set: RequestSet;
  /** The same requests as plain objects. */
  readonly requests: TestRequest[];
  readonly store: EventStore;
  readonly ingest: IngestResult;
  readonly links: LinkIndex;
}

/** Builds the consumers to attach over the requests and the link index. */
export type Build = (requests: RequestSet, links: LinkIndex) => readonly EventConsumer[];

function finish(set: RequestSet, store: EventStore, ingest: IngestResult, links: LinkIndex): Tracked {
  markEof(set);
  set.seal();
  return { set, requests: materialize(set), store, ingest, links };
}

/** Runs the consumers `build` makes over a file. */
export async function trackFile(file: string, build: Build, links: LinkIndex = new LinkIndex()): Promise<Tracked> {
  const store = new EventStore();
  const set = new RequestSet(store.strings);
  const ingest = await ingestFile(file, { store, consumers: build(set, links) });
  return finish(set, store, ingest, links);
}

/** Runs the consumers `build` makes over constructed lines (joined with newlines). */
export function trackLines(lines: readonly string[], build: Build, links: LinkIndex = new LinkIndex(), name = 'constructed.txt'): Tracked {
  const store = new EventStore();
  const set = new RequestSet(store.strings);
  const ingest = ingestBytes(name, Buffer.from(lines.join('\n') + '\n'), { store, consumers: build(set, links) });
  return finish(set, store, ingest, links);
}
