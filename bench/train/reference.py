# PyTorch reference for bench/train: the same architecture as cleave's model (LeNet-5 or the
# small VGG with BatchNorm and Dropout), loaded with cleave's initial weights, trained on the
# same batches in the same order with the same optimiser (AdamW as cleave's 'adam': decoupled
# weight decay, none at these settings), batch 64, 2 threads. Checks the architecture first:
# parameter count, and the forward output in inference mode against cleave's on the first batch.
# Prints JSON on stdout. Run by bench/train/run.js; needs Debian's python3-torch.
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from tensors import load_weights, max_abs_diff, peak_rss_mib, read_tensors  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class LeNet(nn.Module):
    """cleave's lenet: conv1 5x5 (6, pad 2) -> ReLU -> pool, conv2 5x5 (16) -> ReLU -> pool, fc 120 -> 84 -> 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class VggBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        return F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)


class SmallVgg(nn.Module):
    """cleave's small-vgg: three blocks of two 3x3 conv (no bias) -> BN -> ReLU, 2x2 pool; fc1 256 -> ReLU -> Dropout(0.5) -> fc2."""

    def __init__(self):
        super().__init__()
        self.block1 = VggBlock(1, 32)
        self.block2 = VggBlock(32, 64)
        self.block3 = VggBlock(64, 128)
        self.fc1 = nn.Linear(128 * 3 * 3, 256)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        x = self.block3(self.block2(self.block1(x)))
        return self.fc2(self.dropout(F.relu(self.fc1(torch.flatten(x, 1)))))


ARCHS = {'lenet': LeNet, 'small-vgg': SmallVgg}


def main():
    p = argparse.ArgumentParser(description='PyTorch training-throughput reference of bench/train (prints JSON).')
    p.add_argument('arch', choices=sorted(ARCHS))
    p.add_argument('prefix', help='PREFIX of PREFIX-weights.* and PREFIX-data.* written by bench/train/measure.js export')
    p.add_argument('--lr', type=float, required=True)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)

    model = ARCHS[a.arch]()
    load_weights(torch, model, read_tensors(a.prefix + '-weights'))
    data = read_tensors(a.prefix + '-data')
    xs = torch.from_numpy(data['x'].copy())
    ys = torch.from_numpy(data['labels'].astype('int64'))
    model.eval()
    with torch.no_grad():
        diff, scale = max_abs_diff(model(xs[0]).numpy(), data['cleave_logits'])
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xs[i]), ys[i])
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    steps = xs.shape[0] - a.warmup
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(a.warmup, xs.shape[0]):
        step(i)
    seconds = time.perf_counter() - t0
    cpu_ms = (time.process_time() - cpu0) * 1000 / steps
    batch = xs.shape[1]
    print(json.dumps({
        'arch': a.arch, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': batch, 'steps': steps,
        'parameters': sum(p.numel() for p in model.parameters()),
        'forwardMaxAbsDiff': diff, 'forwardMaxAbs': scale,
        'samplesPerSecond': steps * batch / seconds, 'msPerStep': 1000 * seconds / steps, 'cpuMsPerStep': cpu_ms,
        'peakRssMiB': peak_rss_mib(),
    }))


main()
