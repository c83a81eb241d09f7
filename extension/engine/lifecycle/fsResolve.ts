/**
 * fsResolve: at the end of a file, gives each request at the top of a chain (a syscall, an io_uring request,
 * or a filesystem request without a parent) the file it worked on and the i_size of its time, from what the
 * filesystem events taught: the task's fd -> file bindings and the per-file size history. A read of a file
 * whose own events printed no size (btrfs, or an fd whose events came in another call) can then still be
 * judged against EOF by the short-read detector.
 */
import type { FsFiles } from './fsFiles';
import type { RequestSet } from './ioRequest';

export function resolveRoots(requests: RequestSet, files: FsFiles): void {
  for (const r of requests.requests) {
    if (r.parent >= 0 || r.layer === 'block' || r.layer === 'ordered-extent') continue;
    const fd = r.details['fd'];
    if (r.ino < 0 && typeof fd === 'number') {
      const f = files.fileOf(r.pid, fd, r.stages[0]?.ts ?? 0);
      if (f) {
        r.dev = f.dev;
        r.ino = f.ino;
        r.details['fileFrom'] = 'fd';
      }
    }
    if (r.ino < 0 || r.details['i_size'] !== undefined) continue;
    const size = files.sizeAt(r.dev, r.ino, r.stages[0]?.ts ?? 0);
    if (size >= 0) {
      r.details['i_size'] = size;
      r.details['i_sizeFrom'] = 'other events of the file';
    }
  }
}
