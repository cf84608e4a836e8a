#!/usr/bin/env bash
# Training benchmark: our trainer against the PyTorch reference, in one run,
# same thread count. Prints both measurements and the two ratios the issue
# sets targets for:
#   throughput ratio  = ours / PyTorch, same architecture and batch (≥ 1.0)
#   time-to-0.99 ratio = our default recipe / reference recipe      (≤ 0.5)
# Usage: tests/bench/run_training_bench.sh [threads]   (default 2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
THREADS="${1:-2}"
DATA="$ROOT/data/mnist"
# MNISTX_SKIP_BUILD=1: run the binaries already in $BUILD as they are (no
# set-up, no rebuild), e.g. while other work edits the sources.
SKIP_BUILD="${MNISTX_SKIP_BUILD:-0}"

[ "$SKIP_BUILD" = 1 ] || "$ROOT/scripts/setup"
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "the reference needs Debian's python3-torch: sudo apt-get install -y python3-torch python3-numpy" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy >/dev/null
fi
bench_build bench_training

value() { grep "^$1 " "$2" | awk '{print $2}'; }
OURS="$(mktemp)"; REF="$(mktemp)"; TUNED="$(mktemp)"
trap 'rm -f "$OURS" "$REF" "$TUNED"' EXIT

echo "== ours (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), $THREADS threads)"
"$BUILD/tests/bench/bench_training" --data "$DATA" --threads "$THREADS" | tee "$OURS"
echo "== reference (PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $THREADS threads)"
/usr/bin/python3 "$ROOT/tests/bench/reference_training.py" --data "$DATA" --threads "$THREADS" | tee "$REF"
# The reference again with the settings our process gives itself at start-up
# (core/pipeline/headless.cpp, configureThreads): freed blocks stay in glibc's
# heap, OpenBLAS runs on one thread inside libtorch's. As people run it, the
# reference pays for both; this row shows what is left once it does not.
echo "== reference with our malloc and BLAS settings"
MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864 \
    OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 "$ROOT/tests/bench/reference_training.py" --data "$DATA" --threads "$THREADS" | tee "$TUNED"

/usr/bin/python3 - "$OURS" "$REF" "$TUNED" <<'PY'
import sys
def read(path):
    return {k: float(v) for k, v in (l.split() for l in open(path) if l.strip())}
ours = read(sys.argv[1])
for label, path in (("PyTorch", sys.argv[2]), ("PyTorch, our settings", sys.argv[3])):
    ref = read(path)
    tp = ours["throughput_samples_per_s"] / ref["throughput_samples_per_s"]
    print(f"[{label}] throughput: ours {ours['throughput_samples_per_s']:.0f} samples/s, "
          f"reference {ref['throughput_samples_per_s']:.0f} samples/s -> ratio {tp:.2f} (target >= 1.0)")
    if ours["time_to_target_s"] < 0 or ref["time_to_target_s"] < 0:
        print(f"[{label}] time to 0.99: not reached by",
              "ours" if ours["time_to_target_s"] < 0 else "the reference")
    else:
        r = ours["time_to_target_s"] / ref["time_to_target_s"]
        print(f"[{label}] time to 0.99: ours {ours['time_to_target_s']:.1f} s (epoch {ours['reached_at_epoch']:.2f}), "
              f"reference {ref['time_to_target_s']:.1f} s (epoch {ref['reached_at_epoch']:.2f}) "
              f"-> ratio {r:.2f} (target <= 0.5)")
PY
