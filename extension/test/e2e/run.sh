#!/usr/bin/env bash
# `npm run test:vscode`: the iolens tests inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3).
#
#   1. setup.sh (apt packages, code-server in .vscode-test/harness; cached after the first run);
#   2. builds dist/ if it is missing, bundles extension/test/vscode/*.ts into .vscode-test/out/, makes the
#      generated fixtures (makeTraces.ts);
#   3. starts code-server in its own process group on a free 127.0.0.1 port with a throwaway profile
#      (.vscode-test/run-*/: user data, extensions, XDG dirs), the extension loaded from its source
#      folder through the workbench's `payload` URL parameter (not packaged), the fixtures folder open;
#   4. (a) the mocha suite inside the extension host (hostTests.mjs), (b) the Playwright UI tests
#      (ui.test.mjs: features, timings, screenshots), (c) the VSIX test: `npm run package`, the .vsix
#      installed with `code-server --install-extension` into a second fresh profile, a second code-server
#      WITHOUT the development path, vsix.test.mjs in the browser; then `npm run build` puts the
#      development build back into dist/ (packaging replaced it with the production build);
#   5. kills the process groups, prints `N passed, N failed` as the last line, exits 1 if anything failed.
#
# Env: IOLENS_E2E_ONLY=host|ui|vsix runs one part; IOLENS_E2E_GREP filters the in-host mocha tests;
#      IOLENS_E2E_UI_GREP runs only the UI tests whose name matches (a regex); IOLENS_E2E_DEBUG=1 prints the
#      workbench's console errors in the UI tests; IOLENS_EXT_DIR loads another extension folder (harness
#      development); IOLENS_CHROMIUM picks the browser.
# Screenshots and timings.json: .vscode-test/shots/. Logs: .vscode-test/run-*/code-server*.log (last 5 runs kept).
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

# Each code-server gets its port on the command line; the config file only keeps it off $HOME (pitfall 8).
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' > "$RUN/config.yaml"
CS="$REPO/.vscode-test/harness/node_modules/.bin/code-server"

