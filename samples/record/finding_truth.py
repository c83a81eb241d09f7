#!/usr/bin/env python3
"""finding_truth.py - the findings iolens SHOULD report on each sample input: `findingTruth` in expected.json, a list of
{file, kind, line, why}, one entry per finding, `line` = the decisive line of the finding.

Derived from the raw files (kernel `trace` text, dmesg, /proc stack snapshots) and the workloads (workload-output.txt,
setup.txt, the sample README's facts restated in expected.py), with plain regular expressions; never from iolens
output. Which event is the decisive one, and how findings are grouped, is the detectors' convention (their doc
comments, extension/engine/detectors/*.ts, hang/hangAnalysis.ts, logio/logIoErrorFinding.ts); the judgement whether
a pattern is there is made here from the raw events:

* io-error (trace): every block request that completed with an error: its `block_rq_complete ... [-N]` line (the
  claim "a block request failed" holds even when a retry succeeded); a request only requeued: its first requeue line.
* io-error (kernel log): one per device that the log shows a failed I/O on (block layer `I/O error, dev X`, btrfs
  `errs:` with a grown wr/rd/flush counter or `direct IO failed`, ext4 `I/O error N writing to inode`, `Buffer I/O
  error`, NVMe `... timeout, aborting`, XFS `log I/O error` / `metadata I/O error`): the device's first such line.
  Partitions fold into their disk (`sda8` -> `sda`).
* short-read: a read whose caller got fewer bytes than it asked for, before EOF: the syscall exit / io_uring
  completion. Proven by i_size (fs events of the call, or the workload) or by the next read of the same fd failing
  with an I/O error. A read that stops at EOF, a read whose result is not proven short, an error result (-EIO,
  -EAGAIN) is none. A filesystem read without a traced caller whose caller got its bytes (btrfs DIO fallback) is none.
* nowait-retry (issue 11 item 6 decision): a RWF_NOWAIT read returned -EAGAIN to the application (preadv2 with
  RWF_NOWAIT exits -11, an io_uring READ completes with res -11) and no read of the same range by the same task
  follows in the trace: the preadv2 exit / the CQE. io_uring's own inline-NOWAIT attempts and app retries that
  follow are no finding.
* unaligned-discard: a discard / write-zeroes on a block device (fallocate PUNCH_HOLE / ZERO_RANGE whose task queued
  a `D`/`N` bio during the call, a BLKDISCARD ioctl, a zeroing request of no call) whose byte range does not start
  and end on a 4 KiB page, while a buffered write of the same device writes one of its partial pages (anywhere in
  the trace): the fallocate's enter line / the zeroing request's first bio line; a fallocate that returned -EBUSY:
  its exit line.
* ordered-extent-ioerr: a btrfs ordered extent whose flags show IOERR (or a per-range completion with uptodate=0):
  the first ordered-extent event whose flags contain IOERR, else the first `uptodate=0` completion.
* ordered-extent-unfinished: an extent added and neither marked finished, completed nor removed by the end of the
  trace, older than 1 s (or with a hung task), while later events show tasks waiting (fsync, sync,
  btrfs_ordered_extent_start, a D-state switch, sched_process_hang): its add line.
* stale-iomap: one per inode with an `xfs_iomap_invalid` / `xfs_wb_*_iomap_invalid` or a STALE map: the first one.
* hung-task (trace): one per pid with `sched_process_hang`: its first one. (kernel log): one per task reported in D
  state (hung-task report, sysrq dump, blocker owner dump, /proc stack snapshot that states D), the same pid once: the
  first line of its richest report (hung-task > sysrq-w > sysrq-t > blocker > /proc stack > dump, then the earliest).
* ordered-extent-wait: each such D task whose reliable stack (no `? ` frames) has a btrfs ordered-extent wait
  function: the line of the top-most such frame.
* lost-events, timestamp-disorder, parse-error: the lines count_events.py (traces) / 90-malformed/make.py /
  22-kernel-log-forms/truth.json (damaged kernel-log lines) name, one entry per line.
* wait-cycle, stalled-io: none of the single files has one (no cycle in any log; stalled I/O needs a log and a
  trace analysed together).
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fp_truth as FP  # noqa: E402
import count_events as CE  # noqa: E402

PAGE = 4096
EAGAIN, EINTR = -11, -4
RWF_NOWAIT = 0x8
OE_WAIT = re.compile(r'^(?:btrfs_start_ordered_extent\w*|btrfs_wait_ordered_range|btrfs_wait_ordered_extents|btrfs_wait_ordered_roots|'
                     r'btrfs_lock_and_flush_ordered_range|btrfs_wait_ordered_(?:inode|extent))$')
SOURCE_RANK = {'hung-task': 0, 'sysrq-w': 1, 'sysrq-t': 2, 'blocker': 3, 'proc-stack': 4, 'dump': 5}


def entry(file, kind, line, why):
    return {'file': file, 'kind': kind, 'line': line, 'why': why}


def sort_entries(es):
    return sorted(es, key=lambda e: (e['file'], e['line'], e['kind']))


# ---------------------------------------------------------------------------------------------------------------
# kernel `trace` text: per-kind oracles

def io_errors(path, file):
    out = [entry(file, 'io-error', e['line'], f"block_rq_complete {e['dev']} {e['rwbs']} {e['sector']} + {e['sectors']} failed with {e['error']}")
           for e in FP.block_completions(path, True)]
    failed = {(e['dev'], e['sector']) for e in FP.block_completions(path, True)}
    seen = set()
    for no, comm, pid, ts, rest in FP.events(path):   # requeued, finally completed without an error
        m = re.match(r'block_rq_requeue: (\d+),(\d+) (\S+) \(.*?\) (\d+) \+ (\d+)', rest)
        if m and (f'{m.group(1)}:{m.group(2)}', int(m.group(4))) not in failed | seen:
            seen.add((f'{m.group(1)}:{m.group(2)}', int(m.group(4))))
            out.append(entry(file, 'io-error', no, f'block request {m.group(3)} {m.group(4)} + {m.group(5)} requeued by the driver'))
    return out


OE_EV = re.compile(r'btrfs_ordered_extent_(\w+): \S+ root=(\d+)\(\S+\) ino=(\d+) file_offset=(\d+) start=(\d+) len=(\d+) .*?flags=(\S+)')
FIN_EV = re.compile(r'btrfs_finish_ordered_extent: \S+ root=(\d+)\(\S+\) ino=(\d+) start=(\d+) len=(\d+) uptodate=(\d)')


def _extents(path):
    """btrfs ordered extents by (root, ino, file_offset): every event line with its flags, per-range completions."""
    oes = collections.OrderedDict(); fins = []; ev = []
    for no, comm, pid, ts, rest in FP.events(path):
        ev.append((no, comm, pid, float(ts), rest))
        m = OE_EV.match(rest)
        if m:
            key = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
            o = oes.setdefault(key, {'root': key[0], 'ino': key[1], 'fileOffset': key[2], 'len': int(m.group(6)), 'events': []})
            o['events'].append((no, m.group(1), m.group(7), float(ts)))
            continue
        m = FIN_EV.match(rest)
        if m:
            fins.append((no, int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(5)), float(ts)))
    for o in oes.values():
        o['finishes'] = [f for f in fins if f[1] == o['root'] and f[2] == o['ino'] and o['fileOffset'] <= f[3] < o['fileOffset'] + o['len']]
    return list(oes.values()), ev


def ordered_extent_ioerr(path, file):
    out = []
    for o in _extents(path)[0]:
        first = next((no for no, kind, flags, ts in o['events'] if 'IOERR' in flags.split('|')), None)
        failed = next((f[0] for f in o['finishes'] if f[4] == 0), None)
        line = first if first is not None else failed
        if line is not None:
            out.append(entry(file, 'ordered-extent-ioerr', line, f"btrfs ordered extent ino {o['ino']} [{o['fileOffset']}, +{o['len']}) "
                             f"{'flags IOERR' if first is not None else 'completed with uptodate=0'}"))
    return out


def ordered_extent_unfinished(path, file):
    oes, ev = _extents(path)
    if not ev: return []
    end = ev[-1][3]; out = []
    for o in oes:
        kinds = {k for _, k, _, _ in o['events']}
        if 'add' not in kinds or kinds & {'mark_finished', 'remove'} or o['finishes']: continue
        add_line, add_ts = next((no, ts) for no, k, _, ts in o['events'] if k == 'add')
        waits = [no for no, comm, pid, ts, rest in ev if no > add_line and (
            rest.startswith('sched_process_hang: ') or re.match(r'sys_(?:fsync|fdatasync|sync|syncfs)\(', rest) or 'prev_state=D' in rest
            or (rest.startswith('btrfs_ordered_extent_start: ') and f"ino={o['ino']} file_offset={o['fileOffset']} " in rest))]
        hung = any(rest.startswith('sched_process_hang: ') for no, comm, pid, ts, rest in ev if no > add_line)
        if waits and (end - add_ts >= 1.0 or hung):
            out.append(entry(file, 'ordered-extent-unfinished', add_line, f"ordered extent ino {o['ino']} [{o['fileOffset']}, +{o['len']}) never finished, waited for"))
    return out


STALE_EV = re.compile(r'(xfs_iomap_invalid|xfs_wb_data_iomap_invalid|xfs_wb_cow_iomap_invalid|iomap_iter_dstmap|iomap_iter_srcmap|'
                      r'iomap_apply_dstmap|iomap_apply_srcmap|iomap_writepage_map|iomap_add_to_ioend): dev (\d+:\d+) ino (0x[0-9a-f]+)')


def stale_iomap(path, file):
    first = collections.OrderedDict(); count = collections.Counter()
    for no, comm, pid, ts, rest in FP.events(path):
        m = STALE_EV.match(rest)
        if not m: continue
        f = re.search(r'flags (\S*) \((0x[0-9a-f]+)\)', rest)
        # IOMAP_F_STALE: by name, or (6.18, which prints no name for it) bit 0x8000 of the raw value
        if m.group(1).endswith('_invalid') or (f and ('STALE' in f.group(1).split('|') or int(f.group(2), 16) & 0x8000)):
            key = (m.group(2), m.group(3)); count[key] += 1
            first.setdefault(key, (no, m.group(1)))
    return [entry(file, 'stale-iomap', no, f'first of {count[k]} stale iomaps ({ev}) of dev {k[0]} ino {k[1]}') for k, (no, ev) in first.items()]


def trace_hangs(path, file):
    first = collections.OrderedDict(); n = collections.Counter()
    for no, comm, pid, ts, rest in FP.events(path):
        m = re.match(r'sched_process_hang: comm=(.*) pid=(\d+)', rest)
        if m:
            n[int(m.group(2))] += 1
            first.setdefault(int(m.group(2)), (no, m.group(1)))
    return [entry(file, 'hung-task', no, f'sched_process_hang of {c}:{pid} ({n[pid]}x); the trace alone has no stack') for pid, (no, c) in first.items()]


def _fd_of(args):
    return args.get('fd')


def proven_short_syscalls(path, file, requested=None, i_size=None):
    """read / pread64 / preadv2 that returned 0 <= ret < requested where the trace proves more data: i_size of the
    file's fs read events inside the call (or `i_size(call)` from the workload), or the next read of the same fd by
    the same task failing with an I/O error. `requested(call)` gives the length of calls that print none (preadv2)."""
    calls = FP.syscalls(path, {'read', 'pread64', 'preadv2'})
    ev = list(FP.events(path)); out = []
    for i, x in enumerate(calls):
        req = x['args'].get('count') if x['syscall'] != 'preadv2' else None
        if req is None and requested: req = requested(x)
        if req is None or not (0 <= x['ret'] < req) or x['enterLine'] is None: continue
        size = i_size(x) if i_size else None; pos = None
        for no, comm, pid, ts, rest in ev:
            if x['enterLine'] < no < x['exitLine'] and pid == x['pid']:
                m = re.match(r'xfs_file_(?:buffered|direct)_read: dev \S+ ino \S+ disize (0x[0-9a-f]+) pos (0x[0-9a-f]+)', rest)
                if m:
                    size = int(m.group(1), 16); pos = int(m.group(2), 16) if pos is None else pos
        if pos is None: pos = x['args'].get('pos', x['args'].get('pos_l'))
        nxt = next((y for y in calls[i + 1:] if y['pid'] == x['pid'] and _fd_of(y['args']) == _fd_of(x['args'])), None)
        why = None
        if size is not None and pos is not None and pos + x['ret'] < size:
            why = f"{x['syscall']} returned {x['ret']} of {req} at offset {pos}, i_size {size}"
        elif nxt is not None and nxt['ret'] < 0 and nxt['ret'] not in (EAGAIN, EINTR) and x['ret'] > 0:
            why = f"{x['syscall']} returned {x['ret']} of {req}, the next read of fd {_fd_of(x['args'])} failed with {nxt['ret']}: stopped at an I/O error before EOF"
        if why: out.append(entry(file, 'short-read', x['exitLine'], why))
    return out


def proven_short_uring(path, file, req_of):
    """io_uring READ completions with 0 <= res < requested and offset + res < i_size; `req_of(request)` gives
    (requested, offset, i_size) from the workload (io_uring events print none of them), or None."""
    out = []
    for u in FP.uring(path):
        if not (u['opcode'] or '').startswith('READ') or u['result'] < 0: continue
        r = req_of(u)
        if r is None: continue
        req, off, size = r
        if u['result'] < req and off + u['result'] < size:
            out.append(entry(file, 'short-read', u['completeLine'], f"io_uring READ user_data {u['user_data']} completed with {u['result']} of {req} at offset {off}, i_size {size}"))
    return out


def nowait_eagain(path, file, uring_offset=None):
    """RWF_NOWAIT reads that returned -EAGAIN to the application and were not read again by the same task."""
    out = []
    calls = FP.syscalls(path, {'read', 'pread64', 'preadv2', 'readv', 'preadv'})
    for i, x in enumerate(calls):
        if x['syscall'] != 'preadv2' or x['ret'] != EAGAIN or not (x['args'].get('flags', 0) & RWF_NOWAIT): continue
        pos = x['args'].get('pos_l')
        again = [y for y in calls[i + 1:] if y['pid'] == x['pid'] and _fd_of(y['args']) == _fd_of(x['args']) and y['args'].get('pos', y['args'].get('pos_l')) == pos]
        if not again:
            out.append(entry(file, 'nowait-retry', x['exitLine'], f'preadv2(RWF_NOWAIT) at {pos} returned -EAGAIN to {x["task"]}; no read of the range followed'))
    ur = FP.uring(path)
    for i, u in enumerate(ur):
        if u['result'] != EAGAIN or not (u['opcode'] or '').startswith('READ'): continue
        off = uring_offset(u) if uring_offset else None
        again = [v for v in ur[i + 1:] if v['pid'] == u['pid'] and (v['opcode'] or '').startswith('READ') and (off is None or uring_offset(v) == off)]
        again += [y for y in calls if y['pid'] == u['pid'] and y['enterLine'] and y['enterLine'] > u['completeLine']]
        if not again:
            out.append(entry(file, 'nowait-retry', u['completeLine'], f"io_uring READ user_data {u['user_data']} (RWF_NOWAIT) completed with -EAGAIN; no read of the range followed"))
    return out


def unaligned_discards(path, file, bdev_writers=None):
    """Zeroing operations on a block device whose range is not page-aligned, next to buffered writes of a partial
    page on the same device. Buffered writes to the raw device: pwrite64 / write of the tasks named in
    `bdev_writers` {comm: 'M:m'} (the workload's tools that open the device itself)."""
    bdev_writers = bdev_writers or {}
    ev = list(FP.events(path))
    bio = [(no, pid, f'{m.group(1)}:{m.group(2)}', m.group(3), int(m.group(4)), int(m.group(5))) for no, comm, pid, ts, rest in ev
           for m in [re.match(r'block_bio_queue: (\d+),(\d+) ([DN]\S*) (\d+) \+ (\d+)', rest)] if m]
    calls = FP.syscalls(path, {'fallocate', 'ioctl', 'pwrite64', 'write'})
    writes = [dict(x, dev=bdev_writers[x['task'].rsplit('-', 1)[0]]) for x in calls
              if x['syscall'] in ('pwrite64', 'write') and x['ret'] > 0 and x['task'].rsplit('-', 1)[0] in bdev_writers and 'pos' in x['args']]
    ops = []; used = set()
    for x in calls:
        if x['enterLine'] is None: continue
        mine = [b for b in bio if x['enterLine'] < b[0] < x['exitLine'] and b[1] == x['pid']]
        if x['syscall'] == 'fallocate' and x['ret'] == -16:
            ops.append(('ebusy', x['exitLine'], None, 0, 0))
        elif x['syscall'] == 'fallocate' and mine and x['args'].get('mode', 0) & 0x92 and mine[0][4] * 512 == x['args'].get('offset'):
            # on the raw device the zeroing bio starts at the fallocate's offset (a filesystem's discards do not)
            ops.append(('fallocate', x['enterLine'], mine[0][2], x['args']['offset'], x['args']['offset'] + x['args']['len']))
            used.update(b[0] for b in mine)
        elif x['syscall'] == 'ioctl' and x['args'].get('cmd') == 0x1277 and mine:   # BLKDISCARD: the request its bios form
            rq = next((rest for no, comm, pid, ts, rest in ev if no > mine[0][0] and re.match(rf'block_rq_insert: {mine[0][2].replace(":", ",")} D\S* \d+ \(\) ', rest)), None)
            m = re.search(r' \(\) (\d+) \+ (\d+)', rq) if rq else None
            s, n = (int(m.group(1)), int(m.group(2))) if m else (mine[0][4], sum(b[5] for b in mine))
            ops.append(('BLKDISCARD', mine[0][0], mine[0][2], s * 512, (s + n) * 512))
            used.update(b[0] for b in mine)
    for b in bio:   # zeroing bios of no call on the device (a filesystem's online discard)
        if b[0] not in used:
            ops.append((f'{b[3]} request', b[0], b[2], b[4] * 512, (b[4] + b[5]) * 512))
    out = []
    for what, line, dev, start, end in ops:
        if what == 'ebusy':
            out.append(entry(file, 'unaligned-discard', line, 'fallocate returned -EBUSY')); continue
        partial = ({start // PAGE} if start % PAGE else set()) | ({(end - 1) // PAGE} if end % PAGE else set())
        if not partial: continue
        touching = [w for w in writes if w['dev'] == dev and any(w['args']['pos'] < (p + 1) * PAGE and w['args']['pos'] + w['ret'] > p * PAGE for p in partial)]
        if touching:
            w = min(touching, key=lambda w: abs(w['enterLine'] - line))
            out.append(entry(file, 'unaligned-discard', line, f'{what} of bytes [{start}, {end}) on {dev}: partial pages {sorted(partial)}; '
                             f'buffered {w["syscall"]} at {w["args"]["pos"]} + {w["ret"]} (line {w["enterLine"]}) writes one of them'))
    return out


# ---------------------------------------------------------------------------------------------------------------
# kernel logs

def oe_wait_frame(lines, first, last):
    """Line of the top-most reliable frame of a btrfs ordered-extent wait function in [first, last] (1-based)."""
    for no in range(first + 1, last + 1):   # the report's first line is its header, not a frame
        text = lines[no - 1]
        if 'wchan=' in text: continue
        for m in re.finditer(r'(\?\s+)?\b(btrfs_\w+?)(?:\.\w+)?(?=\+0x|\s+\(|\)|\s*$)', text):
            if OE_WAIT.match(m.group(2)) and m.group(1) is None and not re.search(r'RIP:|at: ', text[:m.start()]):
                return no, m.group(2)
    return None


def dmesg_tasks(path):
    """Tasks of a 6.x hung-task dmesg (`INFO: task comm:pid blocked ...`) and of a /proc stack snapshot
    (`--- task PID (comm) state D`): comm, pid, state, source, firstLine, lastLine."""
    lines = open(path, errors='replace').read().splitlines(); out = []
    for no, l in enumerate(lines, 1):
        m = re.search(r'INFO: task (.+):(\d+) blocked for more than (\d+) seconds', l)
        if m: out.append({'comm': m.group(1), 'pid': int(m.group(2)), 'state': 'D', 'source': 'hung-task', 'firstLine': no}); continue
        m = re.match(r'--- task (\d+) \((.*)\) state (\S)', l)
        if m: out.append({'comm': m.group(2), 'pid': int(m.group(1)), 'state': m.group(3), 'source': 'proc-stack', 'firstLine': no})
    for i, t in enumerate(out):
        t['lastLine'] = (out[i + 1]['firstLine'] - 1) if i + 1 < len(out) else len(lines)
    return out, lines


def log_hangs(file, tasks, lines, extra_d=()):
    """hung-task and ordered-extent-wait of a log's tasks (dicts with comm, pid, state, source, firstLine, lastLine).
    `extra_d`: pids the text itself says are in D state although the format prints no state."""
    by = collections.OrderedDict()
    for t in tasks:
        by.setdefault(t['pid'] if t['pid'] is not None else f"#{t['firstLine']}", []).append(t)
    out = []
    for pid, ts in by.items():
        if not any(t['state'] == 'D' or t['pid'] in extra_d for t in ts): continue
        withstack = [t for t in ts if has_frames(lines, t)]
        p = sorted(withstack or ts, key=lambda t: (SOURCE_RANK.get(t['source'], 9), t['firstLine']))[0]
        said = '' if p['state'] == 'D' else ' (the text says it is in D state; the format prints no state)'
        out.append(entry(file, 'hung-task', p['firstLine'], f"{p['source']} report of {p['comm'] or '?'}:{p['pid']} in D state{said}"))
        w = oe_wait_frame(lines, p['firstLine'], p['lastLine'])
        if w: out.append(entry(file, 'ordered-extent-wait', w[0], f"{p['comm'] or '?'}:{p['pid']} waits for btrfs ordered extents in {w[1]}"))
    return out


def has_frames(lines, t):
    """True when the task's lines hold at least one reliable stack frame (the engine's representative has a stack)."""
    for no in range(t['firstLine'] + 1, t['lastLine'] + 1):
        if re.search(r'(?:^|\]|\s)(?!\? )[A-Za-z_][\w.]*\+0x[0-9a-f]+/0x[0-9a-f]+', lines[no - 1]) and not re.search(r'\?\s+[A-Za-z_][\w.]*\+0x', lines[no - 1]):
            return True
    return False


def whole_disk(name):
    m = re.match(r'^((?:sd|vd|hd|xvd)[a-z]+)\d+$', name)
    if m: return m.group(1)
    m = re.match(r'^((?:nvme\d+(?:c\d+)?n|mmcblk|loop|nbd|md|rbd|zram|pmem|nullb)\d+)p\d+$', name)
    return m.group(1) if m else name


def log_io_errors(path, file):
    """One io-error per device the log shows a failed I/O on: the device's first such line."""
    first = collections.OrderedDict(); n = collections.Counter(); counters = {}
    for no, l in enumerate(open(path, errors='replace').read().splitlines(), 1):
        dev = what = None
        m = re.search(r'(?:^|\W)I/O error, dev (\w+), sector (\d+)', l)
        if m: dev, what = m.group(1), f'I/O error at sector {m.group(2)}'
        if not dev:
            m = re.search(r'BTRFS error \(device (\S+?)\): bdev \S+ errs: wr (\d+), rd (\d+), flush (\d+)', l)
            if m:
                now = tuple(int(x) for x in m.group(2, 3, 4)); prev = counters.get(m.group(1), (0, 0, 0)); counters[m.group(1)] = now
                if any(a > b for a, b in zip(now, prev)): dev, what = m.group(1), f'btrfs error counters wr {now[0]} rd {now[1]} flush {now[2]}'
        if not dev:
            m = re.search(r'BTRFS warning \(device (\S+?)\): direct IO failed', l) or re.search(r'EXT4-fs warning \(device (\S+?)\): \S+ I/O error', l) \
                or re.search(r'Buffer I/O error on dev(?:ice)? (\w+),', l) or re.search(r'XFS \((\S+?)\): (?:log I/O error|metadata I/O error)', l)
            if m: dev, what = m.group(1), m.group(0)
        if not dev:
            m = re.search(r'nvme (nvme\d+): I/O (?:tag )?\d+ .*QID \d+ timeout, (?:aborting|reset controller)', l)
            if m: dev, what = m.group(1), 'NVMe command timeout'
        if dev:
            d = whole_disk(dev); n[d] += 1
            first.setdefault(d, (no, what))
    return [entry(file, 'io-error', no, f'kernel log: first of {n[d]} I/O error line(s) of {d}: {what}') for d, (no, what) in first.items()]


# ---------------------------------------------------------------------------------------------------------------
# ingest kinds, and layouts of the same recording

def ingest_truth(count_out, files):
    """lost-events / timestamp-disorder / parse-error from count_events.py's output (findings + skipped lines)."""
    out = []
    for f in count_out['findings']:
        name = f['file'].split('/')[-1]
        if name in files: out.append(entry(name, f['kind'], f['line'], f.get('note', '')))
    for name, lines in count_out.get('skippedLineNumbers', {}).items():
        if name in files: out += [entry(name, 'parse-error', l, 'line that is no event and no known non-event line') for l in lines]
    return out


KLINE = re.compile(r'^(?:\S+: )?(?P<comm>.+?)-(?P<pid>\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(?P<cpu>\d+)\]\s+(?:\S{4,6}\s+)?(?P<ts>\d+(?:\.\d+)?): (?P<rest>.*)$')
RLINE = re.compile(r'^(?:\S+: )?\s*(?P<comm>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<ts>\d+(?:\.\d+)?):\s+(?:\(\+\d+\)\s+)?(?P<ev>\w+):')
LLINE = re.compile(r'^(?:\S+: )?\s*(?P<comm>\S.{0,7})-(?P<pid>\d+)\s+(?P<cpu>\d+)\S{4,6}\s+(?P<ts>\d+(?:\.\d+)?): (?P<ev>\w+):')


def _us(ts):
    """Microseconds of a timestamp as the kernel prints it: ns are rounded (ns2usecs adds 500), as is trace-cmd's
    `-t` nanosecond stamp here."""
    sec, _, frac = ts.partition('.')
    if len(frac) > 6:
        ns = int(sec) * 1000000000 + int((frac + '000000000')[:9])
        return (ns + 500) // 1000
    return int(sec) * 1000000 + int((frac + '000000')[:6])


def event_keys(path, fmt):
    """line -> (cpu, ts in us, pid, event name, n-th occurrence of that key) of every event line."""
    seen = collections.Counter(); out = {}
    for no, l in enumerate(open(path, errors='replace').read().split('\n'), 1):
        l = l.rstrip('\r')
        if fmt == 'kernel':
            m = KLINE.match(l.lstrip()) if not l.startswith('#') else None
            name = CE.kernel_event_name(m.group('rest')) if m else None
        else:
            m = (LLINE if fmt == 'latency' else RLINE).match(l)
            name = m.group('ev') if m else None
        if not m or not name: continue
        k = (int(m.group('cpu')), _us(m.group('ts')), int(m.group('pid')), name)
        seen[k] += 1
        out[no] = k + (seen[k],)
    return out


def map_lines(entries, src_path, dst_path, dst_file, dst_fmt):
    """The same findings on another layout of the same recording: each entry's line mapped by its event."""
    src = event_keys(src_path, 'kernel'); dst = {k: no for no, k in event_keys(dst_path, dst_fmt).items()}
    out = []
    for e in entries:
        k = src.get(e['line'])
        if k is None or k not in dst:
            raise SystemExit(f'finding_truth: line {e["line"]} of {src_path} has no event in {dst_path}')
        out.append(dict(e, file=dst_file, line=dst[k]))
    return out


def trace_kinds(path, file, **kw):
    """The oracles that need no workload facts, on one kernel trace."""
    return (io_errors(path, file) + ordered_extent_ioerr(path, file) + ordered_extent_unfinished(path, file) + stale_iomap(path, file)
            + trace_hangs(path, file) + unaligned_discards(path, file, kw.get('bdev_writers'))
            + nowait_eagain(path, file, kw.get('uring_offset')) + proven_short_syscalls(path, file, kw.get('requested'), kw.get('i_size'))
            + (proven_short_uring(path, file, kw['uring_req']) if kw.get('uring_req') else []))


if __name__ == '__main__':
    import json
    p = sys.argv[1]
    json.dump(trace_kinds(p, os.path.basename(p)), sys.stdout, indent=1)


def check_layout(src_path, dst_path, dst_fmt):
    """Fails unless every event of the kernel text src_path is in dst_path (another layout of the same recording)
    and the other way round: the event keys of map_lines are sound for this pair."""
    a = collections.Counter(k for k in event_keys(src_path, 'kernel').values())
    b = collections.Counter(k for k in event_keys(dst_path, dst_fmt).values())
    if a != b:
        raise SystemExit(f'finding_truth: {dst_path} does not hold the events of {src_path} ({len(a - b)} missing, {len(b - a)} extra)')
    return len(a)
