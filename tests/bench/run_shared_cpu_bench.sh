#!/usr/bin/env bash
# Shared-CPU benchmark: one training alone, then two at once with the same
# settings (an epoch of our default recipe on 30,000 MNIST images each, all
# cores each), with our CPU share on (the default) and off
# (MNISTX_CPU_SHARE=0: every thread always, as before). Prints each epoch
# time and the ratios the issue sets targets for:
#   pair / lone, share on            (each of two at once ≤ 2.5 × a lone one)
#   lone with share / lone without   (a lone training within 10 %)
# Then the same for a UMAP of a stored run's 70,000 features (our worker
# pool, which spins at most 50 µs before it sleeps), when there is a run.
# Usage: tests/bench/run_shared_cpu_bench.sh [repeats]   (default 2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
REPEATS="${1:-2}"
DATA="$ROOT/data/mnist"
[ "${MNISTX_SKIP_BUILD:-0}" = 1 ] || "$ROOT/scripts/setup" >/dev/null
bench_build bench_training bench_projection
BIN="$BUILD/tests/bench/bench_training"
bench_work_dir

epoch() { # share out-file
    MNISTX_CPU_SHARE="$1" "$BIN" --data "$DATA" --mode epoch --train-limit 30000 |
        awk '/^epoch_seconds/ {print $2}' >"$2"
}

bench_load_average before
# On and off take turns, so that a machine that drifts slower (another
# tenant, heat) weighs on both alike.
for r in $(seq "$REPEATS"); do
    for share in 1 0; do
        epoch "$share" "$WORK/lone-$share-$r"
        epoch "$share" "$WORK/pairA-$share-$r" &
        a=$!
        epoch "$share" "$WORK/pairB-$share-$r" &
        b=$!
        wait "$a" "$b"
        echo "share=$share run $r: lone $(cat "$WORK/lone-$share-$r") s," \
            "two at once $(cat "$WORK/pairA-$share-$r") s and $(cat "$WORK/pairB-$share-$r") s"
    done
done
RUN="$(bench_latest_run)"
if [ -n "$RUN" ]; then
    umap() { "$BUILD/tests/bench/bench_projection" --method umap --features "$RUN/features.npy" \
        --threads 2 | awk '/^seconds / {print $2}' >"$1"; }
    umap "$WORK/umap-lone"
    umap "$WORK/umap-A" &
    a=$!
    umap "$WORK/umap-B" &
    b=$!
    wait "$a" "$b"
    echo "umap ($RUN): lone $(cat "$WORK/umap-lone") s, two at once $(cat "$WORK/umap-A") s" \
        "and $(cat "$WORK/umap-B") s"
fi
bench_load_average after

/usr/bin/python3 - "$WORK" "$REPEATS" <<'PY'
import statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])
def times(kind, share):
    return [float(open(f"{work}/{kind}-{share}-{r}").read()) for r in range(1, repeats + 1)]
for share, label in ((1, "share on"), (0, "share off (as before)")):
    lone = statistics.median(times("lone", share))
    pair = statistics.median(times("pairA", share) + times("pairB", share))
    print(f"[{label}] lone {lone:.2f} s, each of two at once {pair:.2f} s -> ratio {pair / lone:.2f}"
          + (" (target <= 2.5)" if share else ""))
on, off = statistics.median(times("lone", 1)), statistics.median(times("lone", 0))
print(f"[lone] share on {on:.2f} s / share off {off:.2f} s -> ratio {on / off:.2f} (target <= 1.10)")
import os
if os.path.exists(f"{work}/umap-lone"):
    lone = float(open(f"{work}/umap-lone").read())
    pair = max(float(open(f"{work}/umap-{k}").read()) for k in "AB")
    print(f"[umap] lone {lone:.2f} s, slower of two at once {pair:.2f} s -> ratio {pair / lone:.2f} (target <= 2.5)")
PY
