#!/bin/bash
# samples/10-nowait-partial-read (issue 3 seed a): RWF_NOWAIT buffered reads of a 1 MiB xfs file of which
# only the first 64 KiB is in the page cache.
#   preadv2(fd, 256 KiB, off 0, RWF_NOWAIT) -> 65536 (short: stops at the first uncached folio)
#   io_uring IORING_OP_READ 256 KiB off 0, sqe->rw_flags = RWF_NOWAIT -> CQE res (see README/expected)
#   controls: same reads without RWF_NOWAIT (full 262144), NOWAIT read of an uncached range (-EAGAIN)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/10-nowait-partial-read}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt10; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/xfs10.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del nw; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $LOOP && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x61 -b 1m 0 1m" -c fsync $MNT/f
echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)); file $MNT/f ino $(stat -c %i $MNT/f) size $(stat -c %s $MNT/f)" > $OUT/setup.txt
# cache only [0, 64 KiB): drop caches, then read 64 KiB with FADV_RANDOM (no readahead)
cache64k() { echo 3 > /proc/sys/vm/drop_caches; xfs_io -c "fadvise -r" -c "pread -q 0 64k" $MNT/f; fincore -b $MNT/f | tail -1 | sed 's/^/    fincore: /'; }

N=$(inst_new nw 4096 local); MARK_BUFS=$N
C='comm == "pread_nowait" || comm == "uring_nowait" || comm == "xfs_io"'
ev_block $N $DEV "$C"
ev $N iomap "dev == $DEV"
for e in xfs_file_buffered_read xfs_file_direct_read; do ev $N xfs/$e "dev == $DEV"; done
ev $N io_uring 'comm == "uring_nowait" || comm ~ "iou-*"'
for s in preadv2 pread64 io_uring_enter; do ev $N syscalls/sys_enter_$s "$C"; ev $N syscalls/sys_exit_$s "$C"; done
echo 1 > $N/tracing_on
{
cache64k
mark "1 preadv2 RWF_NOWAIT 256KiB at 0 (only [0,64KiB) cached)"
$BIN/pread_nowait -n -b 262144 -o 0 -l 262144 $MNT/f
fincore -b $MNT/f | tail -1
cache64k
mark "2 io_uring READ RWF_NOWAIT 256KiB at 0 user_data 0x1002 (only [0,64KiB) cached)"
$BIN/uring_nowait -n -u 0x1002 $MNT/f 0 262144
fincore -b $MNT/f | tail -1
cache64k
mark "3 preadv2 RWF_NOWAIT 256KiB at 512KiB (nothing cached there)"
$BIN/pread_nowait -n -b 262144 -o 524288 -l 262144 $MNT/f
cache64k
mark "4 io_uring READ RWF_NOWAIT 256KiB at 512KiB user_data 0x1004 (nothing cached)"
$BIN/uring_nowait -n -u 0x1004 $MNT/f 524288 262144
cache64k
mark "5 control: preadv2 without RWF_NOWAIT 256KiB at 0"
$BIN/pread_nowait -b 262144 -o 0 -l 262144 $MNT/f
cache64k
mark "6 control: io_uring READ without RWF_NOWAIT 256KiB at 0 user_data 0x1006"
$BIN/uring_nowait -u 0x1006 $MNT/f 0 262144
mark "7 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $N/tracing_on
save_meta $N $OUT
cat $N/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B nw' nw.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/nw.dat > $OUT/report.txt
ls -la $OUT; cat $OUT/workload-output.txt
