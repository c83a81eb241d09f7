#!/bin/bash
# samples/12-stale-iomap: XFS invalidates the iomap of a buffered write (xfs_iomap_invalid -> IOMAP_F_STALE ->
# iomap_iter maps the same position again). stale_iomap (tools/stale_iomap.c) appends NWRITES x CHUNK with
# pwrite64 to a new file on xfs (fresh delalloc each time) while a second thread calls
# sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) in a loop: writeback converts the earlier delalloc extents
# to real ones, which bumps the data fork sequence, so the write's cached mapping fails
# xfs_buffered_write_iomap_valid() at the next folio. The race is not deterministic: each attempt traces one
# short run into an emptied buffer and the script stops at the first attempt that has a stale event.
# usage: 12-stale-iomap.sh [OUTDIR] [NWRITES] [CHUNK] [SYNC_US] [MAX_ATTEMPTS]
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/12-stale-iomap}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
NW=${2:-8}; CHUNK=${3:-4194304}; SYNC_US=${4:-200}; MAXA=${5:-40}
[ "$BIN/stale_iomap" -nt "$REC/tools/stale_iomap.c" ] || gcc -O2 -Wall -o $BIN/stale_iomap $REC/tools/stale_iomap.c -lpthread || exit 1
MNT=/mnt/s12
LOOP=$(loop_new $SCRATCH/xfs12.img 512M --direct-io=on)
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; inst_del si; tracing_all_off; }
trap cleanup EXIT
mkfs.xfs -f -q $LOOP && mkdir -p $MNT && mount $LOOP $MNT || exit 1
DEV=$(kdev_of_mount $MNT)
{ echo "loop $LOOP kdev $DEV ($(mountpoint -d $MNT)), backing file $SCRATCH/xfs12.img (--direct-io=on), xfs 512 MiB at $MNT"
  xfs_info $MNT; echo "vm.dirty_ratio $(cat /proc/sys/vm/dirty_ratio) vm.dirty_background_ratio $(cat /proc/sys/vm/dirty_background_ratio)"
  echo "workload: stale_iomap FILE $NW $CHUNK s=$SYNC_US"; } > $OUT/setup.txt
D=$(inst_new si 2048 local); MARK_BUFS=$D
C='comm ~ "siom*"'
for e in xfs_iomap_invalid xfs_wb_data_iomap_invalid xfs_wb_cow_iomap_invalid xfs_file_buffered_write; do ev $D xfs/$e "dev == $DEV"; done
for e in iomap_iter iomap_iter_dstmap iomap_iter_srcmap iomap_writeback_folio iomap_add_to_ioend; do ev $D iomap/$e "dev == $DEV"; done
for s in pwrite64 fdatasync sync_file_range fallocate; do ev $D syscalls/sys_enter_$s "$C"; ev $D syscalls/sys_exit_$s "$C"; done
ev_block $D $DEV "$C"
: > $OUT/workload-output.txt
for a in $(seq 1 $MAXA); do
  rm -f $MNT/f*; sync; echo > $D/trace
  echo 1 > $D/tracing_on
  { mark "1 attempt $a: stale_iomap $MNT/f$a $NW x $CHUNK B pwrite64 + sync_file_range(WRITE) loop every ${SYNC_US} us"
    $BIN/stale_iomap $MNT/f$a $NW $CHUNK s=$SYNC_US 2>&1
    echo "ino of f$a: $(stat -c %i $MNT/f$a) ($(printf 0x%x $(stat -c %i $MNT/f$a)))"
    mark "2 end of attempt $a"; } >> $OUT/workload-output.txt
  echo 0 > $D/tracing_on
  n=$(grep -c '_iomap_invalid:' $D/trace); echo "attempt $a: $n stale events" | tee -a $OUT/workload-output.txt
  [ "$n" -gt 0 ] && break
done
save_meta $D $OUT
cat $D/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B si' si.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/si.dat > $OUT/report.txt
ls -la $OUT; cat $OUT/workload-output.txt; grep -n '_iomap_invalid:' $OUT/trace.txt
