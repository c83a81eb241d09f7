#!/usr/bin/env bash
# `npm run test:vscode`: the iolens tests inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3).
#
#   1. setup.sh (apt packages, code-server in .vscode-test/harness; cached after the first run);
#   2. builds dist/ if it is missing, bundles extension/test/vscode/*.ts into .vscode-test/out/;
#   3. starts code-server in its own process group on a free 127.0.0.1 port with a throwaway profile
#      (.vscode-test/run-*/: user data, extensions, XDG dirs), the extension loaded from its source
#      folder through the workbench's `payload` URL parameter (not packaged), the fixtures folder open;
#   4. (a) the mocha suite inside the extension host (hostTests.mjs), (b) the Playwright UI test (ui.test.mjs);
#   5. kills the process group, prints `N passed, N failed` as the last line, exits 1 if anything failed.
#
# Env: IOLENS_E2E_ONLY=host|ui runs one part; IOLENS_E2E_GREP filters the in-host mocha tests;
#      IOLENS_EXT_DIR loads another extension folder (harness development); IOLENS_CHROMIUM picks the browser.
# Screenshots: .vscode-test/shots/. Logs: .vscode-test/run-*/code-server.log (last 5 runs kept).
set -uo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E_DIR/../../.." && pwd)"
EXT_DIR="$(cd "${IOLENS_EXT_DIR:-$REPO}" && pwd)"
FIXTURES="$E2E_DIR/fixtures"
OUT="$REPO/.vscode-test/out"
SHOTS="$REPO/.vscode-test/shots"
ONLY="${IOLENS_E2E_ONLY:-all}"
log() { printf '[e2e] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
die() { # a failure before any test ran still ends with the summary line
  log "$*"
  echo "0 passed, 1 failed"
  exit 1
}

T_ALL=$(now)
T0=$(now)
bash "$E2E_DIR/setup.sh" || die "setup.sh failed"
log "setup: $(since "$T0")"

if [[ ! -f "$EXT_DIR/dist/extension.js" ]]; then
  [[ "$EXT_DIR" == "$REPO" ]] || die "$EXT_DIR/dist/extension.js is missing"
  log "dist/extension.js missing: npm run build"
  (cd "$REPO" && npm run build) || die "npm run build failed"
fi
node "$E2E_DIR/bundleTests.mjs" "$OUT" || die "bundling the in-host tests failed"
# Generated fixtures (a trace above VS Code's 50 MB document limit, and a 40 MB one), from committed samples.
(cd "$REPO" && node --import tsx "$E2E_DIR/makeTraces.ts") || die "making the generated fixtures failed"

# ---------------------------------------------------------------------------------------------------------
# Throwaway profile. Only the newest runs are kept (their logs are useful CI artifacts).
mkdir -p "$REPO/.vscode-test"
# shellcheck disable=SC2012 # names are ours: run-<date>-<pid>
ls -1dt "$REPO"/.vscode-test/run-* 2>/dev/null | tail -n +5 | xargs -r rm -rf
RUN="$REPO/.vscode-test/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RUN/ud/User" "$RUN/ext" "$RUN/xdg/data" "$RUN/xdg/config" "$RUN/xdg/cache"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
# Pitfall 8 of the e2e doc: keep code-server's and chromium's files out of $HOME.
export XDG_DATA_HOME="$RUN/xdg/data" XDG_CONFIG_HOME="$RUN/xdg/config" XDG_CACHE_HOME="$RUN/xdg/cache"
cat > "$RUN/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.reduceMotion": "on",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "window.restoreWindows": "none",
  "git.openRepositoryInParentFolders": "never"
}
JSON

PORT="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
CS="$REPO/.vscode-test/harness/node_modules/.bin/code-server"

# setsid puts code-server and everything it spawns (extension host, file watcher, pty host) in a new
# process group; the inner shell records that group's id (its own pid) before exec'ing code-server.
CS_PGID=""
cleanup() {
  if [[ -n "$CS_PGID" ]] && kill -0 -- "-$CS_PGID" 2>/dev/null; then
    kill -TERM -- "-$CS_PGID" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 -- "-$CS_PGID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PGID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(now)
IOLENS_E2E_RESULTS="$RUN/results-host.json" setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$RUN/code-server.pgid" \
  "$CS" --config "$RUN/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$FIXTURES" > "$RUN/code-server.log" 2>&1 < /dev/null &
for _ in $(seq 1 50); do [[ -s "$RUN/code-server.pgid" ]] && break; sleep 0.1; done
CS_PGID="$(cat "$RUN/code-server.pgid" 2>/dev/null || true)"
[[ -n "$CS_PGID" ]] || die "code-server did not start"
node -e '
  const url = process.argv[1], deadline = Date.now() + 60_000;
  (async () => {
    for (;;) {
      try { if ((await fetch(url)).ok) return; } catch { /* not listening yet */ }
      if (Date.now() > deadline) { console.error("no answer from " + url); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();' "http://127.0.0.1:$PORT/healthz" || { tail -n 30 "$RUN/code-server.log" >&2; die "code-server did not answer /healthz"; }
log "code-server $(since "$T0") to /healthz on 127.0.0.1:$PORT (pgid $CS_PGID), profile ${RUN#"$REPO"/}"

export IOLENS_E2E_PORT="$PORT" IOLENS_E2E_EXT_DIR="$EXT_DIR" IOLENS_E2E_FOLDER="$FIXTURES" IOLENS_E2E_SHOTS="$SHOTS"

# Runs one part; its results file gives the counts. A part that fails without results counts as 1 failure.
PASSED=0
FAILED=0
part() { # name results-file command...
  local name="$1" results="$2" t0 rc counts
  shift 2
  t0=$(now)
  log "---- $name"
  IOLENS_E2E_RESULTS="$results" "$@"
  rc=$?
  counts="$(node -e '
    const fs = require("fs");
    let r = { passed: 0, failed: 0 };
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { /* no results: crashed */ }
    const failed = r.failed || (Number(process.argv[2]) !== 0 ? 1 : 0);
    console.log(`${r.passed} ${failed}`);' "$results" "$rc")"
  PASSED=$((PASSED + ${counts% *}))
  FAILED=$((FAILED + ${counts#* }))
  log "$name: ${counts% *} passed, ${counts#* } failed (rc $rc, $(since "$t0"))"
}

if [[ "$ONLY" == all || "$ONLY" == host ]]; then
  part "in-host mocha suite" "$RUN/results-host.json" node "$E2E_DIR/hostTests.mjs" "$OUT/index.js"
fi
if [[ "$ONLY" == all || "$ONLY" == ui ]]; then
  part "Playwright UI test" "$RUN/results-ui.json" node "$E2E_DIR/ui.test.mjs"
fi

if ((FAILED > 0)); then
  log "code-server log: ${RUN#"$REPO"/}/code-server.log; screenshots: ${SHOTS#"$REPO"/}/"
fi
log "total $(since "$T_ALL")"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
