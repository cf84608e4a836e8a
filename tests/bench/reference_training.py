#!/usr/bin/python3
"""Training benchmark, the PyTorch reference side (Debian's python3-torch).

The original study's network (Conv32-Conv64-Conv64-Dense64-Dense10, ReLU),
Adam 1e-3, batch 128, the same thread count as our side. Prints "key value"
lines like tests/bench/bench_training.cpp:
  throughput_samples_per_s: 200 batches after 20 warm-up batches
  time_to_target_s: training seconds until validation accuracy first reaches
    the target, checked every quarter epoch (evaluation time excluded).
"""
import argparse
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, offset):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(folder):
    xt = read_idx(f"{folder}/train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    yt = read_idx(f"{folder}/train-labels-idx1-ubyte", 8)
    xv = read_idx(f"{folder}/t10k-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    yv = read_idx(f"{folder}/t10k-labels-idx1-ubyte", 8)
    f = lambda x: torch.from_numpy(x.astype(np.float32) / 255.0)
    return f(xt), torch.from_numpy(yt.astype(np.int64)), f(xv), torch.from_numpy(yv.astype(np.int64))


def reference_net():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))


def accuracy(net, xv, yv):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xv), 500):
            correct += (net(xv[i:i + 500]).argmax(1) == yv[i:i + 500]).sum().item()
    net.train()
    return correct / len(xv)


def batches(n, batch, gen):
    perm = torch.randperm(n, generator=gen)
    for i in range(0, n - batch + 1, batch):
        yield perm[i:i + batch]


def throughput(xt, yt, warmup=20, measured=200):
    torch.manual_seed(1)
    net = reference_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)
    count = 0
    for idx in batches(len(xt), 128, gen):
        if count == warmup:
            start = time.perf_counter()
        if count == warmup + measured:
            break
        opt.zero_grad()
        loss = loss_fn(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        loss.item()  # as our side, which reads every batch's loss
        count += 1
    return measured * 128 / (time.perf_counter() - start)


def time_to_target(xt, yt, xv, yv, target, max_epochs):
    torch.manual_seed(1)
    net = reference_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)
    per_epoch = len(xt) // 128
    quarter = per_epoch // 4
    start = time.perf_counter()
    eval_time = 0.0
    acc = 0.0
    for epoch in range(max_epochs):
        for b, idx in enumerate(batches(len(xt), 128, gen)):
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            if (b + 1) % quarter == 0 or b + 1 == per_epoch:
                e0 = time.perf_counter()
                train_time = e0 - start - eval_time
                acc = accuracy(net, xv, yv)
                eval_time += time.perf_counter() - e0
                at = epoch + (b + 1) / per_epoch
                print(f"  epoch {at:.2f}  validation accuracy {acc:.4f}  train time {train_time:.1f} s",
                      file=sys.stderr, flush=True)
                if acc >= target:
                    return train_time, at, acc
    return -1.0, float(max_epochs), acc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--mode", default="all")
    p.add_argument("--target", type=float, default=0.99)
    p.add_argument("--max-epochs", type=int, default=12)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    xt, yt, xv, yv = load(a.data)
    if a.mode in ("all", "throughput"):
        print(f"throughput_samples_per_s {throughput(xt, yt):.1f}", flush=True)
    if a.mode in ("all", "time"):
        t, at, acc = time_to_target(xt, yt, xv, yv, a.target, a.max_epochs)
        print(f"time_to_target_s {t:.2f}\nreached_at_epoch {at:.2f}\nfinal_accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
