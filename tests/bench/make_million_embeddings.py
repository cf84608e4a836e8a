"""Writes a folder of embeddings as a model computed elsewhere would: N rows
of D-dimensional features drawn around K class centres (some classes closer
than others, as 4 and 9 are), int64 labels, a subset (85 % train), and the
logits of a linear read-out of the features with noise, so that a few
percent of the rows are misclassified.

Usage: make_million_embeddings.py FOLDER [ROWS] [DIM] [CLASSES]
(default 1,000,000 × 64, 10 classes). Run with Debian's /usr/bin/python3."""
import os
import sys

import numpy as np

folder = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
dim = int(sys.argv[3]) if len(sys.argv) > 3 else 64
classes = int(sys.argv[4]) if len(sys.argv) > 4 else 10
os.makedirs(folder, exist_ok=True)
rng = np.random.default_rng(7)
centres = rng.normal(0.0, 3.0, (classes, dim)).astype(np.float32)
centres[1] = centres[0] + rng.normal(0.0, 1.0, dim)  # a look-alike pair
labels = rng.integers(0, classes, rows)
features = np.empty((rows, dim), np.float32)
chunk = 100_000
for start in range(0, rows, chunk):
    end = min(rows, start + chunk)
    noise = rng.normal(0.0, 1.0, (end - start, dim)).astype(np.float32)
    features[start:end] = centres[labels[start:end]] + noise
# Logits: distances to the centres, sharpened, plus noise.
logits = np.empty((rows, classes), np.float32)
for start in range(0, rows, chunk):
    end = min(rows, start + chunk)
    f = features[start:end]
    d2 = (f * f).sum(1, keepdims=True) - 2 * f @ centres.T + (centres * centres).sum(1)
    logits[start:end] = -0.5 * d2 / dim * 4 + rng.normal(0.0, 0.5, (end - start, classes))
subset = (rng.random(rows) >= 0.85).astype(np.uint8)
np.save(os.path.join(folder, "features.npy"), features)
np.save(os.path.join(folder, "labels.npy"), labels.astype(np.int64))
np.save(os.path.join(folder, "logits.npy"), logits)
np.save(os.path.join(folder, "subset.npy"), subset)
accuracy = (logits.argmax(1) == labels).mean()
print(f"wrote {rows} × {dim} features, {classes} classes, accuracy of the logits {accuracy:.4f}")
