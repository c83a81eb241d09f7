/**
 * FileAnalysis: everything iolens rebuilds and detects in one trace file, attached to ingest as streaming
 * consumers. The trackers rebuild each I/O request layer by layer into one RequestSet and join the layers
 * through the LinkIndex; the detectors read the requests at the end and report findings.
 */
import type { Finding } from '../contracts/finding';
import type { RequestsReport } from '../contracts/report';
import type { Detector } from '../detectors/detector';
import type { EventConsumer } from '../ingest/eventConsumer';
import { IoRequest, RequestSet } from '../lifecycle/ioRequest';
import { LinkIndex } from '../lifecycle/linkIndex';
import { summarizeRequests } from '../lifecycle/requestSummary';
import type { EventStore } from '../store/eventStore';
import { blockLatency, createAnalysisParts, type AnalysisParts } from './analysisRegistry';
import type { TaskTraceCollector } from '../hang/taskTraceCollector';
import type { OrderedExtent } from '../lifecycle/orderedExtentState';

export interface FileAnalysisResult {
  readonly requests: RequestsReport;
  readonly findings: Finding[];
  readonly requestSet: RequestSet;
  /** What kernel logs analysed together with this trace are linked to. */
  readonly orderedExtents: readonly OrderedExtent[];
  readonly taskFacts: TaskTraceCollector;
}

export class FileAnalysis {
  readonly requests = new RequestSet();
  readonly links = new LinkIndex();
  private readonly trackers: EventConsumer[];
  readonly detectors: Detector[];
  private readonly parts: AnalysisParts;

  constructor(readonly file: string) {
    const parts = createAnalysisParts(this.requests, this.links);
    this.parts = parts;
    this.trackers = parts.trackers;
    this.detectors = parts.detectors;
  }

  /** The consumers to pass to ingest: trackers first, then detectors that watch events themselves. */
  consumers(): EventConsumer[] {
    const watching = this.detectors.filter((d): d is Detector & EventConsumer => d.onEvent !== undefined);
    return [...this.trackers, ...watching];
  }

  /** After ingest: the requests summary and every detector's findings. */
  result(store: EventStore): FileAnalysisResult {
    const findings: Finding[] = [];
    const ctx = { file: this.file, store, requests: this.requests };
    for (const d of this.detectors) findings.push(...d.findings(ctx));
    return {
      requests: { ...summarizeRequests(this.requests), block: blockLatency(this.requests) },
      findings,
      requestSet: this.requests,
      orderedExtents: this.parts.orderedExtents.extents,
      taskFacts: this.parts.taskFacts,
    };
  }
}

export type { IoRequest };
