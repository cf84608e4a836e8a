#!/usr/bin/env bash
# "Why" benchmark (issue 6): heat maps per sample, feature index build and
# query, label-candidate ranking, metadata and insights on a stored run, with
# the targets beside the measurements; then a contact sheet of the top
# validation label candidates (PNG) to judge by eye.
#
# Usage: tests/bench/run_why_bench.sh [RUN_DIR]   (default: the newest run in runs/)
# Environment: THREADS (2), TOP (20), MNISTX_BUILD_DIR (build),
#   OUT (folder for why_top_candidates.csv / .png; default: a temporary one).
# Timings are wall times: run it on an otherwise idle machine (the load
# average is printed before and after).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
RUN="${1:-$(bench_latest_run)}"
THREADS="${THREADS:-2}"
TOP="${TOP:-20}"
OUT="${OUT:-$(mktemp -d)}"
BENCH="$BUILD/tests/bench/bench_why"

[ -f "$RUN/run.bin" ] || { echo "no stored run in $RUN (run the headless mode first: scripts/run)" >&2; exit 1; }
bench_build bench_why
mkdir -p "$OUT"

bench_load_average before
"$BENCH" "$RUN" --threads "$THREADS" --top-validation "$TOP" \
    --candidates-out "$OUT/why_top_candidates.csv" | tee "$OUT/bench_why.txt"
bench_load_average after

value() { awk -v k="$1" '$1 == k { print $2 }' "$OUT/bench_why.txt"; }
check() { # name measured target unit
    awk -v n="$1" -v m="$2" -v t="$3" -v u="$4" \
        'BEGIN { printf "%-34s %10.3f %s  (target ≤ %s %s)  %s\n", n, m, u, t, u, (m <= t ? "ok" : "MISSED") }'
}
echo
echo "issue 6 targets, $THREADS threads:"
check "heat maps, one sample (median)" "$(value heatmap_ms_median)" 200 ms
check "heat maps, one sample (p95)" "$(value heatmap_ms_p95)" 200 ms
check "index build, all samples" "$(value index_build)" 5 s
check "query k=10 (p99)" "$(value query_k10_ms_p99)" 5 ms
check "ranking incl. neighbour graph" "$(value rank_total_with_graph)" 5 s
echo "recall@10 of the index against exact search: $(value recall_at_10)"

# The contact sheet needs NumPy, which Debian installs for /usr/bin/python3.
IMAGES=""
for f in "$ROOT/data/mnist/t10k-images-idx3-ubyte" "$ROOT/data/mnist/t10k-images.idx3-ubyte"; do
    [ -f "$f" ] && IMAGES="$f" && break
done
if [ -n "$IMAGES" ]; then
    /usr/bin/python3 "$ROOT/tests/bench/why_contact_sheet.py" \
        "$OUT/why_top_candidates.csv" "$IMAGES" "$OUT/why_top_candidates.png" "$TOP"
    echo "top $TOP validation candidates: $OUT/why_top_candidates.png (tile: rank, digit, given>suggested)"
fi
