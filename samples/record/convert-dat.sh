#!/bin/bash
# Makes the trace.dat variants of samples/01-layouts-xfs from its trace.dat (file version 7, zstd), with
# trace-cmd itself, so the reader is tested on every layout trace-cmd 3.1 writes from the same events:
#   trace-v6.dat.gz       file version 6, uncompressed (`trace-cmd convert --file-version 6 --compression none`)
#   trace-v7-none.dat.gz  file version 7, no compression
# gzip keeps them small in the repository (the tests gunzip them). `trace-cmd report` of each prints
# exactly samples/01-layouts-xfs/report.txt (checked below). trace-cmd 3.1.6 on Debian has no zlib codec
# (`trace-cmd list -c`: zstd only), so zlib is tested on a copy re-compressed by the test itself.
set -euo pipefail
cd "$(dirname "$0")/../01-layouts-xfs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trace-cmd convert --file-version 6 --compression none -i trace.dat -o "$tmp/trace-v6.dat"
trace-cmd convert --file-version 7 --compression none -i trace.dat -o "$tmp/trace-v7-none.dat"
for f in trace-v6 trace-v7-none; do
  trace-cmd report -i "$tmp/$f.dat" > "$tmp/$f.txt"
  cmp "$tmp/$f.txt" report.txt
  gzip -9 -n -c "$tmp/$f.dat" > "$f.dat.gz"
done
echo "ok: trace-v6.dat.gz trace-v7-none.dat.gz report the same text as trace.dat"
