#!/bin/bash
# samples/37-dat-instances: a small real trace.dat holding TWO buffers (top buffer + instance "aux"), to test
# the native trace.dat reader on the per-instance buffer options/sections that trace-cmd writes for `extract -t -B`.
# xfs on a loop device (512 MiB, --direct-io=on), a 2 MiB file written beforehand, caches dropped. Then:
#   top buffer (local clock): block:* of the loop device (plug/unplug by comm), xfs_file_{buffered,direct}_read,
#     sys_{enter,exit}_pread64 (comm xfs_io/dd), STEP markers;
#   instance "aux" (own buffer, local clock): iomap:* of the loop device + the same STEP markers.
# Workload (taskset alternating CPU 0 / CPU 1 so both per-CPU buffers hold data): xfs_io O_DIRECT pread 256 KiB bs=16k,
# dd buffered read 512 KiB bs=64k, xfs_io buffered pread 256 KiB bs=4k, xfs_io O_DIRECT pread 256 KiB bs=4k.
# Saved: trace-top.txt / trace-aux.txt (kernel text of each buffer, also the input of kallsyms_subset.py),
#   trace.dat (`trace-cmd extract -t -B aux`, v7 zstd, kallsyms subset), report.txt (`trace-cmd report`, the ground
#   truth: top lines padded with 5 blanks, instance lines prefixed "aux: "), trace-dat-summary.txt (`dump --summary`),
#   trace-dat-options.txt (`dump --options`), trace-v6.dat.gz (same file converted to version 6, uncompressed;
#   its report is compared with report.txt, result in convert.log).
# usage: 37-dat-instances.sh [outdir]   (root; needs xfsprogs, trace-cmd)
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/37-dat-instances}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt37; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/xfs37.img 512M --direct-io=on)
cleanup() { cd /; umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del aux; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -q -f $LOOP && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP); echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP))" | tee $OUT/setup.txt
xfs_io -f -c "pwrite -q -S 0x37 -b 1m 0 2m" -c fsync $MNT/f
ls -li $MNT >> $OUT/setup.txt
sync; echo 3 > /proc/sys/vm/drop_caches

buf_reset $TR 4096 local
AUX=$(inst_new aux 1024 local)
MARK_BUFS="$TR $AUX"
C='comm == "xfs_io" || comm == "dd"'
ev_block $TR $DEV "$C"
for e in xfs_file_buffered_read xfs_file_direct_read; do ev $TR xfs/$e "dev == $DEV"; done
ev $TR syscalls/sys_enter_pread64 "$C"; ev $TR syscalls/sys_exit_pread64 "$C"
ev $AUX iomap "dev == $DEV"

cd $MNT
echo 1 > $AUX/tracing_on; echo 1 > $TR/tracing_on
{
mark "1 xfs_io O_DIRECT pread 256KiB bs=16k of f at 0 (CPU 0)"
taskset -c 0 xfs_io -d -c "pread -b 16k 0 256k" $MNT/f
mark "2 dd buffered read 512KiB bs=64k of f at 512KiB, cold (CPU 1)"
taskset -c 1 dd if=$MNT/f of=/dev/null bs=64k count=8 skip=8 2>&1
mark "3 xfs_io buffered pread 256KiB bs=4k of f at 1MiB, cold (CPU 0)"
taskset -c 0 xfs_io -c "pread -b 4k 1m 256k" $MNT/f
mark "4 xfs_io O_DIRECT pread 256KiB bs=4k of f at 1536KiB (CPU 1)"
taskset -c 1 xfs_io -d -c "pread -b 4k 1536k 256k" $MNT/f
mark "5 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $TR/tracing_on; echo 0 > $AUX/tracing_on
cd /

save_meta $TR $OUT
save_meta $AUX $SCRATCH/meta37aux
cp $SCRATCH/meta37aux/buffer-stats.txt $OUT/buffer-stats-aux.txt
cp $SCRATCH/meta37aux/events-enabled.txt $OUT/events-enabled-aux.txt
cat $SCRATCH/meta37aux/filters.txt | sed 's/^/aux: /' >> $OUT/filters.txt
cat $TR/trace > $OUT/trace-top.txt
cat $AUX/trace > $OUT/trace-aux.txt
( cd $SCRATCH && extract_small '-t -B aux' trace.dat $OUT/trace-top.txt $OUT/trace-aux.txt ) > $OUT/extract.log 2>&1
cp $SCRATCH/trace.dat $OUT/
trace-cmd report -i $OUT/trace.dat > $OUT/report.txt
trace-cmd dump --summary -i $OUT/trace.dat > $OUT/trace-dat-summary.txt 2>&1
trace-cmd dump --options -i $OUT/trace.dat > $OUT/trace-dat-options.txt 2>&1

# the same file as version 6, uncompressed; its report must be byte-identical to report.txt
rm -f $SCRATCH/trace-v6.dat $OUT/trace-v6.dat.gz
{
trace-cmd convert --file-version 6 --compression none -i $OUT/trace.dat -o $SCRATCH/trace-v6.dat 2>&1
trace-cmd report -i $SCRATCH/trace-v6.dat > $SCRATCH/report-v6.txt
if cmp $SCRATCH/report-v6.txt $OUT/report.txt; then echo "v6 report == report.txt"; else echo "v6 report DIFFERS from report.txt"; fi
echo "v6 'aux: ' lines: $(grep -c '^aux: ' $SCRATCH/report-v6.txt), report.txt 'aux: ' lines: $(grep -c '^aux: ' $OUT/report.txt)"
} > $OUT/convert.log 2>&1
gzip -9 -n -c $SCRATCH/trace-v6.dat > $OUT/trace-v6.dat.gz
cat $OUT/convert.log
ls -la $OUT
