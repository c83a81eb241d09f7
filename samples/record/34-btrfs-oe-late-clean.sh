#!/bin/bash
# samples/34-btrfs-oe-late-clean (issue 11 item 6, false-positive corpus): btrfs ordered extents that finish
# late but clean, and their faulty twin. btrfs on a loop device whose backing file lives on faultfs
# (tools/faultfs_count.c, a copy of faultfs.c).
#   trace.txt (clean): `fusectl/hang` = "w 0 999999999999" holds every write of the device for ~4 s while a
#     buffered write 1 MiB + fsync and an O_DIRECT write of a NOCOW file wait; then the hold is released, every
#     write completes with 0, every ordered extent finishes without IOERR and is removed, fsync returns 0.
#     Expected: no ordered-extent-ioerr, no ordered-extent-unfinished, no io-error.
#   twin-trace.txt (faulty twin, as corpus 04): `fusectl/errors` = "w START END" over the first data chunk
#     (device bytes from `btrfs inspect-internal dump-tree -t chunk`): a buffered write 256 KiB + fsync ->
#     block write [-5], ordered extent IOERR, fsync -EIO. Expected: ordered-extent-ioerr for that extent and
#     io-error for each failed block write.
# usage: 34-btrfs-oe-late-clean.sh [outdir]   (root; btrfs-progs, fuse3, libfuse3-dev, trace-cmd)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/34-btrfs-oe-late-clean}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
FF=$SCRATCH/ff34; CTL=$FF/ctl; FMNT=$FF/fuse; M=$SCRATCH/mnt34
mkdir -p $CTL $FMNT $M; rm -f $CTL/hang $CTL/errors
FPID=; LOOP=
cleanup() {
  rm -f $CTL/hang $CTL/errors; sleep 0.5
  umount $M 2>/dev/null; [ -n "$LOOP" ] && losetup -d $LOOP 2>/dev/null
  fusermount3 -u $FMNT 2>/dev/null || umount $FMNT 2>/dev/null
  [ -n "$FPID" ] && kill $FPID 2>/dev/null
  inst_del oe; tracing_all_off
}
trap cleanup EXIT
truncate -s 0 $FF/backing.img; truncate -s 256M $FF/backing.img
FAULTFS_CTL=$CTL $BIN/faultfs_count $FF/backing.img $CTL $FMNT 2> $SCRATCH/faultfs34.log &
FPID=$!
for i in $(seq 50); do mountpoint -q $FMNT && break; sleep 0.1; done
LOOP=$(losetup -f --show --direct-io=on $FMNT/disk.img) || { echo "losetup failed" >&2; exit 1; }
mkfs.btrfs -q -f $LOOP > /dev/null 2>&1 && mount $LOOP $M || { echo "mkfs/mount failed" >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x11 -b 1m 0 1m" $M/seed; touch $M/a $M/bad; touch $M/nc; chattr +C $M/nc; sync
# first DATA chunk: logical == physical on a single device; the item key offset is the logical start
read DSTART DLEN < <(btrfs inspect-internal dump-tree -t chunk $LOOP | awk '/CHUNK_ITEM/ {key=$6; sub(/\)/,"",key)} /length/ && /type DATA/ {print key, $2; exit}')
DPHYS=$(btrfs inspect-internal dump-tree -t chunk $LOOP | awk -v k="$DSTART" '/CHUNK_ITEM/ {cur=$6; sub(/\)/,"",cur)} cur==k && /stripe 0 devid/ {print $6; exit}')
{ echo "backing file $FF/backing.img (256 MiB) exported by faultfs_count as $FMNT/disk.img (FUSE, direct_io)"
  echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)) --direct-io=on; btrfs (mkfs defaults) at $M"
  echo "first DATA chunk: logical $DSTART length $DLEN, stripe 0 physical offset $DPHYS (device bytes [$DPHYS, $((DPHYS + DLEN))))"
  echo "inodes: $(cd $M && ls -i a bad nc | tr '\n' ' ')"
  btrfs filesystem df $M; } > $OUT/setup.txt
