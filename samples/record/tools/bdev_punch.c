// bdev_punch: sequence of buffered pwrite / fallocate(PUNCH_HOLE|KEEP_SIZE) on a block device.
// usage: bdev_punch <blockdev> <op>...   op = w:OFF:LEN[:BYTE] (buffered pwrite), p:OFF:LEN (punch hole),
//        z:OFF:LEN (FALLOC_FL_ZERO_RANGE), s (fsync), r:OFF:LEN (pread + print first bytes of each 512 B sector)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <linux/falloc.h>
static int fd;
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage\n"); return 2; }
    fd = open(argv[1], O_RDWR);
    if (fd < 0) { perror(argv[1]); return 1; }
    printf("bdev_punch pid %d dev %s\n", getpid(), argv[1]);
    for (int i = 2; i < argc; i++) {
        char op; long off = 0, len = 0; int byte = 0xab;
        int n = sscanf(argv[i], "%c:%li:%li:%i", &op, &off, &len, &byte);
        if (op == 's') { int r = fsync(fd); printf("  fsync -> %d%s%s\n", r, r ? " " : "", r ? strerror(errno) : ""); continue; }
        if (n < 3) { fprintf(stderr, "bad op %s\n", argv[i]); return 2; }
        if (op == 'w') {
            char *b = malloc(len); memset(b, byte, len);
            ssize_t r = pwrite(fd, b, len, off); int e = errno;
            printf("  pwrite off %ld len %ld byte 0x%02x -> %zd%s%s\n", off, len, byte, r, r < 0 ? " " : "", r < 0 ? strerror(e) : "");
            free(b);
        } else if (op == 'p' || op == 'z') {
            int mode = op == 'p' ? (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) : (FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
            int r = fallocate(fd, mode, off, len); int e = errno;
            printf("  fallocate(mode 0x%x %s) off %ld len %ld -> %d%s%s\n", mode, op == 'p' ? "PUNCH_HOLE|KEEP_SIZE" : "ZERO_RANGE|KEEP_SIZE",
                   off, len, r, r ? " errno " : "", r ? strerror(e) : "");
        } else if (op == 'r') {
            unsigned char *b = malloc(len);
            ssize_t r = pread(fd, b, len, off);
            printf("  pread off %ld len %ld -> %zd; first byte of each 512B sector:", off, len, r);
            for (long s = 0; s < r; s += 512) printf(" %02x", b[s]);
            printf("\n"); free(b);
        }
    }
    close(fd); return 0;
}
