#!/bin/bash
# samples/36-klog-io-errors (issue 11 items 1 and 6): I/O errors seen in both the trace and the kernel log of
# the same window, on two loop devices over one faultfs_count file (tools/faultfs_count.c): btrfs on the
# first half (LA), ext4 on the second half (LB). `fusectl/errors` ranges are bytes of the FUSE file, so LB's
# device bytes are shifted by its --offset.
#   btrfs: a write error over the first data chunk (buffered write 256 KiB + fsync -> block write [-5],
#   ordered extent IOERR, fsync -EIO; dmesg `I/O error, dev loopN, sector S op 0x1:(WRITE)` and
#   `BTRFS error (device loopN): bdev /dev/loopN errs: wr 1, ...`), then read errors on 64 KiB of a good file
#   (dd bs=1M: 524288 then -EIO; O_DIRECT pread64: -EIO, `BTRFS warning ... direct IO failed ino ...`).
#   ext4: read errors on 256 KiB of a file (dd bs=1M: 262144 then -EIO), then write errors on the same blocks
#   (overwrite in place + fsync -> -EIO; `EXT4-fs warning ... I/O error 10 writing to inode ...`).
# Saved: trace.txt (instance "klog": block rq events of both devices, btrfs ordered extents, iomap DIO,
# syscalls), dmesg.txt (only the kernel-log lines of the recording window; ext4 is made without lazy init, whose
# WRITE_ZEROES errors on this loop device would use up the rate limit of the block layer's error lines), setup.txt (loop name <-> MAJ:MIN
# from lsblk, device byte ranges armed).
# usage: 36-klog-io-errors.sh [outdir]   (root; btrfs-progs, e2fsprogs, fuse3, libfuse3-dev, trace-cmd)
. "$(dirname "$0")/lib.sh"
build_tools || exit 1
OUT=${1:-$SAMPLES/36-klog-io-errors}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
FF=$SCRATCH/ff36; CTL=$FF/ctl; FMNT=$FF/fuse; MA=$SCRATCH/mnt36a; MB=$SCRATCH/mnt36b
mkdir -p $CTL $FMNT $MA $MB; rm -f $CTL/hang $CTL/errors
FPID=; LA=; LB=
cleanup() {
  rm -f $CTL/hang $CTL/errors; sleep 0.5
  umount $MA 2>/dev/null; umount $MB 2>/dev/null
  [ -n "$LA" ] && losetup -d $LA 2>/dev/null; [ -n "$LB" ] && losetup -d $LB 2>/dev/null
  fusermount3 -u $FMNT 2>/dev/null || umount $FMNT 2>/dev/null
  [ -n "$FPID" ] && kill $FPID 2>/dev/null
  inst_del klog; tracing_all_off
}
trap cleanup EXIT
HALF=$((256 << 20))
truncate -s 0 $FF/backing.img; truncate -s $((2 * HALF)) $FF/backing.img
FAULTFS_CTL=$CTL $BIN/faultfs_count $FF/backing.img $CTL $FMNT 2> $SCRATCH/faultfs36.log &
FPID=$!
for i in $(seq 50); do mountpoint -q $FMNT && break; sleep 0.1; done
LA=$(losetup -f --show --direct-io=on --sizelimit $HALF $FMNT/disk.img) &&
LB=$(losetup -f --show --direct-io=on --offset $HALF --sizelimit $HALF $FMNT/disk.img) || { echo "losetup failed" >&2; exit 1; }
mkfs.btrfs -q -f $LA > /dev/null 2>&1 && mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $LB > /dev/null 2>&1 && mount $LA $MA && mount $LB $MB || { echo "mkfs/mount failed" >&2; exit 1; }
DA=$(kdev $LA); DB=$(kdev $LB)
xfs_io -f -c "pwrite -q -S 0x11 -b 1m 0 1m" -c fsync $MA/good; touch $MA/badw
xfs_io -f -c "pwrite -q -S 0x22 -b 1m 0 1m" -c fsync $MB/e
sync
# btrfs: first DATA chunk (single device: the stripe's physical offset); good's first extent (fiemap = logical = physical here)
read DSTART DLEN < <(btrfs inspect-internal dump-tree -t chunk $LA | awk '/CHUNK_ITEM/ {key=$6; sub(/\)/,"",key)} /length/ && /type DATA/ {print key, $2; exit}')
DPHYS=$(btrfs inspect-internal dump-tree -t chunk $LA | awk -v k="$DSTART" '/CHUNK_ITEM/ {cur=$6; sub(/\)/,"",cur)} cur==k && /stripe 0 devid/ {print $6; exit}')
dbyte() { xfs_io -c "fiemap -v" $1 | awk '/^ *0:/ {split($3,a,"[.]"); print a[1]*512}'; }
GOOD=$(dbyte $MA/good); EB=$(dbyte $MB/e)
RA0=$((GOOD + 524288)); RA1=$((GOOD + 589824))          # btrfs good: file [512 KiB, 576 KiB)
EA0=$((EB + 262144)); EA1=$((EB + 524288))              # ext4 e: file [256 KiB, 512 KiB) (LB device bytes)
{ echo "backing file $FF/backing.img ($((2 * HALF)) bytes) exported by faultfs_count as $FMNT/disk.img (FUSE, direct_io)"
  echo "LA: $LA kdev $DA ($(stat -Lc '%t:%T' $LA)) --direct-io=on offset 0 sizelimit $HALF; btrfs (mkfs defaults) at $MA"
  echo "LB: $LB kdev $DB ($(stat -Lc '%t:%T' $LB)) --direct-io=on offset $HALF sizelimit $HALF; ext4 (mkfs defaults) at $MB"
  echo "lsblk (loop device name <-> MAJ:MIN):"; lsblk -o NAME,MAJ:MIN,SIZE,TYPE,MOUNTPOINT $LA $LB
  echo "btrfs first DATA chunk: logical $DSTART length $DLEN physical $DPHYS (LA device bytes [$DPHYS, $((DPHYS + DLEN))))"
  echo "btrfs inodes: $(cd $MA && ls -i good badw | tr '\n' ' '); good first extent at LA device byte $GOOD"
  echo "btrfs good file [512 KiB, 576 KiB) = LA device bytes [$RA0, $RA1) = LA sectors [$((RA0 / 512)), $((RA1 / 512)))"
  echo "ext4 inode: $(ls -i $MB/e); first extent at LB device byte $EB"; xfs_io -c "fiemap -v" $MB/e
  echo "ext4 e file [256 KiB, 512 KiB) = LB device bytes [$EA0, $EA1) = LB sectors [$((EA0 / 512)), $((EA1 / 512))) = FUSE file bytes [$((HALF + EA0)), $((HALF + EA1)))"; } > $OUT/setup.txt
