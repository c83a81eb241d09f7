#!/bin/bash
# samples/35-io-error-retried (issue 11 item 6, false-positive corpus): read errors that a retry gets past, on
# xfs over a loop device whose backing file lives on faultfs_count (tools/faultfs_count.c: an error range
# with a COUNT fails only its first COUNT FUSE requests, then reads succeed again).
#   trace.txt (retried, the caller gets everything):
#     step 2: "r A B 1" over file bytes [256 KiB, 512 KiB) of f: the readahead request that covers them fails
#       with -5 once; filemap_read then reads the folio again (a synchronous single-folio read), which
#       succeeds; dd (bs=1M) gets all 1048576 bytes.
#     step 4: the same for an O_DIRECT pread64 of 1 MiB: the direct read fails (-EIO to the caller), the
#       application retries the same pread64 and gets 1048576.
#     Expected (ioErrorDetector's claim: a block request that completed with an error is an error finding):
#     io-error for each failed block request, and NO short-read (the caller got every byte; the -EIO of the
#     O_DIRECT attempt is an error, not a short read).
#   twin-trace.txt (not retried: the error stays): "r A B" without count; dd bs=1M reads 262144 (the bytes
#     before the bad range, not at EOF) and then -EIO: io-error for the failed requests AND a short-read.
# usage: 35-io-error-retried.sh [outdir]   (root; xfsprogs, fuse3, libfuse3-dev, trace-cmd)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/35-io-error-retried}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
FF=$SCRATCH/ff35; CTL=$FF/ctl; FMNT=$FF/fuse; M=$SCRATCH/mnt35
mkdir -p $CTL $FMNT $M; rm -f $CTL/hang $CTL/errors
FPID=; LOOP=
cleanup() {
  rm -f $CTL/hang $CTL/errors; sleep 0.5
  umount $M 2>/dev/null; [ -n "$LOOP" ] && losetup -d $LOOP 2>/dev/null
  fusermount3 -u $FMNT 2>/dev/null || umount $FMNT 2>/dev/null
  [ -n "$FPID" ] && kill $FPID 2>/dev/null
  inst_del rtry; tracing_all_off
}
trap cleanup EXIT
truncate -s 0 $FF/backing.img; truncate -s 512M $FF/backing.img
FAULTFS_CTL=$CTL $BIN/faultfs_count $FF/backing.img $CTL $FMNT 2> $SCRATCH/faultfs35.log &
FPID=$!
for i in $(seq 50); do mountpoint -q $FMNT && break; sleep 0.1; done
LOOP=$(losetup -f --show --direct-io=on $FMNT/disk.img) || { echo "losetup failed" >&2; exit 1; }
mkfs.xfs -q -f $LOOP && mount $LOOP $M || { echo "mkfs/mount failed" >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x61 -b 1m 0 1m" -c fsync $M/f
xfs_io -f -c "pwrite -q -S 0x62 -b 1m 0 1m" -c fsync $M/g
# device byte offset of each file's first (only) extent, from fiemap (512-byte units)
dbyte() { xfs_io -c "fiemap -v" $1 | awk '/^ *0:/ {split($3,a,"[.]"); print a[1]*512}'; }
FB=$(dbyte $M/f); GB=$(dbyte $M/g)
FA=$((FB + 262144)); FZ=$((FB + 524288)); GA=$((GB + 262144)); GZ=$((GB + 524288))
{ echo "backing file $FF/backing.img (512 MiB) exported by faultfs_count as $FMNT/disk.img (FUSE, direct_io)"
  echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)) --direct-io=on; xfs at $M"
  for x in f g; do echo "file $M/$x ino $(stat -c %i $M/$x) ($(printf 0x%x $(stat -c %i $M/$x))) size $(stat -c %s $M/$x)"; xfs_io -c "fiemap -v" $M/$x; done
  echo "f: device bytes of file [256 KiB, 512 KiB) = [$FA, $FZ) = sectors [$((FA / 512)), $((FZ / 512)))"
  echo "g: device bytes of file [256 KiB, 512 KiB) = [$GA, $GZ) = sectors [$((GA / 512)), $((GZ / 512)))"; } > $OUT/setup.txt
