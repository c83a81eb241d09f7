/**
 * createIoTrackers: the syscall, io_uring and filesystem trackers wired together over one RequestSet and
 * LinkIndex (the filesystem tracker asks the other two for the parent of each filesystem event). Pass
 * `consumers` to ingest in this order; the block and ordered-extent trackers are separate.
 */
import type { EventConsumer } from '../ingest/eventConsumer';
import { FsTracker } from './fsTracker';
import type { RequestSet } from '../requests/requestSet';
import { IoUringTracker } from './ioUringTracker';
import type { LinkIndex } from './linkIndex';
import { SyscallTracker } from './syscallTracker';

export interface IoTrackers {
  readonly syscalls: SyscallTracker;
  readonly uring: IoUringTracker;
  readonly fs: FsTracker;
  readonly consumers: readonly EventConsumer[];
}

export function createIoTrackers(requests: RequestSet, links: LinkIndex): IoTrackers {
  const syscalls = new SyscallTracker(requests);
  const uring = new IoUringTracker(requests);
  const fs = new FsTracker(requests, links, { syscalls, uring });
  return { syscalls, uring, fs, consumers: [syscalls, uring, fs] };
}
