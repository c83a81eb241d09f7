#!/bin/bash
# samples/04-overwrite-annotate: kernel `trace` (non-consuming) of an overwritten buffer: instance "ow" with a
# 16 KiB per-CPU buffer, a few events on CPU 0 and a big syscall burst on CPU 1 that wraps CPU 1's buffer.
# -> header `entries-in-buffer/entries-written: E/W` with W > E and `##### CPU 1 buffer started ####`.
# Then trace-cmd extract -B ow -> report.txt (prefix "ow: "), report-l.txt.
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/04-overwrite-annotate}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
cleanup() { inst_del ow; tracing_all_off; }
trap cleanup EXIT
O=$(inst_new ow 16 local)
for s in read write; do ev $O syscalls/sys_enter_$s 'comm == "dd"'; ev $O syscalls/sys_exit_$s 'comm == "dd"'; done
echo 1 > $O/tracing_on
{
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS=$O; mark '1 small dd on CPU 0 (2 blocks)'"
taskset -c 0 dd if=/dev/zero of=/dev/null bs=512 count=2 2>&1
taskset -c 1 bash -c ". $REC/lib.sh; MARK_BUFS=$O; mark '2 burst on CPU 1: dd 3000 blocks (wraps CPU 1 buffer)'"
taskset -c 1 dd if=/dev/zero of=/dev/null bs=512 count=3000 2>&1
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS=$O; mark '3 end (CPU 0)'"
} > $OUT/workload-output.txt
echo 0 > $O/tracing_on
save_meta $O $OUT
cat $O/trace > $OUT/trace.txt
( cd $SCRATCH && extract_small '-B ow' ow.dat $OUT/trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/ow.dat > $OUT/report.txt
trace-cmd report -l -i $SCRATCH/ow.dat > $OUT/report-l.txt
ls -la $OUT; grep -n "#####\|entries" $OUT/trace.txt
