#!/usr/bin/env python3
"""count_events.py - independent line classifier used to fill samples/*/expected.json.

It does NOT use the iolens parser. It classifies every line of a trace text file with strict,
format-specific regular expressions (written from the kernel / trace-cmd printf formats) and
prints the `files` entries and `findings` of the expected.json contract.

usage: count_events.py [--same] FILE:FORMAT[:PREFIXWIDTH] ...
  FORMAT  ftrace-kernel | trace-cmd-report | trace-cmd-report-latency | trace-cmd-report-raw
  PREFIXWIDTH  width of the trace-cmd buffer/file-name prefix incl. ": " (0 = none)
  --same  fail unless all FILEs have identical eventCounts (same recording, different layouts)
Events are named by their tracefs names: kernel `sys_X(...)` -> sys_enter_X, `sys_X -> r` -> sys_exit_X,
`tracing_mark_write: msg` -> print.
"""
import re, sys, json, collections

TS = r'(?P<ts>\d+(?:\.\d+)?)'
KERNEL = re.compile(r'^(?P<comm>.{16})-(?P<pid>\d+)\s+(?:\((?P<tgid>[\s\d]+|-------)\)\s+)?\[(?P<cpu>\d{3,})\]\s+'
                    r'(?:(?P<flags>[.dDbXNnpBLlhHsSzZ0-9a-f]{4,5})\s+)?' + TS + r': (?P<rest>.*)$', re.S)
REPORT = re.compile(r'^(?P<comm>.{16})-(?P<pid>\d+)\s*\[(?P<cpu>\d{3,})\]\s+' + TS +
                    r':(?: (?:\(\+\d+\)|) *)? (?P<ev>[\w]+):(?P<rest>.*)$', re.S)
LATENCY = re.compile(r'^(?P<comm>.{8})-(?P<pid>\d+)\s+(?P<cpu>\d+)(?P<flags>[.dXNhHs0-9a-f]{4,6})\s+' + TS +
                     r': (?P<ev>\w+):(?P<rest>.*)$', re.S)
LOST = re.compile(r'^CPU:(?P<cpu>\d+) \[LOST (?P<n>\d+ )?EVENTS\]$')
DROPPED = re.compile(r'^CPU:(?P<cpu>\d+) \[(?P<n>\d+ )?EVENTS DROPPED\]$')
STARTED = re.compile(r'^##### CPU \d+ buffer started ####$')
REPORT_PREAMBLE = [re.compile(p) for p in (
    r"^removing override handler for event \(\d+\) \S+\. Going back to default handler\.$",
    r'^cpus=\d+$', r'^version = \d+$', r'^CPU \d+ is empty$', r'^registering plugin: .*$',
    r'^overriding event \(\d+\) \S+ with new print handler$', r'^\s*\S+: cpus=\d+$', r'^CPU:\d+ \[SUBBUFFER START\]$')]

def kernel_event_name(rest):
    m = re.match(r'sys_(\w+)\(', rest)
    if m: return 'sys_enter_' + m.group(1)
    m = re.match(r'sys_(\w+) -> ', rest)
    if m: return 'sys_exit_' + m.group(1)
    if rest.startswith('tracing_mark_write: ') or rest == 'tracing_mark_write:': return 'print'
    m = re.match(r'(\w+): ', rest)
    return m.group(1) if m else None

