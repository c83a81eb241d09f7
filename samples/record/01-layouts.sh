#!/bin/bash
# samples/01-layouts-xfs: one short recording (xfs on a loop device; xfs_io pwrite+fsync, fio io_uring
# buffered + O_DIRECT randread, dd read, xfs_io pread) saved in many layouts:
#   trace.txt (default), trace-tgid.txt (options/record-tgid=1), trace-noirqinfo.txt (options/irq-info=0),
#   trace.dat (v7, top buffer) + trace-cmd report variants (default, -l, -t, -R, --ts-diff, --verbose=info),
#   aux.dat (kept in $SCRATCH only; instance "aux": block rq issue/complete + markers) -> report-inst.txt (lines prefixed "aux: "),
# usage: 01-layouts.sh [outdir]   (root; needs xfsprogs, fio, trace-cmd)
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/01-layouts-xfs}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt01; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/xfs01.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del aux; echo 0 > $TR/options/record-tgid; echo 1 > $TR/options/irq-info; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $LOOP && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP); echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP))" | tee $OUT/setup.txt
xfs_io -f -c "pwrite -q -S 0x5a -b 1m 0 4m" -c fsync $MNT/big
ls -li $MNT >> $OUT/setup.txt
sync; echo 3 > /proc/sys/vm/drop_caches

# top buffer: everything; instance "aux": block rq issue/complete + markers only
buf_reset $TR 4096 local
echo 1 > $TR/options/record-tgid
AUX=$(inst_new aux 1024 local)
MARK_BUFS="$TR $AUX"
C='comm == "fio" || comm == "dd" || comm == "xfs_io"'
ev_block $TR $DEV "$C"
ev $TR iomap "dev == $DEV"
for e in xfs_file_buffered_read xfs_file_buffered_write xfs_file_direct_read xfs_file_direct_write; do ev $TR xfs/$e "dev == $DEV"; done
ev $TR io_uring 'comm == "fio" || comm ~ "iou-*"'
for s in read pread64 pwrite64 fsync; do ev $TR syscalls/sys_enter_$s "$C"; ev $TR syscalls/sys_exit_$s "$C"; done
ev $TR sched/sched_switch 'prev_comm == "fio" || prev_comm == "dd" || prev_comm == "xfs_io"'
ev $TR sched/sched_wakeup "$C"
ev $AUX block/block_rq_issue "dev == $DEV"
ev $AUX block/block_rq_complete "dev == $DEV"

cd $MNT
echo 1 > $AUX/tracing_on; echo 1 > $TR/tracing_on
{
mark "1 xfs_io buffered pwrite 2x256KiB bs=64k to w.dat, fsync after each"
xfs_io -f -c "pwrite -q -b 64k 0 256k" -c fsync -c "pwrite -q -b 64k 256k 256k" -c fsync $MNT/w.dat
mark "2 fio io_uring buffered randread 4k qd4 x32 of big (cold cache)"
fio --name=ur --filename=$MNT/big --readonly --rw=randread --bs=4k --iodepth=4 --ioengine=io_uring --number_ios=32 --randseed=7 --output=/dev/null
mark "3 fio io_uring O_DIRECT randread 16k qd4 x16 of big"
fio --name=ud --filename=$MNT/big --readonly --direct=1 --rw=randread --bs=16k --iodepth=4 --ioengine=io_uring --number_ios=16 --randseed=9 --output=/dev/null
mark "4 dd read 512KiB bs=64k from big offset 2MiB"
dd if=$MNT/big of=/dev/null bs=64k count=8 skip=32 2>&1
mark "5 xfs_io pread 256KiB bs=64k of big at 3MiB"
xfs_io -c "pread -b 64k 3m 256k" $MNT/big
mark "6 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $TR/tracing_on; echo 0 > $AUX/tracing_on
cd /

save_meta $TR $OUT
cat $TR/trace > $OUT/trace-tgid.txt
echo 0 > $TR/options/record-tgid
cat $TR/trace > $OUT/trace.txt
echo 0 > $TR/options/irq-info
cat $TR/trace > $OUT/trace-noirqinfo.txt
echo 1 > $TR/options/irq-info
cat $AUX/trace > $OUT/aux-trace.txt
( cd $SCRATCH && extract_small '' trace.dat $OUT/trace.txt $OUT/aux-trace.txt &&
  extract_small '-B aux' aux.dat $OUT/trace.txt $OUT/aux-trace.txt ) > $OUT/extract.log 2>&1
cp $SCRATCH/trace.dat $OUT/
R="trace-cmd report -i $OUT/trace.dat"
$R > $OUT/report.txt
$R -l > $OUT/report-l.txt
$R -t > $OUT/report-t.txt
$R -R > $OUT/report-R.txt
$R --ts-diff > $OUT/report-tsdiff.txt
$R --verbose=info > $OUT/report-verbose.txt 2> $SCRATCH/report-verbose.stderr
trace-cmd report -i $SCRATCH/aux.dat > $OUT/report-inst.txt
trace-cmd dump --summary -i $OUT/trace.dat > $OUT/trace-dat-summary.txt 2>&1
ls -la $OUT
