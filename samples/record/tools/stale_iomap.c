// stale_iomap: race large buffered pwrites against writeback / hole punching on one file, so that XFS
// invalidates the write's iomap (xfs_iomap_invalid, IOMAP_F_STALE) or writeback's cached map
// (xfs_wb_data_iomap_invalid). Threads are named siom-write / siom-sync / siom-punch (comm filter "siom*").
// usage: stale_iomap FILE NWRITES CHUNK [s[=US]] [p]   (s: sync_file_range(fd, 0, 0, WRITE) thread, sleeping US
// microseconds between calls (default 0); p: thread punching a 64 KiB hole in the middle of the file every 200 us)
// Writes go to [i*CHUNK, (i+1)*CHUNK) for i = 0..NWRITES-1 (fresh delalloc each time, the file grows).
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;
static volatile int done;
static long nwrites, chunk, sync_us;

static void *syncer(void *a) {
  (void)a;
  pthread_setname_np(pthread_self(), "siom-sync");
  long n = 0;
  while (!done) { sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); n++; if (sync_us) usleep(sync_us); }
  fprintf(stderr, "sync_file_range calls: %ld\n", n);
  return NULL;
}
static void *puncher(void *a) {
  (void)a;
  pthread_setname_np(pthread_self(), "siom-punch");
  long n = 0;
  while (!done) {
    off_t sz = lseek(fd, 0, SEEK_END);
    if (sz > 65536) { fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (sz / 2) & ~4095L, 65536); n++; }
    usleep(200);
  }
  fprintf(stderr, "punches: %ld\n", n);
  return NULL;
}
int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s FILE NWRITES CHUNK [s] [p]\n", argv[0]); return 2; }
  nwrites = atol(argv[2]); chunk = atol(argv[3]);
  int s = 0, p = 0;
  for (int i = 4; i < argc; i++) { if (argv[i][0] == 's') { s = 1; if (argv[i][1] == '=') sync_us = atol(argv[i] + 2); } if (!strcmp(argv[i], "p")) p = 1; }
  fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  char *buf = malloc(chunk); memset(buf, 0x5a, chunk);
  pthread_t ts, tp;
  if (s) pthread_create(&ts, NULL, syncer, NULL);
  if (p) pthread_create(&tp, NULL, puncher, NULL);
  pthread_setname_np(pthread_self(), "siom-write");
  for (long i = 0; i < nwrites; i++) {
    ssize_t r = pwrite(fd, buf, chunk, i * chunk);
    if (r != chunk) fprintf(stderr, "pwrite %ld -> %zd\n", i, r);
  }
  done = 1;
  if (s) pthread_join(ts, NULL);
  if (p) pthread_join(tp, NULL);
  close(fd);
  printf("wrote %ld x %ld\n", nwrites, chunk);
  return 0;
}
