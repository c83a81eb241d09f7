#!/usr/bin/env python3
"""Generate the malformed samples from the real recording in ../01-layouts-xfs (deterministic).

Every output file is derived from the first BASE_EVENTS event lines of ../01-layouts-xfs/trace.txt (kernel
text, with its 12-line header) or of ../01-layouts-xfs/report.txt (trace-cmd report), with ONE kind of damage.
Writes the files and expected.json (files{} from ../record/count_events.py, cross-checked against the line
numbers this script damaged itself; see `intended` in expected.json).   usage: python3 make.py
"""
import os, sys, json, random, subprocess
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', '01-layouts-xfs')
COUNT = os.path.join(HERE, '..', 'record', 'count_events.py')
BASE_EVENTS = 300
HEADER_LINES = 12

def lines_of(path):
    with open(path, 'rb') as f:
        return f.read().split(b'\n')[:-1]

kt = lines_of(os.path.join(SRC, 'trace.txt'))
assert kt[2].startswith(b'# entries-in-buffer') and kt[HEADER_LINES - 1].startswith(b'#              | |')
kbase = kt[:HEADER_LINES + BASE_EVENTS]          # header + 300 events (all lines in 01 trace.txt are events)
rt = lines_of(os.path.join(SRC, 'report.txt'))
assert rt[0] == b'cpus=2'
rbase = rt[:1 + BASE_EVENTS]

def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)

intended = {}   # name -> {skipped: [...], events: N, note}
def join(ls, nl=b'\n', final=True):
    return nl.join(ls) + (nl if final else b'')

