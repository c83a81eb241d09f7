/**
 * filterText: an event filter in words for a view's title (`task fio:1234, CPU 1, block_rq_issue`), short
 * enough for a tab. vscode-free (unit-tested).
 */
import type { EventFilter } from '../engine/contracts/query';

const MAX_LIST = 3;

function list(label: string, values: readonly (string | number)[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const shown = values.slice(0, MAX_LIST).join(', ');
  return `${label} ${shown}${values.length > MAX_LIST ? ` +${values.length - MAX_LIST}` : ''}`;
}

export function describeFilter(f: EventFilter): string {
  const parts = [
    list(f.events && f.events.length === 1 ? 'event' : 'events', f.events),
    list(f.pids && f.pids.length === 1 ? 'pid' : 'pids', f.pids),
    list(f.comms && f.comms.length === 1 ? 'task' : 'tasks', f.comms),
    list(f.cpus && f.cpus.length === 1 ? 'CPU' : 'CPUs', f.cpus),
    list(f.devices && f.devices.length === 1 ? 'dev' : 'devs', f.devices),
    list(f.inodes && f.inodes.length === 1 ? 'ino' : 'inos', f.inodes),
    list(f.requests && f.requests.length === 1 ? 'request' : 'requests', f.requests),
    list(f.findings && f.findings.length === 1 ? 'finding' : 'findings', f.findings?.map((i) => `#${i + 1}`)),
    f.from !== undefined || f.to !== undefined ? `time ${f.from !== undefined ? f.from.toFixed(6) : '…'}–${f.to !== undefined ? f.to.toFixed(6) : '…'} s` : undefined,
    f.fromLine !== undefined || f.toLine !== undefined ? `lines ${f.fromLine ?? 1}–${f.toLine ?? '…'}` : undefined,
  ].filter((p): p is string => p !== undefined);
  const text = parts.length === 0 ? 'all events' : parts.join(', ');
  // No path separators or control characters in a title derived from trace text (task names).
  return text.replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 120);
}
