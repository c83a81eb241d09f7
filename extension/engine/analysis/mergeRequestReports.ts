/**
 * mergeRequestReports: the report-level `requests` section over several files (percentiles are computed
 * over the requests of all files, not averaged).
 */
import type { RequestsReport } from '../contracts/report';
import { RequestSet } from '../lifecycle/ioRequest';
import { summarizeRequests } from '../lifecycle/requestSummary';
import { blockLatency } from './analysisRegistry';

export function mergeRequestReports(sets: readonly RequestSet[]): RequestsReport {
  if (sets.length === 1) {
    const only = sets[0]!;
    return { ...summarizeRequests(only), block: blockLatency(only) };
  }
  const all = new RequestSet();
  for (const s of sets) all.requests.push(...s.requests.map((r) => ({ ...r, id: all.requests.length + r.id })));
  return { ...summarizeRequests(all), block: blockLatency(all) };
}
