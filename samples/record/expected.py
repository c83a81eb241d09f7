#!/usr/bin/env python3
"""expected.py [SAMPLE...] - (re)write samples/<NN>/expected.json for the recorded samples from the files
themselves, using count_events.py (line classification + event counts, cross-checked across layouts of
the same recording) and truth.py (ground truth from the kernel text). Scenario-specific truth that can only
be known from the workload (tool output such as the preadv2 return value, i_size) is read from
workload-output.txt / setup.txt and stated in `truth.workload`."""
import os, sys, json, subprocess, re
REC = os.path.dirname(os.path.abspath(__file__)); S = os.path.dirname(REC)
def count(d, specs, same=True):
    args = [os.path.join(S, d, f) + ':' + fmt + (f':{pw}' if pw else '') for f, fmt, pw in specs]
    return json.loads(subprocess.check_output([sys.executable, os.path.join(REC, 'count_events.py')] + (['--same'] if same else []) + args))
def truth(d, f='trace.txt', *extra):
    return json.loads(subprocess.check_output([sys.executable, os.path.join(REC, 'truth.py'), os.path.join(S, d, f)] + list(extra)))
def text(d, f):
    p = os.path.join(S, d, f)
    return open(p).read().splitlines() if os.path.exists(p) else []
K, R, L, RAW = 'ftrace-kernel', 'trace-cmd-report', 'trace-cmd-report-latency', 'trace-cmd-report-raw'
def write(d, c, t):
    c.pop('skippedLineNumbers', None)
    out = {'files': c['files'], 'findings': c['findings'], 'truth': t}
    with open(os.path.join(S, d, 'expected.json'), 'w') as f: json.dump(out, f, indent=1); f.write('\n')
    print('wrote', d, {k: v['events'] for k, v in c['files'].items()})

def s01():
    d = '01-layouts-xfs'
    c = count(d, [('trace.txt', K, 0), ('trace-tgid.txt', K, 0), ('trace-noirqinfo.txt', K, 0), ('report.txt', R, 0),
                  ('report-l.txt', L, 0), ('report-t.txt', R, 0), ('report-R.txt', RAW, 0), ('report-tsdiff.txt', R, 0),
                  ('report-verbose.txt', R, 0)])
    c2 = count(d, [('aux-trace.txt', K, 0), ('report-inst.txt', R, 5)])
    c['files'].update(c2['files']); c['findings'] += c2['findings']
    t = truth(d)
    t['sameEvents'] = 'trace.txt, trace-tgid.txt, trace-noirqinfo.txt, trace.dat and all report*.txt except report-inst.txt hold the same events (top buffer); aux-trace.txt and report-inst.txt hold the instance "aux" (block_rq_issue/complete + STEP markers, prefix "aux: ", width 5)'
    t['traceDat'] = {'file': 'trace.dat', 'fileVersion': 7, 'compression': 'zstd', 'events': c['files']['report.txt']['events'],
                     'cpus': 2, 'kallsyms': 'subset (only symbols referenced by the events, see record/kallsyms_subset.py)'}
    t['workload'] = text(d, 'setup.txt') + text(d, 'workload-output.txt')
    write(d, c, t)

def s02():
    d = '02-counter-clock'
    c = count(d, [('trace.txt', K, 0), ('ctr-trace.txt', K, 0)])
    c2 = count(d, [('report-both.txt', R, 5), ('report-both-verbose.txt', R, 5), ('report-both-l.txt', L, 5),
                   ('report-both-v6-verbose.txt', R, 5)])
    c['files'].update(c2['files']); c['findings'] += c2['findings']
    t = truth(d)
    t['clock'] = 'counter: timestamps are raw integers (no decimal point), one tick per event; top buffer and instance "ctr" share the counter, so their events interleave (odd/even values)'
    t['emptyCpu'] = 1
    t['reportBoth'] = 'report-both*.txt = trace.txt (top buffer, blank 5-char prefix) + ctr-trace.txt (prefix "ctr: "): twice the events of trace.txt'
    t['workload'] = text(d, 'workload-output.txt')
    write(d, c, t)

def s03():
    d = '03-trace-pipe-lost'
    c = count(d, [('trace_pipe.txt', K, 0)])
    st = text(d, 'buffer-stats.txt')
    t = truth(d, 'trace_pipe.txt')
    t['lost'] = {'explanation': 'trace_pipe is a consuming read without header; after each burst the reader finds the ring buffer overwritten and the kernel prints CPU:N [LOST M EVENTS] before the next event of that CPU',
                 'bufferStatsOverrun': {l2.split()[1]: int(st[i + 2].split()[1]) for i, l2 in enumerate(st) if l2.startswith('== ')},
                 'cpusNote': 'no header in trace_pipe: cpus = number of distinct CPUs seen (2)'}
    t['workload'] = text(d, 'workload-output.txt')
    write(d, c, t)

def s04():
    d = '04-overwrite-annotate'
    c = count(d, [('trace.txt', K, 0), ('report.txt', R, 4), ('report-l.txt', L, 4)], same=False)
    t = truth(d)
    hdr = [l for l in text(d, 'trace.txt') if 'entries-in-buffer' in l][0]
    e, w = map(int, re.search(r'(\d+)/(\d+)', hdr).groups())
    t['overwrite'] = {'entriesInBuffer': e, 'entriesWritten': w, 'overwritten': w - e,
                      'annotateLine': [i + 1 for i, l in enumerate(text(d, 'trace.txt')) if l.startswith('##### CPU')],
                      'note': 'STEP 2 marker was written on CPU 1 and was overwritten; trace-cmd report shows the loss as "ow: CPU:1 [N EVENTS DROPPED]" and prints the next record WITHOUT the "ow: " prefix (trace-cmd bug)'}
    t['workload'] = text(d, 'workload-output.txt')
    write(d, c, t)

