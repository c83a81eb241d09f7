# iolens samples/record/lib.sh - tracefs helpers (no `trace-cmd record`: it is blocked on the
# recording VM because function tracing is locked down; we drive tracefs directly and then
# use `trace-cmd extract`). Source it from a scenario script running as root (bash).
#
# Buffers are addressed by directory: "$TR" (top-level buffer) or "$TR/instances/NAME".
set -u
TR=/sys/kernel/tracing
REC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES=$(cd "$REC/.." && pwd)
SCRATCH=${SCRATCH:-/tmp/iolens-rec}
BIN=$SCRATCH/bin
mkdir -p "$SCRATCH" "$BIN"
[ -d $TR/events ] || mount -t tracefs nodev $TR

build_tools() {   # compile C helpers from samples/record/tools into $BIN
  local p
  for p in pread_nowait uring_read uring_nowait bdev_punch dio_write dio_fault nowait_retry; do
    [ "$BIN/$p" -nt "$REC/tools/$p.c" ] || gcc -O2 -o "$BIN/$p" "$REC/tools/$p.c" -luring || return 1
  done
  for p in faultfs faultfs_count; do
    [ "$BIN/$p" -nt "$REC/tools/$p.c" ] ||
      gcc -O2 -o "$BIN/$p" "$REC/tools/$p.c" $(pkg-config --cflags --libs fuse3) -lpthread || return 1
  done
}

# buf_reset BUF [buffer_kb] [clock] : events off, filters cleared, empty, tracing off
buf_reset() {
  local B=$1 f
  echo 0 > $B/tracing_on
  echo > $B/set_event
  for f in $B/events/*/filter $B/events/*/*/filter; do echo 0 > $f 2>/dev/null; done
  [ -w $B/current_tracer ] && echo nop > $B/current_tracer
  echo ${3:-local} > $B/trace_clock
  echo ${2:-4096} > $B/buffer_size_kb
  echo 1 > $B/options/overwrite
  echo 1 > $B/options/irq-info
  echo > $B/trace
}
# inst_new NAME [buffer_kb] [clock] -> prints the instance dir (removed first if it exists)
inst_new() {
  local I=$TR/instances/$1
  [ -d $I ] && inst_del $1
  mkdir $I && buf_reset $I ${2:-4096} ${3:-local} && echo $I
}
inst_del() { local I=$TR/instances/$1; [ -d $I ] || return 0; echo 0 > $I/tracing_on; echo > $I/set_event; rmdir $I; }

# ev BUF subsys[/event] [filter]
ev() {
  local p=$1/events/$2
  if [ -n "${3:-}" ]; then echo "$3" > $p/filter || echo "FILTER FAILED on $2: $3" >&2; fi
  echo 1 > $p/enable || echo "ENABLE FAILED $2" >&2
}
# ev_block BUF devnum comm-filter  (block_plug/unplug have no dev field -> comm filter)
ev_block() {
  ev $1 block "dev == $2"
  echo "$3" > $1/events/block/block_plug/filter; echo "$3" > $1/events/block/block_unplug/filter
}
# kernel dev_t as used by tracepoints: major<<20 | minor
kdev() { local mm; mm=$(stat -Lc '%t %T' "$1"); echo $(( (0x${mm% *} << 20) | 0x${mm#* } )); }
kdev_of_mount() { local mm; mm=$(mountpoint -d "$1"); echo $(( (${mm%:*} << 20) | ${mm#*:} )); }

MARK_BUFS=${MARK_BUFS:-$TR}
# mark "text": STEP marker into every buffer in $MARK_BUFS (+ echo to stdout with uptime)
mark() { local B; for B in $MARK_BUFS; do echo "STEP $*" > $B/trace_marker; done; echo "$(cut -d' ' -f1 /proc/uptime) STEP $*"; }

# save_meta BUF DIR : buffer stats, enabled events, filters
save_meta() {
  local B=$1 d=$2 c f v; mkdir -p $d
  for c in $B/per_cpu/cpu*; do echo "== $(basename $c)"; cat $c/stats; done > $d/buffer-stats.txt
  cat $B/set_event > $d/events-enabled.txt
  ( for f in $B/events/*/*/filter; do v=$(cat $f); [ "$v" != none ] && echo "${f#$B/events/}: $v"; done ) > $d/filters.txt
  true
}
# extract BUF OUT.dat  (top buffer or -B instance)
extract() {
  local B=$1 out=$2
  rm -f "$out"
  if [ "$B" = "$TR" ]; then trace-cmd extract -o "$out"
  else trace-cmd extract -B "${B##*/}" -o "$out"; fi
}

# loop devices over files in $SCRATCH; loop_new FILE SIZE [losetup opts] -> /dev/loopN
loop_new() { truncate -s $2 $1; losetup -f --show ${3:-} $1; }
cleanup_loop() { local d; for d in "$@"; do losetup -d $d 2>/dev/null; done; }
tracing_all_off() {
  local I; echo 0 > $TR/tracing_on; echo > $TR/set_event
  for I in $TR/instances/*; do [ -d "$I" ] && { echo 0 > $I/tracing_on; echo > $I/set_event; }; done
  true
}

# extract_small "EXTRACT_OPTS" OUT.dat TRACE_TXT... : `trace-cmd extract EXTRACT_OPTS -o OUT.dat` (OPTS "" = top
# buffer, "-B name" = instance, "-t -B name" = both) with /proc/kallsyms replaced, in a private mount
# namespace, by the subset of symbols referenced by the events (see kallsyms_subset.py).
extract_small() {
  local opts=$1 out=$2; shift 2
  python3 $REC/kallsyms_subset.py "$@" > $SCRATCH/kallsyms.subset || return 1
  rm -f "$out"
  unshare -m sh -c "mount --bind $SCRATCH/kallsyms.subset /proc/kallsyms && trace-cmd extract $opts -o '$out'"
}
