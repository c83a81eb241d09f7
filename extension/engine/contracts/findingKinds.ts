/**
 * The catalog of finding kinds: one entry per `kind` iolens can report, with the sentence that describes
 * the pattern (SARIF rule descriptions, README, the editor's explanations) and where it comes from. This
 * is the only list; detectors and analyses name their kind from it.
 */

export type FindingSource = 'ingest' | 'detector' | 'kernel-log';

export interface FindingKindInfo {
  /** A few words, lower case, for titles (`short read`, `I/O error`): CodeLens titles start with it. */
  readonly title: string;
  readonly source: FindingSource;
  /** One sentence describing the pattern. */
  readonly description: string;
}

export const FINDING_KINDS = {
  'parse-error': { title: 'unreadable input', source: 'ingest', description: 'A line or payload of the input could not be read and was skipped.' },
  'lost-events': { title: 'lost events', source: 'ingest', description: 'The trace lost events (ring buffer overrun or dropped records); analyses across the gap are incomplete.' },
  'timestamp-disorder': { title: 'time goes backwards', source: 'ingest', description: 'Timestamps go backwards within one CPU.' },
  'short-read': { title: 'short read', source: 'detector', description: 'A read returned fewer bytes than requested although the requested range did not reach end of file.' },
  'nowait-retry': {
    title: 'NOWAIT -EAGAIN, data not read',
    source: 'detector',
    description:
      'A read issued without waiting (preadv2/pwritev2 with RWF_NOWAIT, an io_uring READ/WRITE) returned -EAGAIN to the application and the trace shows no later read of the same range by that task: the data was not read in the trace (kernel and application retries that succeed are no finding).',
  },
  'io-error': {
    title: 'I/O error',
    source: 'detector',
    description:
      'A block request completed with an error (or was requeued by the driver), or the kernel log reports failed I/O on a device (block, driver, md/dm or filesystem lines, grouped by device); the file I/O it belongs to is named when known.',
  },
  'ordered-extent-ioerr': {
    title: 'ordered extent IOERR',
    source: 'detector',
    description: 'A btrfs ordered extent finished with IOERR: no file extent item is inserted, so any of its bytes that reached the disk are lost (the range reads back as a hole).',
  },
  'ordered-extent-unfinished': { title: 'ordered extent unfinished', source: 'detector', description: 'A btrfs ordered extent was added and never finished by the end of the trace while tasks waited for it.' },
  'stale-iomap': { title: 'stale iomap', source: 'detector', description: 'An iomap went stale (IOMAP_F_STALE, xfs_iomap_invalid) under a write, which had to remap the range.' },
  'unaligned-discard': {
    title: 'unaligned discard',
    source: 'detector',
    description: 'A discard / write-zeroes / fallocate punch-hole on a block device that is not page-aligned next to buffered writes of the same pages, or a fallocate that returned -EBUSY.',
  },
  'hung-task': { title: 'task blocked', source: 'kernel-log', description: 'A task is blocked in D state (hung-task report, sysrq-w dump or /proc stack); titled by its culprit frame.' },
  'ordered-extent-wait': { title: 'waits for ordered extents', source: 'kernel-log', description: 'A task waits for btrfs ordered extents; the finding explains what it waits for and, with a trace, which extents and bios.' },
  'wait-cycle': { title: 'wait cycle', source: 'kernel-log', description: 'Tasks wait for each other in a cycle (deadlock).' },
  'stalled-io': { title: 'stalled I/O', source: 'kernel-log', description: 'Blocked tasks wait on I/O that did not complete while they waited.' },
} as const satisfies Record<string, FindingKindInfo>;

export type FindingKind = keyof typeof FINDING_KINDS;

/** The description of a kind (the kind itself for one not in the catalog). */
export function describeKind(kind: string): string {
  return (FINDING_KINDS as Record<string, FindingKindInfo>)[kind]?.description ?? kind;
}

/** The short title of a kind (the kind itself for one not in the catalog). */
export function kindTitle(kind: string): string {
  return (FINDING_KINDS as Record<string, FindingKindInfo>)[kind]?.title ?? kind;
}

/** The kinds that come from one source, in catalog order. */
export function kindsFrom(source: FindingSource): FindingKind[] {
  return (Object.keys(FINDING_KINDS) as FindingKind[]).filter((k) => FINDING_KINDS[k].source === source);
}
