/**
 * The one place that lists the trackers (one per layer) and detectors (one per bug pattern) every file is
 * analysed with.
 *
 * Trackers come in layer order: the submission and filesystem layers register the disk ranges they are
 * about to touch before the block tracker sees the bios (it links them through the LinkIndex).
 */
import type { Detector } from '../detectors/detector';
import { IoErrorDetector } from '../detectors/ioErrorDetector';
import { NowaitRetryDetector } from '../detectors/nowaitRetryDetector';
import { OrderedExtentIoerrDetector, OrderedExtentUnfinishedDetector } from '../detectors/orderedExtentIoerrDetector';
import { ShortReadDetector } from '../detectors/shortReadDetector';
import { StaleIomapDetector } from '../detectors/staleIomapDetector';
import { UnalignedDiscardDetector } from '../detectors/unalignedDiscardDetector';
import { TaskTraceCollector } from '../hang/taskTraceCollector';
import type { EventConsumer } from '../ingest/eventConsumer';
import { BlockTracker } from '../lifecycle/blockTracker';
import { createIoTrackers } from '../lifecycle/fsTrackerChain';
import type { LinkIndex } from '../lifecycle/linkIndex';
import { OrderedExtentTracker } from '../lifecycle/orderedExtentTracker';
import type { RequestSet } from '../requests/requestSet';

export interface AnalysisParts {
  readonly trackers: EventConsumer[];
  readonly detectors: Detector[];
  /** The btrfs ordered extents and the task facts the blocked-task analysis links kernel logs to. */
  readonly orderedExtents: OrderedExtentTracker;
  readonly taskFacts: TaskTraceCollector;
}

export function createAnalysisParts(requests: RequestSet, links: LinkIndex): AnalysisParts {
  const io = createIoTrackers(requests, links);
  const orderedExtents = new OrderedExtentTracker(requests, links);
  const taskFacts = new TaskTraceCollector();
  return {
    orderedExtents,
    taskFacts,
    trackers: [...io.consumers, orderedExtents, new BlockTracker(requests, links), taskFacts],
    detectors: [
      new ShortReadDetector(),
      new NowaitRetryDetector(),
      new IoErrorDetector(),
      new OrderedExtentIoerrDetector(orderedExtents),
      new OrderedExtentUnfinishedDetector(orderedExtents),
      new StaleIomapDetector(),
      new UnalignedDiscardDetector(),
    ],
  };
}