# 1. truncated last line: cut the last event line in the middle (no trailing newline)
ls = list(kbase); last = ls[-1]; ls[-1] = last[:len(last) // 2]
write('m01-truncated-last-line.txt', join(ls, final=False))
intended['m01-truncated-last-line.txt'] = dict(skipped=[len(ls)], events=BASE_EVENTS - 1,
    note=f'last line (line {len(ls)}) cut after {len(last)//2} of {len(last)} bytes, no final newline: not an event')

# 2. a block of binary garbage in the middle (between two event lines), deterministic bytes
rnd = random.Random(844)   # seed chosen so that no garbage line is empty or starts/ends with whitespace
garbage = bytes(rnd.randrange(256) for _ in range(600))
mid = HEADER_LINES + 150
ls = kbase[:mid] + [garbage] + kbase[mid:]
data = join(ls)
write('m02-binary-garbage.txt', data)
nglines = garbage.count(b'\n') + 1
gstart = mid + 1
gl = [gstart + i for i in range(nglines) if garbage.split(b'\n')[i].strip() != b'']
intended['m02-binary-garbage.txt'] = dict(skipped=gl, events=BASE_EVENTS,
    note=f'600 pseudo-random bytes (seed 844, {garbage.count(0)} NUL and {nglines - 1} LF bytes) inserted after line {mid}; '
         f'occupies lines {gstart}..{gstart + nglines - 1}')

# 3. CRLF line endings throughout
write('m03-crlf.txt', join(kbase, b'\r\n'))
intended['m03-crlf.txt'] = dict(skipped=[], events=BASE_EVENTS, note='every line ends in CR LF; same content as the base')

# 4. a single 1 MiB line in the middle
big = b'x' * (1 << 20)
ls = kbase[:mid] + [big] + kbase[mid:]
write('m04-long-line.txt', join(ls))
intended['m04-long-line.txt'] = dict(skipped=[mid + 1], events=BASE_EVENTS,
    note=f'line {mid + 1} is 1048576 bytes of "x" (no event structure)')

# 5. invalid UTF-8 in a comm and in a payload (both lines remain events)
ls = list(kbase)
ci = next(i for i in range(HEADER_LINES, len(ls)) if ls[i][:16].strip() == b'xfs_io')
ls[ci] = b'        xfs\xff\xfeio\xc3' + ls[ci][16:]     # 16 bytes: 8 spaces + "xfs" + ff fe + "io" + c3 (truncated 2-byte seq)
assert len(ls[ci][:16]) == 16 and ls[ci][16:17] == b'-'
pi = next(i for i in range(HEADER_LINES, len(ls)) if b'tracing_mark_write: STEP' in ls[i])
ls[pi] = ls[pi].replace(b'STEP 1 ', b'STEP 1 caf\xe9 \xc3\x28 \xed\xa0\x80 ')   # latin-1 e-acute, bad 2-byte seq, UTF-16 surrogate
write('m05-invalid-utf8.txt', join(ls))
intended['m05-invalid-utf8.txt'] = dict(skipped=[], events=BASE_EVENTS,
    note=f'line {ci + 1}: comm bytes "xfs\\xff\\xfeio\\xc3" (16-byte column kept); line {pi + 1}: print payload with \\xe9, \\xc3\\x28, \\xed\\xa0\\x80. Both must still be events')

# 6. trace-cmd noise lines inserted into a trace-cmd report
noise = [b'  ug! no event found for type 843', b'ug! negative record size -4',
         b'[UNKNOWN TYPE 843] 4b 03 00 00 10 00 00 00 e8 03 00 00 00 00 00 00',
         b'inst_fmt: [UNKNOWN EVENT][UNKNOWN EVENT] (NULL):               [UNKNOWN EVENT]',
         b'libtraceevent: Invalid argument']
ls = list(rbase); sk = []
pos = [20, 80, 140, 200, 260]            # insert before base report line pos (1-based numbering after insertion)
for k, (p, nline) in enumerate(zip(pos, noise)):
    ls.insert(p - 1, nline); sk.append(p)
write('m06-tracecmd-noise.txt', join(ls))
intended['m06-tracecmd-noise.txt'] = dict(skipped=sk, events=BASE_EVENTS,
    note='trace-cmd report (first 300 events of ../01-layouts-xfs/report.txt) with 5 trace-cmd/libtraceevent noise lines inserted: '
         + '; '.join(f'line {p}: {n.decode()}' for p, n in zip(pos, noise)))

# 7. a timestamp going backwards on one CPU
ls = list(kbase)
import re
cpu0 = [i for i in range(HEADER_LINES, len(ls)) if ls[i][25:30] == b'[000]']
bi = cpu0[len(cpu0) // 2]
m = re.search(rb' (\d+)\.(\d{6}): ', ls[bi])
old = m.group(1) + b'.' + m.group(2)
new = str(int(m.group(1)) - 1).encode() + b'.' + m.group(2)
ls[bi] = ls[bi].replace(b' ' + old + b': ', b' ' + new + b': ', 1)
write('m07-timestamp-backwards.txt', join(ls))
intended['m07-timestamp-backwards.txt'] = dict(skipped=[], events=BASE_EVENTS, disorderLine=bi + 1,
    note=f'line {bi + 1} (CPU 0): timestamp {old.decode()} changed to {new.decode()} (1 s earlier than the previous CPU 0 event)')

# 8. empty file, 9. header only (kernel), 10. header only (trace-cmd report)
write('m08-empty.txt', b'')
intended['m08-empty.txt'] = dict(skipped=[], events=0, note='0 bytes')
write('m09-header-only.txt', join(kbase[:HEADER_LINES]))
intended['m09-header-only.txt'] = dict(skipped=[], events=0, note='the 12 header lines of a kernel trace file, no events (header still says 2479 entries)')
write('m10-report-header-only.txt', join(rbase[:1]))
intended['m10-report-header-only.txt'] = dict(skipped=[], events=0, note='trace-cmd report of nothing: only "cpus=2"')

FMT = {'m06-tracecmd-noise.txt': 'trace-cmd-report', 'm10-report-header-only.txt': 'trace-cmd-report'}
names = sorted(intended)
args = [os.path.join(HERE, n) + ':' + FMT.get(n, 'ftrace-kernel') for n in names]
out = json.loads(subprocess.check_output([sys.executable, COUNT] + args))
# cross-check classifier against what we damaged
base_counts = json.loads(subprocess.check_output([sys.executable, COUNT, os.path.join(SRC, 'trace.txt') + ':ftrace-kernel']))
ok = True
for n in names:
    f = out['files'][n]; exp = intended[n]
    got_sk = out.get('skippedLineNumbers', {}).get(n, [])
    if got_sk != exp['skipped'] or f['events'] != exp['events']:
        ok = False; print('MISMATCH', n, got_sk[:20], exp['skipped'][:20], f['events'], exp['events'], file=sys.stderr)
    exp['skippedLines'] = exp.pop('skipped')
findings = [x for x in out['findings'] if x['kind'] != 'lost-events']
for x in findings: x['file'] = x['file'].split('/')[-1]
findings += [dict(kind='parse-error', file=n, line=l, note='line must be reported as skipped (not an event)')
             for n in names for l in intended[n]['skippedLines']]
exp_json = {'files': out['files'], 'findings': findings, 'truth': {
    'source': '../01-layouts-xfs/trace.txt (first 12 header lines + 300 events) and ../01-layouts-xfs/report.txt (cpus= line + 300 events)',
    'damage': intended,
    'note': 'skipped-line numbers are 1-based. '
            'm07 must yield a timestamp-disorder finding but the same events. m05/m03 must yield exactly the base events.'}}
with open(os.path.join(HERE, 'expected.json'), 'w') as f:
    json.dump(exp_json, f, indent=1); f.write('\n')
print('OK' if ok else 'CHECK FAILED', file=sys.stderr)
sys.exit(0 if ok else 1)
