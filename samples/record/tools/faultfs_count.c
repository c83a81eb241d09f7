// faultfs_count: a copy of faultfs.c (FUSE fs exposing one file "disk.img" backed by a real file, with fault
// injection) whose error ranges take an optional COUNT: "<r|w|rw> <start_byte> <end_byte> [count]" -> -EIO for
// the first COUNT overlapping requests only (then the range behaves normally again: "fails N times, then
// succeeds", for I/O errors that a retry gets past); without COUNT every overlapping request fails.
// Rewriting "errors" resets the counts. Control dir (env FAULTFS_CTL): file "errors" as above; file "hang"
// exists -> I/O requests block until it is removed (or rewritten so that
// they no longer match). An EMPTY "hang" file blocks every request (reads, writes, fsync). A "hang" file with
// lines "<r|w|rw> <start_byte> <end_byte>" blocks only the reads/writes overlapping one of those ranges
// (fsync is not blocked then); e.g. "r 0 999999999999" holds only reads.
// usage: faultfs <backing_file> <ctl_dir> <mountpoint> [fuse opts]
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <sys/stat.h>
static int bfd; static const char *ctl; static char errpath[4096], hangpath[4096];
struct range { int r, w; off_t s, e; long left; }; static struct range rg[128]; static int nrg;
static struct timespec lastm; static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct range hrg[128]; static int nhrg; static struct timespec hlastm; static int hexists;
static void logmsg(const char *fmt, ...) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "[%ld.%06ld] ", ts.tv_sec, ts.tv_nsec / 1000);
    va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap); fflush(stderr);
}
static void reload(void) {
    struct stat st; pthread_mutex_lock(&mu);
    if (stat(errpath, &st) != 0) { nrg = 0; lastm.tv_sec = 0; pthread_mutex_unlock(&mu); return; }
    if (st.st_mtim.tv_sec != lastm.tv_sec || st.st_mtim.tv_nsec != lastm.tv_nsec) {
        lastm = st.st_mtim; nrg = 0; FILE *f = fopen(errpath, "r"); char line[256], op[8]; long long s, e, n;
        while (f && nrg < 128 && fgets(line, sizeof line, f)) {
            int k = sscanf(line, "%7s %lld %lld %lld", op, &s, &e, &n);
            if (k < 3) continue;
            rg[nrg].r = strchr(op, 'r') != NULL; rg[nrg].w = strchr(op, 'w') != NULL; rg[nrg].s = s; rg[nrg].e = e;
            rg[nrg].left = k == 4 ? n : -1; nrg++;
        }
        if (f) fclose(f);
        logmsg("loaded %d error ranges\n", nrg);
    }
    pthread_mutex_unlock(&mu);
}
// reload the "hang" file if it changed; returns 1 if it exists. hrg/nhrg = its ranges (0 ranges = block all)
static int hang_reload(void) {
    struct stat st; pthread_mutex_lock(&mu);
    if (stat(hangpath, &st) != 0) { if (hexists) logmsg("hang file removed\n"); hexists = 0; nhrg = 0; hlastm.tv_sec = 0; hlastm.tv_nsec = 0; pthread_mutex_unlock(&mu); return 0; }
    if (!hexists || st.st_mtim.tv_sec != hlastm.tv_sec || st.st_mtim.tv_nsec != hlastm.tv_nsec) {
        hlastm = st.st_mtim; hexists = 1; nhrg = 0; FILE *f = fopen(hangpath, "r"); char op[8]; long long s, e;
        while (f && nhrg < 128 && fscanf(f, "%7s %lld %lld", op, &s, &e) == 3) {
            hrg[nhrg].r = strchr(op, 'r') != NULL; hrg[nhrg].w = strchr(op, 'w') != NULL; hrg[nhrg].s = s; hrg[nhrg].e = e; nhrg++;
        }
        if (f) fclose(f);
        if (nhrg) logmsg("hang file: %d ranges\n", nhrg); else logmsg("hang file: empty (all I/O blocks)\n");
    }
    pthread_mutex_unlock(&mu); return 1;
}
// kind: 'r' read, 'w' write, 'f' fsync
static int hang_match(int kind, off_t off, size_t len) {
    if (!hang_reload()) return 0;
    int hit = 0; pthread_mutex_lock(&mu);
    if (nhrg == 0) hit = 1;
    else if (kind != 'f')
        for (int i = 0; i < nhrg; i++) if ((kind == 'w' ? hrg[i].w : hrg[i].r) && off < hrg[i].e && off + (off_t)len > hrg[i].s) hit = 1;
    pthread_mutex_unlock(&mu); return hit;
}
static void maybe_hang(const char *op, off_t off, size_t len) {
    int logged = 0, kind = op[0] == 'r' ? 'r' : op[0] == 'w' ? 'w' : 'f';
    while (hang_match(kind, off, len)) {
        if (!logged) { logmsg("HANG %s off=%lld len=%zu\n", op, (long long)off, len); logged = 1; }
        usleep(20000);
    }
    if (logged) logmsg("RELEASE %s off=%lld len=%zu\n", op, (long long)off, len);
}
static int faulty(int w, off_t off, size_t len) {
    reload(); int hit = 0; pthread_mutex_lock(&mu);
    for (int i = 0; i < nrg && !hit; i++)
        if ((w ? rg[i].w : rg[i].r) && off < rg[i].e && off + (off_t)len > rg[i].s && rg[i].left != 0) {
            hit = 1; if (rg[i].left > 0) rg[i].left--;
        }
    pthread_mutex_unlock(&mu); return hit;
}
static int f_getattr(const char *p, struct stat *st, struct fuse_file_info *fi) {
    memset(st, 0, sizeof(*st));
    if (!strcmp(p, "/")) { st->st_mode = S_IFDIR | 0755; st->st_nlink = 2; return 0; }
    if (!strcmp(p, "/disk.img")) { struct stat b; fstat(bfd, &b); st->st_mode = S_IFREG | 0644; st->st_nlink = 1; st->st_size = b.st_size; return 0; }
    return -ENOENT;
}
static int f_readdir(const char *p, void *buf, fuse_fill_dir_t fill, off_t o, struct fuse_file_info *fi, enum fuse_readdir_flags fl) {
    fill(buf, ".", NULL, 0, 0); fill(buf, "..", NULL, 0, 0); fill(buf, "disk.img", NULL, 0, 0); return 0;
}
static int f_open(const char *p, struct fuse_file_info *fi) {
    if (strcmp(p, "/disk.img")) return -ENOENT; fi->direct_io = 1; return 0;
}
static int f_read(const char *p, char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
    maybe_hang("read", off, len);
    if (faulty(0, off, len)) { logmsg("EIO read off=%lld len=%zu\n", (long long)off, len); return -EIO; }
    ssize_t r = pread(bfd, buf, len, off); return r < 0 ? -errno : (int)r;
}
static int f_write(const char *p, const char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
    maybe_hang("write", off, len);
    if (faulty(1, off, len)) { logmsg("EIO write off=%lld len=%zu\n", (long long)off, len); return -EIO; }
    ssize_t r = pwrite(bfd, buf, len, off); return r < 0 ? -errno : (int)r;
}
static int f_fsync(const char *p, int ds, struct fuse_file_info *fi) { maybe_hang("fsync", 0, 0); return fdatasync(bfd) ? -errno : 0; }
static int f_flush(const char *p, struct fuse_file_info *fi) { return 0; }
static const struct fuse_operations ops = { .getattr = f_getattr, .readdir = f_readdir, .open = f_open,
    .read = f_read, .write = f_write, .fsync = f_fsync, .flush = f_flush };
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage\n"); return 1; }
    bfd = open(argv[1], O_RDWR); if (bfd < 0) { perror("backing"); return 1; }
    ctl = argv[2]; snprintf(errpath, sizeof errpath, "%s/errors", ctl); snprintf(hangpath, sizeof hangpath, "%s/hang", ctl);
    char *fargv[16]; int fargc = 0; fargv[fargc++] = argv[0]; fargv[fargc++] = argv[3];
    fargv[fargc++] = "-f"; 
    for (int i = 4; i < argc && fargc < 15; i++) fargv[fargc++] = argv[i];
    return fuse_main(fargc, fargv, &ops, NULL);
}
