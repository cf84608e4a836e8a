"""TorchScript inference, the peer of run_torchscript_bench.sh.

make MODEL.pt: writes a scripted CNN of the contract's shape (1×28×28 in
[0,1], its own normalisation; returns (logits, 128 features)), seeded.
infer MODEL.pt MNIST_DIR BATCH: PyTorch's own forward over the 70,000 MNIST
images in batches, 2 threads, no grad; prints "pytorch_seconds S" (best of
two). Run with Debian's /usr/bin/python3 (python3-torch)."""
import sys
import time

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 7 * 7, 128)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        x = (x - 0.1307) / 0.3081
        x = torch.max_pool2d(torch.relu(self.c1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.c2(x)), 2)
        f = torch.relu(self.fc(x.flatten(1)))
        return self.out(f), f


def idx_images(path):
    return np.fromfile(path, np.uint8)[16:].reshape(-1, 1, 28, 28)


if sys.argv[1] == "make":
    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(Net().eval()), sys.argv[2])
else:
    torch.set_num_threads(2)
    folder, batch = sys.argv[3], int(sys.argv[4])
    images = np.concatenate([idx_images(folder + "/train-images-idx3-ubyte"),
                             idx_images(folder + "/t10k-images-idx3-ubyte")])
    model = torch.jit.load(sys.argv[2]).eval()
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        with torch.no_grad():
            for s in range(0, len(images), batch):
                model(torch.from_numpy(images[s:s + batch]).float().div_(255))
        best = min(best, time.perf_counter() - start)
    print(f"pytorch_seconds {best:.3f}")
