#!/usr/bin/env bash
# Installs everything the VS Code end-to-end tests need, and nothing in $HOME.
#
#   * apt (only the missing packages; as root, or via `sudo -n`): chromium (driven by playwright-core),
#     build-essential python3 pkg-config libkrb5-dev (code-server compiles its native modules from source,
#     because their prebuilt binaries come from GitHub), ripgrep (seed for @vscode/ripgrep, see below).
#   * A real VS Code: code-server 4.100.3 (= VS Code 1.100.3, runs on node 20) installed with `npm ci` from the
#     committed extension/test/e2e/harness/{package.json,package-lock.json} into .vscode-test/harness,
#     isolated from the repo's own node_modules.
#
# Idempotent: a second run checks and returns in well under a second. The harness is reinstalled only when
# the committed package.json / package-lock.json change or the installed code-server is not 4.100.3.
# Recipe and pitfalls: /work/shared/docs/vscode-e2e.md (numbers "pitfall N" below refer to its section 5).
#
# Env: IOLENS_SKIP_APT=1 skips the apt step (for machines where the packages come from elsewhere).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep as pinned by code-server 4.100.3 (lib/vscode/node_modules/@vscode/ripgrep/lib/postinstall.js).
# These change between code-server releases: update them together with CODE_SERVER_VERSION.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E_DIR/../../.." && pwd)"
HARNESS="$REPO/.vscode-test/harness"
log() { printf '[e2e setup] %s\n' "$*" >&2; }
# Pitfall 8: code-server writes config, logs and a device id under $HOME; keep them in .vscode-test.
export XDG_DATA_HOME="$REPO/.vscode-test/xdg/data" XDG_CONFIG_HOME="$REPO/.vscode-test/xdg/config" \
       XDG_CACHE_HOME="$REPO/.vscode-test/xdg/cache"

# ---------------------------------------------------------------------------------------------------------
# 1. apt packages
APT_PACKAGES=(chromium build-essential python3 pkg-config libkrb5-dev ripgrep)
apt_missing() {
  local p missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}
if [[ "${IOLENS_SKIP_APT:-0}" == 1 ]]; then
  log "apt: skipped (IOLENS_SKIP_APT=1)"
elif ! command -v dpkg-query >/dev/null; then
  log "apt: not a Debian/Ubuntu machine; make sure chromium, a C++ toolchain, python3, pkg-config, krb5 headers and rg exist"
else
  read -r -a MISSING <<<"$(apt_missing)"
  if ((${#MISSING[@]} == 0)); then
    log "apt: all present (${APT_PACKAGES[*]})"
  else
    if [[ $EUID -eq 0 ]]; then SUDO=()
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n)
    else
      log "apt: missing ${MISSING[*]} and not root (no passwordless sudo). Install them, e.g.:"
      log "     sudo apt-get install -y ${MISSING[*]}"
      exit 1
    fi
    log "apt: installing ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${MISSING[@]}"
  fi
fi
# Pitfall 12: on Ubuntu `chromium` is a snap shim that does not run in containers. IOLENS_CHROMIUM overrides.
CHROMIUM="${IOLENS_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$CHROMIUM" ]] || { log "no chromium at $CHROMIUM (set IOLENS_CHROMIUM to a Chrome/Chromium binary)"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# 2. code-server in .vscode-test/harness (cached)
stamp_of() { cat "$E2E_DIR/harness/package.json" "$E2E_DIR/harness/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16; }
installed_version() {
  node -p "require('$HARNESS/node_modules/code-server/package.json').version" 2>/dev/null || true
}
WANT_STAMP="$(stamp_of)"
if [[ -x "$HARNESS/node_modules/.bin/code-server" && "$(installed_version)" == "$CODE_SERVER_VERSION" &&
      "$(cat "$HARNESS/.iolens-stamp" 2>/dev/null)" == "$WANT_STAMP" ]]; then
  log "code-server $CODE_SERVER_VERSION: cached in ${HARNESS#"$REPO"/}"
  exit 0
fi

# Pitfall 3: @vscode/ripgrep's postinstall downloads rg from api.github.com. Seed its download cache with the
# Debian rg (the cache location is the one its postinstall uses: os.tmpdir()).
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
if [[ ! -s "$RG_CACHE/$RIPGREP_TARBALL" ]]; then
  RG_BIN="$(command -v rg || true)"
  [[ -n "$RG_BIN" ]] || { log "ripgrep (rg) not found; it is needed to seed @vscode/ripgrep"; exit 1; }
  seed="$(mktemp -d)"
  cp "$RG_BIN" "$seed/rg"
  mkdir -p "$RG_CACHE"
  tar czf "$RG_CACHE/$RIPGREP_TARBALL.tmp" -C "$seed" rg
  mv "$RG_CACHE/$RIPGREP_TARBALL.tmp" "$RG_CACHE/$RIPGREP_TARBALL"
  rm -rf "$seed"
  log "seeded $RG_CACHE/$RIPGREP_TARBALL with $RG_BIN"
fi

log "installing code-server $CODE_SERVER_VERSION into ${HARNESS#"$REPO"/} (compiles native modules: about 35 s on 2 cores)"
t0=$SECONDS
rm -rf "$HARNESS"
mkdir -p "$HARNESS"
cp "$E2E_DIR/harness/package.json" "$HARNESS/"
# Pitfall 1: the postinstall refuses to run as root without unsafe-perm (npm 11 only reads it from the env).
# Pitfall 4: node-pty's postinstall runs `npx node-gyp`, which aborts if npm's `yes` is false.
export npm_config_unsafe_perm=true npm_config_yes=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# Pitfall 5: point node-gyp at the headers of the running node when they are installed next to it
# (nodesource / Debian packages ship them), so it does not download them from nodejs.org.
NODE_PREFIX="$(cd "$(dirname "$(readlink -f "$(command -v node)")")/.." && pwd)"
if [[ -z "${npm_config_nodedir:-}" && -f "$NODE_PREFIX/include/node/node_version.h" ]]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi
if [[ -f "$E2E_DIR/harness/package-lock.json" ]]; then
  cp "$E2E_DIR/harness/package-lock.json" "$HARNESS/"
  (cd "$HARNESS" && npm ci --no-audit --no-fund --loglevel=error)
else
  log "no committed package-lock.json: running npm install and copying the new lock into extension/test/e2e/harness"
  (cd "$HARNESS" && npm install --no-audit --no-fund --loglevel=error)
  cp "$HARNESS/package-lock.json" "$E2E_DIR/harness/package-lock.json"
  WANT_STAMP="$(stamp_of)"
fi

# The first line may be "Wrote default config file …": take the line that starts with a version number.
got="$("$HARNESS/node_modules/.bin/code-server" --version 2>/dev/null | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)"
if [[ "$got" != "$CODE_SERVER_VERSION" ]]; then
  log "code-server --version says '$got', expected $CODE_SERVER_VERSION"
  exit 1
fi
echo "$WANT_STAMP" > "$HARNESS/.iolens-stamp"
log "code-server $CODE_SERVER_VERSION installed in $((SECONDS - t0)) s"
