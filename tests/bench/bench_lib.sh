# Shared by the tests/bench/run_*_bench.sh scripts (sourced, not run):
# where the build is, building a benchmark's targets, checking a peer's
# Python modules, a work folder and the load average around a measurement.
# Sets ROOT and BUILD; the caller has `set -euo pipefail`.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${MNISTX_BUILD_DIR:-$ROOT/build}"

# Builds the given targets in $BUILD, unless MNISTX_SKIP_BUILD=1.
bench_build() {
    [ "${MNISTX_SKIP_BUILD:-0}" = 1 ] && return 0
    [ -f "$BUILD/CMakeCache.txt" ] || {
        echo "no build in $BUILD: run scripts/setup first" >&2
        exit 1
    }
    cmake --build "$BUILD" --target "$@" >/dev/null
}

# Exits unless Debian's Python imports the modules:
#   bench_need_python MODULES WHO PACKAGES   e.g. bench_need_python numpy "the peer" python3-numpy
bench_need_python() {
    /usr/bin/python3 -c "import $1" 2>/dev/null && return 0
    echo "$2 needs Debian's $1: sudo apt-get install -y $3" >&2
    exit 1
}

# WORK: as given, or a temporary folder removed when the script exits (with
# the extra clean-up command $1, if any).
bench_work_dir() {
    if [ -z "${WORK:-}" ]; then
        WORK="$(mktemp -d)"
        # shellcheck disable=SC2064 # expand now: the folder is known
        trap "rm -rf '$WORK'; ${1:-:}" EXIT
    fi
    mkdir -p "$WORK"
}

# The newest run folder under runs/ (by its run.bin's time), for the
# benchmarks that read a stored MNIST run; "" when there is none.
bench_latest_run() {
    local newest
    newest="$(ls -td "$ROOT"/runs/*/run.bin 2>/dev/null | head -1)"
    [ -z "$newest" ] || dirname "$newest"
}

# "load average before:" / "after:" lines: a measurement on a busy machine
# shows itself.
bench_load_average() {
    printf 'load average %-7s %s\n' "$1:" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
