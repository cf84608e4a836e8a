"""Peer for run_embeddings_bench.sh: numpy.load of the same .npy files
(features, labels, logits) that bench_embeddings reads, best of REPEAT on a
warm page cache. Prints key value lines.

Usage: /usr/bin/python3 peers_embeddings.py FOLDER REPEAT
"""
import os
import sys
import time

import numpy as np

FILES = ("features.npy", "labels.npy", "logits.npy")


def main():
    folder, repeat = sys.argv[1], int(sys.argv[2])
    size = sum(os.path.getsize(os.path.join(folder, n)) for n in FILES)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        arrays = [np.load(os.path.join(folder, n)) for n in FILES]
        times.append(time.perf_counter() - start)
        del arrays
    times.sort()
    print("peer_seconds_best", times[0])
    print("peer_megabytes_per_s", size / 1e6 / times[0])


if __name__ == "__main__":
    main()
