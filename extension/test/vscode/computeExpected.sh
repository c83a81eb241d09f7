#!/usr/bin/env bash
# Regenerates expected.json from the e2e fixtures with awk alone, independently of the iolens engine,
# so the in-host tests compare the extension's analysis with numbers nobody computed with iolens itself.
#
# Event naming follows the documented contract: the event name is the word after the timestamp without
# its colon; the kernel's syscall formatter `sys_read(fd: …)` is `sys_enter_read` and `sys_read -> 0x340`
# is `sys_exit_read`. Timestamps become integer nanoseconds by string surgery (no floating point).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FIX="$HERE/../e2e/fixtures"

summarise() { # $1 = file name inside fixtures/
  awk -v file="$1" '
    function ns(ts,   parts) { sub(/:$/, "", ts); split(ts, parts, "."); return parts[1] substr(parts[2] "000000000", 1, 9) }
    {
      for (i = 2; i <= NF; i++) {
        if ($i ~ /^[0-9]+\.[0-9]+:$/ && $0 ~ /\[[0-9][0-9][0-9]\]/) {
          tok = $(i + 1)
          if (tok ~ /\(/) { name = tok; sub(/\(.*/, "", name); sub(/^sys_/, "sys_enter_", name) }
          else if (tok ~ /:$/) name = substr(tok, 1, length(tok) - 1)
          else if ($(i + 2) == "->") { name = tok; sub(/^sys_/, "sys_exit_", name) }
          else { name = "?" tok }
          counts[name]++; events++
          match($0, /\[[0-9][0-9][0-9]\]/); cpu[substr($0, RSTART + 1, 3) + 0] = 1
          t = ns($i); if (first == "") first = t; last = t
          break
        }
      }
    }
    END {
      ncpu = 0; for (c in cpu) ncpu++
      printf "  \"%s\": { \"lines\": %d, \"events\": %d, \"cpus\": %d, \"firstTimestamp\": %s, \"lastTimestamp\": %s, \"eventCounts\": {", file, NR, events, ncpu, first, last
      n = 0
      for (k in counts) printf "%s\"%s\": %d", (n++ ? ", " : " "), k, counts[k]
      printf " } }"
    }' "$FIX/$1"
}

{
  echo "{"
  summarise kernel.trace; echo ","
  summarise report.txt; echo ","
  summarise malformed.trace; echo ","
  # Line numbers (1-based) of the lines the malformed fixture breaks on purpose.
  printf '  "malformedLines": { "parseError": [%s], "lost": [%s], "lostCount": %s }\n' \
    "$(grep -nvE '^#|\[[0-9]{3}\]' "$FIX/malformed.trace" | grep -v LOST | cut -d: -f1 | paste -sd, -)" \
    "$(grep -n 'LOST' "$FIX/malformed.trace" | cut -d: -f1 | paste -sd, -)" \
    "$(grep -oE 'LOST [0-9]+' "$FIX/malformed.trace" | awk '{s += $2} END {print s}')"
  echo "}"
} > "$HERE/expected.json"
# Validate and pretty-print with sorted keys (mawk has no sorted iteration).
node -e '
  const fs = require("fs"); const p = process.argv[1];
  const sort = (v) => v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  fs.writeFileSync(p, JSON.stringify(sort(JSON.parse(fs.readFileSync(p, "utf8"))), null, 2) + "\n");' "$HERE/expected.json"
echo "wrote $HERE/expected.json"
