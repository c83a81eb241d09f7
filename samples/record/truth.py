#!/usr/bin/env python3
"""truth.py KERNEL_TRACE_TXT [--detail-syscalls a,b] - derive ground truth from a kernel `trace` text file
(independent of the iolens parser): STEP markers, io_uring requests (submit/complete paired by the hashed
req pointer), syscalls (enter/exit paired per pid), block requests (issue/complete per rwbs, errors), iomap DIO
begin/complete. Prints JSON used for the `truth` part of expected.json."""
import re, sys, json, collections
KERNEL = re.compile(r'^(?P<comm>.{16})-(?P<pid>\d+)\s+(?:\((?:[\s\d]+|-------)\)\s+)?\[(?P<cpu>\d{3,})\]\s+'
                    r'(?:[.dDbXNnpBLlhHsSzZ0-9a-f]{4,5}\s+)?(?P<ts>\d+(?:\.\d+)?): (?P<rest>.*)$')
path = sys.argv[1]
detail = set(sys.argv[sys.argv.index('--detail-syscalls') + 1].split(',')) if '--detail-syscalls' in sys.argv else \
    {'pread64', 'pwrite64', 'fsync', 'fdatasync', 'fallocate', 'preadv2', 'pwritev2', 'io_uring_enter'}
steps = []; sub = {}; uring = []; sysopen = {}; sysc = []; sysn = collections.Counter()
blk_issue = collections.Counter(); blk_done = collections.Counter(); blk_err = []; dio = collections.Counter()
for no, line in enumerate(open(path, errors='replace'), 1):
    m = KERNEL.match(line.rstrip('\n'))
    if not m: continue
    comm, pid, ts, rest = m.group('comm').strip(), m.group('pid'), m.group('ts'), m.group('rest')
    if rest.startswith('tracing_mark_write: '):
        steps.append({'line': no, 'ts': ts, 'text': rest[len('tracing_mark_write: '):]}); continue
    e = re.match(r'sys_(\w+)\((.*)\)$', rest)
    if e:
        sysopen[(pid, e.group(1))] = (no, ts, e.group(2)); continue
    e = re.match(r'sys_(\w+) -> (0x[0-9a-f]+)$', rest)
    if e:
        name = e.group(1); sysn[name] += 1
        r = int(e.group(2), 16); r = r - (1 << 64) if r >= 1 << 63 else r
        if name in detail:
            o = sysopen.pop((pid, name), None)
            sysc.append({'task': f'{comm}-{pid}', 'syscall': name, 'args': o[2] if o else None,
                         'enterLine': o[0] if o else None, 'exitLine': no, 'ret': r})
        continue
    ev, _, payload = rest.partition(': ')
    if ev == 'io_uring_submit_req':
        r = re.search(r'req (\S+), user_data (\S+), opcode (\S+), flags (\S+)', payload)
        sub[r.group(1)] = {'task': f'{comm}-{pid}', 'submitLine': no, 'user_data': r.group(2), 'opcode': r.group(3), 'flags': r.group(4)}
    elif ev == 'io_uring_complete':
        r = re.search(r'req (\S+), user_data (\S+), result (-?\d+)', payload)
        s = sub.pop(r.group(1), None) or {'task': None, 'submitLine': None, 'user_data': r.group(2), 'opcode': None}
        s = dict(s); s.update(completeLine=no, completedBy=f'{comm}-{pid}', result=int(r.group(3))); uring.append(s)
    elif ev in ('block_rq_issue', 'block_rq_complete'):
        r = re.match(r'(\d+,\d+) (\S+) ', payload); key = f'{r.group(1)} {r.group(2)}'
        (blk_issue if ev == 'block_rq_issue' else blk_done)[key] += 1
        if ev == 'block_rq_complete':
            err = int(re.search(r'\[(-?\d+)\]\s*$', payload).group(1))
            if err: blk_err.append({'line': no, 'text': payload.strip()})
    elif ev.startswith('iomap_dio_'):
        dio[ev] += 1
out = {'steps': steps,
       'io_uring': {'requests': len(uring), 'unpairedSubmits': len(sub),
                    'byOpcode': dict(collections.Counter(u['opcode'] for u in uring)),
                    'resultHistogram': dict(sorted(collections.Counter(u['result'] for u in uring).items())),
                    'negativeResults': [u for u in uring if u['result'] < 0]},
       'syscalls': {'exitCounts': dict(sorted(sysn.items())), 'detail': sysc},
       'block': {'rqIssue': dict(sorted(blk_issue.items())), 'rqComplete': dict(sorted(blk_done.items())), 'errors': blk_err},
       'iomapDio': dict(dio)}
if '--uring-all' in sys.argv: out['io_uring']['all'] = uring
json.dump(out, sys.stdout, indent=1)
