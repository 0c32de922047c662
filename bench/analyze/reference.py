# Reference for bench/analyze: the onnx Python package on the same file (load + shape
# inference, and extract_model for a cut), with peak RSS. Run by the bench when available.
import json, resource, sys, time, tempfile, os
import onnx
from onnx import shape_inference, utils

path, cut = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
t0 = time.perf_counter()
m = onnx.load(path)
m = shape_inference.infer_shapes(m)
load_ms = (time.perf_counter() - t0) * 1000
cut_ms = None
if cut:
    inputs = [i.name for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]
    outputs = [o.name for o in m.graph.output]
    d = tempfile.mkdtemp()
    t1 = time.perf_counter()
    utils.extract_model(path, os.path.join(d, 'head.onnx'), inputs, [cut])
    utils.extract_model(path, os.path.join(d, 'tail.onnx'), [cut], outputs)
    cut_ms = (time.perf_counter() - t1) * 1000
print(json.dumps({'loadMs': load_ms, 'cutMs': cut_ms, 'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
