#!/usr/bin/env python3
"""fp_truth.py - ground truth helpers for the false-positive corpus (samples 30..36, issue 11 item 6), read from
the raw kernel `trace` text and the saved dmesg / setup files with plain regular expressions (independent of the
iolens parser, like truth.py). expected.py calls these and stores the result in expected.json `truth`, including
`truth.expect`: per file, the findings each detector kind must give (a list, possibly empty) with the line
numbers, devices and sectors taken from the raw file.

usage (debugging): fp_truth.py TRACE.txt  -> prints the parsed syscalls, io_uring results, block errors, OEs"""
import re, sys, json, collections
KERNEL = re.compile(r'^(?P<comm>.{16})-(?P<pid>\d+)\s+(?:\((?:[\s\d]+|-------)\)\s+)?\[(?P<cpu>\d{3,})\]\s+'
                    r'(?:[.dDbXNnpBLlhHsSzZ0-9a-f]{4,5}\s+)?(?P<ts>\d+(?:\.\d+)?): (?P<rest>.*)$')


def events(path):
    """(line, comm, pid, ts, rest) of every event line of a kernel trace text."""
    for no, line in enumerate(open(path, errors='replace'), 1):
        m = KERNEL.match(line.rstrip('\n'))
        if m:
            yield no, m.group('comm').strip(), int(m.group('pid')), m.group('ts'), m.group('rest')


def steps(path):
    return [(no, rest[len('tracing_mark_write: '):]) for no, _, _, _, rest in events(path) if rest.startswith('tracing_mark_write: ')]


def step_of(stps, line):
    n = None
    for sl, text in stps:
        if sl < line:
            n = text.split(' ')[1] if text.startswith('STEP ') else text
    return n


def signed(h):
    v = int(h, 16)
    return v - (1 << 64) if v >= 1 << 63 else v


def args(text):
    out = {}
    for k, v in re.findall(r'(\w+): (0x[0-9a-f]+|-?\d+)', text):
        out[k] = int(v, 16) if v.startswith('0x') else int(v)
    return out


def syscalls(path, names, min_count=0):
    """Syscalls of `names` paired enter/exit per pid: task, syscall, args, enterLine, exitLine, ret, step.
    read / pread64 / pwrite64 calls whose count is below min_count (loader and config reads) are left out."""
    stps = steps(path); open_ = {}; out = []
    for no, comm, pid, ts, rest in events(path):
        m = re.match(r'sys_(\w+)\((.*)\)$', rest)
        if m and m.group(1) in names:
            open_[(pid, m.group(1))] = (no, args(m.group(2)), ts); continue
        m = re.match(r'sys_(\w+) -> (0x[0-9a-f]+)$', rest)
        if m and m.group(1) in names:
            o = open_.pop((pid, m.group(1)), None)
            a = o[1] if o else {}
            if 'count' in a and a['count'] < min_count: continue
            out.append({'task': f'{comm}-{pid}', 'pid': pid, 'syscall': m.group(1), 'args': a, 'enterLine': o[0] if o else None,
                        'exitLine': no, 'ret': signed(m.group(2)), 'step': step_of(stps, no)})
    return out


def uring(path):
    """io_uring requests: submit/complete paired by the (hashed) req pointer."""
    stps = steps(path); sub = {}; out = []
    for no, comm, pid, ts, rest in events(path):
        if rest.startswith('io_uring_submit_req: '):
            r = re.search(r'req (\S+), user_data (\S+), opcode (\S+)', rest)
            sub[r.group(1)] = {'task': f'{comm}-{pid}', 'pid': pid, 'submitLine': no, 'user_data': r.group(2), 'opcode': r.group(3)}
        elif rest.startswith('io_uring_complete: '):
            r = re.search(r'req (\S+), user_data (\S+), result (-?\d+)', rest)
            s = dict(sub.pop(r.group(1), {'task': None, 'pid': None, 'submitLine': None, 'user_data': r.group(2), 'opcode': None}))
            s.update(completeLine=no, result=int(r.group(3)), step=step_of(stps, no)); out.append(s)
    return out


def block_completions(path, errors_only=False):
    """block_rq_complete lines: dev (M:m), rwbs, sector, sectors, error."""
    out = []
    for no, comm, pid, ts, rest in events(path):
        if not rest.startswith('block_rq_complete: '): continue
        m = re.match(r'block_rq_complete: (\d+),(\d+) (\S+) \(.*?\) (\d+) \+ (\d+) \S+ \[(-?\d+)\]', rest)
        if not m: continue
        e = {'line': no, 'dev': f'{m.group(1)}:{m.group(2)}', 'rwbs': m.group(3), 'sector': int(m.group(4)), 'sectors': int(m.group(5)),
             'error': int(m.group(6)), 'ts': ts}
        if e['error'] or not errors_only: out.append(e)
    return out


