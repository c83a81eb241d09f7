/**
 * The one place that lists the trackers (one per layer) and detectors (one per bug pattern) every file is
 * analysed with, and the block-layer latency statistics of the report.
 */
import type { Detector } from '../detectors/detector';
import type { EventConsumer } from '../ingest/eventConsumer';
import type { RequestSet } from '../lifecycle/ioRequest';
import type { LinkIndex } from '../lifecycle/linkIndex';
import type { DeviceLatency } from '../lifecycle/requestSummary';

/** Trackers in layer order: submission layers first, the block layer last (it links to the others). */
export function createTrackers(_requests: RequestSet, _links: LinkIndex): EventConsumer[] {
  return [];
}

export function createDetectors(): Detector[] {
  return [];
}

/** Block-layer stage latencies (Q2G, G2I, I2D, D2C, Q2C) per device and for all devices. */
export function blockLatency(_requests: RequestSet): DeviceLatency[] {
  return [];
}

/** SARIF rule descriptions of the detectors' finding kinds. */
export function detectorDescriptions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of createDetectors()) out[d.kind] = d.description;
  return out;
}
