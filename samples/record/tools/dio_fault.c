// dio_fault: O_DIRECT pread/pwrite of <len> at <off> whose user buffer is one of:
//   anon   - fresh anonymous mmap, never touched (the DIO cannot pin the pages: -EFAULT inside the kernel)
//   touched- anonymous mmap, every page written before the call (no fault)
//   half   - anonymous mmap, only the first half written before the call (the DIO makes progress, then faults)
//   file:PATH - MAP_SHARED mmap of PATH (len bytes at 0), never touched before the call
// mode r = pread, w = pwrite, u = one io_uring IORING_OP_READ (user_data 0x31), all with O_DIRECT.
// usage: dio_fault r|w|u FILE OFF LEN BUF
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <liburing.h>
int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: dio_fault r|w|u FILE OFF LEN anon|touched|half|file:PATH\n"); return 2; }
    int wr = argv[1][0] == 'w'; long off = strtol(argv[3], 0, 0); size_t len = strtoul(argv[4], 0, 0);
    const char *b = argv[5]; char *buf;
    if (!strncmp(b, "file:", 5)) {
        int bfd = open(b + 5, O_RDWR); if (bfd < 0) { perror(b + 5); return 1; }
        buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
    } else {
        buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        madvise(buf, len, MADV_NOHUGEPAGE);
        if (!strcmp(b, "touched")) memset(buf, 0x5a, len);
        if (!strcmp(b, "half")) memset(buf, 0x5a, len / 2);
    }
    if (buf == MAP_FAILED) { perror("mmap"); return 1; }
    int fd = open(argv[2], (wr ? O_WRONLY | O_CREAT : O_RDONLY) | O_DIRECT, 0644);
    if (fd < 0) { perror(argv[2]); return 1; }
    struct stat st; fstat(fd, &st);
    ssize_t r; int e;
    if (argv[1][0] == 'u') {
        struct io_uring ring; struct io_uring_cqe *cqe;
        if (io_uring_queue_init(4, &ring, 0) < 0) { perror("queue_init"); return 1; }
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_read(sqe, fd, buf, len, off); sqe->user_data = 0x31;
        io_uring_submit(&ring);
        if (io_uring_wait_cqe(&ring, &cqe) < 0) { perror("wait_cqe"); return 1; }
        r = cqe->res < 0 ? -1 : cqe->res; e = cqe->res < 0 ? -cqe->res : 0;
        io_uring_cqe_seen(&ring, cqe); io_uring_queue_exit(&ring);
    } else { r = wr ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off); e = errno; }
    printf("dio_fault pid %d %s %s ino %lu size %ld off %ld len %zu buf %s ret %zd%s\n", getpid(), wr ? "pwrite" : argv[1][0] == 'u' ? "io_uring-READ" : "pread", argv[2],
           (unsigned long)st.st_ino, (long)st.st_size, off, len, b, r, r < 0 ? " ERR" : (size_t)r < len ? " SHORT" : "");
    if (r < 0) printf("  errno %d %s\n", e, strerror(e));
    if (!wr && r > 0) { long nz = 0; for (ssize_t i = 0; i < r; i++) nz += buf[i] != 0; printf("  nonzero bytes %ld first 0x%02x\n", nz, (unsigned char)buf[0]); }
    return 0;
}
