#!/usr/bin/env bash
# Installs everything GraphStep's build, tests and `npm start` need, and only
# what is missing, so running it again costs about a second:
#   1. Debian packages: Chromium (UI tests) and a Japanese font for it, ripgrep (code-server's file search,
#      and a seed for @vscode/ripgrep, which would otherwise download rg from
#      GitHub), libkrb5-dev + a C++ toolchain (code-server's native modules).
#   2. The root node_modules (`npm ci`) when missing or out of date with package-lock.json.
#   3. The pinned code-server in tools/code-server (its own lockfile; not a
#      dependency of the extension).
# Works as root with no stdin and CI=true; uses sudo for apt when not root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
# Never wait for an answer: npx would otherwise ask before fetching node-gyp.
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log() { printf '[setup] %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------
# fonts-ipafont-gothic: Japanese glyphs, so the screenshots of the Japanese workbench are legible
APT_PACKAGES=(chromium fonts-ipafont-gothic ripgrep libkrb5-dev build-essential python3 curl ca-certificates)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    # python3 may come from elsewhere (pyenv); node-gyp only needs one on PATH.
    if [[ $pkg == python3 ]] && command -v python3 >/dev/null; then continue; fi
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { log "need root or sudo to install: ${missing[*]}"; exit 1; }
    SUDO=(sudo -n)
  fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq </dev/null
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi

# --- 2. Root node_modules -------------------------------------------------------
# Fresh when every package pinned in package-lock.json is installed at its
# locked version (npm's own record of what it installed: node_modules/.package-lock.json).
root_deps_fresh() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    const installed = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
    for (const [key, want] of Object.entries(lock)) {
      if (key === "" || want.link) continue;
      const have = installed[key];
      if (!have) { if (want.optional) continue; process.exit(1); }
      if (have.version !== want.version || !fs.existsSync(key)) process.exit(1);
    }
  ' 2>/dev/null
}
if [[ ! -f node_modules/.package-lock.json ]] || ! root_deps_fresh; then
  log "npm ci (root)"
  npm ci --no-audit --no-fund </dev/null
fi

# --- 3. code-server ----------------------------------------------------------------
CS_DIR="$ROOT/tools/code-server"
CS_WANT=$(node -p 'require(process.argv[1]).packages["node_modules/code-server"].version' "$CS_DIR/package-lock.json")
CS_HAVE=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$CS_DIR/node_modules/code-server/package.json")
# The built-in extensions' node_modules are the last thing code-server's postinstall makes.
if [[ $CS_HAVE != "$CS_WANT" || ! -d $CS_DIR/node_modules/code-server/lib/vscode/extensions/node_modules ]]; then
  log "installing code-server $CS_WANT into tools/code-server"
  # @vscode/ripgrep 1.15.11 (inside code-server) fetches rg v13.0.0-10 from GitHub
  # at install time; hand it Debian's rg through its download cache instead.
  RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  RG_TMP=$(mktemp -d)
  cp "$(command -v rg)" "$RG_TMP/rg"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-$(uname -m)-unknown-linux-musl.tar.gz" -C "$RG_TMP" rg
  rm -rf "$RG_TMP"
  # As root, npm drops privileges for install scripts unless told not to.
  (cd "$CS_DIR" && npm_config_unsafe_perm=true npm ci --no-audit --no-fund </dev/null)
fi

log "ready (code-server $CS_WANT, $(/usr/bin/chromium --version 2>/dev/null || echo 'no chromium'))"
