#!/bin/bash
# samples/30-eof-reads (issue 11 item 6, false-positive corpus): reads that end at EOF and return fewer bytes
# than they asked for, on xfs, through every read path: preadv2, pread64, read (dd), io_uring buffered and
# O_DIRECT, O_DIRECT preadv2/pread64. The file is 100000 bytes (not a multiple of 4096); each reader asks
# for 64 KiB chunks, so the chunk at 65536 returns 34464 and the chunk at 131072 returns 0. None of these
# is a short read (the caller got every byte up to EOF). The positive short reads of the corpus are
# samples/10-nowait-partial-read (RWF_NOWAIT: 65536 of 262144, i_size 1 MiB) and samples/36-klog-io-errors
# (dd: an I/O error part-way).
# usage: 30-eof-reads.sh [outdir]   (root; xfsprogs, trace-cmd, liburing)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/30-eof-reads}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt30; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/xfs30.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del eof; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $LOOP && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x65 -b 100000 0 100000" -c fsync $MNT/e
xfs_io -f -c "pwrite -q -S 0x66 -b 65536 0 65536" -c fsync $MNT/p    # exactly 16 pages: a read at 65536 starts at EOF
{ echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)), backing file $SCRATCH/xfs30.img (--direct-io=on), xfs at $MNT"
  for f in e p; do echo "file $MNT/$f ino $(stat -c %i $MNT/$f) ($(printf 0x%x $(stat -c %i $MNT/$f))) size $(stat -c %s $MNT/$f)"; done; } > $OUT/setup.txt
cold() { echo 3 > /proc/sys/vm/drop_caches; }

E=$(inst_new eof 4096 local); MARK_BUFS=$E
C='comm == "pread_nowait" || comm == "uring_read" || comm == "xfs_io" || comm == "dd"'
ev_block $E $DEV "$C"
ev $E iomap "dev == $DEV"
for e in xfs_file_buffered_read xfs_file_direct_read; do ev $E xfs/$e "dev == $DEV"; done
ev $E io_uring 'comm == "uring_read" || comm ~ "iou-*"'
for s in read pread64 preadv2 io_uring_enter; do ev $E syscalls/sys_enter_$s "$C"; ev $E syscalls/sys_exit_$s "$C"; done
echo 1 > $E/tracing_on
{
cold
mark "1 preadv2 buffered 64KiB chunks of e (100000 B) from 0: 65536, 34464 (EOF inside), 0 (at EOF)"
$BIN/pread_nowait -b 65536 $MNT/e
mark "2 xfs_io pread64 buffered 64KiB at 65536 (returns 34464) and at 131072 (returns 0)"
xfs_io -c "pread -b 65536 65536 65536" -c "pread -b 65536 131072 65536" $MNT/e
cold
mark "3 dd read() bs=64k of e: 65536, 34464, 0"
dd if=$MNT/e of=/dev/null bs=64k 2>&1
cold
mark "4 io_uring buffered READ 64KiB chunks qd1 of e + 1 past EOF: user_data 0x0 65536, 0x1 34464, 0x2 0"
$BIN/uring_read -q 1 -b 65536 -x 1 $MNT/e
mark "5 preadv2 O_DIRECT 64KiB chunks of e: 65536, 34464, 0"
$BIN/pread_nowait -d -b 65536 $MNT/e
mark "6 io_uring O_DIRECT READ 64KiB chunks qd1 of e + 1 past EOF"
$BIN/uring_read -d -q 1 -b 65536 -x 1 $MNT/e
mark "7 xfs_io O_DIRECT pread64 128KiB at 0 of e (returns 100000)"
xfs_io -d -c "pread -b 131072 0 131072" $MNT/e
cold
mark "8 page-aligned EOF: preadv2 buffered 64KiB chunks of p (65536 B): 65536, then 0 at EOF; O_DIRECT the same"
$BIN/pread_nowait -b 65536 $MNT/p
$BIN/pread_nowait -d -b 65536 $MNT/p
mark "9 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $E/tracing_on
save_meta $E $OUT
cat $E/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B eof' eof.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/eof.dat > $OUT/report.txt
ls -la $OUT; cat $OUT/workload-output.txt
