#!/usr/bin/python3
"""Python peers of the projection benchmark: umap-learn's UMAP and
scikit-learn's TSNE on a features .npy, and pynndescent's kNN graph (what
umap-learn builds its graph with), with a fixed thread count.

umap, tsne: writes the 2D layout to --out (.npy, float32, N×2, rows in input
order) and prints "seconds <wall time of the fit>" and "cpu_seconds <CPU
time of all threads during the fit>" on stdout, so that bench_projection
--evaluate scores every method's layout with the same code.

knn: the graph of the k neighbours that --exact (int32 N×k .npy, from
bench_projection --knn) holds for every row; prints seconds, cpu_seconds
and "recall" (the share of the exact neighbours it found, itself left out).

Run with Debian's interpreter (/usr/bin/python3): Debian's umap-learn,
python3-pynndescent and python3-sklearn import only there.
Usage: peers_projection.py --method umap|tsne --features F.npy --out L.npy [--threads 2]
       peers_projection.py --method knn --features F.npy --exact E.npy [--threads 2]
"""
import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=["umap", "tsne", "knn"], required=True)
    parser.add_argument("--features", required=True, help="float32 N×D .npy")
    parser.add_argument("--out", help="layout .npy to write (umap, tsne)")
    parser.add_argument("--exact", help="int32 N×k .npy of the exact neighbours (knn)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    # Thread pools read these at import time: set them before importing numpy,
    # numba (umap-learn, pynndescent) or scikit-learn.
    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np

    features = np.load(args.features).astype(np.float32, copy=False)
    if features.ndim != 2:
        sys.exit(f"{args.features}: expected a 2D array, got shape {features.shape}")
    if args.method == "knn":
        if not args.exact:
            sys.exit("--method knn needs --exact")
        knn_peer(np, features, np.load(args.exact), args.threads)
        return
    if not args.out:
        sys.exit(f"--method {args.method} needs --out")

    if args.method == "umap":
        import umap

        def fit(x):
            # No random_state: umap-learn then runs its SGD in parallel (with a
            # seed it falls back to one thread). umap-learn's defaults otherwise
            # (n_neighbors 15, min_dist 0.1, spectral initialisation).
            return umap.UMAP(n_neighbors=15, min_dist=0.1, n_jobs=args.threads).fit_transform(x)

        # numba compiles umap-learn's kernels on first use (~20 s): warm up on a
        # small sample so that the timed fit measures the algorithm, as it would
        # run in a long-lived process. This favours the peer.
        rng = np.random.default_rng(0)
        fit(features[rng.choice(len(features), size=min(len(features), 3000), replace=False)])
    else:
        from sklearn.manifold import TSNE

        def fit(x):
            # Barnes-Hut t-SNE with scikit-learn's defaults (perplexity 30,
            # 1000 iterations), PCA initialisation and 'auto' learning rate as
            # in recent versions.
            return TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto",
                        n_jobs=args.threads, random_state=1).fit_transform(x)

    start = time.perf_counter()
    cpu_start = time.process_time()  # all threads of the process
    layout = fit(features)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    np.save(args.out, np.ascontiguousarray(layout, dtype=np.float32))
    print(f"seconds {seconds:.3f}\ncpu_seconds {cpu_seconds:.3f}")


def knn_peer(np, features, exact, threads):
    """pynndescent's graph of the k = exact.shape[1] neighbours, timed after
    numba has compiled its functions (about 14 s, on a first graph of 2,000
    rows), and its recall against `exact`."""
    from pynndescent import NNDescent

    if exact.ndim != 2 or exact.shape[0] != features.shape[0]:
        sys.exit(f"the exact neighbours' shape {exact.shape} does not pair with {features.shape}")
    k = exact.shape[1]

    def graph(rows):
        # n_neighbors counts the point itself, as umap-learn asks for it.
        return NNDescent(rows, n_neighbors=k + 1, n_jobs=threads, random_state=1,
                         low_memory=True, compressed=False).neighbor_graph[0]

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
