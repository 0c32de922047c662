# Reads the tensors a bench wrote with bench/common/tensor-file.ts (PREFIX.json + PREFIX.bin)
# into NumPy arrays, by name; and the checks every reference reports: parameter counts and the
# largest difference between its outputs and cleave's.
import json
import resource

import numpy as np


def read_tensors(prefix):
    with open(prefix + '.json') as f:
        index = json.load(f)
    raw = np.fromfile(prefix + '.bin', dtype=np.uint8)
    out = {}
    for t in index:
        dtype = np.dtype(t['dtype'])
        count = int(np.prod(t['dims'])) if t['dims'] else 1
        out[t['name']] = raw[t['offset']:t['offset'] + count * dtype.itemsize].view(dtype).reshape(t['dims'])
    return out


def load_weights(torch, model, tensors):
    """Loads cleave's weights (every initializer of cleave's model but its constants) into
    `model` by name (torchvision's state_dict names). Strict: a tensor on one side only, or of
    another shape, stops the reference. BatchNorm's step counters are PyTorch's own."""
    state = model.state_dict()
    own = {k for k in state if not k.endswith('num_batches_tracked')}
    given = set(tensors)
    if own != given:
        raise SystemExit('architectures differ: only in PyTorch %s, only in cleave %s' % (sorted(own - given)[:5], sorted(given - own)[:5]))
    for k in own:
        if tuple(state[k].shape) != tuple(tensors[k].shape):
            raise SystemExit('architectures differ at %s: PyTorch %s, cleave %s' % (k, tuple(state[k].shape), tuple(tensors[k].shape)))
        state[k] = torch.from_numpy(np.array(tensors[k]))
    model.load_state_dict(state, strict=True)


def max_abs_diff(a, b):
    """(max |a - b|, max |b|): the second scales the first."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b))), float(np.max(np.abs(b)))


def peak_rss_mib():
    """This process's peak resident set, MiB: Linux's VmHWM (as bench/common/peak-rss.ts, which
    says why not getrusage's maxrss), else maxrss."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
