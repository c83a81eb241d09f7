#!/bin/bash
# samples/32-nowait-retry-ok (issue 11 item 6, false-positive corpus): RWF_NOWAIT reads on xfs (1 MiB file).
# What the nowait-retry detector claims (extension/engine/detectors/nowaitRetryDetector.ts, severity info):
# "reads issued without waiting (IOCB_NOWAIT) returned -EAGAIN and were retried; the retry added latency",
# including an application that repeats a preadv2(RWF_NOWAIT) that returned -EAGAIN without the flag.
#   trace.txt (clean: nothing was retried): NOWAIT reads of cached data that return everything at once
#     (preadv2 and io_uring), and NOWAIT reads of uncached data that return -EAGAIN where the application gives
#     up (no retry). Expected: no nowait-retry, no short-read, no io-error.
#   twin-trace.txt (the claim): NOWAIT reads of uncached data that return -EAGAIN and are retried by the
#     application without RWF_NOWAIT, preadv2 and io_uring; every retry returns all 262144 bytes.
#     Expected: nowait-retry (info) for these, and no short-read, no io-error (the -EAGAIN is not an error
#     and the caller got everything).
# tools/nowait_retry.c does one NOWAIT read and (unless -g) one blocking retry of the same range.
# usage: 32-nowait-retry-ok.sh [outdir]   (root; xfsprogs, trace-cmd, liburing)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/32-nowait-retry-ok}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt32; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/xfs32.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del nwr; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $LOOP && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x61 -b 1m 0 1m" -c fsync $MNT/f
echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)), backing file $SCRATCH/xfs32.img (--direct-io=on), xfs at $MNT; file $MNT/f ino $(stat -c %i $MNT/f) ($(printf 0x%x $(stat -c %i $MNT/f))) size $(stat -c %s $MNT/f)" > $OUT/setup.txt
cached() { echo 3 > /proc/sys/vm/drop_caches; xfs_io -c "pread -q 0 1m" $MNT/f; fincore -b $MNT/f | tail -1 | sed 's/^/    fincore: /'; }
cold() { echo 3 > /proc/sys/vm/drop_caches; fincore -b $MNT/f | tail -1 | sed 's/^/    fincore: /'; }

R=$(inst_new nwr 4096 local); MARK_BUFS=$R
C='comm == "nowait_retry"'; CU='comm == "nowait_retry" || comm ~ "iou-*"'
ev_block $R $DEV "$CU"
ev $R iomap "dev == $DEV"
ev $R xfs/xfs_file_buffered_read "dev == $DEV"
ev $R io_uring "$CU"
for s in preadv2 io_uring_enter; do ev $R syscalls/sys_enter_$s "$C"; ev $R syscalls/sys_exit_$s "$C"; done
run() {  # run NAME OUTFILE : trace the steps of function NAME into OUTFILE
  echo > $R/trace; echo 1 > $R/tracing_on
  $1 >> $OUT/workload-output.txt 2>&1
  echo 0 > $R/tracing_on
  cat $R/trace > $OUT/$2
  for c in $R/per_cpu/cpu*; do echo "== $2 $(basename $c)"; cat $c/stats; done >> $OUT/buffer-stats.txt
}
clean_steps() {
  echo "=== trace.txt (clean: no retries)"
  cached
  mark "1 file cached: preadv2 RWF_NOWAIT 256KiB at 0 -> 262144 at once (no -EAGAIN, no retry)"
  $BIN/nowait_retry $MNT/f 0 262144
  mark "2 file cached: io_uring READ RWF_NOWAIT 256KiB at 256KiB user_data 0x3201 -> 262144 at once"
  $BIN/nowait_retry -u $MNT/f 262144 262144
  cold
  mark "3 cold cache: preadv2 RWF_NOWAIT 256KiB at 512KiB -> -EAGAIN, the application gives up (no retry)"
  $BIN/nowait_retry -g $MNT/f 524288 262144
  cold
  mark "4 cold cache: io_uring READ RWF_NOWAIT 256KiB at 768KiB user_data 0x3201 -> -EAGAIN, the application gives up"
  $BIN/nowait_retry -u -g $MNT/f 786432 262144
  mark "5 end"
}
twin_steps() {
  echo "=== twin-trace.txt (NOWAIT -EAGAIN, then a blocking retry of the same range)"
  cold
  mark "1 cold cache: preadv2 RWF_NOWAIT 256KiB at 0 -> -EAGAIN; retry preadv2 without RWF_NOWAIT same fd and range -> 262144"
  $BIN/nowait_retry $MNT/f 0 262144
  cold
  mark "2 cold cache: io_uring READ RWF_NOWAIT 256KiB at 256KiB user_data 0x3201 -> -EAGAIN; retry READ without RWF_NOWAIT user_data 0x3202 -> 262144"
  $BIN/nowait_retry -u $MNT/f 262144 262144
  mark "3 end"
}
: > $OUT/workload-output.txt; : > $OUT/buffer-stats.txt
run clean_steps trace.txt
run twin_steps twin-trace.txt
cat $R/set_event > $OUT/events-enabled.txt
( for f in $R/events/*/*/filter; do v=$(cat $f); [ "$v" != none ] && echo "${f#$R/events/}: $v"; done ) > $OUT/filters.txt
ls -la $OUT; cat $OUT/workload-output.txt
