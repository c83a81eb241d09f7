#!/bin/bash
# samples/11-unaligned-discard (issue 3 seed b): sector-aligned but not page-aligned hole punch on a raw loop
# block device (no fs): fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, 1536, 4096) racing a buffered
# write to the same page (write then punch, punch then write), plus BLKDISCARD (blkdiscard) of the same range.
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/11-unaligned-discard}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
LOOP=$(loop_new $SCRATCH/raw11.img 64M)
cleanup() { cleanup_loop $LOOP; inst_del dc; tracing_all_off; }
trap cleanup EXIT
DEV=$(kdev $LOOP)
{ echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)), backing file $SCRATCH/raw11.img (buffered loop)"
  for f in logical_block_size physical_block_size discard_granularity discard_max_bytes write_zeroes_max_bytes; do
    echo "queue/$f $(cat /sys/block/${LOOP#/dev/}/queue/$f)"; done; } > $OUT/setup.txt
$BIN/bdev_punch $LOOP w:0:16384:0xaa s > /dev/null   # initial content 0xaa
echo 1 > /proc/sys/vm/drop_caches
D=$(inst_new dc 4096 local); MARK_BUFS=$D
C='comm == "bdev_punch" || comm == "blkdiscard"'
ev_block $D $DEV "$C"
for s in fallocate pwrite64 pread64 fsync ioctl; do ev $D syscalls/sys_enter_$s "$C"; ev $D syscalls/sys_exit_$s "$C"; done
echo 1 > $D/tracing_on
{
mark "1 write then punch: pwrite 4096 B of 0xbb at 0 (buffered, page 0 dirty), fallocate(PUNCH_HOLE|KEEP_SIZE, 1536, 4096), pread 8192, fsync"
$BIN/bdev_punch $LOOP w:0:4096:0xbb p:1536:4096 r:0:8192 s
mark "2 punch then write: fallocate(PUNCH_HOLE|KEEP_SIZE, 1536, 4096), pwrite 4096 B of 0xcc at 0, pread 8192, fsync"
$BIN/bdev_punch $LOOP p:1536:4096 w:0:4096:0xcc r:0:8192 s
mark "3 restore 0xaa in [0,16KiB) + fsync"
$BIN/bdev_punch $LOOP w:0:16384:0xaa s
mark "4 BLKDISCARD ioctl: blkdiscard -o 1536 -l 4096"
blkdiscard -v -o 1536 -l 4096 $LOOP 2>&1; echo "blkdiscard exit $?"
$BIN/bdev_punch $LOOP r:0:8192
mark "5 fallocate(ZERO_RANGE|KEEP_SIZE, 1536, 4096) for comparison"
$BIN/bdev_punch $LOOP z:1536:4096 r:0:8192 s
mark "6 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $D/tracing_on
save_meta $D $OUT
cat $D/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B dc' dc.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/dc.dat > $OUT/report.txt
ls -la $OUT; cat $OUT/setup.txt $OUT/workload-output.txt
