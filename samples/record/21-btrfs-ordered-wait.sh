#!/bin/bash
# samples/21-btrfs-ordered-wait: tasks blocked on btrfs ORDERED EXTENTS (not on folio writeback).
# Two btrfs filesystems (nodesize 4 KiB, so the fs/csum trees have several levels) on two loop devices
# (--direct-io=on, so a held read does not serialise the loop queue) that map the two halves of one
# faultfs (FUSE) backing file. After populating both, the clean page cache is dropped (echo 1 > drop_caches:
# btree leaves leave memory, dentries/inodes stay) and faultfs holds only READS (`r 0 999999999999` in
# fusectl/hang). Data writes still complete, so folio writeback ends, but finishing an ordered extent
# (btrfs_finish_one_ordered in btrfs-endio-write) needs a fs-tree leaf that is no longer cached, and that read
# never completes. fsync, punch hole, sync and umount then wait for the ordered extents.
# Captured: hung-task reports (dmesg-hung-tasks.txt, hung_task_timeout_secs=4 for the run), blocked-tasks.txt
# (/proc/PID/stack of every D task, kworkers included) and the trace of the same window (instance "ordwait").
# Then the hold is released, everything completes (umount too), and all is cleaned up.
# `21-btrfs-ordered-wait.sh --derive [OUT]` only rewrites tasks-truth.json and expected.json from the recorded files.
. "$(dirname "$0")/lib.sh"
DERIVE_ONLY=; [ "${1:-}" = --derive ] && { DERIVE_ONLY=1; shift; }
OUT=${1:-$SAMPLES/21-btrfs-ordered-wait}; mkdir -p $OUT; OUT=$(cd $OUT && pwd)
# derive: tasks-truth.json (per blocked task, from dmesg-hung-tasks.txt and blocked-tasks.txt; ordered extents open
# during the hold, from trace.txt) and expected.json (count_events.py + truth.py, as record/expected.py does for 20)
derive() {
python3 - "$OUT" "$REC" <<'PYEOF'
import re, sys, json, subprocess, os
out, rec = sys.argv[1], sys.argv[2]
rd = lambda f: open(os.path.join(out, f)).read().splitlines()
FRAME = re.compile(r'^\s*(\? )?([\w.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+')
# scheduler / generic wait primitives: skipped when naming the function a task waits in
GENERIC = {'__schedule', 'schedule', 'io_schedule', 'schedule_timeout', 'bit_wait_io', '__wait_on_bit',
           'out_of_line_wait_on_bit', 'wait_for_completion', 'folio_wait_bit', 'folio_wait_writeback', '__folio_lock'}
def summarise(frames):   # frames: [(unreliable, func)]
    rel = [f for u, f in frames if not u]
    return {'firstFrame': rel[0] if rel else None, 'frames': len(frames),
            'waitsIn': next((f for f in rel if f not in GENERIC), None)}
dm = []; cur = None; intask = False
for l in rd('dmesg-hung-tasks.txt'):
    l = re.sub(r'^\[\s*[\d.]+\] ', '', l)
    m = re.match(r'^INFO: task (.+):(\d+) blocked for more than (\d+) seconds\.$', l)
    if m:
        cur = {'comm': m.group(1), 'pid': int(m.group(2)), 'state': None, 'hungSeconds': int(m.group(3)), 'fr': []}; dm.append(cur); continue
    if cur is None: continue
    m = re.match(r'^task:.{1,15}?\s*state:(\S)', l)
    if m: cur['state'] = m.group(1); continue
    if l.strip() == '<TASK>': intask = True; continue
    if l.strip() == '</TASK>': intask = False; cur = None; continue
    m = FRAME.match(l)
    if intask and m: cur['fr'].append((bool(m.group(1)), m.group(2)))
dmesg = [{'comm': t['comm'], 'pid': t['pid'], 'state': t['state'], 'hungSeconds': t['hungSeconds'], **summarise(t['fr'])} for t in dm]
bt = []; cur = None
for l in rd('blocked-tasks.txt'):
    m = re.match(r'^--- task (\d+) \((.*)\) state (\S) wchan=', l)
    if m: cur = {'comm': m.group(2), 'pid': int(m.group(1)), 'state': m.group(3), 'fr': []}; bt.append(cur); continue
    m = re.match(r'^\[<[0-9a-f]+>\] (\? )?([\w.$]+)\+0x', l)
    if cur and m: cur['fr'].append((bool(m.group(1)), m.group(2)))
blocked = [{'comm': t['comm'], 'pid': t['pid'], 'state': t['state'], **summarise(t['fr'])} for t in bt]
tr = rd('trace.txt'); release = None; oes = {}
for l in tr:
    m = re.search(r' (\d+\.\d+): (?:tracing_mark_write: STEP 7 RELEASE|btrfs_ordered_extent_(add|remove): (\S+): root=\S+ ino=(\d+) file_offset=(\d+) start=\d+ len=(\d+))', l)
    if not m: continue
    ts = float(m.group(1))
    if m.group(2) is None: release = ts; continue
    k = (m.group(3), int(m.group(4)), int(m.group(5)))
    if m.group(2) == 'add': oes[k] = {'fsid': m.group(3), 'ino': k[1], 'fileOffset': k[2], 'len': int(m.group(6)), 'addedTs': ts, 'finishedTs': None}
    elif k in oes and oes[k]['finishedTs'] is None: oes[k]['finishedTs'] = ts
openoe = sorted((o for o in oes.values() if o['addedTs'] < release and (o['finishedTs'] is None or o['finishedTs'] > release)), key=lambda o: o['addedTs'])
with open(os.path.join(out, 'tasks-truth.json'), 'w') as f:
    json.dump({'dmesg-hung-tasks.txt': dmesg, 'blocked-tasks.txt': blocked, 'openOrderedExtents': openoe}, f, indent=1); f.write('\n')
# expected.json, in the shape record/expected.py writes for sample 20
c = json.loads(subprocess.check_output([sys.executable, os.path.join(rec, 'count_events.py'), '--same',
                                        os.path.join(out, 'trace.txt') + ':ftrace-kernel', os.path.join(out, 'report.txt') + ':trace-cmd-report:9']))
c['files'] = {os.path.basename(k): v for k, v in c['files'].items()}
for fd in c['findings']: fd['file'] = os.path.basename(fd['file'])
c.pop('skippedLineNumbers', None)
t = json.loads(subprocess.check_output([sys.executable, os.path.join(rec, 'truth.py'), os.path.join(out, 'trace.txt')]))
dml = rd('dmesg-hung-tasks.txt')
t['hungTaskReports'] = [{'task': a, 'blockedSeconds': int(b)} for l in dml for m in [re.search(r'INFO: task (.*) blocked for more than (\d+) seconds', l)] if m for a, b in [m.groups()]]
t['schedProcessHang'] = [l.split('sched_process_hang: ')[1] for l in tr if 'sched_process_hang: ' in l]
stacks = {}; cur = None
for l in rd('blocked-tasks.txt'):
    if l.startswith('--- task '): cur = l[9:]; stacks[cur] = []
    elif cur and l.startswith('[<0>] '): stacks[cur].append(l[6:].split('+')[0])
t['blockedTasks'] = stacks
t['openOrderedExtents'] = openoe
t['summary'] = ('Reads of the loop devices hang (faultfs), writes complete. Data writeback ends, but each ordered extent stays open: '
                'btrfs_finish_one_ordered (btrfs-endio-write kworkers) waits for a fs-tree leaf read (read_extent_buffer_pages). '
                'fsync and punch hole wait in btrfs_start_ordered_extent_nowriteback <- btrfs_wait_ordered_range; sync (fsA) and umount (fsB) '
                'wait in btrfs_wait_ordered_extents <- btrfs_wait_ordered_roots <- btrfs_sync_fs for btrfs-flush_delalloc kworkers, '
                'which wait in btrfs_start_ordered_extent_nowriteback <- btrfs_run_ordered_extent_work. Everything completes after STEP 7 (release).')
t['dmesg'] = {'file': 'dmesg-hung-tasks.txt', 'format': 'kernel-log', 'lines': len(dml), 'hungTaskReports': len(t['hungTaskReports'])}
t['workload'] = rd('setup.txt') + rd('workload-output.txt')
with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump({'files': c['files'], 'findings': c['findings'], 'truth': t}, f, indent=1); f.write('\n')
print('wrote tasks-truth.json and expected.json:', {k: v['events'] for k, v in c['files'].items()}, len(dmesg), len(blocked), len(openoe))
PYEOF
}
[ -n "$DERIVE_ONLY" ] && { derive; exit; }
build_tools || exit 1
FF=$SCRATCH/ff21; CTL=$FF/ctl; FMNT=$FF/fuse; MA=$SCRATCH/mnt21a; MB=$SCRATCH/mnt21b
mkdir -p $CTL $FMNT $MA $MB; rm -f $CTL/hang $CTL/errors
OLD_TO=$(cat /proc/sys/kernel/hung_task_timeout_secs); OLD_WARN=$(cat /proc/sys/kernel/hung_task_warnings)
FPID=; LA=; LB=
cleanup() {
  rm -f $CTL/hang; sleep 1
  umount $MA 2>/dev/null; umount $MB 2>/dev/null
  [ -n "$LA" ] && losetup -d $LA 2>/dev/null; [ -n "$LB" ] && losetup -d $LB 2>/dev/null
  fusermount3 -u $FMNT 2>/dev/null || umount $FMNT 2>/dev/null
  [ -n "$FPID" ] && kill $FPID 2>/dev/null
  echo $OLD_TO > /proc/sys/kernel/hung_task_timeout_secs; echo $OLD_WARN > /proc/sys/kernel/hung_task_warnings
  inst_del ordwait; tracing_all_off
}
trap cleanup EXIT
HALF=$((192 << 20))
truncate -s 0 $FF/backing.img; truncate -s $((2 * HALF)) $FF/backing.img
FAULTFS_CTL=$CTL $BIN/faultfs $FF/backing.img $CTL $FMNT 2> $SCRATCH/faultfs21.log &
FPID=$!
for i in $(seq 50); do mountpoint -q $FMNT && break; sleep 0.1; done
LA=$(losetup -f --show --direct-io=on --sizelimit $HALF $FMNT/disk.img) &&
LB=$(losetup -f --show --direct-io=on --offset $HALF --sizelimit $HALF $FMNT/disk.img) || { echo "losetup failed" >&2; exit 1; }
mkfs.btrfs -q -f -K -n 4096 -L iolens21a $LA > /dev/null && mkfs.btrfs -q -f -K -n 4096 -L iolens21b $LB > /dev/null &&
mount $LA $MA && mount $LB $MB || { echo "mkfs/mount failed" >&2; exit 1; }
DA=$(kdev $LA); DB=$(kdev $LB)
# populate: many small files (fs tree of several levels), 32 MiB (A) / 16 MiB (B) of data (csum tree of two levels),
# then delete half of the data so that the existing data block groups have free space,
# and the empty files the workload writes (writes at EOF do not look up file extents; see README)
mkdir $MA/d $MB/d
for i in $(seq 1 1500); do echo "small file $i" > $MA/d/s$i; done
for i in $(seq 1 800); do echo "small file $i" > $MB/d/s$i; done
for f in $MA/f1 $MA/f2 $MA/f3 $MA/f4 $MB/f1 $MB/f2; do xfs_io -f -c "pwrite -q -S 0x11 -b 1m 0 8m" $f; done
# extents of 64 KiB and 512 KiB: data block groups of the small and medium size classes already exist, so the
# workload's 256 KiB..1 MiB extents need no new chunk (allocating one also inserts a block-group item)
for m in $MA $MB; do xfs_io -f -c "pwrite -q -S 0x12 0 64k" $m/m64k; xfs_io -f -c "pwrite -q -S 0x13 0 512k" $m/m512k; done
sync; rm $MA/f3 $MA/f4 $MB/f2
touch $MA/e1 $MA/e2 $MA/e3 $MA/e4 $MB/b1
sync; sync
{
  echo "backing file $FF/backing.img ($((2 * HALF)) bytes) exported by faultfs as $FMNT/disk.img (FUSE, direct_io)"
  echo "fsA: $LA kdev $DA ($(stat -Lc '%t:%T' $LA)) --direct-io=on offset 0 sizelimit $HALF; btrfs -n 4096 label iolens21a uuid $(blkid -s UUID -o value $LA) at $MA"
  echo "fsB: $LB kdev $DB ($(stat -Lc '%t:%T' $LB)) --direct-io=on offset $HALF sizelimit $HALF; btrfs -n 4096 label iolens21b uuid $(blkid -s UUID -o value $LB) at $MB"
  echo "inodes (root=5 FS_TREE): fsA $(cd $MA && ls -i e1 e2 e3 e4 | tr '\n' ' ')| fsB $(cd $MB && ls -i b1 | tr '\n' ' ')"
  for m in $MA $MB; do
    echo "$m tree levels: FS_TREE root level $(btrfs inspect-internal dump-tree -t 5 $( [ $m = $MA ] && echo $LA || echo $LB) | awk '/^(node|leaf) /{print ($1=="leaf")?0:$4; exit}')," \
         "CSUM_TREE root level $(btrfs inspect-internal dump-tree -t 7 $( [ $m = $MA ] && echo $LA || echo $LB) | awk '/^(node|leaf) /{print ($1=="leaf")?0:$4; exit}')"
  done
  for m in $MA $MB; do echo "btrfs filesystem df $m:"; btrfs filesystem df $m; done
} > $OUT/setup.txt

