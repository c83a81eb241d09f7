#!/bin/bash
# samples/20-btrfs-hang (issue 4 seed): btrfs on a loop device whose backing file lives on faultfs (FUSE);
# `fusectl/hang` makes every FUSE read/write block, so block I/O to the loop device never completes.
# Writers (buffered write+fsync, O_DIRECT write, write+punch hole, sync) block in ordered-extent /
# writeback waits. Captured: hung-task reports (dmesg-hung-tasks.txt, hung_task_timeout_secs=4 for the run),
# blocked-tasks.txt (/proc/PID/stack of D tasks), and the trace of the same window (instance "hang").
# Then the hang is released, everything completes, and all is cleaned up.
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/20-btrfs-hang}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
FF=$SCRATCH/ff20; CTL=$FF/ctl; FMNT=$FF/fuse; M=$SCRATCH/mnt20
mkdir -p $CTL $FMNT $M; rm -f $CTL/hang $CTL/errors
OLD_TO=$(cat /proc/sys/kernel/hung_task_timeout_secs); OLD_WARN=$(cat /proc/sys/kernel/hung_task_warnings)
FPID=; LOOP=
cleanup() {
  rm -f $CTL/hang; sleep 1
  umount $M 2>/dev/null; [ -n "$LOOP" ] && losetup -d $LOOP 2>/dev/null
  fusermount3 -u $FMNT 2>/dev/null || umount $FMNT 2>/dev/null
  [ -n "$FPID" ] && kill $FPID 2>/dev/null
  echo $OLD_TO > /proc/sys/kernel/hung_task_timeout_secs; echo $OLD_WARN > /proc/sys/kernel/hung_task_warnings
  inst_del hang; tracing_all_off
}
trap cleanup EXIT
truncate -s 256M $FF/backing.img && mkfs.btrfs -q -f $FF/backing.img
FAULTFS_CTL=$CTL $BIN/faultfs $FF/backing.img $CTL $FMNT 2> $SCRATCH/faultfs20.log &
FPID=$!
for i in $(seq 50); do mountpoint -q $FMNT && break; sleep 0.1; done
LOOP=$(losetup -f --show $FMNT/disk.img) && mount $LOOP $M || { echo "loop/mount failed" >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x11 -b 1m 0 1m" $M/a; sync
echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)) on faultfs $FMNT/disk.img; btrfs at $M" > $OUT/setup.txt

H=$(inst_new hang 4096 local); MARK_BUFS=$H
C='comm == "xfs_io" || comm == "sync"'
ev $H block/block_rq_issue "dev == $DEV"; ev $H block/block_rq_complete "dev == $DEV"; ev $H block/block_rq_insert "dev == $DEV"
for e in btrfs_ordered_extent_add btrfs_ordered_extent_remove btrfs_ordered_extent_start btrfs_ordered_extent_mark_finished \
         btrfs_finish_ordered_extent btrfs_sync_file btrfs_transaction_commit; do ev $H btrfs/$e; done
ev $H sched/sched_process_hang
for s in pwrite64 fsync fallocate sync; do ev $H syscalls/sys_enter_$s "$C"; ev $H syscalls/sys_exit_$s "$C"; done
ev $H sched/sched_switch 'prev_state == 2 && (prev_comm == "xfs_io" || prev_comm == "sync")'
echo 4 > /proc/sys/kernel/hung_task_timeout_secs; echo 10 > /proc/sys/kernel/hung_task_warnings
T0=$(cut -d' ' -f1 /proc/uptime)
echo 1 > $H/tracing_on
snapshot() {
  echo "=== snapshot at uptime $(cut -d' ' -f1 /proc/uptime): D-state tasks (ps + /proc/PID/stack)"
  ps -eLo pid,tid,stat,wchan:32,comm | awk 'NR==1 || $3 ~ /^D/'
  for t in /proc/[0-9]*/task/[0-9]*; do
    st=$(awk '{print $3}' $t/stat 2>/dev/null)
    [ "$st" = D ] && { echo "--- task $(basename $t) ($(cat $t/comm)) state D wchan=$(cat $t/wchan)"; cat $t/stack; }
  done
}
{
mark "1 HANG: touch fusectl/hang (all FUSE I/O of the loop backing file blocks)"
touch $CTL/hang
mark "2 start: buffered write 1MiB + fsync (bw), O_DIRECT write 256KiB (dw), write 512KiB + punch hole (a), sync"
xfs_io -f -c "pwrite -q -S 0x22 -b 256k 0 1m" -c fsync $M/bw & P1=$!
xfs_io -f -d -c "pwrite -q -S 0x33 -b 128k 0 256k" $M/dw & P2=$!
xfs_io -c "pwrite -q -S 0x44 -b 128k 0 512k" -c "fpunch 128k 128k" $M/a & P3=$!
sleep 1; sync & P4=$!
echo "pids: bw=$P1 dw=$P2 punch=$P3 sync=$P4"
sleep 11
mark "3 snapshot of D-state tasks (~12 s after hang)"
snapshot > $OUT/blocked-tasks.txt 2>&1
mark "4 RELEASE: rm fusectl/hang"
rm -f $CTL/hang
wait $P1 $P2 $P3 $P4; echo "all writers done"
mark "5 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $H/tracing_on
echo $OLD_TO > /proc/sys/kernel/hung_task_timeout_secs
dmesg | awk -v t0=$T0 '{ if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) { ts = substr($0, 2, RLENGTH-2) + 0; if (ts >= t0) print } }' > $SCRATCH/dmesg20.txt
save_meta $H $OUT
cat $H/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B hang' hang.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/hang.dat > $OUT/report.txt
grep -E "HANG|RELEASE" $SCRATCH/faultfs20.log | head -20 > $OUT/faultfs-daemon-excerpt.log
# first round of hung-task reports only (the detector repeats them every 4 s)
awk '/INFO: task .* blocked for more than 8 seconds/ {exit} {print}' $SCRATCH/dmesg20.txt > $OUT/dmesg-hung-tasks.txt
ls -la $OUT; wc -l $SCRATCH/dmesg20.txt
