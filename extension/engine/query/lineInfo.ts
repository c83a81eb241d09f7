/**
 * lineInfo: everything a hover shows about one line, in one answer: the decoded event (traces), the
 * request chains the line belongs to, the session's findings at the line (decisive first, then those that
 * cite it as evidence) and, in a kernel log, the task report the line lies in (TaskIndex). Each part is the
 * answer of its own query (`eventAt`, `requestChains`, `findingsAt`), so a hover built from it says what
 * the separate queries say.
 */
import type { LineInfo } from '../contracts/query';
import type { FindingIndex } from './findingIndex';
import type { ModelQueries } from './modelQueries';
import type { TaskIndex } from './taskIndex';

export function lineInfo(q: ModelQueries, findings: FindingIndex, tasks: TaskIndex | undefined, line: number, maxNodes?: number): LineInfo {
  const trace = q.model.kind === 'trace';
  return {
    event: trace ? (q.eventAt(line) ?? null) : null,
    chains: trace ? q.requestChainsAt(line, maxNodes) : [],
    findings: findings.atLine(q.path, line),
    task: !trace && tasks !== undefined ? tasks.at(line) : null,
  };
}
