#!/usr/bin/env bash
# The whole headless run on a million rows: features computed elsewhere
# (1,000,000 × 64 float32, 10 classes, logits; make_million_embeddings.py)
# through `mnist-explorer --headless --embeddings DIR` with the map's
# projection (UMAP by default), from reading the files to the last export.
# Prints the wall time, the peak resident memory and each stage's seconds
# from summary.json, against the targets: with UMAP the whole run ≤ 300 s
# and ≤ 4 GB (issue 18), the projection ≤ 120 s; with t-SNE the projection
# ≤ 180 s (issue 20), on 2 cores.
#
# Usage: tests/bench/run_million_bench.sh [PROJECTION] [ROWS]   (umap, 1000000)
# Environment: MNISTX_BUILD_DIR (build), WORK (folder for the embeddings and
#   the run; default a temporary one, removed afterwards; the embeddings are
#   kept and reused when WORK is given), MNISTX_SKIP_BUILD (0; 1: use the
#   binary as built), STACK (an exported run's folder, with features.npy and
#   samples.csv: instead of the generated rows, its real features stacked up
#   to ROWS with 5 % noise, as the projection bench's SCALE stacks them;
#   make_stacked_embeddings.py).
# Run it on an otherwise idle machine: the run uses both cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
PROJECTION="${1:-umap}"
ROWS="${2:-1000000}"
APP="$BUILD/app/mnist-explorer"
bench_build mnist-explorer
bench_need_python numpy "the generator" python3-numpy
[ -x /usr/bin/time ] || { echo "needs GNU time: sudo apt-get install -y time" >&2; exit 1; }
bench_work_dir
if [ -n "${STACK:-}" ]; then
    EMBEDDINGS="$WORK/stacked-$ROWS"
    if [ ! -f "$EMBEDDINGS/subset.npy" ]; then
        echo "stacking the rows of $STACK up to $ROWS into $EMBEDDINGS"
        /usr/bin/python3 "$ROOT/tests/bench/make_stacked_embeddings.py" "$STACK" "$EMBEDDINGS" "$ROWS"
    fi
else
    EMBEDDINGS="$WORK/embeddings-$ROWS"
    if [ ! -f "$EMBEDDINGS/subset.npy" ]; then
        echo "writing $ROWS rows of embeddings into $EMBEDDINGS"
        /usr/bin/python3 "$ROOT/tests/bench/make_million_embeddings.py" "$EMBEDDINGS" "$ROWS"
    fi
fi
OUT="$WORK/run-$PROJECTION"
rm -rf "$OUT"
bench_load_average before
/usr/bin/time -v -o "$WORK/time.txt" \
    "$APP" --headless --embeddings "$EMBEDDINGS" --projection "$PROJECTION" --out "$OUT" \
    >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log" >&2; exit 1; }
bench_load_average after

wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s }' "$WORK/time.txt")"
rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")"
echo "stages (summary.json, seconds):"
/usr/bin/python3 - "$OUT/summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
for stage, seconds in summary.get("timings", {}).items():
    print(f"  {stage:10s} {seconds:8.1f}")
PY
project="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["timings"]["project"])' "$OUT/summary.json")"
awk -v wall="$wall" -v rss="$rss_kb" -v rows="$ROWS" -v p="$PROJECTION" -v project="$project" 'BEGIN {
    gb = rss / 1048576
    if (p == "tsne") {
        printf "%d rows, tsne: projection %.1f s (target ≤ 180: %s, %.2f of it), whole run %.1f s, peak RSS %.2f GB\n",
            rows, project, (project <= 180 ? "ok" : "MISSED"), project / 180, wall, gb
    } else {
        printf "%d rows, %s: whole run %.1f s (target ≤ 300: %s, %.2f of it), peak RSS %.2f GB (target ≤ 4: %s), projection %.1f s (target ≤ 120: %s)\n",
            rows, p, wall, (wall <= 300 ? "ok" : "MISSED"), wall / 300, gb, (gb <= 4 ? "ok" : "MISSED"),
            project, (project <= 120 ? "ok" : "MISSED")
    }
}'
