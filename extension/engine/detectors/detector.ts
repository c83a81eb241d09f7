/**
 * Detector: one bug pattern. A detector is fed the same event stream as the trackers (it may keep its own
 * compact state) and, at the end of the file, reads the requests (read-only) and emits findings, each with the line
 * of the decisive event, its evidence lines, a message a filesystem developer would accept, and numeric
 * details.
 */
import type { Finding } from '../contracts/finding';
import type { EventConsumer } from '../ingest/eventConsumer';
import type { RequestView } from '../requests/requestView';
import type { EventStore } from '../store/eventStore';

export interface DetectorContext {
  readonly file: string;
  readonly store: EventStore;
  /** The file's requests, read-only (sealed). */
  readonly requests: RequestView;
}

export interface Detector extends Partial<EventConsumer> {
  /** The finding kind it reports (one SARIF rule each). */
  readonly kind: string;
  /** One sentence describing the pattern (the SARIF rule's description). */
  readonly description: string;
  findings(ctx: DetectorContext): Finding[];
}
