#!/usr/bin/env bash
# `npm start`: run iolens in a real VS Code in the browser, on a fresh machine (`npm ci && npm start`).
#
# Builds dist/ if needed, installs the test harness (extension/test/e2e/setup.sh: apt packages and
# code-server 4.100.3 = VS Code 1.100.3, cached in .vscode-test/harness), shows the CLI's analysis of one
# sample, then starts code-server on 127.0.0.1:$IOLENS_PORT (default 8765) with the samples/ folder and
# prints the URL to open. That URL loads the extension from this source folder (the workbench's `payload`
# parameter, like F5 "Run Extension"); nothing is packaged or installed. Runs until Ctrl+C, which stops
# code-server and every process it started (they share one process group).
#
#   --exit-after-check (or IOLENS_START_CHECK=1): wait for /healthz, fetch the workbench page once, exit 0.
#   --rebuild: run `npm run build` even if dist/extension.js exists.
# The profile (settings, state) lives in .vscode-test/start/ and survives restarts; delete it to reset.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${IOLENS_PORT:-8765}"
HOST=127.0.0.1
CHECK="${IOLENS_START_CHECK:-0}"
REBUILD=0
for arg in "$@"; do
  case "$arg" in
    --exit-after-check) CHECK=1 ;;
    --rebuild) REBUILD=1 ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done
log() { printf '[iolens start] %s\n' "$*" >&2; }
cd "$REPO"

[[ -d node_modules/esbuild ]] || { log "node_modules is missing: run 'npm ci' first"; exit 1; }
if [[ $REBUILD == 1 || ! -f dist/extension.js || ! -f dist/cli.js ]]; then
  log "building dist/ (npm run build)"
  npm run build --silent
fi
bash extension/test/e2e/setup.sh

# ---------------------------------------------------------------------------------------------------------
# One sample through the CLI: the first samples/*/trace.txt, else the first samples/**/report.txt.
SAMPLE="$(find samples -mindepth 2 -maxdepth 2 -name trace.txt 2>/dev/null | LC_ALL=C sort | head -n 1)"
[[ -n "$SAMPLE" ]] || SAMPLE="$(find samples -name report.txt 2>/dev/null | LC_ALL=C sort | head -n 1)"
if [[ -n "$SAMPLE" ]]; then
  echo "\$ node dist/cli.js analyze $SAMPLE"
  node dist/cli.js analyze "$SAMPLE" || log "(the CLI exited with status $?)"
  echo
else
  log "no samples/*/trace.txt or samples/**/report.txt yet: skipping the CLI demo"
fi

# ---------------------------------------------------------------------------------------------------------
if node -e '
  const s = require("net").createServer();
  s.once("error", () => process.exit(0));
  s.listen(Number(process.argv[1]), process.argv[2], () => s.close(() => process.exit(1)));' "$PORT" "$HOST"; then
  log "port $PORT on $HOST is in use; set IOLENS_PORT to another port"
  exit 1
fi

PROFILE="$REPO/.vscode-test/start"
mkdir -p "$PROFILE/ud/User" "$PROFILE/ext" "$PROFILE/xdg/data" "$PROFILE/xdg/config" "$PROFILE/xdg/cache"
# code-server writes config, logs and a device id under $HOME otherwise.
export XDG_DATA_HOME="$PROFILE/xdg/data" XDG_CONFIG_HOME="$PROFILE/xdg/config" XDG_CACHE_HOME="$PROFILE/xdg/cache"
if [[ ! -f "$PROFILE/ud/User/settings.json" ]]; then
  cat > "$PROFILE/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "security.workspace.trust.enabled": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON
fi
printf 'bind-addr: %s:%s\nauth: none\ncert: false\n' "$HOST" "$PORT" > "$PROFILE/config.yaml"

FOLDER="$REPO/samples"
URL="$(node -e '
  const [host, port, ext, folder] = process.argv.slice(1);
  const payload = [["extensionDevelopmentPath", `vscode-remote://${host}:${port}${ext}`]];
  console.log(`http://${host}:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);' \
  "$HOST" "$PORT" "$REPO" "$FOLDER")"

PGID=""
cleanup() {
  if [[ -n "$PGID" ]] && kill -0 -- "-$PGID" 2>/dev/null; then
    kill -TERM -- "-$PGID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 -- "-$PGID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$PGID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'echo; log "stopping"; exit 0' INT TERM

# setsid: code-server and its children (extension host, file watcher) form one process group; the inner
# shell writes the group id (its own pid) before exec'ing code-server.
rm -f "$PROFILE/code-server.pgid"
setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$PROFILE/code-server.pgid" \
  "$REPO/.vscode-test/harness/node_modules/.bin/code-server" --config "$PROFILE/config.yaml" \
  --bind-addr "$HOST:$PORT" --auth none --user-data-dir "$PROFILE/ud" --extensions-dir "$PROFILE/ext" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$FOLDER" > "$PROFILE/code-server.log" 2>&1 < /dev/null &
for _ in $(seq 1 50); do [[ -s "$PROFILE/code-server.pgid" ]] && break; sleep 0.1; done
PGID="$(cat "$PROFILE/code-server.pgid" 2>/dev/null || true)"
[[ -n "$PGID" ]] || { log "code-server did not start (see $PROFILE/code-server.log)"; exit 1; }

# Wait for /healthz; in check mode also fetch the workbench page once and check it is VS Code's.
node -e '
  const [base, url, check] = process.argv.slice(1);
  const deadline = Date.now() + 60_000;
  (async () => {
    for (;;) {
      try { if ((await fetch(base + "/healthz")).ok) break; } catch { /* not listening yet */ }
      if (Date.now() > deadline) { console.error("no answer from " + base + "/healthz"); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (check !== "1") return;
    const res = await fetch(url);
    const html = await res.text();
    if (!res.ok || !html.includes("workbench")) {
      console.error(`workbench page: HTTP ${res.status}, ${html.length} bytes, no workbench in it`);
      process.exit(1);
    }
    console.error(`[iolens start] check: /healthz ok, workbench page HTTP ${res.status} (${html.length} bytes)`);
  })();' "http://$HOST:$PORT" "$URL" "$CHECK" || { tail -n 20 "$PROFILE/code-server.log" >&2; exit 1; }

if [[ "$CHECK" == 1 ]]; then
  log "check passed; stopping code-server"
  exit 0
fi

cat <<EOF

iolens is running in VS Code (code-server 4.100.3) with the samples/ folder. Open this URL in a browser:

  $URL

The window title says "[Extension Development Host]": the extension is loaded from $REPO.
After changing the code: npm run build, then reload the browser tab. Ctrl+C stops the server.
(Logs: ${PROFILE#"$REPO"/}/code-server.log)

EOF
# Poll the group rather than `wait`: if setsid had to fork, $CS_PID is not code-server itself.
while kill -0 -- "-$PGID" 2>/dev/null; do sleep 1; done
log "code-server exited (see ${PROFILE#"$REPO"/}/code-server.log)"
exit 1