def s10():
    d = '10-nowait-partial-read'
    c = count(d, [('trace.txt', K, 0), ('report.txt', R, 4)])
    t = truth(d, 'trace.txt', '--uring-all')
    t['workload'] = text(d, 'setup.txt') + text(d, 'workload-output.txt')
    t['shortReads'] = [
        {'step': 1, 'api': 'preadv2(RWF_NOWAIT)', 'file': 'f (xfs, ino 131)', 'offset': 0, 'requested': 262144, 'returned': 65536, 'i_size': 1048576,
         'why': 'RWF_NOWAIT: only [0,64KiB) was in the page cache; filemap_read copies the cached folios and returns the partial count instead of waiting for I/O on the first uncached folio (it still starts readahead: RA block reads follow, fincore shows 256 KiB cached afterwards)'},
        {'step': 2, 'api': 'io_uring IORING_OP_READ rw_flags=RWF_NOWAIT (buffered)', 'user_data': '0x1002', 'offset': 0, 'requested': 262144, 'returned': 65536, 'i_size': 1048576,
         'why': 'same as step 1: REQ_F_NOWAIT makes io_uring complete with the partial result instead of retrying the remainder'},
        {'step': 3, 'api': 'preadv2(RWF_NOWAIT)', 'offset': 524288, 'requested': 262144, 'returned': -11, 'i_size': 1048576, 'why': 'nothing cached at 512 KiB: -EAGAIN'},
        {'step': 4, 'api': 'io_uring READ RWF_NOWAIT', 'user_data': '0x1004', 'offset': 524288, 'requested': 262144, 'returned': -11, 'i_size': 1048576, 'why': 'nothing cached: CQE res -EAGAIN (no io-wq punt for RWF_NOWAIT)'},
        {'step': 5, 'api': 'preadv2 (control, no NOWAIT)', 'offset': 0, 'requested': 262144, 'returned': 262144, 'i_size': 1048576, 'why': 'full read (waits for I/O)'},
        {'step': 6, 'api': 'io_uring READ (control, no NOWAIT)', 'user_data': '0x1006', 'offset': 0, 'requested': 262144, 'returned': 262144, 'i_size': 1048576, 'why': 'full read'}]
    write(d, c, t)

def s11():
    d = '11-unaligned-discard'
    c = count(d, [('trace.txt', K, 0), ('report.txt', R, 4)])
    t = truth(d)
    t['workload'] = text(d, 'setup.txt') + text(d, 'workload-output.txt')
    t['summary'] = ('fallocate(PUNCH_HOLE|KEEP_SIZE, 1536, 4096) on the raw loop device returns 0 on 6.18 (both orders) and is issued '
                    'as a WRITE_ZEROES request: rwbs "NS" 3 + 8 (sector 3, 8 sectors) - not a discard. Only BLKDISCARD (blkdiscard) '
                    'produces rwbs "D" (3 + 8). ZERO_RANGE also gives "NS" 3 + 8. The page-cache side: the dirty page 0 written '
                    'before the punch is partially zeroed in the cache (bytes 1536..4095) and written back at fsync (WS 0 + 8); '
                    'reads show sectors 3..10 zero, 11+ still 0xaa.')
    write(d, c, t)

def s20():
    d = '20-btrfs-hang'
    c = count(d, [('trace.txt', K, 0), ('report.txt', R, 6)])
    t = truth(d)
    dm = text(d, 'dmesg-hung-tasks.txt')
    t['hungTaskReports'] = [re.search(r'INFO: task (.*) blocked for more than (\d+) seconds', l).groups() for l in dm if 'INFO: task' in l]
    t['hungTaskReports'] = [{'task': a, 'blockedSeconds': int(b)} for a, b in t['hungTaskReports']]
    t['schedProcessHang'] = [l.split('sched_process_hang: ')[1] for l in text(d, 'trace.txt') if 'sched_process_hang: ' in l]
    bt = text(d, 'blocked-tasks.txt'); stacks = {}; cur = None
    for l in bt:
        if l.startswith('--- task '): cur = l[9:]; stacks[cur] = []
        elif cur and l.startswith('[<0>] '): stacks[cur].append(l[6:].split('+')[0])
    t['blockedTasks'] = stacks
    t['summary'] = ('All four writers block in folio_wait_writeback (writeback of the data never completes because the loop '
                    'device\'s FUSE backing file hangs): fsync via btrfs_sync_file->btrfs_wait_ordered_range, O_DIRECT write '
                    '(datasum -> buffered fallback) in btrfs_direct_write, punch hole in btrfs_fallocate->btrfs_wait_ordered_range, '
                    'sync in sync_inodes_sb. Ordered extents are added but not finished until the hang is released (STEP 4).')
    t['dmesg'] = {'file': 'dmesg-hung-tasks.txt', 'format': 'kernel-log', 'lines': len(dm), 'hungTaskReports': len(t['hungTaskReports'])}
    t['workload'] = text(d, 'setup.txt') + text(d, 'workload-output.txt')
    write(d, c, t)

ALL = {'01': s01, '02': s02, '03': s03, '04': s04, '10': s10, '11': s11, '20': s20}
for k in (sys.argv[1:] or ALL):
    if os.path.isdir(os.path.join(S, [x for x in os.listdir(S) if x.startswith(k + '-')][0])): ALL[k]()
