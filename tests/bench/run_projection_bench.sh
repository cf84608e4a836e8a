#!/usr/bin/env bash
# Projection benchmark: our projections against the tools people use, in one
# run, on one feature matrix, with the same thread count:
#   UMAP:  ours, R uwot (r-cran-uwot), umap-learn (python3)
#   t-SNE: ours, R Rtsne (r-cran-rtsne), scikit-learn TSNE (only with
#          SKLEARN_TSNE=1: it takes ~15 minutes on 70,000 points)
# Every layout, ours and the peers', is scored by the same code
# (bench_projection --evaluate: core/projection/quality.h): leave-one-out
# 10-NN accuracy in 2D and trustworthiness@10 on a 5,000-point sample. The
# table gives each method's wall time and, for ours, the ratio of our time to
# the fastest peer of the same family (issue 5 targets: UMAP ≤ 1/3 of uwot,
# t-SNE ≤ 1/4 of Rtsne).
#
# Usage: tests/bench/run_projection_bench.sh [features.npy [labels]]
#   features.npy  float32 N×D (default: the newest run in runs/)
#   labels        samples.csv of the run or a 1-D .npy (default: samples.csv
#                 beside features.npy)
# Environment: THREADS (2), FAMILIES ("umap tsne"), SKLEARN_TSNE (0),
#   SCALE (0; e.g. 1000000: instead, run our projections of FAMILIES alone on
#   the rows stacked up to SCALE points with 5% noise, under /usr/bin/time -v
#   for the peak memory),
#   MNISTX_BUILD_DIR (build), MNISTX_SKIP_BUILD (0; 1: use the binaries as built).
# Timings are wall times: run it on an otherwise idle machine (the load
# average is printed before and after).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
FEATURES="${1:-$(bench_latest_run)/features.npy}"
LABELS="${2:-$(dirname "$FEATURES")/samples.csv}"
THREADS="${THREADS:-2}"
FAMILIES="${FAMILIES:-umap tsne}"
SKLEARN_TSNE="${SKLEARN_TSNE:-0}"
SCALE="${SCALE:-0}"

[ -f "$FEATURES" ] || { echo "no feature matrix at $FEATURES (run the headless mode first: scripts/run)" >&2; exit 1; }
[ -f "$LABELS" ] || { echo "no labels at $LABELS" >&2; exit 1; }

# The peers come from Debian; their Python packages import only under
# /usr/bin/python3.
PEERS=(r-cran-uwot r-cran-rtsne umap-learn python3-sklearn)
missing=()
for p in "${PEERS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] && [ "$SCALE" = 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "the peers need: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bench_build bench_projection
BENCH="$BUILD/tests/bench/bench_projection"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== $(basename "$FEATURES"): $(/usr/bin/python3 -c "import numpy; print('%d × %d' % numpy.load('$FEATURES', mmap_mode='r').shape)"), $THREADS threads, $(nproc) cores"
bench_load_average before

if [ "$SCALE" != 0 ]; then
    for family in $FAMILIES; do
        echo "== ours, $family on $SCALE points (rows stacked with 5% noise)"
        /usr/bin/time -v "$BENCH" --method "$family" --features "$FEATURES" --labels "$LABELS" \
            --threads "$THREADS" --replicate "$SCALE" --noise 0.05 2>"$TMP/time.txt" | tee "$TMP/ours.txt"
        grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$TMP/time.txt"
    done
    bench_load_average after
    exit 0
fi

# One result file per method: "family", "name", "seconds", then the scores.
run_ours() { # family
    local out="$TMP/ours_$1"
    if "$BENCH" --method "$1" --features "$FEATURES" --labels "$LABELS" --threads "$THREADS" \
        --out "$out.npy" >"$out.txt" 2>"$out.err"; then
        { echo "family $1"; echo "name ours"; cat "$out.txt"; } >"$TMP/result_ours_$1"
    else
        echo "ours ($1) failed: $(tail -1 "$out.err")" >&2
    fi
}
run_peer() { # family name command...
    local family="$1" name="$2"
    shift 2
    local out="$TMP/${name}"
    if "$@" --features "$FEATURES" --out "$out.npy" --threads "$THREADS" >"$out.txt" 2>"$out.err"; then
        { echo "family $family"; echo "name $name"; grep '^seconds ' "$out.txt"
          "$BENCH" --evaluate "$out.npy" --features "$FEATURES" --labels "$LABELS" --threads "$THREADS"
        } >"$TMP/result_$name"
    else
        echo "$name failed: $(tail -1 "$out.err")" >&2
    fi
}

for family in $FAMILIES; do
    echo "== $family"
    run_ours "$family"
    case "$family" in
    umap)
        run_peer umap uwot Rscript "$ROOT/tests/bench/peers_projection.R" --method umap
        run_peer umap umap-learn /usr/bin/python3 "$ROOT/tests/bench/peers_projection.py" --method umap
        ;;
    tsne)
        run_peer tsne Rtsne Rscript "$ROOT/tests/bench/peers_projection.R" --method tsne
        if [ "$SKLEARN_TSNE" = 1 ]; then
            run_peer tsne sklearn-TSNE /usr/bin/python3 "$ROOT/tests/bench/peers_projection.py" --method tsne
        fi
        ;;
    esac
done
bench_load_average after

/usr/bin/python3 - "$TMP" <<'PY'
import glob, os, sys
rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "result_*"))):
    r = {}
    for line in open(path):
        parts = line.split(None, 1)
        if len(parts) == 2:
            r[parts[0]] = parts[1].strip()
    rows.append(r)
print(f"\n{'method':<22}{'wall time':>11}{'10-NN acc':>11}{'trust@10':>10}{'ours / fastest peer':>21}")
for family in dict.fromkeys(r["family"] for r in rows):
    members = [r for r in rows if r["family"] == family]
    peers = [float(r["seconds"]) for r in members if r["name"] != "ours"]
    for r in sorted(members, key=lambda r: r["name"] != "ours"):
        ratio = ""
        if r["name"] == "ours" and peers:
            ratio = f"{float(r['seconds']) / min(peers):.3f}"
        print(f"{family + ' ' + r['name']:<22}{float(r['seconds']):>10.1f}s"
              f"{float(r.get('knn_accuracy', 'nan')):>11.4f}{float(r.get('trustworthiness', 'nan')):>10.4f}"
              f"{ratio:>21}")
PY