def ordered_extents(path):
    """btrfs ordered extents by (ino, file_offset, start): lines of add / finish (uptodate) / mark_finished / remove, flags."""
    oes = collections.OrderedDict(); fin = []
    for no, comm, pid, ts, rest in events(path):
        m = re.match(r'btrfs_ordered_extent_(add|remove|mark_finished|start): \S+ root=(\d+)\(\S+\) ino=(\d+) file_offset=(\d+) start=(\d+) len=(\d+) '
                     r'disk_len=(\d+) .*?flags=(\S+)', rest)
        if m:
            key = (int(m.group(3)), int(m.group(4)), int(m.group(5)))
            o = oes.setdefault(key, {'ino': key[0], 'fileOffset': key[1], 'diskStart': key[2], 'len': int(m.group(6)), 'lines': {}, 'flags': {}})
            o['lines'].setdefault(m.group(1), no); o['flags'][m.group(1)] = m.group(8)
            continue
        m = re.match(r'btrfs_finish_ordered_extent: \S+ root=\d+\(\S+\) ino=(\d+) start=(\d+) len=(\d+) uptodate=(\d)', rest)
        if m: fin.append({'line': no, 'ino': int(m.group(1)), 'start': int(m.group(2)), 'len': int(m.group(3)), 'uptodate': int(m.group(4))})
    for o in oes.values():
        o['finishes'] = [f for f in fin if f['ino'] == o['ino'] and o['fileOffset'] <= f['start'] < o['fileOffset'] + o['len']]
        o['ioerr'] = any('IOERR' in v for v in o['flags'].values()) or any(f['uptodate'] == 0 for f in o['finishes'])
    return list(oes.values())


def lsblk_map(setup_path):
    """loop name -> 'M:m' from the lsblk output saved in setup.txt."""
    out = {}
    for l in open(setup_path):
        m = re.match(r'^(loop\d+)\s+(\d+):(\d+)\s', l)
        if m: out[m.group(1)] = f'{m.group(2)}:{m.group(3)}'
    return out


def dmesg_io_errors(path):
    """Kernel-log I/O error lines of a dmesg file with the device they name."""
    out = []
    for no, l in enumerate(open(path, errors='replace'), 1):
        m = re.search(r'I/O error, dev (\S+), sector (\d+) op 0x[0-9a-f]+:\((\w+)\)', l)
        if m: out.append({'line': no, 'kind': 'block', 'dev': m.group(1), 'sector': int(m.group(2)), 'op': m.group(3)}); continue
        m = re.search(r'BTRFS error \(device (\S+)\): bdev /dev/\S+ errs: wr (\d+), rd (\d+)', l)
        if m: out.append({'line': no, 'kind': 'btrfs-errs', 'dev': m.group(1), 'wr': int(m.group(2)), 'rd': int(m.group(3))}); continue
        m = re.search(r'BTRFS warning \(device (\S+)\): direct IO failed ino (\d+) .*offset (0x[0-9a-f]+) len (\d+) err no (\d+)', l)
        if m: out.append({'line': no, 'kind': 'btrfs-dio-failed', 'dev': m.group(1), 'ino': int(m.group(2)), 'offset': int(m.group(3), 16), 'len': int(m.group(4)), 'errno': int(m.group(5))}); continue
        m = re.search(r'EXT4-fs warning \(device (\S+)\): \w+:\d+: I/O error (\d+) writing to inode (\d+) starting block (\d+)', l)
        if m: out.append({'line': no, 'kind': 'ext4-write', 'dev': m.group(1), 'errno': int(m.group(2)), 'ino': int(m.group(3)), 'block': int(m.group(4))}); continue
        m = re.search(r'Buffer I/O error on dev(?:ice)? (\S+), logical block (\d+)', l)
        if m: out.append({'line': no, 'kind': 'buffer', 'dev': m.group(1), 'block': int(m.group(2))})
    return out


def pair_klog_trace(klog, completions, devmap):
    """Each `I/O error, dev X, sector S op OP` line with the failed trace request of the same device, start sector and
    direction, in order of occurrence (each request used once)."""
    used = set(); pairs = []
    for k in (x for x in klog if x['kind'] == 'block'):
        dev = devmap.get(k['dev']); write = k['op'] == 'WRITE'
        c = next((c for c in completions if c['line'] not in used and c['error'] and c['dev'] == dev and c['sector'] == k['sector']
                  and (('W' in c['rwbs']) == write)), None)
        if c: used.add(c['line'])
        pairs.append({'dmesgLine': k['line'], 'dev': k['dev'], 'majMin': dev, 'sector': k['sector'], 'op': k['op'],
                      'traceLine': c['line'] if c else None, 'rwbs': c['rwbs'] if c else None, 'sectors': c['sectors'] if c else None})
    return pairs


if __name__ == '__main__':
    p = sys.argv[1]
    json.dump({'steps': steps(p), 'syscalls': syscalls(p, {'read', 'pread64', 'preadv2', 'pwrite64', 'fsync', 'fallocate'}, 0x8000),
               'uring': uring(p), 'blockErrors': block_completions(p, True), 'orderedExtents': ordered_extents(p)}, sys.stdout, indent=1)
