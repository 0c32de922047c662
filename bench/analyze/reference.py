# Reference for bench/analyze: the onnx Python package on the same file, in a fresh process.
#   load FILE             onnx.load + shape_inference.infer_shapes (what cleave's analysis reads)
#   cut FILE TENSOR DIR --inputs I --outputs O
#                         onnx.utils.extract_model twice: DIR/head.onnx (I -> TENSOR) and
#                         DIR/tail.onnx (TENSOR -> O); each call loads the file itself
# Prints JSON: milliseconds in the process (after the imports) and its peak RSS.
# Run by bench/analyze/run.js; needs Debian's python3-onnx.
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from tensors import peak_rss_mib  # noqa: E402

import onnx  # noqa: E402
from onnx import shape_inference, utils  # noqa: E402

p = argparse.ArgumentParser(description='onnx Python package reference of bench/analyze (prints JSON).')
p.add_argument('mode', choices=['load', 'cut'])
p.add_argument('file')
p.add_argument('tensor', nargs='?', help='cut: the tensor to cut at')
p.add_argument('out', nargs='?', help='cut: the folder for head.onnx and tail.onnx')
p.add_argument('--inputs', help="cut: the model's inputs, comma-separated")
p.add_argument('--outputs', help="cut: the model's outputs, comma-separated")
a = p.parse_args()

t0 = time.perf_counter()
if a.mode == 'load':
    m = shape_inference.infer_shapes(onnx.load(a.file))
    nodes = len(m.graph.node)
else:
    if not (a.tensor and a.out and a.inputs and a.outputs):
        p.error('cut needs TENSOR, DIR, --inputs and --outputs')
    utils.extract_model(a.file, os.path.join(a.out, 'head.onnx'), a.inputs.split(','), [a.tensor])
    utils.extract_model(a.file, os.path.join(a.out, 'tail.onnx'), [a.tensor], a.outputs.split(','))
    nodes = None
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({'ms': ms, 'nodes': nodes, 'onnx': onnx.__version__, 'peakRssMiB': peak_rss_mib()}))
