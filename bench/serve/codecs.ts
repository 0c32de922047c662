// bench/serve codecs: accuracy change and bytes on the wire per cut codec, on real test images,
// through the real path (head in ORT here, HTTP on loopback, tail in cleave's v2 server).
// Usage: node build/bench/serve/codecs.js [--model PATH] [--at TENSOR] [--dataset mnist] [--count 1000]
//   default model: the first of models/*.onnx (trained by cleave), else an untrained small-cnn
//   default cut: the middle cut point (by head FLOPs)
// -> table + bench/results/serve-codecs-<model file stem>.json
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLoopbackReport, runLoopbackDemoOnDataset } from '../../src/demo/loopback.js';
import { buildModel } from '../../src/models/catalogue.js';
import { readModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values } = benchArgs({
  script: 'bench/serve/codecs.js',
  description: `Accuracy change and bytes on the wire of each cut codec on real test images, through the real path
(head in ORT here, HTTP on loopback, tail in cleave's v2 server).`,
  options: {
    model: option(text, { arg: 'PATH', help: 'the model (default: the first of models/*.onnx for the data set, else an untrained small-cnn)' }),
    at: option(text, { arg: 'TENSOR', help: 'the cut (default: the middle cut point by head FLOPs)' }),
    dataset: option(text, { default: 'mnist', arg: 'NAME', help: 'the test images' }),
    count: option(integer, { default: 1000, check: positive, help: 'test images' }),
  },
  notes: 'Prints a table; writes bench/results/serve-codecs-<model file stem>.json.',
});
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const dataset = values.dataset;

let modelPath = values.model;
if (!modelPath && existsSync(join(root, 'models'))) {
  const files = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.onnx') && f.includes(dataset.split('-')[0]!)).sort();
  if (files[0]) modelPath = join(root, 'models', files[0]);
}
const model: ModelProto = modelPath ? readModel(modelPath) : buildModel('small-cnn', { seed: 1 });
const report = await runLoopbackDemoOnDataset({ model, ...(values.at ? { at: [values.at] } : {}), dataset, count: values.count });
process.stdout.write(`model ${modelPath ?? 'small-cnn (untrained, seeded)'} cut at ${report.cutAt.join(', ')} (${report.cutBytes} bytes fp32), ${dataset} test set\n`);
process.stdout.write(formatLoopbackReport(report));
const out = join(root, 'bench', 'results', `serve-codecs-${modelPath ? basename(modelPath, '.onnx') : 'small-cnn'}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ model: modelPath ?? 'small-cnn (untrained)', dataset, date: new Date().toISOString(), ...report }, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
