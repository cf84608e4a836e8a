"""Peer for run_dataset_bench.sh: torchvision's ImageFolder (PIL decoding)
through a DataLoader with the same number of worker processes as our
threads, and numpy.load for the NumPy files. Prints key value lines.

Usage: /usr/bin/python3 peers_dataset.py FOLDER THREADS REPEAT
"""
import os
import sys
import time

import numpy as np
import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def image_folders(folder, workers):
    tf = transforms.PILToTensor()  # uint8 tensors: the same work as ours, no float scaling
    total = 0
    for split in ("train", "test"):
        ds = datasets.ImageFolder(os.path.join(folder, split), transform=tf)
        loader = DataLoader(ds, batch_size=256, num_workers=workers, shuffle=False)
        for images, labels in loader:
            total += images.shape[0]
    return total


def main():
    folder, threads, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(1)
    times = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = image_folders(folder, threads)
        times.append(time.perf_counter() - start)
    times.sort()
    print("peer_images", count)
    print("peer_seconds_best", times[0])
    print("peer_images_per_s", count / times[0])
    npy = os.path.join(folder, "npy")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        arrays = [np.load(os.path.join(npy, n)) for n in
                  ("train_images.npy", "train_labels.npy", "test_images.npy", "test_labels.npy")]
        times.append(time.perf_counter() - start)
    times.sort()
    size = sum(a.nbytes for a in arrays)
    print("peer_npy_megabytes_per_s", size / 1e6 / times[0])


if __name__ == "__main__":
    main()
