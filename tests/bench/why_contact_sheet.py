#!/usr/bin/python3
"""Contact sheet of label-error candidates, to judge them by eye.

Usage: why_contact_sheet.py CANDIDATES.csv IMAGES_IDX OUT.png [COUNT]
  CANDIDATES.csv  bench_why --candidates-out (columns rank,index,given_label,
                  suggested_label,...), validation indices
  IMAGES_IDX      t10k-images-idx3-ubyte (plain IDX)
Each tile: the digit (4x), above it "rank", below it "given>suggested" in a
3x5 pixel font. Needs only NumPy (python3-numpy); writes PNG with zlib.
"""
import csv
import struct
import sys
import zlib

import numpy as np

FONT = {  # 3x5 glyphs, rows top to bottom
    "0": ["111", "101", "101", "101", "111"], "1": ["010", "110", "010", "010", "111"],
    "2": ["111", "001", "111", "100", "111"], "3": ["111", "001", "111", "001", "111"],
    "4": ["101", "101", "111", "001", "001"], "5": ["111", "100", "111", "001", "111"],
    "6": ["111", "100", "111", "101", "111"], "7": ["111", "001", "010", "010", "010"],
    "8": ["111", "101", "111", "101", "111"], "9": ["111", "101", "111", "001", "111"],
    ">": ["100", "010", "001", "010", "100"], "#": ["101", "111", "101", "111", "101"],
}


def text(canvas, x, y, s, scale=2, value=255):
    for ch in s:
        glyph = FONT.get(ch)
        if glyph:
            for r, row in enumerate(glyph):
                for c, bit in enumerate(row):
                    if bit == "1":
                        canvas[y + r * scale:y + (r + 1) * scale,
                               x + c * scale:x + (c + 1) * scale] = value
        x += 4 * scale


def read_idx_images(path):
    with open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, path
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(n, rows, cols)


def write_png(path, gray):
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[r].tobytes() for r in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    candidates, images_path, out = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    images = read_idx_images(images_path)
    rows = list(csv.DictReader(open(candidates)))[:count]
    scale, pad, per_row = 4, 8, 5
    tile_w, tile_h = 28 * scale + pad, 28 * scale + 2 * 14 + pad
    grid_rows = (len(rows) + per_row - 1) // per_row
    canvas = np.full((grid_rows * tile_h + pad, per_row * tile_w + pad), 40, np.uint8)
    for k, row in enumerate(rows):
        x = pad + (k % per_row) * tile_w
        y = pad + (k // per_row) * tile_h
        text(canvas, x, y, "#" + row["rank"])
        digit = np.kron(images[int(row["index"])], np.ones((scale, scale), np.uint8))
        canvas[y + 14:y + 14 + 28 * scale, x:x + 28 * scale] = digit
        text(canvas, x, y + 16 + 28 * scale, row["given_label"] + ">" + row["suggested_label"])
    write_png(out, canvas)


if __name__ == "__main__":
    main()
