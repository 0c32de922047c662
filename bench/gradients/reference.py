# PyTorch reference for bench/gradients: Grad-CAM at the 4 block outputs of ResNet-18
# (layer1..layer4, cleave's layerS.1.relu2), 224x224, with PyTorch autograd: one forward pass
# keeping the block outputs, the predicted class's score, torch.autograd.grad of it with
# respect to the 4 maps (no weight gradients: autograd computes only what those need), then
# ReLU(sum_k mean(dy/dA_k) A_k) per map. The network is built here with torchvision's names and
# loaded with cleave's weights; its logits and maps are compared with cleave's on the same input.
# 2 threads. Prints JSON on stdout. Run by bench/gradients/run.js; needs Debian's python3-torch.
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from tensors import load_weights, max_abs_diff, peak_rss_mib, read_tensors  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    """torchvision's resnet18 layout (cleave's models/resnet.ts): returns the logits and the 4 block outputs."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        layers, inplanes = [], 64
        for stage, planes in enumerate([64, 128, 256, 512]):
            stride = 1 if stage == 0 else 2
            layers.append(nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)))
            inplanes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, stride=2, padding=1)
        maps = []
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
            maps.append(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)), maps


def gradcam(model, x):
    logits, maps = model(x)
    score = logits.gather(1, logits.argmax(1, keepdim=True)).sum()
    grads = torch.autograd.grad(score, maps)
    cams = [F.relu((g.mean((2, 3), keepdim=True) * a).sum(1)) for g, a in zip(grads, maps)]
    return logits, cams


def main():
    p = argparse.ArgumentParser(description='PyTorch Grad-CAM reference of bench/gradients (prints JSON).')
    p.add_argument('prefix', help='PREFIX of PREFIX-weights.* and PREFIX-data.* written by bench/gradients/measure.js --export')
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = ResNet18()
    load_weights(torch, model, read_tensors(a.prefix + '-weights'))
    model.eval()
    data = read_tensors(a.prefix + '-data')
    x = torch.from_numpy(data['input'].copy())
    logits, cams = gradcam(model, x)
    checks = {'logits': max_abs_diff(logits.detach().numpy(), data['logits'])}
    for i, cam in enumerate(cams):
        checks['cam%d' % (i + 1)] = max_abs_diff(cam.detach().numpy(), data['cam%d' % (i + 1)])
    for _ in range(2):
        gradcam(model, x)
    ms = []
    cpu0 = time.process_time()  # every thread of the process, as cleave's process.cpuUsage()
    for _ in range(a.runs):
        t0 = time.perf_counter()
        gradcam(model, x)
        ms.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu0) * 1000 / a.runs
    print(json.dumps({
        'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': x.shape[0], 'runs': a.runs,
        'parameters': sum(p.numel() for p in model.parameters()),
        'checks': {k: {'maxAbsDiff': d, 'maxAbs': s} for k, (d, s) in checks.items()},
        'medianMs': statistics.median(ms), 'minMs': min(ms), 'cpuMs': cpu_ms, 'peakRssMiB': peak_rss_mib(),
    }))


main()
