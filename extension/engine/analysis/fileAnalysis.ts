/**
 * FileAnalysis: everything iolens rebuilds and detects in one trace file, attached to ingest as streaming
 * consumers. The trackers rebuild each I/O request layer by layer into one RequestSet (the only writer)
 * and join the layers through the LinkIndex; at the end the reads' EOF outcomes are recorded, the
 * requests are sealed, and the detectors read them (read-only) and report findings.
 */
import type { Finding } from '../contracts/finding';
import type { BtrfsEra } from '../decode/btrfsOrderedFlags';
import type { RequestsReport } from '../contracts/report';
import type { Detector } from '../detectors/detector';
import type { TaskTraceCollector } from '../hang/taskTraceCollector';
import type { EventConsumer } from '../ingest/eventConsumer';
import { LinkIndex } from '../lifecycle/linkIndex';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';
import { markEof } from '../lifecycle/readOutcome';
import { requestsReport } from '../lifecycle/requestSummary';
import { RequestSet } from '../requests/requestSet';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';
import { createAnalysisParts, type AnalysisParts } from './analysisRegistry';

export interface FileAnalysisResult {
  readonly requests: RequestsReport;
  readonly findings: Finding[];
  /** The file's requests, sealed. */
  readonly requestSet: RequestView;
  /** What kernel logs analysed together with this trace are linked to. */
  readonly orderedExtents: readonly OrderedExtent[];
  readonly taskFacts: TaskTraceCollector;
  /** The btrfs ordered-extent flag layout the file showed, if any. */
  readonly btrfsEra: BtrfsEra | undefined;
}

export class FileAnalysis {
  readonly requests: RequestSet;
  readonly links = new LinkIndex();
  private readonly trackers: EventConsumer[];
  readonly detectors: Detector[];
  private readonly parts: AnalysisParts;

  /** `store`: the event store ingest fills (its StringTable holds the requests' comms and strings too). */
  constructor(
    readonly file: string,
    readonly store: EventStore,
  ) {
    this.requests = new RequestSet(store.strings);
    const parts = createAnalysisParts(this.requests, this.links);
    this.parts = parts;
    this.trackers = parts.trackers;
    this.detectors = parts.detectors;
  }

  /** The consumers to pass to ingest: trackers first, then detectors that watch events themselves. */
  consumers(): EventConsumer[] {
    const watching = this.detectors.filter((d): d is Detector & EventConsumer => d.onEvent !== undefined && d.interest !== undefined);
    return [...this.trackers, ...watching];
  }

  /** After ingest (the trackers have finished): EOF outcomes, sealing, every detector's findings. */
  result(): FileAnalysisResult {
    markEof(this.requests);
    this.requests.seal();
    const findings: Finding[] = [];
    const ctx = { file: this.file, store: this.store, requests: this.requests as RequestView };
    for (const d of this.detectors) findings.push(...d.findings(ctx));
    return {
      requests: requestsReport([this.requests]),
      findings,
      requestSet: this.requests,
      orderedExtents: this.parts.orderedExtents.extents,
      taskFacts: this.parts.taskFacts,
      btrfsEra: this.parts.orderedExtents.flagEra,
    };
  }
}
