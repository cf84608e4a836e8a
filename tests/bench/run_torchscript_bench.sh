#!/usr/bin/env bash
# TorchScript import: a scripted CNN (peers_torchscript.py make) evaluated
# on the 70,000 MNIST images by `mnist-explorer --headless --model` (its
# "analyse" stage: inference in batches of 500 on the worker, then the
# analysis: probabilities, losses, centroids and distances, metrics) and by
# PyTorch's own forward over the same images and batches, with the same
# process settings as the app (glibc keeps freed memory, OpenBLAS on one
# thread, 2 threads). Prints both and the ratio (ours includes the analysis).
#
# Usage: tests/bench/run_torchscript_bench.sh
# Environment: MNISTX_BUILD_DIR (build), MNISTX_SKIP_BUILD.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
bench_build mnist-explorer
bench_need_python torch "the peer" python3-torch
WORK=""
bench_work_dir
/usr/bin/python3 "$ROOT/tests/bench/peers_torchscript.py" make "$WORK/model.pt"
bench_load_average before
"$BUILD/app/mnist-explorer" --headless --data "$ROOT/data/mnist" --model "$WORK/model.pt" \
    --projection pca --threads 2 --out "$WORK/run" >"$WORK/run.log" 2>&1 ||
    { cat "$WORK/run.log" >&2; exit 1; }
ours="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings']['analyse'])" "$WORK/run/summary.json")"
peer="$(MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 \
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$ROOT/tests/bench/peers_torchscript.py" infer \
    "$WORK/model.pt" "$ROOT/data/mnist" 500 | awk '$1 == "pytorch_seconds" { print $2 }')"
bench_load_average after
awk -v ours="$ours" -v peer="$peer" 'BEGIN {
    printf "70,000 MNIST images through a TorchScript CNN: ours (inference + analysis) %.2f s = %.0f images/s, PyTorch forward alone %.2f s = %.0f images/s; ours / PyTorch = %.2f\n",
        ours, 70000 / ours, peer, 70000 / peer, ours / peer
}'
