#!/bin/bash
# samples/31-btrfs-dio-fallback (issue 11 item 6, false-positive corpus): btrfs O_DIRECT reads and writes whose
# user buffer is not faulted in. btrfs runs the direct I/O with page faults disabled; iomap cannot pin the
# buffer pages (`iomap_iter ... status -14`), `iomap_dio_complete` reports ret 0 (or the part done before the
# fault), and btrfs finishes the request through the page cache (buffered fallback). The caller gets every
# byte: the syscall exits (`sys_pread64 -> 0x40000`) and the io_uring CQE show the full count. None is a short
# read. Controls with a pre-faulted buffer do pure direct I/O. Writes: a NOCOW file (real DIO on btrfs) with an
# untouched buffer falls back to a buffered write; a half-touched buffer makes a partial DIO then falls back.
# tools/dio_fault.c: O_DIRECT pread / pwrite / io_uring READ from an anon mmap (untouched / touched / half)
# or a MAP_SHARED mmap of a tmpfs file.
# Two instances record the same run: "dio" (trace.txt, report.txt: with the syscalls, so the caller's result is
# in the trace) and "dionosys" (trace-nosys.txt: the same events without syscalls, the situation of issue 11's
# false short read, where only iomap_dio_complete ret 0 and the fallback's block reads / page-cache adds show).
# usage: 31-btrfs-dio-fallback.sh [outdir]   (root; btrfs-progs, trace-cmd, liburing)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/31-btrfs-dio-fallback}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
MNT=$SCRATCH/mnt31; mkdir -p $MNT
LOOP=$(loop_new $SCRATCH/btrfs31.img 512M --direct-io=on)
SHM=/dev/shm/iolens31-buf
cleanup() { umount $MNT 2>/dev/null; cleanup_loop $LOOP; rm -f $SHM; inst_del dio; inst_del dionosys; tracing_all_off; }
trap cleanup EXIT
mkfs.btrfs -q -f $LOOP > /dev/null 2>&1 && mount $LOOP $MNT || { echo 'mkfs/mount failed' >&2; exit 1; }
DEV=$(kdev $LOOP)
xfs_io -f -c "pwrite -q -S 0x61 -b 1m 0 1m" $MNT/f
touch $MNT/nc && chattr +C $MNT/nc && xfs_io -c "pwrite -q -S 0x62 -b 1m 0 1m" $MNT/nc
sync
truncate -s 1M $SHM
{ echo "loop $LOOP kdev $DEV ($(stat -Lc '%t:%T' $LOOP)), backing file $SCRATCH/btrfs31.img (--direct-io=on), btrfs (mkfs defaults, datasum) at $MNT"
  echo "btrfs iomap events name the subvolume's anonymous dev $(mountpoint -d $MNT) (stat: $(stat -c '%Hd:%Ld' $MNT/f))"
  for f in f nc; do echo "file $MNT/$f ino $(stat -c %i $MNT/$f) ($(printf 0x%x $(stat -c %i $MNT/$f))) size $(stat -c %s $MNT/$f) attrs $(lsattr -d $MNT/$f | cut -d' ' -f1)"; done
  echo "tmpfs buffer file $SHM size $(stat -c %s $SHM)"; } > $OUT/setup.txt

D=$(inst_new dio 4096 local); N=$(inst_new dionosys 4096 local); MARK_BUFS="$D $N"
C='comm == "dio_fault"'; CU='comm == "dio_fault" || comm ~ "iou-*"'
for B in $D $N; do
  ev_block $B $DEV "$CU"
  ev $B iomap "$CU"          # not the loop device's own direct I/O to its backing file (kworkers)
  ev $B filemap/mm_filemap_add_to_page_cache "$CU"
  ev $B io_uring "$CU"
  for e in btrfs_ordered_extent_add btrfs_ordered_extent_remove btrfs_finish_ordered_extent; do ev $B btrfs/$e; done
done
for s in pread64 pwrite64 io_uring_enter; do ev $D syscalls/sys_enter_$s "$C"; ev $D syscalls/sys_exit_$s "$C"; done
echo 1 > $N/tracing_on; echo 1 > $D/tracing_on
{
echo 3 > /proc/sys/vm/drop_caches
mark "1 O_DIRECT pread64 256KiB at 0 of f into an untouched anonymous mmap: DIO -EFAULT, buffered fallback, returns 262144"
$BIN/dio_fault r $MNT/f 0 262144 anon
mark "2 O_DIRECT pread64 256KiB at 256KiB of f into an untouched MAP_SHARED mmap of a tmpfs file: fallback, returns 262144"
$BIN/dio_fault r $MNT/f 262144 262144 file:$SHM
mark "3 control: O_DIRECT pread64 256KiB at 512KiB of f into a touched buffer: pure DIO, returns 262144"
$BIN/dio_fault r $MNT/f 524288 262144 touched
mark "4 O_DIRECT pread64 512KiB at 768KiB of f (1 MiB, crosses EOF) into an untouched buffer: fallback, returns 262144 (EOF)"
$BIN/dio_fault r $MNT/f 786432 524288 anon
echo 3 > /proc/sys/vm/drop_caches
mark "5 O_DIRECT pread64 256KiB at 0 of f into a half-touched buffer: DIO reads the first 128KiB, faults, fallback, returns 262144"
$BIN/dio_fault r $MNT/f 0 262144 half
echo 3 > /proc/sys/vm/drop_caches
mark "6 io_uring O_DIRECT READ 256KiB at 0 of f user_data 0x31 into an untouched buffer: NOWAIT -EAGAIN, io-wq, DIO -EFAULT, fallback, res 262144"
$BIN/dio_fault u $MNT/f 0 262144 anon
mark "7 O_DIRECT pwrite64 256KiB at 0 of NOCOW file nc from an untouched buffer: DIO -EFAULT, buffered fallback, returns 262144"
$BIN/dio_fault w $MNT/nc 0 262144 anon
mark "8 O_DIRECT pwrite64 256KiB at 256KiB of nc from a half-touched buffer: partial DIO, then fallback, returns 262144"
$BIN/dio_fault w $MNT/nc 262144 262144 half
mark "9 control: O_DIRECT pwrite64 256KiB at 512KiB of nc from a touched buffer: pure DIO"
$BIN/dio_fault w $MNT/nc 524288 262144 touched
mark "10 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $D/tracing_on; echo 0 > $N/tracing_on
save_meta $D $OUT
cat $D/trace > $OUT/trace.txt
cat $N/trace > $OUT/trace-nosys.txt
cat $N/set_event > $OUT/events-enabled-nosys.txt
( cd $SCRATCH && extract_small '-B dio' dio.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/dio.dat > $OUT/report.txt
ls -la $OUT; cat $OUT/workload-output.txt
