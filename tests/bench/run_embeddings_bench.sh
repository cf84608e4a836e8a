#!/usr/bin/env bash
# Embeddings loading benchmark: a folder of 1,000,000 × 64 float32 features
# (256 MB), int64 labels and 10 float32 logits per row (304 MB in all), read
# by readEmbeddings and by numpy.load in the same run. Prints both and the
# ratio, with the target of ≥ 500 MB/s.
#
# Usage: tests/bench/run_embeddings_bench.sh [ROWS]   (default 1000000)
# Environment: MNISTX_BUILD_DIR (build), REPEAT (3), DIM (64), CLASSES (10),
#   WORK (folder for the files; default a temporary one, removed afterwards),
#   MNISTX_SKIP_BUILD (0; 1: use the binary as built).
# Timings are wall times on a warm page cache (the files were just written,
# each load is repeated and the best kept): run it on an otherwise idle
# machine with a few hundred MB of memory to spare (the load average is
# printed before and after).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
ROWS="${1:-1000000}"
REPEAT="${REPEAT:-3}"
BENCH="$BUILD/tests/bench/bench_embeddings"
bench_build bench_embeddings
bench_need_python numpy "the peer" python3-numpy
bench_work_dir
"$BENCH" make "$WORK" --rows "$ROWS" --dim "${DIM:-64}" --classes "${CLASSES:-10}"
OUT="$WORK/results.txt"
bench_load_average before
{
    "$BENCH" load "$WORK" --repeat "$REPEAT"
    /usr/bin/python3 "$ROOT/tests/bench/peers_embeddings.py" "$WORK" "$REPEAT"
} | tee "$OUT"
bench_load_average after

value() { awk -v k="$1" '$1 == k { print $2 }' "$OUT"; }
echo
awk -v ours="$(value megabytes_per_s)" -v peer="$(value peer_megabytes_per_s)" \
    -v mb="$(value megabytes)" \
    'BEGIN { printf "embeddings, %.0f MB: %.0f MB/s (target ≥ 500: %s), numpy.load %.0f MB/s; ours / numpy = %.2f\n", mb, ours, (ours >= 500 ? "ok" : "MISSED"), peer, ours / peer }'
