// Child process of bench/analyze: in a fresh process (cold, like the CLI), one load + analysis
// + cut listing of a model file and optionally one cut (CUT: tensors, comma-separated), with the
// process's peak RSS and CPU time, as JSON. cutMs is the cut and the encoding of both halves;
// pathMs the whole library path from reading the file to the halves encoded, or written to
// --out DIR: what onnx.utils.extract_model does for one half.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive, text } from '../../src/cli/option-types.js';
import { cutModel } from '../../src/cut/extract.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { readModel } from '../../src/onnx/model-file.js';
import { benchArgs } from '../common/args.js';
import { peakRssMiB } from '../common/peak-rss.js';

const { values, positionals } = benchArgs({
  script: 'bench/analyze/measure.js',
  description: `Child process of bench/analyze (run.js, deep.js): one cold load + analysis + cut listing of FILE,
and with CUT (tensors, comma-separated) one cut encoded to two halves (written to --out DIR when
given). Prints JSON: milliseconds, the process's peak RSS and CPU time.`,
  options: {
    'max-tensors': option(integer, { default: 1, check: positive, arg: 'K', help: 'also list cuts where up to K tensors cross' }),
    out: option(text, { arg: 'DIR', help: 'write the halves as DIR/head.onnx and DIR/tail.onnx' }),
  },
  positionals: { min: 1, max: 2, usage: 'FILE [CUT[,CUT...]]' },
});
const [file, cutAt] = positionals as [string, string | undefined];
// Peak RSS once Node has started, before reading the model (bench/analyze/deep reports both).
const baseRssMiB = peakRssMiB();
const t0 = performance.now();
const analysis = analyze(graphFromModel(readModel(file)), { batch: 1, maxTensors: values['max-tensors'] });
const analyzeMs = performance.now() - t0;
let cutMs: number | null = null;
let pathMs: number | null = null;
if (cutAt) {
  const t1 = performance.now();
  const parts = cutModel(analysis, cutAt.split(','));
  const head = encodeModel(parts.head);
  const tail = encodeModel(parts.tail);
  cutMs = performance.now() - t1;
  if (values.out) {
    writeFileSync(join(values.out, 'head.onnx'), head);
    writeFileSync(join(values.out, 'tail.onnx'), tail);
  }
  pathMs = performance.now() - t0;
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({
  analyzeMs,
  cutMs,
  pathMs,
  peakRssMiB: peakRssMiB(),
  baseRssMiB,
  // CPU time of the whole process (user + system): on a shared machine, steadier than wall time.
  cpuMs: (cpu.user + cpu.system) / 1000,
  cutPoints: analysis.cutPoints.length,
  flops: analysis.totals.flops,
}));
