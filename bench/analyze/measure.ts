// Child process of bench/analyze: one cold load + analysis + cut listing (and optionally one
// cut) of a model file, reporting wall time and the process's peak RSS as JSON.
// Usage: measure FILE [CUT_TENSOR[,CUT_TENSOR...]] [--max-tensors K]
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { readModel } from '../../src/onnx/model-file.js';

const args = process.argv.slice(2);
const k = args.indexOf('--max-tensors');
const maxTensors = k >= 0 ? Number(args.splice(k, 2)[1]) : 1;
const [file, cutAt] = args;
if (!file || !(maxTensors >= 1)) throw new Error('usage: measure FILE [CUT_TENSOR[,CUT_TENSOR...]] [--max-tensors K]');
const rssBefore = process.resourceUsage().maxRSS;
const t0 = performance.now();
const analysis = analyze(graphFromModel(readModel(file)), { batch: 1, maxTensors });
const analyzeMs = performance.now() - t0;
let cutMs: number | null = null;
if (cutAt) {
  const t1 = performance.now();
  const parts = cutModel(analysis, cutAt.split(','));
  encodeModel(parts.head);
  encodeModel(parts.tail);
  cutMs = performance.now() - t1;
}
process.stdout.write(JSON.stringify({
  analyzeMs,
  cutMs,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  baseRssMiB: rssBefore / 1024,
  cutPoints: analysis.cutPoints.length,
  flops: analysis.totals.flops,
  // CPU time of the whole process (user + system): on a shared machine, steadier than wall time.
  cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
}));
