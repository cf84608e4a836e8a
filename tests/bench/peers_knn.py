#!/usr/bin/python3
"""Python peer of the kNN-graph benchmark: pynndescent's NNDescent (what
umap-learn builds its graph with) on a features .npy, with a fixed thread
count, scored against the exact neighbours bench_projection --knn wrote.

Numba compiles pynndescent's functions on their first call (about 13 s
here): a first graph of 2,000 rows pays for that, and the timed one runs on
compiled code. Prints "jit_seconds", "seconds" (wall time of the timed
graph), "cpu_seconds" and "recall" (the share of the exact k neighbours it
found, itself left out).

Run with Debian's interpreter (/usr/bin/python3).
Usage: peers_knn.py --features F.npy --exact E.npy [--threads 2]
"""
import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", required=True, help="float32 N×D .npy")
    parser.add_argument("--exact", required=True, help="int32 N×k .npy of the exact neighbours")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np
    from pynndescent import NNDescent

    features = np.load(args.features).astype(np.float32, copy=False)
    exact = np.load(args.exact)
    if features.ndim != 2 or exact.ndim != 2 or exact.shape[0] != features.shape[0]:
        sys.exit(f"{args.features}, {args.exact}: shapes {features.shape} and {exact.shape} do not pair")
    k = exact.shape[1]

    def graph(rows):
        # n_neighbors counts the point itself, as umap-learn asks for it.
        index = NNDescent(rows, n_neighbors=k + 1, n_jobs=args.threads, random_state=1,
                          low_memory=True, compressed=False)
        return index.neighbor_graph[0]

    start = time.perf_counter()
    graph(features[:2000])
    print(f"jit_seconds {time.perf_counter() - start:.3f}")

    start, cpu_start = time.perf_counter(), time.process_time()
    found = graph(features)
    print(f"seconds {time.perf_counter() - start:.3f}")
    print(f"cpu_seconds {time.process_time() - cpu_start:.3f}")

    hits = 0
    for i in range(features.shape[0]):
        own = [j for j in found[i] if j != i][:k]
        hits += len(set(own) & set(exact[i].tolist()))
    print(f"recall {hits / exact.size:.4f}")


if __name__ == "__main__":
    main()