[ -n "$FB" ] && [ -n "$GB" ] || { echo "fiemap failed" >&2; exit 1; }

R=$(inst_new rtry 4096 local); MARK_BUFS=$R
C='comm == "dd" || comm == "xfs_io"'
for e in block_rq_insert block_rq_issue block_rq_complete block_rq_error; do ev $R block/$e "dev == $DEV"; done
ev $R iomap "dev == $DEV"
for e in xfs_file_buffered_read xfs_file_direct_read; do ev $R xfs/$e "dev == $DEV"; done
for s in read pread64; do ev $R syscalls/sys_enter_$s "$C"; ev $R syscalls/sys_exit_$s "$C"; done
run() {  # run NAME OUTFILE : trace the steps of function NAME into OUTFILE
  echo > $R/trace; echo 1 > $R/tracing_on
  $1 >> $OUT/workload-output.txt 2>&1
  echo 0 > $R/tracing_on
  cat $R/trace > $OUT/$2
  for c in $R/per_cpu/cpu*; do echo "== $2 $(basename $c)"; cat $c/stats; done >> $OUT/buffer-stats.txt
}
retried_steps() {
  echo "=== trace.txt (errors that fail once: the retry succeeds)"
  echo 3 > /proc/sys/vm/drop_caches
  mark "1 ARM: fusectl/errors = 'r $FA $FZ 1' (file f bytes [256KiB,512KiB): the first overlapping read fails, later ones succeed)"
  echo "r $FA $FZ 1" > $CTL/errors
  mark "2 dd bs=1M buffered read of f: readahead fails once, the page cache reads the folio again, dd gets 1048576"
  dd if=$M/f of=/dev/null bs=1M 2>&1; echo "dd exit $?"
  echo 3 > /proc/sys/vm/drop_caches
  mark "3 ARM again: 'r $FA $FZ 1'"
  echo "r $FA $FZ 1" > $CTL/errors.tmp && mv $CTL/errors.tmp $CTL/errors
  mark "4 xfs_io O_DIRECT pread64 1MiB at 0 of f: -EIO; the application retries the same pread64: 1048576"
  xfs_io -d -c "pread -b 1m 0 1m" $M/f 2>&1; echo "xfs_io exit $?"
  xfs_io -d -c "pread -b 1m 0 1m" $M/f 2>&1; echo "xfs_io (retry) exit $?"
  rm -f $CTL/errors
  mark "5 end"
}
twin_steps() {
  echo "=== twin-trace.txt (faulty twin: the error stays)"
  echo 3 > /proc/sys/vm/drop_caches
  mark "6 ARM: fusectl/errors = 'r $GA $GZ' (file g bytes [256KiB,512KiB), every read fails)"
  echo "r $GA $GZ" > $CTL/errors
  mark "7 dd bs=1M buffered read of g: 262144 (short, not at EOF), then -EIO"
  dd if=$M/g of=/dev/null bs=1M 2>&1; echo "dd exit $?"
  rm -f $CTL/errors
  mark "8 end"
}
: > $OUT/workload-output.txt; : > $OUT/buffer-stats.txt
run retried_steps trace.txt
run twin_steps twin-trace.txt
cat $R/set_event > $OUT/events-enabled.txt
( for f in $R/events/*/*/filter; do v=$(cat $f); [ "$v" != none ] && echo "${f#$R/events/}: $v"; done ) > $OUT/filters.txt
grep -E "EIO|error ranges" $SCRATCH/faultfs35.log | head -40 > $OUT/faultfs-daemon-excerpt.log
ls -la $OUT; cat $OUT/workload-output.txt $OUT/faultfs-daemon-excerpt.log
