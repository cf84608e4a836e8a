#!/usr/bin/env bash
# Query language benchmark: compile and evaluate four expressions over
# 1,000,000 synthetic samples (what the map's filter box does on the GUI
# thread, and --query headless) against a hand-written C++ loop computing the
# same flags in the same run. Prints each time, the ratio query / loop, and
# whether the query keeps within the window's 100 ms budget for a stall.
#
# Usage: tests/bench/run_query_bench.sh [SAMPLES]   (default 1000000)
# Environment: MNISTX_BUILD_DIR (build), MNISTX_SKIP_BUILD (0).
# Run it on an otherwise idle machine (the load average is printed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
SAMPLES="${1:-1000000}"
BENCH="$BUILD/tests/bench/bench_query"
bench_build bench_query
bench_load_average before
"$BENCH" "$SAMPLES" | awk '
    $1 == "samples" { print; next }
    $1 == "expression" { $1 = ""; expr = substr($0, 2); next }
    $1 == "query_ms" { q = $2 } $1 == "loop_ms" { l = $2 } $1 == "ratio" { r = $2 }
    $1 == "matches" { printf "%-58s query %7.1f ms  loop %6.1f ms  ratio %5.1f  %s  (%d matches)\n",
                      expr, q, l, r, (q <= 100 ? "within 100 ms" : "OVER 100 ms"), $2 }'
bench_load_average after
