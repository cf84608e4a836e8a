#!/usr/bin/env bash
# Window responsiveness with a million dots: the main window opens a stored
# run and is driven as a person would (hover, clicks, a rectangle selection,
# the gallery, filters, zoom, the tables, similar samples) while its event
# loop's longest stall is measured per phase (bench_window.cpp). Target: no
# stall over 100 ms. The run defaults to a headless run on 1,000,000 rows
# of embeddings (run_million_bench.sh makes one; WORK as there).
#
# Usage: tests/bench/run_window_bench.sh [RUN_DIR]
# Environment: MNISTX_BUILD_DIR (build), WORK (where run_million_bench.sh
#   left its run; default /tmp/mnistx-million), SETTLE (seconds to wait for
#   the background work after opening; 300), MNISTX_SKIP_BUILD.
# Runs on Xvfb when there is one (a real X server, as people see it), else
# on Qt's offscreen platform.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
WORK="${WORK:-/tmp/mnistx-million}"
RUN="${1:-$WORK/run-umap}"

bench_build bench_window
if [ ! -f "$RUN/run.bin" ]; then
    echo "no run in $RUN: making one (tests/bench/run_million_bench.sh)"
    WORK="$WORK" MNISTX_SKIP_BUILD="${MNISTX_SKIP_BUILD:-0}" "$ROOT/tests/bench/run_million_bench.sh" umap
fi
OUT="$(mktemp)"
trap 'rm -f "$OUT"; [ -z "${XVFB_PID:-}" ] || kill "$XVFB_PID"' EXIT
if command -v Xvfb >/dev/null 2>&1; then
    DISPLAY_NUMBER=97
    Xvfb ":$DISPLAY_NUMBER" -screen 0 1920x1200x24 >/dev/null 2>&1 &
    XVFB_PID=$!
    sleep 1
    export DISPLAY=":$DISPLAY_NUMBER" QT_QPA_PLATFORM=xcb
else
    export QT_QPA_PLATFORM=offscreen
fi
# Its own settings: the bench must not change (or be changed by) the user's.
export XDG_CONFIG_HOME="$(mktemp -d)"
bench_load_average before
"$BUILD/tests/bench/bench_window" --run "$RUN" --settle "${SETTLE:-300}" | tee "$OUT"
bench_load_average after
echo "== summary"
awk '$1 ~ /^stall_/ { phase = substr($1, 7); sub(/_ms$/, "", phase);
        printf "%-8s longest stall %6d ms  (target ≤ 100: %s)\n", phase, $2, ($2 <= 100 ? "ok" : "MISSED") }' "$OUT"
