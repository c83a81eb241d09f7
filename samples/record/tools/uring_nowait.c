// uring_nowait: one buffered io_uring IORING_OP_READ of <len> bytes at <off>, optionally with
// RWF_NOWAIT in sqe->rw_flags (-n). Prints the CQE. user_data is fixed (0x1001 / 0x1002 ...).
// usage: uring_nowait [-n] [-u user_data] file off len
#define _GNU_SOURCE
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
    int nowait = 0, opt; unsigned long long ud = 0x1001;
    while ((opt = getopt(argc, argv, "nu:")) != -1) {
        if (opt == 'n') nowait = 1; else if (opt == 'u') ud = strtoull(optarg, 0, 0);
    }
    if (argc - optind < 3) { fprintf(stderr, "usage: uring_nowait [-n] [-u ud] file off len\n"); return 2; }
    const char *path = argv[optind]; long off = strtol(argv[optind + 1], 0, 0); size_t len = strtoul(argv[optind + 2], 0, 0);
    struct io_uring ring;
    if (io_uring_queue_init(8, &ring, 0) < 0) { perror("queue_init"); return 1; }
    int fd = open(path, O_RDONLY);
    if (fd < 0) { perror(path); return 1; }
    struct stat st; fstat(fd, &st);
    char *buf; posix_memalign((void**)&buf, 4096, len);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_read(sqe, fd, buf, len, off);
    if (nowait) sqe->rw_flags = RWF_NOWAIT;
    sqe->user_data = ud;
    io_uring_submit(&ring);
    struct io_uring_cqe *cqe;
    if (io_uring_wait_cqe(&ring, &cqe) < 0) { perror("wait_cqe"); return 1; }
    printf("uring_nowait pid %d file %s ino %lu size %ld off %ld len %zu nowait %d user_data 0x%llx res %d%s\n",
           getpid(), path, (unsigned long)st.st_ino, (long)st.st_size, off, len, nowait, cqe->user_data, cqe->res,
           (cqe->res >= 0 && (size_t)cqe->res < len) ? " SHORT" : (cqe->res < 0 ? " ERROR" : ""));
    if (cqe->res < 0) printf("  errno %d %s\n", -cqe->res, strerror(-cqe->res));
    io_uring_cqe_seen(&ring, cqe);
    close(fd); io_uring_queue_exit(&ring);
    return 0;
}
