// bench/serve codecs: accuracy change and bytes on the wire per cut codec, on real test images,
// through the real path (head in ORT here, HTTP on loopback, tail in cleave's v2 server).
// Usage: node build/bench/serve/codecs.js [--model PATH] [--at TENSOR] [--dataset mnist] [--count 1000]
//   default model: the first of models/*.onnx (trained by cleave), else an untrained small-cnn
//   default cut: the middle cut point (by head FLOPs)
// -> table + bench/results/serve-codecs-<model file stem>.json
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatLoopbackReport, runLoopbackDemoOnDataset } from '../../src/demo/loopback.js';
import { buildModel } from '../../src/models/catalogue.js';
import { readModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, at: { type: 'string' }, dataset: { type: 'string' }, count: { type: 'string' } } });
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const dataset = values.dataset ?? 'mnist';

let modelPath = values.model;
if (!modelPath && existsSync(join(root, 'models'))) {
  const files = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.onnx') && f.includes(dataset.split('-')[0]!)).sort();
  if (files[0]) modelPath = join(root, 'models', files[0]);
}
const model: ModelProto = modelPath ? readModel(modelPath) : buildModel('small-cnn', { seed: 1 });
const report = await runLoopbackDemoOnDataset({ model, ...(values.at ? { at: [values.at] } : {}), dataset, count: Number(values.count ?? 1000) });
process.stdout.write(`model ${modelPath ?? 'small-cnn (untrained, seeded)'} cut at ${report.cutAt.join(', ')} (${report.cutBytes} bytes fp32), ${dataset} test set\n`);
process.stdout.write(formatLoopbackReport(report));
const out = join(root, 'bench', 'results', `serve-codecs-${modelPath ? basename(modelPath, '.onnx') : 'small-cnn'}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ model: modelPath ?? 'small-cnn (untrained)', dataset, date: new Date().toISOString(), ...report }, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