H=$(inst_new ordwait 4096 local); MARK_BUFS=$H
C='comm == "xfs_io" || comm == "sync" || comm == "umount"'
for e in block_rq_insert block_rq_issue block_rq_complete; do ev $H block/$e "dev == $DA || dev == $DB"; done
for e in add remove start put split dec_test_pending mark_finished lookup lookup_range lookup_first_range lookup_for_logging lookup_first; do
  ev $H btrfs/btrfs_ordered_extent_$e; done
for e in btrfs_finish_ordered_extent btrfs_sync_file btrfs_sync_fs btrfs_transaction_commit; do ev $H btrfs/$e; done
ev $H sched/sched_process_hang
ev $H sched/sched_switch 'prev_state == 2 && (prev_comm == "xfs_io" || prev_comm == "sync" || prev_comm == "umount" || prev_comm ~ "kworker/*")'
ev $H workqueue/workqueue_queue_work 'workqueue == "btrfs-endio-write" || workqueue == "btrfs-flush_delalloc"'
ev $H workqueue/workqueue_execute_start 'function.function == btrfs_work_helper'
ev $H workqueue/workqueue_execute_end 'function.function == btrfs_work_helper'
for s in pwrite64 fsync fallocate sync umount; do ev $H syscalls/sys_enter_$s "$C"; ev $H syscalls/sys_exit_$s "$C"; done
echo 4 > /proc/sys/kernel/hung_task_timeout_secs; echo 100 > /proc/sys/kernel/hung_task_warnings
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
mark "1 DROP: echo 1 > /proc/sys/vm/drop_caches (clean page cache incl. btree leaves; dentries/inodes stay)"
echo 1 > /proc/sys/vm/drop_caches
mark "2 HOLD READS: fusectl/hang = 'r 0 999999999999' (FUSE reads block, writes complete)"
echo "r 0 999999999999" > $CTL/hang.tmp && mv $CTL/hang.tmp $CTL/hang
mark "3 fsA: e1 write 1MiB + fsync, e2 write 512KiB, e3 write 512KiB + punch 128KiB@128KiB, e4 O_DIRECT write 256KiB"
xfs_io -c "pwrite -q -S 0x22 -b 256k 0 1m" -c fsync $MA/e1 & P1=$!
xfs_io -c "pwrite -q -S 0x33 -b 256k 0 512k" $MA/e2 & P2=$!
xfs_io -c "pwrite -q -S 0x44 -b 128k 0 512k" -c "fpunch 128k 128k" $MA/e3 & P3=$!
xfs_io -d -c "pwrite -q -S 0x55 -b 128k 0 256k" $MA/e4 & P4=$!
sleep 1
mark "4 sync"
sync & P5=$!
sleep 1
mark "5 fsB: b1 write 1MiB, then umount fsB"
xfs_io -c "pwrite -q -S 0x66 -b 256k 0 1m" $MB/b1; echo "b1 write rc=$?"
umount $MB & P6=$!
echo "pids: e1-fsync=$P1 e2=$P2 e3-punch=$P3 e4-odirect=$P4 sync=$P5 umount=$P6"
sleep 11
mark "6 snapshot of D-state tasks"
snapshot > $OUT/blocked-tasks.txt 2>&1
mark "7 RELEASE: rm fusectl/hang"
rm -f $CTL/hang
for p in $P1 $P2 $P3 $P4 $P5 $P6; do wait $p; echo "pid $p exit $?"; done
mountpoint -q $MB && echo "fsB still mounted" || echo "fsB unmounted"
mark "8 end"
} > $OUT/workload-output.txt 2>&1
echo 0 > $H/tracing_on
echo $OLD_TO > /proc/sys/kernel/hung_task_timeout_secs; echo $OLD_WARN > /proc/sys/kernel/hung_task_warnings
dmesg | awk -v t0=$T0 '{ if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) { ts = substr($0, 2, RLENGTH-2) + 0; if (ts >= t0) print } }' > $SCRATCH/dmesg21.txt
save_meta $H $OUT
cat $H/trace > $OUT/trace.txt
# workqueue events print the work function with %ps (bare name): give kallsyms_subset.py those names too
grep -o 'function [A-Za-z_][A-Za-z0-9_.]*' $OUT/trace.txt | sort -u | awk '{print $2 "+0x0/0x0"}' > $SCRATCH/wqfuncs21.txt
( cd $SCRATCH && extract_small '-B ordwait' ordwait.dat $OUT/trace.txt $SCRATCH/wqfuncs21.txt ) > $OUT/extract.log 2>&1
trace-cmd report -i $SCRATCH/ordwait.dat > $OUT/report.txt
grep -E "hang file|HANG|RELEASE" $SCRATCH/faultfs21.log > $OUT/faultfs-daemon-excerpt.log
# hung-task reports: the detector passes (4 s apart) up to the first one by which every reported task has been
# reported once (later passes only repeat the same tasks)
python3 - $SCRATCH/dmesg21.txt > $OUT/dmesg-hung-tasks.txt <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
ts = lambda l: float(re.match(r'^\[\s*([\d.]+)\]', l).group(1))
rep = [(i, m.group(1), ts(l)) for i, l in enumerate(lines) for m in [re.search(r'INFO: task (.+) blocked for more than \d+ seconds', l)] if m]
alltasks = {t for _, t, _ in rep}; seen = set(); end = len(lines)
for k, (i, t, tt) in enumerate(rep):
    seen.add(t)
    if seen == alltasks:   # end of this pass = next report more than 1 s later (next pass), or end of log
        nxt = [j for j, _, t2 in rep[k + 1:] if t2 - tt > 1.0]
        end = nxt[0] if nxt else len(lines); break
print('\n'.join(lines[:end]))
EOF
derive
ls -la $OUT; wc -l $SCRATCH/dmesg21.txt
