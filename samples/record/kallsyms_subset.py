#!/usr/bin/env python3
"""kallsyms_subset.py TRACE_TXT... > subset
Write the subset of /proc/kallsyms that trace-cmd needs to symbolise the events in the given kernel
`trace` text files: every `name+0xOFF/0xSIZE` (%pS), bare symbol names printed by print/bprint
(`tracing_mark_write`), and for every raw kernel address (0xffffffff........, unresolved %ps) the
nearest symbol at or below it. libtraceevent resolves an address to the greatest symbol <= address,
so a subset that contains every symbol actually hit (plus the symbol after it) gives the same report text as the full table,
while keeping trace.dat small (the full kallsyms section is ~5 MB before compression)."""
import re, sys, bisect
syms = []  # (addr, line)
for line in open('/proc/kallsyms'):
    p = line.split()
    if len(p) >= 3:
        syms.append((int(p[0], 16), p[2], line))
syms.sort()
addrs = [s[0] for s in syms]
byname = {}
for a, n, l in syms:
    byname.setdefault(n, []).append(l)
want_names = {'tracing_mark_write', 'tracing_mark_raw_write'}
want_lines = set()
for f in sys.argv[1:]:
    for line in open(f, errors='replace'):
        for m in re.finditer(r'([A-Za-z_.][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+', line):
            want_names.add(m.group(1))
        for m in re.finditer(r'0x(ffffffff[0-9a-f]{8})\b', line):
            a = int(m.group(1), 16)
            i = bisect.bisect_right(addrs, a) - 1
            if i >= 0:
                want_lines.add(syms[i][2])
for n in want_names:
    for l in byname.get(n, []):
        want_lines.add(l)
# libtraceevent matches addr in [sym, next sym): the last symbol of the table never matches a non-exact
# address, so also keep the symbol that follows every wanted one.
idx = {s[2]: i for i, s in enumerate(syms)}
for l in list(want_lines):
    i = idx[l] + 1
    while i < len(syms) and syms[i][0] == syms[idx[l]][0]: i += 1
    if i < len(syms): want_lines.add(syms[i][2])
out = sorted(want_lines, key=lambda l: int(l.split()[0], 16))
sys.stdout.write(''.join(out))
print(f'kallsyms subset: {len(out)} of {len(syms)} symbols', file=sys.stderr)
