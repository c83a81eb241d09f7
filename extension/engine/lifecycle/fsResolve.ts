/**
 * fsResolve: at the end of a file, gives each request at the top of a chain (a syscall, an io_uring request,
 * or a filesystem request without a parent) the file it worked on and the i_size of its time, from what the
 * filesystem events taught: the task's fd -> file bindings and the per-file size history. A read of a file
 * whose own events printed no size (btrfs, or an fd whose events came in another call) can then still be
 * judged against EOF by the short-read detector.
 */
import type { RequestSet } from '../requests/requestSet';
import type { RequestView } from '../requests/requestView';
import type { FsFiles } from './fsFiles';

/** The fd a syscall or io_uring request names, if any. */
export function fdOf(v: RequestView, id: number): number | undefined {
  return v.syscall.get(id, 'fd') ?? v.uring.get(id, 'fd');
}

export function resolveRoots(rs: RequestSet, files: FsFiles): void {
  for (let r = 0; r < rs.count; r++) {
    const layer = rs.layer(r);
    if (rs.parent(r) >= 0 || layer === 'block' || layer === 'ordered-extent') continue;
    const fd = fdOf(rs, r);
    if (rs.ino(r) < 0 && fd !== undefined) {
      const f = files.fileOf(rs.pid(r), fd, rs.firstTs(r));
      if (f) rs.setFileFromFd(r, f.dev, f.ino);
    }
    if (rs.ino(r) < 0 || rs.iSize(r) >= 0) continue;
    const size = files.sizeAt(rs.dev(r), rs.ino(r), rs.firstTs(r));
    if (size >= 0) rs.setISize(r, size, true);
  }
}
