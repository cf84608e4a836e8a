#!/usr/bin/env bash
# The whole headless run on a million rows: features computed elsewhere
# (1,000,000 × 64 float32, 10 classes, logits; make_million_embeddings.py)
# through `mnist-explorer --headless --embeddings DIR` with the map's
# projection (UMAP by default), from reading the files to the last export.
# Prints the wall time, the peak resident memory and each stage's seconds
# from summary.json, against the targets (≤ 300 s and ≤ 4 GB with UMAP on
# 2 cores).
#
# Usage: tests/bench/run_million_bench.sh [PROJECTION] [ROWS]   (umap, 1000000)
# Environment: MNISTX_BUILD_DIR (build), WORK (folder for the embeddings and
#   the run; default a temporary one, removed afterwards; the embeddings are
#   kept and reused when WORK is given), MNISTX_SKIP_BUILD (0; 1: use the
#   binary as built).
# Run it on an otherwise idle machine: the run uses both cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROJECTION="${1:-umap}"
ROWS="${2:-1000000}"
BUILD="${MNISTX_BUILD_DIR:-$ROOT/build}"
APP="$BUILD/app/mnist-explorer"

if [ "${MNISTX_SKIP_BUILD:-0}" != 1 ]; then
    [ -f "$BUILD/CMakeCache.txt" ] || { echo "no build in $BUILD: run scripts/setup first" >&2; exit 1; }
    cmake --build "$BUILD" --target mnist-explorer
fi
/usr/bin/python3 -c 'import numpy' 2>/dev/null ||
    { echo "the generator needs Debian's NumPy: sudo apt-get install -y python3-numpy" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: sudo apt-get install -y time" >&2; exit 1; }

if [ -z "${WORK:-}" ]; then
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
fi
EMBEDDINGS="$WORK/embeddings-$ROWS"
if [ ! -f "$EMBEDDINGS/subset.npy" ]; then
    echo "writing $ROWS rows of embeddings into $EMBEDDINGS"
    /usr/bin/python3 "$ROOT/tests/bench/make_million_embeddings.py" "$EMBEDDINGS" "$ROWS"
fi
OUT="$WORK/run-$PROJECTION"
rm -rf "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v -o "$WORK/time.txt" \
    "$APP" --headless --embeddings "$EMBEDDINGS" --projection "$PROJECTION" --out "$OUT" \
    >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log" >&2; exit 1; }
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s }' "$WORK/time.txt")"
rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")"
echo "stages (summary.json, seconds):"
/usr/bin/python3 - "$OUT/summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
for stage, seconds in summary.get("timings", {}).items():
    print(f"  {stage:10s} {seconds:8.1f}")
PY
awk -v wall="$wall" -v rss="$rss_kb" -v rows="$ROWS" -v p="$PROJECTION" 'BEGIN {
    gb = rss / 1048576
    printf "%d rows, %s: whole run %.1f s (target ≤ 300: %s, %.2f of it), peak RSS %.2f GB (target ≤ 4: %s)\n",
        rows, p, wall, (wall <= 300 ? "ok" : "MISSED"), wall / 300, gb, (gb <= 4 ? "ok" : "MISSED")
}'
