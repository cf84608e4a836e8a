#!/usr/bin/python3
"""Prints "x y", the screen position of the map's current-sample marker in a
screenshot (PNG), or exits 1 when there is none. The walk uses it to click the
dot the map centred on after a find, as a person would.

The marker (PopulationMap::paintOverlay): a black ring of radius R = r + 4
around the dot (r: 1.5 to 7 px) with four black ticks from R + 3 to R + 9 px,
each black 2 px wide over a 4 px white halo. A centre matches when all four
ticks are dark along their middle and light on both sides, for some R.
Reads the PNG through ImageMagick (PPM) and NumPy (python3-numpy)."""
import subprocess
import sys

import numpy as np


def load(path):
    ppm = subprocess.run(["convert", path, "-strip", "-depth", "8", "ppm:-"], capture_output=True, check=True).stdout
    # P6\n<w> <h>\n255\n<data>
    fields, offset = [], 0
    while len(fields) < 4:
        while ppm[offset:offset + 1].isspace():
            offset += 1
        end = offset
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(ppm[offset:end])
        offset = end
    offset += 1
    w, h = int(fields[1]), int(fields[2])
    return np.frombuffer(ppm, dtype=np.uint8, count=w * h * 3, offset=offset).reshape(h, w, 3)


def find(image):
    grey = image.min(axis=2).astype(np.int16)
    dark = grey < 70
    light = grey > 170
    h, w = grey.shape
    best = None
    for ring in np.arange(5, 12):
        mask = np.ones((h, w), dtype=bool)
        # Shifted views: value at (y + dy, x + dx) for every (y, x), False off the edge.
        def at(m, dy, dx):
            out = np.zeros_like(m)
            ys, ye = max(0, -dy), min(h, h - dy)
            xs, xe = max(0, -dx), min(w, w - dx)
            out[ys:ye, xs:xe] = m[ys + dy:ye + dy, xs + dx:xe + dx]
            return out
        for along in (ring + 5, ring + 7):
            for sy, sx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
                dy, dx = sy * along, sx * along
                mask &= at(dark, dy, dx)
                # The halo on both sides of the tick.
                py, px = (3, 0) if sy == 0 else (0, 3)
                mask &= at(light, dy + py, dx + px) | at(light, dy + py - 1 if py else dy, dx + px - 1 if px else dx)
                mask &= at(light, dy - py, dx - px) | at(light, dy - py + 1 if py else dy, dx - px + 1 if px else dx)
        ys, xs = np.nonzero(mask)
        if len(xs):
            candidate = (int(np.median(xs)), int(np.median(ys)), len(xs))
            if best is None or candidate[2] > best[2]:
                best = candidate
    return best


if __name__ == "__main__":
    found = find(load(sys.argv[1]))
    if not found:
        sys.exit(1)
    print(found[0], found[1])