# setsid puts code-server and everything it spawns (extension host, file watcher, pty host) in a new
# process group; the inner shell records that group's id (its own pid) before exec'ing code-server.
CS_PGIDS=()
cleanup() {
  local g
  for g in "${CS_PGIDS[@]}"; do
    if [[ -n "$g" ]] && kill -0 -- "-$g" 2>/dev/null; then
      kill -TERM -- "-$g" 2>/dev/null
      for _ in $(seq 1 30); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$g" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }

# Starts code-server on 127.0.0.1:<port> with user data <ud> and extensions <ext>, the fixtures folder open;
# waits for /healthz. Sets STARTED_PGID. Returns 1 (after printing the log's tail) when it does not answer.
# <results> reaches the extension host as IOLENS_E2E_RESULTS (the in-host suite writes its counts there).
start_code_server() { # port ud ext log pgid-file results
  local port="$1" ud="$2" ext="$3" logf="$4" pgidf="$5" results="$6"
  STARTED_PGID=""
  IOLENS_E2E_RESULTS="$results" setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$pgidf" \
    "$CS" --config "$RUN/config.yaml" --bind-addr "127.0.0.1:$port" --auth none \
    --user-data-dir "$ud" --extensions-dir "$ext" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    "$FIXTURES" > "$logf" 2>&1 < /dev/null &
  for _ in $(seq 1 50); do [[ -s "$pgidf" ]] && break; sleep 0.1; done
  STARTED_PGID="$(cat "$pgidf" 2>/dev/null || true)"
  [[ -n "$STARTED_PGID" ]] || { log "code-server did not start"; return 1; }
  CS_PGIDS+=("$STARTED_PGID")
  node -e '
    const url = process.argv[1], deadline = Date.now() + 60_000;
    (async () => {
      for (;;) {
        try { if ((await fetch(url)).ok) return; } catch { /* not listening yet */ }
        if (Date.now() > deadline) { console.error("no answer from " + url); process.exit(1); }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();' "http://127.0.0.1:$port/healthz" || { tail -n 30 "$logf" >&2; log "code-server did not answer /healthz"; return 1; }
}

stop_code_server() { # pgid
  local g="$1"
  [[ -n "$g" ]] || return 0
  kill -TERM -- "-$g" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$g" 2>/dev/null || true
}

PORT=""
if [[ "$ONLY" != vsix ]]; then
  PORT="$(free_port)"
  T0=$(now)
  start_code_server "$PORT" "$RUN/ud" "$RUN/ext" "$RUN/code-server.log" "$RUN/code-server.pgid" "$RUN/results-host.json" ||
    die "code-server did not start"
  log "code-server $(since "$T0") to /healthz on 127.0.0.1:$PORT (pgid $STARTED_PGID), profile ${RUN#"$REPO"/}"
fi

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

# ---------------------------------------------------------------------------------------------------------
# VSIX part: the package a user installs. Packaging runs the production build into dist/; the development
# build is put back right after (the installed copy is self-contained, so the rest of the part does not
# need dist/). A failure at any step is a failed test with its reason in results-vsix.json.
vsix_fail() { # results title message
  node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ passed: 0, failed: 1, failures: [{ title: process.argv[2], error: process.argv[3] }] }, null, 2))' "$@"
  log "VSIX: $2: $3"
  return 1
}
vsix_part() { # results
  local results="$1" version vsix t0 rc port pgid restored=0
  version="$(node -p "require('$REPO/package.json').version")"
  vsix="$REPO/iolens-$version.vsix"
  rm -f "$vsix"
  t0=$(now)
  (cd "$REPO" && npm run package) > "$RUN/vsix-package.log" 2>&1
  rc=$?
  log "npm run package: rc $rc, $(since "$t0") (log ${RUN#"$REPO"/}/vsix-package.log)"
  (cd "$REPO" && npm run build --silent) > "$RUN/vsix-restore-build.log" 2>&1 && restored=1
  ((restored)) || log "npm run build (restoring the development build) FAILED: ${RUN#"$REPO"/}/vsix-restore-build.log"
  if ((rc != 0)) || [[ ! -s "$vsix" ]]; then
    tail -n 20 "$RUN/vsix-package.log" >&2
    vsix_fail "$results" "npm run package" "packaging failed (rc $rc, ${vsix#"$REPO"/} $([[ -s "$vsix" ]] && echo present || echo missing)); log: ${RUN#"$REPO"/}/vsix-package.log"
    return 1
  fi
  ((restored)) || { vsix_fail "$results" "npm run build after packaging" "the development build was not restored"; return 1; }
  log "packaged ${vsix#"$REPO"/} ($(du -k "$vsix" | cut -f1) KB)"
  mkdir -p "$RUN/vsix/ud/User" "$RUN/vsix/ext"
  cp "$RUN/ud/User/settings.json" "$RUN/vsix/ud/User/settings.json"
  "$CS" --config "$RUN/config.yaml" --user-data-dir "$RUN/vsix/ud" --extensions-dir "$RUN/vsix/ext" \
    --install-extension "$vsix" > "$RUN/vsix-install.log" 2>&1 ||
    { vsix_fail "$results" "code-server --install-extension" "installing ${vsix#"$REPO"/} failed: $(tail -n 3 "$RUN/vsix-install.log" | tr '\n' ' ')"; return 1; }
  "$CS" --config "$RUN/config.yaml" --user-data-dir "$RUN/vsix/ud" --extensions-dir "$RUN/vsix/ext" \
    --list-extensions --show-versions 2>/dev/null | grep -qx "iolens.iolens@$version" ||
    { vsix_fail "$results" "code-server --list-extensions" "iolens.iolens@$version is not listed as installed"; return 1; }
  port="$(free_port)"
  start_code_server "$port" "$RUN/vsix/ud" "$RUN/vsix/ext" "$RUN/code-server-vsix.log" "$RUN/code-server-vsix.pgid" "" ||
    { vsix_fail "$results" "code-server with the installed extension" "did not start"; return 1; }
  pgid="$STARTED_PGID"
  log "code-server (installed iolens $version, no development path) on 127.0.0.1:$port (pgid $pgid)"
  IOLENS_E2E_PORT="$port" node "$E2E_DIR/vsix.test.mjs" "$version"
  rc=$?
  stop_code_server "$pgid"
  return $rc
}

if [[ "$ONLY" == all || "$ONLY" == vsix ]]; then
  part "VSIX end-to-end test" "$RUN/results-vsix.json" vsix_part "$RUN/results-vsix.json"
fi

if ((FAILED > 0)); then
  log "logs: ${RUN#"$REPO"/}/ (code-server*.log, vsix-*.log); screenshots: ${SHOTS#"$REPO"/}/"
fi
log "total $(since "$T_ALL")"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
