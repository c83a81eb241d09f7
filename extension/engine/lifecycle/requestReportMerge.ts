/**
 * mergeRequestReports: the report-level `requests` section over several files (percentiles are computed
 * over the requests of all files, not averaged).
 */
import { blockLatency } from '../analysis/analysisRegistry';
import { RequestSet } from './ioRequest';
import { summarizeRequests, type RequestsReport } from './requestSummary';

export function mergeRequestReports(sets: readonly RequestSet[]): RequestsReport {
  if (sets.length === 1) {
    const only = sets[0]!;
    return { ...summarizeRequests(only), block: blockLatency(only) };
  }
  const all = new RequestSet();
  for (const s of sets) all.requests.push(...s.requests.map((r) => ({ ...r, id: all.requests.length + r.id })));
  return { ...summarizeRequests(all), block: blockLatency(all) };
}
