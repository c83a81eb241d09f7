#!/bin/bash
# samples/03-trace-pipe-lost: consuming reads of instances/pipe/trace_pipe (no header) where the reader fell
# behind: 16 KiB per-CPU buffer, syscall bursts of dd pinned to CPU 0 / CPU 1 while nobody reads, then a
# reader (timeout cat trace_pipe) -> `CPU:N [LOST M EVENTS]` lines between events.
. "$(dirname "$0")/lib.sh"
OUT=${1:-$SAMPLES/03-trace-pipe-lost}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
cleanup() { inst_del pipe; tracing_all_off; }
trap cleanup EXIT
P=$(inst_new pipe 16 local)
MARK_BUFS=$P
for s in read write; do ev $P syscalls/sys_enter_$s 'comm == "dd"'; ev $P syscalls/sys_exit_$s 'comm == "dd"'; done
: > $OUT/trace_pipe.txt
readpipe() { timeout ${1:-0.5} cat $P/trace_pipe >> $OUT/trace_pipe.txt; true; }
echo 1 > $P/tracing_on
{
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS=$P; mark '1 small dd (4 blocks) on CPU 0, fits in the buffer'"
taskset -c 0 dd if=/dev/zero of=/dev/null bs=512 count=4 2>&1
readpipe
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS=$P; mark '2 burst: dd 4000 blocks on CPU 0 and 2000 on CPU 1, reader idle'"
taskset -c 0 dd if=/dev/zero of=/dev/null bs=512 count=4000 2>&1
taskset -c 1 dd if=/dev/zero of=/dev/null bs=512 count=2000 2>&1
readpipe
taskset -c 1 bash -c ". $REC/lib.sh; MARK_BUFS=$P; mark '3 second burst on CPU 1 only (3000 blocks)'"
taskset -c 1 dd if=/dev/zero of=/dev/null bs=512 count=3000 2>&1
readpipe
taskset -c 0 bash -c ". $REC/lib.sh; MARK_BUFS=$P; mark '4 end'"
readpipe
} > $OUT/workload-output.txt
echo 0 > $P/tracing_on
save_meta $P $OUT
ls -la $OUT; grep -n LOST $OUT/trace_pipe.txt