[ -n "$DPHYS" ] && [ -n "$DLEN" ] || { echo "no data chunk found" >&2; exit 1; }

O=$(inst_new oe 4096 local); MARK_BUFS=$O
C='comm == "xfs_io" || comm == "sync"'
for e in block_rq_insert block_rq_issue block_rq_complete block_rq_error; do ev $O block/$e "dev == $DEV"; done
for e in add remove start mark_finished; do ev $O btrfs/btrfs_ordered_extent_$e; done
for e in btrfs_finish_ordered_extent btrfs_writepage_end_io_hook btrfs_sync_file btrfs_transaction_commit; do ev $O btrfs/$e; done
ev $O iomap/iomap_dio_rw_begin "$C"; ev $O iomap/iomap_dio_complete "$C"
for s in pwrite64 fsync sync; do ev $O syscalls/sys_enter_$s "$C"; ev $O syscalls/sys_exit_$s "$C"; done
run() {  # run NAME OUTFILE : trace the steps of function NAME into OUTFILE
  echo > $O/trace; echo 1 > $O/tracing_on
  $1 >> $OUT/workload-output.txt 2>&1
  echo 0 > $O/tracing_on
  cat $O/trace > $OUT/$2
  for c in $O/per_cpu/cpu*; do echo "== $2 $(basename $c)"; cat $c/stats; done >> $OUT/buffer-stats.txt
}
clean_steps() {
  echo "=== trace.txt (clean: writes held ~4 s, then all complete)"
  mark "1 HOLD WRITES: fusectl/hang = 'w 0 999999999999' (FUSE writes block, reads pass)"
  echo "w 0 999999999999" > $CTL/hang.tmp && mv $CTL/hang.tmp $CTL/hang
  mark "2 a: buffered pwrite 1MiB (4 x 256KiB) + fsync; nc (NOCOW): O_DIRECT pwrite 256KiB"
  xfs_io -c "pwrite -q -S 0x22 -b 256k 0 1m" -c fsync $M/a & P1=$!
  xfs_io -d -c "pwrite -q -S 0x33 -b 256k 0 256k" $M/nc & P2=$!
  sleep 4
  mark "3 RELEASE: rm fusectl/hang"
  rm -f $CTL/hang
  wait $P1; echo "a write+fsync exit $?"; wait $P2; echo "nc O_DIRECT write exit $?"
  sync
  mark "4 end"
}
twin_steps() {
  echo "=== twin-trace.txt (faulty twin: write errors over the first data chunk)"
  mark "5 ARM WRITE ERRORS: fusectl/errors = 'w $DPHYS $((DPHYS + DLEN))' (first data chunk)"
  echo "w $DPHYS $((DPHYS + DLEN))" > $CTL/errors
  mark "6 bad: buffered pwrite 256KiB + fsync (expect fsync -EIO, ordered extent IOERR)"
  xfs_io -c "pwrite -q -S 0x44 -b 64k 0 256k" -c fsync $M/bad; echo "xfs_io exit $?"
  mark "7 DISARM: rm fusectl/errors"
  rm -f $CTL/errors
  mark "8 end"
}
: > $OUT/workload-output.txt; : > $OUT/buffer-stats.txt
run clean_steps trace.txt
run twin_steps twin-trace.txt
cat $O/set_event > $OUT/events-enabled.txt
( for f in $O/events/*/*/filter; do v=$(cat $f); [ "$v" != none ] && echo "${f#$O/events/}: $v"; done ) > $OUT/filters.txt
grep -E "hang file|HANG|RELEASE|EIO|error ranges" $SCRATCH/faultfs34.log | head -40 > $OUT/faultfs-daemon-excerpt.log
ls -la $OUT; cat $OUT/setup.txt $OUT/workload-output.txt
