#!/usr/bin/env bash
# `npm start`: from a fresh machine to GraphStep open on examples/apple.nn.
#   setup -> build -> package the .vsix -> install it and open examples/
# With VS Code's `code` on PATH, the .vsix goes into that VS Code. Otherwise the
# pinned code-server runs on 127.0.0.1 (PORT, else 8080, else the first free
# port after it) with its own user data and extensions under .graphstep-dev/,
# and this script runs until Ctrl-C.
# Env: PORT; GRAPHSTEP_USE_CODE_SERVER=1 to use code-server even when `code` exists.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DEV="$ROOT/.graphstep-dev"
EXAMPLES="$ROOT/examples"
FILE="$EXAMPLES/apple.nn"

log() { printf '[start] %s\n' "$*"; }

bash scripts/setup.sh
log "building"
npm run --silent build
mkdir -p "$DEV"
VERSION=$(node -p 'require("./package.json").version')
VSIX="$DEV/graphstep-$VERSION.vsix"
log "packaging $VSIX"
node node_modules/@vscode/vsce/vsce package --allow-missing-repository --skip-license --no-rewrite-relative-links -o "$VSIX" >/dev/null

if command -v code >/dev/null && [[ -z ${GRAPHSTEP_USE_CODE_SERVER:-} ]]; then
  log "installing into $(command -v code)"
  code --install-extension "$VSIX" --force
  code "$EXAMPLES" "$FILE"
  exit 0
fi

port_free() { node -e 'const s = require("net").createServer(); s.once("error", () => process.exit(1)); s.listen(+process.argv[1], "127.0.0.1", () => s.close());' "$1"; }
if [[ -n ${PORT:-} ]]; then
  port_free "$PORT" || { log "port $PORT is in use"; exit 1; }
else
  PORT=8080
  until port_free "$PORT"; do
    PORT=$((PORT + 1))
    ((PORT < 8180)) || { log "no free port in 8080-8179; set PORT"; exit 1; }
  done
fi

CS="$ROOT/tools/code-server/node_modules/code-server/out/node/entry.js"
# Everything code-server writes stays in .graphstep-dev/ (always --config, or it writes to ~/.config).
COMMON=(--config "$DEV/config.yaml" --user-data-dir "$DEV/user-data" --extensions-dir "$DEV/extensions")
export XDG_CONFIG_HOME="$DEV/xdg/config" XDG_DATA_HOME="$DEV/xdg/data" XDG_CACHE_HOME="$DEV/xdg/cache"
mkdir -p "$DEV/user-data/User"
SETTINGS="$DEV/user-data/User/settings.json"
[[ -f $SETTINGS ]] || cat >"$SETTINGS" <<'EOF'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "security.workspace.trust.enabled": false
}
EOF

log "installing the extension into code-server"
node "$CS" "${COMMON[@]}" --force --install-extension "$VSIX" >/dev/null

node "$CS" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened >"$DEV/code-server.log" 2>&1 &
CS_PID=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 "$CS_PID" 2>/dev/null; then
    log "stopping code-server"
    kill "$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
  curl -sf "$BASE/healthz" >/dev/null && break
  kill -0 "$CS_PID" 2>/dev/null || { log "code-server exited; see $DEV/code-server.log"; tail -20 "$DEV/code-server.log"; exit 1; }
  sleep 0.2
done

URL=$(node -e '
  const [base, authority, folder, file] = process.argv.slice(1);
  const payload = JSON.stringify([["openFile", `vscode-remote://${authority}${file}`], ["skipWelcome", "true"]]);
  console.log(`${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
' "$BASE" "127.0.0.1:$PORT" "$EXAMPLES" "$FILE")

log "GraphStep is running in code-server (log: $DEV/code-server.log). Open:"
echo
echo "  $URL"
echo
log "Ctrl-C to stop."
wait "$CS_PID"
