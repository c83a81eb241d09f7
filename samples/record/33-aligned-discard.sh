#!/bin/bash
# samples/33-aligned-discard (issue 11 item 6, false-positive corpus): discards, write-zeroes and hole punches
# aligned to 4 KiB pages, next to buffered writes of the neighbouring pages, on a raw loop block device (no fs)
# and on a file of an xfs mounted with -o discard (xfs sends the freed blocks down as discards).
#   trace.txt (clean): fallocate(PUNCH_HOLE|KEEP_SIZE, 4096, 8192) between buffered writes of pages 0 and 3,
#     fallocate(ZERO_RANGE|KEEP_SIZE, 16384, 4096) after a write of page 5, BLKDISCARD (blkdiscard) of
#     [32768, 98304) after a write of page 7, xfs fpunch 4k..12k + 64k..128k of a file (online discard).
#     Expected: no unaligned-discard finding.
#   twin-trace.txt (faulty twin, as sample 11): the same punch but at 1536 (sector- not page-aligned) after a
#     buffered write of page 0, and blkdiscard -o 1536 -l 4096 after a buffered write of pages 0-1.
#     Expected: unaligned-discard for each (the detector's claim: a discard / write-zeroes / punch-hole on a
#     block device that is not page-aligned next to buffered writes of the same pages).
# usage: 33-aligned-discard.sh [outdir]   (root; xfsprogs, util-linux blkdiscard, trace-cmd)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/33-aligned-discard}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt33; mkdir -p $MNT
RAW=$(loop_new $SCRATCH/raw33.img 64M)
XL=$(loop_new $SCRATCH/xfs33.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $RAW $XL; inst_del dsc; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $XL && mount -o discard $XL $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DR=$(kdev $RAW); DX=$(kdev $XL)
xfs_io -f -c "pwrite -q -S 0x58 -b 128k 0 256k" -c fsync $MNT/x
{ echo "raw: loop $RAW kdev $DR ($(stat -Lc '%t:%T' $RAW)), backing file $SCRATCH/raw33.img (buffered loop), no filesystem"
  for f in logical_block_size physical_block_size discard_granularity discard_max_bytes write_zeroes_max_bytes; do
    echo "  queue/$f $(cat /sys/block/${RAW#/dev/}/queue/$f)"; done
  echo "xfs: loop $XL kdev $DX ($(stat -Lc '%t:%T' $XL)), backing file $SCRATCH/xfs33.img (--direct-io=on), mount -o discard at $MNT"
  echo "  file $MNT/x ino $(stat -c %i $MNT/x) size $(stat -c %s $MNT/x)"; } > $OUT/setup.txt
$BIN/bdev_punch $RAW w:0:131072:0xaa s > /dev/null
echo 1 > /proc/sys/vm/drop_caches

D=$(inst_new dsc 4096 local); MARK_BUFS=$D
C='comm == "bdev_punch" || comm == "blkdiscard" || comm == "xfs_io"'
ev $D block "dev == $DR || dev == $DX"
echo "$C" > $D/events/block/block_plug/filter; echo "$C" > $D/events/block/block_unplug/filter
for s in fallocate pwrite64 pread64 fsync ioctl; do ev $D syscalls/sys_enter_$s "$C"; ev $D syscalls/sys_exit_$s "$C"; done
run() {  # run NAME OUTFILE : trace the steps of function NAME into OUTFILE
  echo > $D/trace; echo 1 > $D/tracing_on
  $1 >> $OUT/workload-output.txt 2>&1
  echo 0 > $D/tracing_on
  cat $D/trace > $OUT/$2
  for c in $D/per_cpu/cpu*; do echo "== $2 $(basename $c)"; cat $c/stats; done >> $OUT/buffer-stats.txt
}
clean_steps() {
  echo "=== trace.txt (clean: every range page-aligned)"
  mark "1 raw: pwrite 4096 B of 0xbb at 0 (page 0), fallocate(PUNCH_HOLE|KEEP_SIZE, 4096, 8192) (pages 1-2), pwrite 4096 B of 0xcc at 12288 (page 3), pread 16384, fsync"
  $BIN/bdev_punch $RAW w:0:4096:0xbb p:4096:8192 w:12288:4096:0xcc r:0:16384 s
  mark "2 raw: pwrite 4096 B of 0xdd at 20480 (page 5), fallocate(ZERO_RANGE|KEEP_SIZE, 16384, 4096) (page 4), fsync"
  $BIN/bdev_punch $RAW w:20480:4096:0xdd z:16384:4096 s
  mark "3 raw: pwrite 4096 B at 28672 (page 7) + fsync, then BLKDISCARD: blkdiscard -o 32768 -l 65536 (pages 8-23)"
  $BIN/bdev_punch $RAW w:28672:4096:0xee s
  blkdiscard -v -o 32768 -l 65536 $RAW 2>&1; echo "blkdiscard exit $?"
  mark "4 xfs -o discard: xfs_io fpunch 4k 8k and fpunch 64k 64k of x (256 KiB), fsync (online discard of the freed blocks)"
  xfs_io -c "fpunch 4k 8k" -c "fpunch 64k 64k" -c fsync $MNT/x; sync
  mark "5 end"
}
twin_steps() {
  echo "=== twin-trace.txt (faulty twin: sector- but not page-aligned ranges next to buffered writes)"
  mark "1 raw: pwrite 4096 B of 0xbb at 0 (page 0, stays dirty), fallocate(PUNCH_HOLE|KEEP_SIZE, 1536, 4096) (partial pages 0 and 1), pread 8192, fsync"
  $BIN/bdev_punch $RAW w:0:4096:0xbb p:1536:4096 r:0:8192 s
  mark "2 raw: pwrite 8192 B of 0xcc at 65536 (pages 16-17, dirty), then blkdiscard -o 67072 -l 4096 (partial pages 16 and 17)"
  $BIN/bdev_punch $RAW w:65536:8192:0xcc
  blkdiscard -v -o 67072 -l 4096 $RAW 2>&1; echo "blkdiscard exit $?"
  mark "3 end"
}
: > $OUT/workload-output.txt; : > $OUT/buffer-stats.txt
run clean_steps trace.txt
run twin_steps twin-trace.txt
cat $D/set_event > $OUT/events-enabled.txt
( for f in $D/events/*/*/filter; do v=$(cat $f); [ "$v" != none ] && echo "${f#$D/events/}: $v"; done ) > $OUT/filters.txt
ls -la $OUT; cat $OUT/workload-output.txt
