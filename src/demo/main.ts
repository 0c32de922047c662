import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../analysis/analyze.js';
import { suggestCut } from '../analysis/suggest.js';
import { bytes, si, table } from '../cli/format.js';
import { cutModel } from '../cut/extract.js';
import { cutManifest } from '../cut/manifest.js';
import { verifyCut } from '../cut/verify.js';
import { writeCut } from '../cut/write.js';
import { graphFromModel } from '../graph/graph.js';
import { buildModel } from '../models/catalogue.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { readModel } from '../onnx/model-file.js';
import { formatLoopbackReport, runLoopbackDemo } from './loopback.js';
import { loadMnist } from '../data/datasets.js';
import { PIXEL_SCALE } from '../data/batches.js';
import { CutError } from '../errors.js';

/**
 * `npm start`: the whole path on a small CNN built by cleave: analyse, list the cut points,
 * cut at the most promising one and verify that head -> tail reproduces the model.
 */
async function demo(): Promise<void> {
  const say = (s = '') => process.stdout.write(`${s}\n`);
  say('== 1. Build a small CNN with cleave\'s model builder (28x28x1 -> 10 classes)');
  const model = decodeModel(encodeModel(buildModel('small-cnn', { seed: 1 })));
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const t = analysis.totals;
  say(`   ${t.layers} layers, ${si(t.params)} params, ${si(t.flops)}FLOPs per image`);
  say();
  say('== 2. Cut points (where one tensor crosses from edge to server)');
  say(table(
    ['tensor', 'bytes', 'head FLOPs', 'tail FLOPs', 'head params', 'head peak mem'],
    analysis.cutPoints.map((c) => [c.tensors.join(','), bytes(c.bytes), si(c.headFlops), si(c.tailFlops), bytes(c.headParamBytes), bytes(c.headPeakActivationBytes)]),
  ));
  const best = suggestCut(analysis.cutPoints);
  if (!best) throw new CutError('the demo model has no cut point');
  say(`== 3. Cut at "${best.tensors[0]}": the fewest bytes (${bytes(best.bytes)}, input is ${bytes(t.inputBytes)}) with at most half the FLOPs on the edge`);
  if (best.bytes >= t.inputBytes) {
    say('   (early activations of a small CNN outweigh its input: a codec at the cut, step 4, or a trained bottleneck shrink them)');
  }
  const parts = cutModel(analysis, best.tensors);
  const check = await verifyCut(analysis, parts);
  const dir = mkdtempSync(join(tmpdir(), 'cleave-demo-'));
  try {
    const files = writeCut(dir, parts, cutManifest(analysis, parts, { verification: check }));
    say(`   wrote ${files.map((f) => f.replace(dir, '<tmp>')).join(', ')}`);
    say(`   verified with ONNX Runtime: head -> tail vs the whole model, max relative error ${Math.max(...check.outputs.map((o) => o.relativeError)).toExponential(2)} (${check.ok ? 'OK' : 'FAILED'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!check.ok) process.exitCode = 1;
  say();
  await splitTrainedModel(say);
}

/** The trained LeNet shipped in models/ (made by `cleave train`, see models/README.md). */
const TRAINED = fileURLToPath(new URL('../../../models/lenet-mnist.onnx', import.meta.url));

/**
 * Runs the split for real: cut the trained LeNet, serve its tail on 127.0.0.1 with the KServe v2
 * server, and classify MNIST test images through the edge client with each codec at the cut.
 */
async function splitTrainedModel(say: (s?: string) => void): Promise<void> {
  say('== 4. Split a trained model for real: LeNet trained by cleave on MNIST (models/lenet-mnist.onnx)');
  const model = readModel(TRAINED);
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const best = suggestCut(analysis.cutPoints);
  if (!best) throw new CutError('the trained model has no cut point');
  const parts = cutModel(analysis, best.tensors);
  say(`   cut at "${best.tensors[0]}" (${bytes(best.bytes)} per image); tail served on 127.0.0.1, head run here by the edge client`);
  const count = 500;
  const test = loadMnist('test', { limit: count });
  const images = new Float32Array(test.images.length);
  for (let i = 0; i < images.length; i++) images[i] = test.images[i]! * PIXEL_SCALE; // images has test.images.length entries
  const report = await runLoopbackDemo({ head: parts.head, tail: parts.tail, full: model, images, labels: test.labels, count });
  say(formatLoopbackReport(report).trimEnd().replace(/^/gm, '   '));
  // The same fp32 requests as frames on one persistent connection (cleave serve --stream-port).
  const streamed = await runLoopbackDemo({ head: parts.head, tail: parts.tail, images, labels: test.labels, count, codecs: [{ name: 'fp32' }], transport: 'stream' });
  const [http, tcp] = [report.results[0], streamed.results[0]];
  if (http && tcp) say(`   fp32 over the stream transport (${streamed.url}): accuracy ${(tcp.accuracy * 100).toFixed(2)}%, p50 ${tcp.latencyMs.p50.toFixed(2)} ms (HTTP: ${http.latencyMs.p50.toFixed(2)} ms)`);
}

await demo();
