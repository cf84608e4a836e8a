#!/usr/bin/env bash
# A scripted walk through the window, as a new user would take it, for a
# person to look at: starts the app on a stored run under Xvfb at a screen
# size, drives it with xdotool (find a sample, inspect it, walk the errors,
# open the why-views, select a confusion cell, filter and clear, resize,
# recompute the map) and saves a screenshot after each step.
#
#   tests/ui/walk/walk.sh [RUN_DIR] [OUT_DIR] [WIDTHxHEIGHT ...]
#
# Defaults: the newest run in runs/ (scripts/run writes one), walk-shots/, and the two
# sizes the window is checked at, 1600x1000 and 1024x700. Needs xvfb,
# xdotool, x11-apps (xwd), imagemagick (convert) and python3-numpy (for
# find_marker.py); the app must be built.
# Settings are kept in a temporary folder: the walk starts from the default
# layout and leaves the user's own alone.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
NEWEST="$(ls -td "$ROOT"/runs/*/run.bin 2>/dev/null | head -1)"
RUN="${1:-${NEWEST%/run.bin}}"
OUT="${2:-$ROOT/walk-shots}"
shift $(( $# > 2 ? 2 : $# ))
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1600x1000 1024x700)
APP="${MNISTX_BUILD_DIR:-$ROOT/build}/app/mnist-explorer"
for tool in Xvfb xdotool xwd convert; do
    command -v "$tool" >/dev/null || { echo "walk: $tool is missing (apt-get install xvfb xdotool x11-apps imagemagick)" >&2; exit 1; }
done
[ -x "$APP" ] || { echo "walk: build the app first ($APP)" >&2; exit 1; }
[ -f "$RUN/run.bin" ] || { echo "walk: no run in $RUN (scripts/run writes one under runs/)" >&2; exit 1; }
mkdir -p "$OUT"

# Pauses: long enough for the window to repaint and animations (250 ms) to end.
STEP=1.2

walk_at() { # WIDTHxHEIGHT
    local size="$1" display=":$((90 + RANDOM % 9))" prefix="$OUT/${1}_" n=0
    local config; config="$(mktemp -d)"
    Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    local xvfb=$!
    sleep 1
    export DISPLAY="$display" XDG_CONFIG_HOME="$config"
    "$APP" --run "$RUN" >"$OUT/${size}_app.log" 2>&1 &
    local app=$! win=""
    for _ in $(seq 1 80); do
        win="$(xdotool search --name "MNIST Explorer" 2>/dev/null | head -1 || true)"
        [ -n "$win" ] && break
        sleep 0.25
    done
    [ -n "$win" ] || { echo "walk: the window did not appear at $size" >&2; kill $app $xvfb; return 1; }
    sleep 3 # the run opens and the views fill
    shot() { n=$((n + 1)); xwd -root -silent | convert xwd:- "$(printf '%s%02d_%s.png' "$prefix" "$n" "$1")"; }
    # Keys go through XTEST to the focused window: without a window manager
    # nobody else gives it the focus.
    xdotool windowfocus "$win" 2>/dev/null || true
    key() { xdotool key "$@"; sleep "$STEP"; }
    # Where the current-sample marker is on screen (find_marker.py reads a
    # screenshot), else the window's middle.
    map_centre() {
        local f; f="$(mktemp --suffix=.png)"
        xwd -root -silent | convert xwd:- "$f"
        "$ROOT/tests/ui/walk/find_marker.py" "$f" || echo "$((W / 2)) $((H / 2))"
        rm -f "$f"
    }
    read -r W H <<<"$(xdotool getwindowgeometry "$win" | sed -n 's/.*Geometry: \([0-9]*\)x\([0-9]*\).*/\1 \2/p')"

    shot opened
    # Find the 5 the model calls a 6 (validation #9729 in the default run),
    # then click the dot the map centred on it: the inspector shows it.
    key ctrl+f; xdotool type --delay 40 "v9729"; key Return
    shot find
    # The found sample sits at the middle of the map; click it.
    read -r MX MY <<<"$(map_centre)"
    xdotool mousemove "$MX" "$MY" click 1; sleep "$STEP"
    shot click_found
    key n; key n; key n
    shot next_misclassified
    # The third-worst error: a big dot; click it where it is drawn.
    read -r MX MY <<<"$(map_centre)"
    xdotool mousemove "$((MX + 1))" "$((MY - 1))" click 1; sleep "$STEP"
    shot click_error
    key ctrl+shift+c; key Right Right Down Return
    shot confusion_cell
    key ctrl+shift+i
    shot insights
    key ctrl+shift+l
    shot label_candidates
    key ctrl+shift+h
    shot heat_maps
    key ctrl+shift+m
    shot loss_by_metadata
    key ctrl+m
    shot misclassified_only
    key ctrl+shift+x
    shot filters_cleared
    # A narrower window, then the original size again.
    xdotool windowsize "$win" "$((W * 3 / 4))" "$((H * 4 / 5))"; sleep "$STEP"
    shot resized
    xdotool windowsize "$win" "$W" "$H"; sleep "$STEP"
    # Recompute the map (the dialog's defaults) and look while it animates.
    key ctrl+r; key Return
    sleep 3
    shot reprojecting
    sleep 25
    shot reprojected
    key ctrl+q
    sleep 2
    kill "$app" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$config"
    echo "walk: $n screenshots at $size in $OUT" >&2
}

for size in "${SIZES[@]}"; do
    walk_at "$size"
done
