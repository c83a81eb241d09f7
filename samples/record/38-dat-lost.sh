#!/bin/bash
# samples/38-dat-lost: a small real trace.dat whose ring buffer lost events, to test the native trace.dat reader's
# lost-event handling (page header flag MISSING_EVENTS, and the missed-events count stored after the page data when
# there is room for it). Top buffer, 16 KiB per CPU, options/overwrite=1 (the kernel default).
# Why overwrite=1: with overwrite=0 the kernel drops the NEWEST events ("dropped events" in per_cpu stats), but
# it does not flag the pages, and `trace-cmd report` prints no drop line. (Tried on 6.18: 0 drop lines, and the final STEP marker
# write fails with EBADF.) With overwrite=1 the OLDEST pages are overwritten ("overrun" in stats). The first page read after that
# has the missed flag. The count is stored in the page only if >= 8 bytes of unused space follow its last event.
# Events: sys_{enter,exit}_read (comm dd) on both CPUs, sys_{enter,exit}_write (comm dd, CPU == 1 only) + STEP markers.
# Target: `CPU:0 [EVENTS DROPPED]` (flag, no stored count) and `CPU:1 [N EVENTS DROPPED]` (flag + stored count).
# Workload: dd bs=1 count=N0 (3000) from /dev/zero pinned to CPU 0, then dd bs=1 count=N1 (3030) pinned to CPU 1 (each wraps its
# CPU's buffer many times), end marker on CPU 0.
# Whether the count fits is a matter of page phase: reads only = 72-byte cycles (enter 44 + exit 28), so consecutive pages alternate between
# 4 and 20 bytes of tail slack; reads+writes = 144-byte cycles. Which page survives as the oldest depends on the number of events, so N0/N1
# were picked by trying (on 6.18, same run -> same result): N0 3000..3040 -> no count on CPU 0, 3050/3060 -> count; N1 3020..3040 -> count,
# 3000/3010/3050/3060 -> no count. Override with N0=... N1=... in the environment. The script prints the drop lines; check them.
# Saved: trace.txt (`cat trace`, the kallsyms_subset.py input), trace.dat (`trace-cmd extract`, top buffer, kallsyms subset),
#   report.txt (`trace-cmd report`, ground truth), trace-dat-summary.txt (`dump --summary`), trace-dat-options.txt (`dump --options`:
#   CPUSTAT options with the overrun per CPU), page-headers.txt (timestamp/commit/flags of every data page, decoded from trace.dat),
#   buffer-stats.txt (overrun per CPU).
# usage: 38-dat-lost.sh [outdir]   (root; needs trace-cmd)
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/38-dat-lost}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
ORIG_KB=$(cut -d' ' -f1 $TR/buffer_size_kb); ORIG_OW=$(cat $TR/options/overwrite)
cleanup() { tracing_all_off; echo 0 > $TR/events/syscalls/sys_enter_write/filter; echo 0 > $TR/events/syscalls/sys_exit_write/filter
  for s in read; do echo 0 > $TR/events/syscalls/sys_enter_$s/filter; echo 0 > $TR/events/syscalls/sys_exit_$s/filter; done
  echo $ORIG_OW > $TR/options/overwrite; echo $ORIG_KB > $TR/buffer_size_kb; echo > $TR/trace; }
trap cleanup EXIT

buf_reset $TR 16 local
echo 1 > $TR/options/overwrite
ev $TR syscalls/sys_enter_read 'comm == "dd"'; ev $TR syscalls/sys_exit_read 'comm == "dd"'
ev $TR syscalls/sys_enter_write 'comm == "dd" && CPU == 1'; ev $TR syscalls/sys_exit_write 'comm == "dd" && CPU == 1'
onmark() { taskset -c $1 bash -c ". $REC/lib.sh; mark '$2'"; }

echo 1 > $TR/tracing_on
{
onmark 0 "1 burst on CPU 0: dd bs=1 count=${N0:-3000} from /dev/zero (reads traced; wraps CPU 0 buffer)"
taskset -c 0 dd if=/dev/zero of=/dev/null bs=1 count=${N0:-3000} 2>&1
onmark 1 "2 burst on CPU 1: dd bs=1 count=${N1:-3030} from /dev/zero (reads+writes traced; wraps CPU 1 buffer)"
taskset -c 1 dd if=/dev/zero of=/dev/null bs=1 count=${N1:-3030} 2>&1
onmark 0 "3 end (CPU 0)"
} > $OUT/workload-output.txt
echo 0 > $TR/tracing_on

save_meta $TR $OUT
cat $TR/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '' trace38.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
cp $SCRATCH/trace38.dat $OUT/trace.dat
trace-cmd report -i $OUT/trace.dat > $OUT/report.txt
trace-cmd dump --summary -i $OUT/trace.dat > $OUT/trace-dat-summary.txt 2>&1
trace-cmd dump --options -i $OUT/trace.dat > $OUT/trace-dat-options.txt 2>&1
# page headers of the flyrecord data, read from trace.dat itself (v7: per CPU a u32 chunk count, then per chunk u32 compressed
# size, u32 uncompressed size, zstd data; decompressed with the zstd CLI). Offsets from `dump --flyrecord`.
trace-cmd dump --flyrecord -i $OUT/trace.dat 2>/dev/null | awk '/data offset and size/ {print $1, $2, $3}' |
python3 -c '
import struct, subprocess, sys
d = open(sys.argv[1], "rb").read()
print("# per CPU, per 4096-byte page: header u64 timestamp, u64 commit (kernel local_t). Low 27 bits = data bytes after the")
print("# 16-byte header; bit 31 = RB_MISSED_EVENTS, bit 30 = RB_MISSED_STORED (then a u64 missed count follows the data).")
print("# Note: the kernel adds (1 << 31) as an int, so a flagged commit is sign-extended (0xffffffff8.......).")
for line in sys.stdin:
    cpu, off, size = map(int, line.split())
    n, = struct.unpack_from("<I", d, off); o = off + 4; raw = b""
    for i in range(n):
        cs, us = struct.unpack_from("<II", d, o); o += 8
        raw += subprocess.run(["zstd", "-dc"], input=d[o:o + cs], capture_output=True, check=True).stdout; o += cs
    print(f"CPU {cpu}: data offset {off}, {size} bytes in file, {n} zstd chunk(s), {len(raw)} bytes = {len(raw) // 4096} pages")
    for p in range(len(raw) // 4096):
        ts, commit = struct.unpack_from("<QQ", raw, p * 4096)
        used = commit & ((1 << 27) - 1); miss = bool(commit & (1 << 31)); stored = bool(commit & (1 << 30))
        x = " missed_count=%d" % struct.unpack_from("<Q", raw, p * 4096 + 16 + used)[0] if stored else ""
        print(f"  page {p}: ts {ts} commit 0x{commit:x} data {used} slack {4080 - used} missed_events={int(miss)} missed_stored={int(stored)}{x}")
' $OUT/trace.dat > $OUT/page-headers.txt
ls -la $OUT
echo "drop lines: $(grep -c 'EVENTS DROPPED' $OUT/report.txt)"; grep -n 'EVENTS DROPPED' $OUT/report.txt
grep -E '^==|overrun|dropped' $OUT/buffer-stats.txt; cat $OUT/page-headers.txt
