// nowait_retry: one read of <len> bytes at <off> with RWF_NOWAIT; if it returns -EAGAIN the program retries the
// same range once without RWF_NOWAIT (a blocking read), unless -g (give up: report the -EAGAIN and stop).
// -u: io_uring IORING_OP_READ (sqe->rw_flags = RWF_NOWAIT, user_data 0x3201 / retry 0x3202) instead of preadv2.
// usage: nowait_retry [-u] [-g] file off len
#define _GNU_SOURCE
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/uio.h>
#include <sys/stat.h>
static struct io_uring ring;
static long uring_read(int fd, char *buf, size_t len, long off, int flags, unsigned long long ud) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring); struct io_uring_cqe *cqe;
    io_uring_prep_read(sqe, fd, buf, len, off); sqe->rw_flags = flags; sqe->user_data = ud;
    io_uring_submit(&ring);
    if (io_uring_wait_cqe(&ring, &cqe) < 0) { perror("wait_cqe"); exit(1); }
    long r = cqe->res; io_uring_cqe_seen(&ring, cqe); return r;
}
static long sys_read(int fd, char *buf, size_t len, long off, int flags) {
    struct iovec iov = { buf, len }; long r = preadv2(fd, &iov, 1, off, flags); return r < 0 ? -errno : r;
}
int main(int argc, char **argv) {
    int uring = 0, giveup = 0, opt;
    while ((opt = getopt(argc, argv, "ug")) != -1) { if (opt == 'u') uring = 1; else if (opt == 'g') giveup = 1; }
    if (argc - optind < 3) { fprintf(stderr, "usage: nowait_retry [-u] [-g] file off len\n"); return 2; }
    const char *path = argv[optind]; long off = strtol(argv[optind + 1], 0, 0); size_t len = strtoul(argv[optind + 2], 0, 0);
    if (uring && io_uring_queue_init(4, &ring, 0) < 0) { perror("queue_init"); return 1; }
    int fd = open(path, O_RDONLY); if (fd < 0) { perror(path); return 1; }
    struct stat st; fstat(fd, &st);
    char *buf; posix_memalign((void **)&buf, 4096, len); memset(buf, 0, len);
    long r = uring ? uring_read(fd, buf, len, off, RWF_NOWAIT, 0x3201) : sys_read(fd, buf, len, off, RWF_NOWAIT);
    printf("nowait_retry pid %d %s %s ino %lu size %ld off %ld len %zu: RWF_NOWAIT%s -> %ld%s\n", getpid(), uring ? "io_uring" : "preadv2",
           path, (unsigned long)st.st_ino, (long)st.st_size, off, len, uring ? " user_data 0x3201" : "", r,
           r == -EAGAIN ? " (EAGAIN)" : r >= 0 && (size_t)r < len ? " (SHORT)" : "");
    if (r == -EAGAIN && !giveup) {
        r = uring ? uring_read(fd, buf, len, off, 0, 0x3202) : sys_read(fd, buf, len, off, 0);
        printf("  retry without RWF_NOWAIT%s -> %ld%s\n", uring ? " user_data 0x3202" : "", r, r >= 0 && (size_t)r < len ? " (SHORT)" : "");
    } else if (r == -EAGAIN) printf("  gave up (no retry)\n");
    close(fd); if (uring) io_uring_queue_exit(&ring);
    return 0;
}