def classify(path, fmt, pw):
    raw = open(path, 'rb').read()
    lines = raw.split(b'\n')
    if lines and lines[-1] == b'': lines.pop()
    res = dict(format=fmt, lines=len(lines), events=0, skippedLines=0, cpus=None, lostEvents=0, eventCounts={})
    counts = collections.Counter(); findings = []; skipped = []; cpus_seen = set(); lost_unknown = False
    last_ts = {}
    for no, b in enumerate(lines, 1):
        s = b.decode('utf-8', errors='replace').rstrip('\r')
        if s.strip() == '': continue
        if fmt == 'ftrace-kernel':
            if STARTED.match(s):
                # printed only after overruns: marks where this CPU's surviving events begin
                findings.append(dict(kind='lost-events', file=path.split('/')[-1], line=no, note=s)); continue
            if s.startswith('#'):
                m = re.search(r'entries-in-buffer/entries-written: (\d+)/(\d+)\s+#P:(\d+)', s)
                if m:
                    res['cpus'] = int(m.group(3))
                    e, w = int(m.group(1)), int(m.group(2))
                    if w > e:
                        res['lostEvents'] += w - e  # the same loss trace-cmd reports as [N EVENTS DROPPED]
                        findings.append(dict(kind='lost-events', file=path.split('/')[-1], line=no,
                                                   note=f'header entries-written {w} > entries-in-buffer {e}: {w-e} events overwritten (overwrite mode)'))
                continue
            m = LOST.match(s)
            if m:
                if m.group('n'): res['lostEvents'] += int(m.group('n'))
                else: lost_unknown = True
                findings.append(dict(kind='lost-events', file=path.split('/')[-1], line=no, note=s)); continue
            m = KERNEL.match(s)
            name = kernel_event_name(m.group('rest')) if m else None
        else:
            if any(p.match(s) for p in REPORT_PREAMBLE): continue
            body = s[pw:] if pw else s
            m = DROPPED.match(body.strip()) if body.strip().startswith('CPU:') else None
            if m:
                if m.group('n'): res['lostEvents'] += int(m.group('n'))
                else: lost_unknown = True
                findings.append(dict(kind='lost-events', file=path.split('/')[-1], line=no, note=body.strip())); continue
            rx = LATENCY if fmt == 'trace-cmd-report-latency' else REPORT
            m = rx.match(body)
            if not m and pw: m = rx.match(s)   # trace-cmd prints the record after a DROPPED line without prefix
            name = m.group('ev') if m else None
        if m and name:
            counts[name] += 1; res['events'] += 1; cpu = int(m.group('cpu')); cpus_seen.add(cpu)
            ts = float(m.group('ts'))
            if cpu in last_ts and ts < last_ts[cpu][0]:
                findings.append(dict(kind='timestamp-disorder', file=path.split('/')[-1], line=no,
                                     note=f'CPU {cpu} timestamp {m.group("ts")} < {last_ts[cpu][1]} (line {last_ts[cpu][2]})'))
            last_ts[cpu] = (ts, m.group('ts'), no)
        else:
            res['skippedLines'] += 1; skipped.append(no)
    if fmt != 'ftrace-kernel':
        m = re.search(rb'^cpus=(\d+)$', raw, re.M)
        if m: res['cpus'] = int(m.group(1))
    if res['cpus'] is None: res['cpus'] = len(cpus_seen)
    if lost_unknown: res['lostEvents'] = None
    res['eventCounts'] = dict(sorted(counts.items()))
    return res, findings, skipped

def main(argv):
    same = '--same' in argv; argv = [a for a in argv if a != '--same']
    out = {'files': {}, 'findings': []}; skipped_all = {}
    for a in argv:
        parts = a.split(':'); path, fmt = parts[0], parts[1]; pw = int(parts[2]) if len(parts) > 2 else 0
        r, f, sk = classify(path, fmt, pw)
        out['files'][path.split('/')[-1]] = r; out['findings'] += f
        if sk: skipped_all[path.split('/')[-1]] = sk
    if skipped_all: out['skippedLineNumbers'] = skipped_all
    if same:
        ec = [json.dumps(v['eventCounts'], sort_keys=True) for v in out['files'].values()]
        if len(set(ec)) != 1:
            print('EVENT COUNTS DIFFER', file=sys.stderr)
            for k, v in out['files'].items(): print(k, v['events'], file=sys.stderr)
            sys.exit(1)
        print(f"OK: {len(ec)} files, identical eventCounts ({list(out['files'].values())[0]['events']} events)", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)

if __name__ == '__main__':
    main(sys.argv[1:])
