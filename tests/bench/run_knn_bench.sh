#!/usr/bin/env bash
# kNN-graph benchmark (issue 20): the neighbour graph UMAP builds (k = 14,
# "auto": NN-descent) on a features .npy, against pynndescent (umap-learn's
# graph) on the same features and threads, both scored against the exact
# neighbours; prints the ratio of the wall times.
#
# Usage: tests/bench/run_knn_bench.sh [FEATURES.npy]   (default: the newest run's features.npy)
# Environment: THREADS (2), K (14), MNISTX_BUILD_DIR (build), MNISTX_SKIP_BUILD.
# Run it on an otherwise idle machine (the load average is printed before
# and after).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
FEATURES="${1:-$(bench_latest_run)/features.npy}"
THREADS="${THREADS:-2}"
K="${K:-14}"
[ -f "$FEATURES" ] || { echo "no features in $FEATURES (export a run's features.npy first)" >&2; exit 1; }
bench_build bench_projection
bench_need_python pynndescent "the peer" python3-pynndescent
bench_work_dir

bench_load_average before
echo "== ours (k = $K, $THREADS threads)"
"$BUILD/tests/bench/bench_projection" --knn --features "$FEATURES" --threads "$THREADS" --k "$K" \
    --out "$WORK/exact.npy" | tee "$WORK/ours.txt"
echo "== pynndescent"
/usr/bin/python3 "$ROOT/tests/bench/peers_projection.py" --method knn --features "$FEATURES" \
    --exact "$WORK/exact.npy" --threads "$THREADS" | tee "$WORK/peer.txt"
bench_load_average after

value() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
ours="$(value seconds "$WORK/ours.txt")"
peer="$(value seconds "$WORK/peer.txt")"
awk -v o="$ours" -v p="$peer" -v ro="$(value recall "$WORK/ours.txt")" \
    -v rp="$(value recall "$WORK/peer.txt")" 'BEGIN {
    printf "\n%-14s %9s %8s\n", "kNN graph", "seconds", "recall"
    printf "%-14s %9.2f %8.4f\n", "ours", o, ro
    printf "%-14s %9.2f %8.4f\n", "pynndescent", p, rp
    printf "ours / pynndescent: %.3f   (targets: ours <= 2 s, recall >= 0.99)  %s\n", o / p,
        (o <= 2 && ro >= 0.99 ? "ok" : "MISSED")
}'
