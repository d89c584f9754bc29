#!/usr/bin/env bash
# THE test command (`npm test`): setup, build, typecheck, lint, then the three layers
#   unit         mocha over test/unit (pure core, no VS Code)
#   integration  mocha inside the extension host of a private code-server
#   web          mocha inside the browser's web worker extension host (VS Code for the Web)
#   ui           mocha + Playwright + Chromium against a private code-server
# Every layer writes its counts to test-results/LAYER.json. A layer that
# crashes, hangs or exits non-zero without a failing test counts as 1 failed;
# so does a failed setup, build or typecheck. The last line printed is always
# `N passed, N failed`, and the exit code is non-zero if anything failed.
# Env: GRAPHSTEP_SKIP_SETUP=1 skips scripts/setup.sh; GRAPHSTEP_LAYERS="unit ui" runs only those layers.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=test-results
LAYERS=${GRAPHSTEP_LAYERS:-unit integration web ui}
export FORCE_COLOR=${FORCE_COLOR:-0}

mkdir -p "$RESULTS"
rm -rf "$RESULTS"/{unit,integration,web,ui}.json "$RESULTS/screenshots"

# Servers started by the layers register their process group here, so one
# whose runner died can still be stopped by its id.
GRAPHSTEP_PID_FILE=$(mktemp)
export GRAPHSTEP_PID_FILE
stop_leftovers() {
  local pgid
  while read -r pgid; do
    if [[ -n $pgid ]] && kill -0 -- "-$pgid" 2>/dev/null; then
      echo "[test] stopping leftover code-server process group $pgid"
      kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
  done <"$GRAPHSTEP_PID_FILE"
  : >"$GRAPHSTEP_PID_FILE"
}
trap 'stop_leftovers; rm -f "$GRAPHSTEP_PID_FILE"' EXIT

total_passed=0
total_failed=0
summary=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# A step that must succeed (setup, build, typecheck); a failure counts as 1 failed.
check() {
  local name=$1 start
  shift
  start=$(now)
  echo "[test] ---- $name"
  if "$@"; then
    summary+=("$name: ok ($(since "$start") s)")
  else
    summary+=("$name: FAILED ($(since "$start") s)")
    total_failed=$((total_failed + 1))
  fi
}

# A test layer: runs the command (under a time limit), then reads test-results/NAME.json.
layer() {
  local name=$1 limit=$2 start code counts passed failed note=''
  shift 2
  start=$(now)
  echo "[test] ---- $name layer"
  timeout --signal=INT --kill-after=30 "$limit" "$@"
  code=$?
  stop_leftovers
  counts=$(node -e '
    try { const r = require(process.argv[1]); console.log(`${r.passes | 0} ${r.failures | 0}`); }
    catch { console.log("missing"); }' "$ROOT/$RESULTS/$name.json")
  if [[ $counts == missing ]]; then
    passed=0 failed=1 note=" (crashed, exit $code: no results)"
  else
    read -r passed failed <<<"$counts"
    if ((code != 0 && failed == 0)); then
      failed=1 note=" (exit $code with no failing test: counted as 1 failed)"
    fi
  fi
  ((code == 124)) && note="$note (timed out after $limit s)"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("$name: $passed passed, $failed failed$note ($(since "$start") s)")
}

run_started=$(now)
if [[ -z ${GRAPHSTEP_SKIP_SETUP:-} ]]; then
  check setup bash scripts/setup.sh
fi
check build npm run --silent build
check build-tests node scripts/build-tests.mjs
check typecheck npm run --silent typecheck
check lint npm run --silent lint

for name in $LAYERS; do
  case $name in
    unit)
      layer unit 300 node_modules/.bin/mocha --config .mocharc.json \
        --reporter ./test/support/results-reporter.cjs --reporter-option "output=$RESULTS/unit.json" ;;
    integration)
      layer integration 420 node --import tsx scripts/run-integration.ts ;;
    web)
      layer web 300 node --import tsx scripts/run-web.ts ;;
    ui)
      layer ui 600 node_modules/.bin/mocha --config test/ui/.mocharc.json \
        --reporter ./test/support/results-reporter.cjs --reporter-option "output=$RESULTS/ui.json" ;;
    *)
      echo "[test] unknown layer '$name'"
      total_failed=$((total_failed + 1)) ;;
  esac
done

echo
echo "[test] ==== summary ($(since "$run_started") s; screenshots in $RESULTS/screenshots)"
for line in "${summary[@]}"; do echo "[test]   $line"; done
stop_leftovers
trap - EXIT
rm -f "$GRAPHSTEP_PID_FILE"
echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
