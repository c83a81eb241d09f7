#!/bin/bash
# samples/02-counter-clock: tiny recording with trace_clock=counter (raw counter timestamps, no dot) in the
# top buffer AND in instance "ctr"; the workload is pinned to CPU 0 so CPU 1 stays empty.
#   trace.txt (top buffer, kernel text), ctr-trace.txt (instance, kernel text),
#   report-both.txt: `trace-cmd extract -t -B ctr` (top + instance in one file) -> report lines carry
#   "ctr: " (instance) or blank padding (top buffer); report-both-verbose.txt: --verbose=info
#   (preamble `version = 7`); report-both-v6-verbose.txt: same data converted to
#   file version 6 -> `version = 6` and `CPU 1 is empty` lines.
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/02-counter-clock}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
cleanup() { inst_del ctr; echo local > $TR/trace_clock; tracing_all_off; }
trap cleanup EXIT
buf_reset $TR 1024 counter
CTR=$(inst_new ctr 1024 counter)
MARK_BUFS="$TR $CTR"
for B in $TR $CTR; do
  for s in read write; do ev $B syscalls/sys_enter_$s 'comm == "dd"'; ev $B syscalls/sys_exit_$s 'comm == "dd"'; done
done
echo 1 > $CTR/tracing_on; echo 1 > $TR/tracing_on
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS='$MARK_BUFS'
  mark '1 dd 3 x 4KiB from /dev/zero to /dev/null on CPU 0'
  dd if=/dev/zero of=/dev/null bs=4k count=3 2>&1
  mark '2 end'" > $OUT/workload-output.txt
echo 0 > $TR/tracing_on; echo 0 > $CTR/tracing_on
save_meta $TR $OUT
cat $TR/trace > $OUT/trace.txt
cat $CTR/trace > $OUT/ctr-trace.txt
( cd $SCRATCH && extract_small '-t -B ctr' both.dat $OUT/trace.txt $OUT/ctr-trace.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/both.dat > $OUT/report-both.txt
trace-cmd report --verbose=info -i $SCRATCH/both.dat > $OUT/report-both-verbose.txt 2> $SCRATCH/report-both-verbose.stderr
trace-cmd report -l -i $SCRATCH/both.dat > $OUT/report-both-l.txt
# file version 6 (uncompressed): trace-cmd 3.1.6 prints `CPU 1 is empty` only for v6 files
trace-cmd convert --file-version 6 --compression none -i $SCRATCH/both.dat -o $SCRATCH/both-v6.dat >> $OUT/extract.log 2>&1
trace-cmd report --verbose=info -i $SCRATCH/both-v6.dat > $OUT/report-both-v6-verbose.txt 2>/dev/null
ls -la $OUT
