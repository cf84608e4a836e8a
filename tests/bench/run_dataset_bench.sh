#!/usr/bin/env bash
# Dataset loading benchmark: real MNIST written as image folders (70,000
# PNGs of 28×28, grey or RGB) and as NumPy files, loaded by our readers and
# by torchvision's ImageFolder + DataLoader (PIL decoding, as many worker
# processes as our threads) in the same run. Prints both and the ratio, with
# the target of ≥ 10,000 images/s on 2 cores.
#
# Usage: tests/bench/run_dataset_bench.sh [THREADS]   (default 2)
# Environment: MNISTX_BUILD_DIR (build), REPEAT (3), RGB (0; 1: RGB images),
#   WORK (folder for the written dataset; default a temporary one),
#   MNISTX_SKIP_BUILD (0; 1: use the binaries as built).
# Timings are wall times on a warm page cache (each load is repeated and the
# best kept): run it on an otherwise idle machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
THREADS="${1:-2}"
REPEAT="${REPEAT:-3}"
WORK="${WORK:-$(mktemp -d)}"
RGB_FLAG=()
[ "${RGB:-0}" = 1 ] && RGB_FLAG=(--rgb)

if [ "${MNISTX_SKIP_BUILD:-0}" != 1 ]; then
    "$ROOT/scripts/setup"
    cmake --build "$BUILD" --target bench_dataset
fi
if ! /usr/bin/python3 -c 'import torchvision, PIL' 2>/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "the peer needs Debian's torchvision: sudo apt-get install -y python3-torchvision python3-pil" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torchvision python3-pil >/dev/null
fi

BENCH="$BUILD/tests/bench/bench_dataset"
[ -d "$WORK/train" ] || "$BENCH" make "$ROOT/data/mnist" "$WORK" "${RGB_FLAG[@]}"
OUT="$WORK/results.txt"
bench_load_average before
{
    "$BENCH" load "$WORK" --threads "$THREADS" --repeat "$REPEAT"
    "$BENCH" load "$WORK/npy" --threads "$THREADS" --repeat "$REPEAT" | sed 's/^/npy_/'
    OMP_NUM_THREADS=1 /usr/bin/python3 "$ROOT/tests/bench/peers_dataset.py" "$WORK" "$THREADS" "$REPEAT"
} | tee "$OUT"
bench_load_average after

value() { awk -v k="$1" '$1 == k { print $2 }' "$OUT"; }
echo
awk -v ours="$(value images_per_s)" -v peer="$(value peer_images_per_s)" -v t="$THREADS" \
    'BEGIN { printf "image folders, %d threads: %.0f images/s (target ≥ 10000: %s), torchvision %.0f images/s; ours / torchvision = %.2f\n", t, ours, (ours >= 10000 ? "ok" : "MISSED"), peer, ours / peer }'
awk -v ours="$(value npy_megabytes_per_s)" -v peer="$(value peer_npy_megabytes_per_s)" \
    'BEGIN { printf "NumPy files: %.0f MB/s, numpy.load %.0f MB/s; ours / numpy = %.2f\n", ours, peer, ours / peer }'