[ -n "$DPHYS" ] && [ -n "$GOOD" ] && [ -n "$EB" ] || { echo "layout lookup failed" >&2; exit 1; }

K=$(inst_new klog 4096 local); MARK_BUFS=$K
C='comm == "xfs_io" || comm == "dd"'
for e in block_rq_insert block_rq_issue block_rq_complete block_rq_error; do ev $K block/$e "dev == $DA || dev == $DB"; done
for e in add remove mark_finished; do ev $K btrfs/btrfs_ordered_extent_$e; done
ev $K btrfs/btrfs_finish_ordered_extent
ev $K iomap/iomap_dio_rw_begin "$C"; ev $K iomap/iomap_dio_complete "$C"
for s in read pread64 pwrite64 fsync; do ev $K syscalls/sys_enter_$s "$C"; ev $K syscalls/sys_exit_$s "$C"; done
echo 3 > /proc/sys/vm/drop_caches
sleep 5.5   # mkfs.ext4's WRITE_ZEROES attempts print (rate-limited) block errors: start the window after them
T0=$(cut -d' ' -f1 /proc/uptime)
echo 1 > $K/tracing_on
{
mark "1 btrfs ARM WRITE ERRORS: fusectl/errors = 'w $DPHYS $((DPHYS + DLEN))' (first data chunk of LA)"
echo "w $DPHYS $((DPHYS + DLEN))" > $CTL/errors
mark "2 btrfs badw: buffered pwrite 256KiB + fsync (expect block write -5, ordered extent IOERR, fsync -EIO)"
xfs_io -c "pwrite -q -S 0x33 -b 64k 0 256k" -c fsync $MA/badw; echo "xfs_io exit $?"
mark "3 btrfs ARM READ ERRORS: 'r $RA0 $RA1' (good file [512KiB, 576KiB))"
echo "r $RA0 $RA1" > $CTL/errors.tmp && mv $CTL/errors.tmp $CTL/errors
echo 3 > /proc/sys/vm/drop_caches
mark "4 btrfs dd bs=1M of good: 524288 (short, not at EOF) then -EIO"
dd if=$MA/good of=/dev/null bs=1M 2>&1; echo "dd exit $?"
mark "5 btrfs O_DIRECT pread64 1MiB of good: -EIO (direct IO failed)"
xfs_io -d -c "pread -q -b 1m 0 1m" $MA/good 2>&1; echo "xfs_io exit $?"
sleep 5.5   # blk_print_req_error is rate-limited (10 lines per 5 s, all devices): a new window for ext4
mark "6 ext4 ARM READ ERRORS: 'r $((HALF + EA0)) $((HALF + EA1))' (e file [256KiB, 512KiB), LB sectors [$((EA0 / 512)), $((EA1 / 512))))"
echo "r $((HALF + EA0)) $((HALF + EA1))" > $CTL/errors.tmp && mv $CTL/errors.tmp $CTL/errors
echo 3 > /proc/sys/vm/drop_caches
mark "7 ext4 dd bs=1M of e: 262144 (short) then -EIO"
dd if=$MB/e of=/dev/null bs=1M 2>&1; echo "dd exit $?"
mark "8 ext4 ARM WRITE ERRORS on the same blocks: 'w $((HALF + EA0)) $((HALF + EA1))'"
echo "w $((HALF + EA0)) $((HALF + EA1))" > $CTL/errors.tmp && mv $CTL/errors.tmp $CTL/errors
mark "9 ext4 overwrite e [256KiB, 320KiB) in place + fsync (expect -EIO)"
xfs_io -c "pwrite -q -S 0x44 -b 64k 256k 64k" -c fsync $MB/e; echo "xfs_io exit $?"
mark "10 DISARM"
rm -f $CTL/errors
mark "11 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $K/tracing_on
sleep 0.2
dmesg | awk -v t0=$T0 '{ if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) { ts = substr($0, 2, RLENGTH-2) + 0; if (ts >= t0) print } }' > $OUT/dmesg.txt
save_meta $K $OUT
cat $K/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B klog' klog.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/klog.dat > $OUT/report.txt
grep -E "EIO|error ranges" $SCRATCH/faultfs36.log | head -60 > $OUT/faultfs-daemon-excerpt.log
ls -la $OUT; cat $OUT/setup.txt $OUT/workload-output.txt $OUT/dmesg.txt
