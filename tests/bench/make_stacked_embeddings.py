"""Writes a folder of embeddings from a stored run's real features, stacked
up to N rows as bench_projection --replicate stacks them: row i is row
i mod n of the run plus Gaussian noise of 5 % of each feature's standard
deviation (the first n rows exact), with that row's label, subset and
logits (the logs of its class probabilities). The projection section of
docs/PERFORMANCE.md measures its million points on these rows; this puts
them through the real import path (--embeddings).

Usage: make_stacked_embeddings.py RUN_DIR FOLDER [ROWS]
RUN_DIR holds features.npy and samples.csv (an exported run); ROWS defaults
to 1,000,000. Run with Debian's /usr/bin/python3."""
import csv
import os
import sys

import numpy as np

run, folder = sys.argv[1], sys.argv[2]
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
source = np.load(os.path.join(run, "features.npy")).astype(np.float32)
labels, train, probabilities = [], [], []
with open(os.path.join(run, "samples.csv"), newline="") as f:
    reader = csv.DictReader(f)
    classes = sorted(int(c[1:]) for c in reader.fieldnames if c[:1] == "p" and c[1:].isdigit())
    for row in reader:
        labels.append(int(row["label"]))
        train.append(row["subset"] == "train")
        probabilities.append([float(row[f"p{c}"]) for c in classes])
n, dim = source.shape
if len(labels) != n:
    sys.exit(f"{run}: {n} feature rows but {len(labels)} samples")
labels = np.array(labels, np.int64)
subset = np.where(np.array(train), 0, 1).astype(np.uint8)  # 1: validation
logits = np.log(np.maximum(np.array(probabilities, np.float32), 1e-12))
sd = source.std(axis=0)
rng = np.random.default_rng(7)
take = np.arange(rows) % n
features = source[take]
chunk = 100_000
for start in range(n, rows, chunk):
    end = min(rows, start + chunk)
    features[start:end] += (0.05 * sd * rng.normal(0.0, 1.0, (end - start, dim))).astype(np.float32)
os.makedirs(folder, exist_ok=True)
np.save(os.path.join(folder, "features.npy"), features)
np.save(os.path.join(folder, "labels.npy"), labels[take])
np.save(os.path.join(folder, "logits.npy"), logits[take])
np.save(os.path.join(folder, "subset.npy"), subset[take])
print(f"wrote {rows} × {dim} features stacked from the {n} rows of {run}")
