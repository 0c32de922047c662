import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { readModel, writeFileAtomic } from '../onnx/model-file.js';
import { formatLoopbackReport, runLoopbackDemo } from './loopback.js';
import { loadMnist } from '../data/datasets.js';
import { comparisonText } from '../cli/run.js';
import { parseCodec } from '../compress/codec.js';
import { runDeployment } from '../edge/plan-run.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { getNetworkProfile } from '../net/profiles.js';
import { DEPLOY_FILES, deployPlan } from '../package/deploy.js';
import { readDeployment } from '../package/deployment.js';
import { getDevice } from '../profile/device-catalogue.js';
import { planJson } from '../qos/plan-file.js';
import { planModel } from '../qos/plan-model.js';
import { planReport } from '../report/plan-report.js';
import { serveModels } from '../serve/serve-models.js';
import { PIXEL_SCALE } from '../data/batches.js';
import { CutError, NoFeasiblePlanError } from '../errors.js';

/**
 * `npm start`: the whole path on a small CNN built by cleave: analyse, list the cut points,
 * cut at the most promising one and verify that head -> tail reproduces the model; then the
 * trained LeNet split for real over loopback, and planned, reported, deployed and run under a
 * requirement.
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
  say();
  await planDeployRun(say);
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

/** The requirement of step 5, stated once: what the plan must meet and what the demo prints. */
const REQUIREMENT = {
  text: 'a Raspberry Pi 4 that gives the model at most 256 KiB, over 4G, at most 128 bytes sent per image, median latency <= 60 ms, accuracy >= 98%',
  requirements: { maxLatencyMs: 60, latencyPercentile: 'p50', minAccuracy: 0.98, maxEdgeMemoryBytes: 256 * 1024, maxBytes: 128 },
} as const;

/**
 * From a requirement to a running deployment: `cleave plan` (measured on 300 MNIST test images),
 * `cleave report` beside the system's temporary files, `cleave deploy` into a temporary folder,
 * `cleave serve` of that folder on 127.0.0.1 and
 * `cleave run --plan` against it, each as the library call the command makes.
 */
async function planDeployRun(say: (s?: string) => void): Promise<void> {
  say('== 5. Plan the trained LeNet under a requirement, report the plan, deploy it, run it over loopback');
  say(`   requirement: ${REQUIREMENT.text}`);
  const images = 300;
  const modelBytes = new Uint8Array(readFileSync(TRAINED));
  const model = readClassifier(TRAINED, modelBytes);
  const testImages = loadImages('mnist', 'test', model, images).data;
  const { result, doc } = await planModel({
    model, modelPath: TRAINED, modelBytes,
    devices: [getDevice('raspberry-pi-4')], networks: [getNetworkProfile('4g')], server: getDevice('xeon-server'),
    load: { devices: 1, fps: 0, workers: 1, connection: 'kept-alive', arrivals: 'periodic' },
    requirements: REQUIREMENT.requirements, simulateMax: 20, frames: 200,
    codecs: ['fp32', 'fp16', 'int8', 'int8+deflate'].map(parseCodec),
    data: { name: 'mnist', images: testImages, count: images },
  });
  if (!doc) throw new NoFeasiblePlanError(`no configuration meets the demo's requirement; nearest: ${result.misses.map((m) => m.id).join('; ')}`);
  const r = doc.recommended;
  const o = r.objectives;
  const ms = (x: number | null): string => (x === null ? 'unbounded' : `${x.toFixed(1)} ms`);
  say(`   swept ${doc.sweep.configurations} configurations (${doc.sweep.cuts} cuts x ${doc.sweep.codecs.length} codecs), accuracy measured on ${images} MNIST test images; front of ${doc.front.length}`);
  say(`   recommended: ${r.id}`);
  say(`     predicted: p50 ${ms(o.latencyMs)}, p99 ${ms(o.p99Ms)} (${r.latencySource}), accuracy ${((o.accuracy ?? 0) * 100).toFixed(2)}% (${o.accuracySource}), edge memory ${bytes(o.edgeMemoryBytes ?? 0)}, ${(o.bytes ?? 0).toFixed(1)} B sent per image, margin ${(r.margin ?? Infinity).toFixed(3)}`);
  const dir = mkdtempSync(join(tmpdir(), 'cleave-plan-'));
  try {
    const planPath = join(dir, 'plan.json');
    writeFileSync(planPath, planJson(doc));
    // The report outlives the demo's temporary folder, so it can be opened afterwards.
    const report = await planReport(doc, { planFile: 'plan.json', model, data: { name: 'mnist', images: testImages }, scanImages: 64, thumbnails: 4 });
    const reportPath = join(tmpdir(), 'cleave-demo-report.html');
    writeFileAtomic(reportPath, new TextEncoder().encode(report.html));
    say(`   report (Pareto front, latency breakdown, the four scenarios, I-SPLIT curve, Grad-CAM): ${reportPath}`);
    const out = join(dir, 'deploy');
    const deployed = await deployPlan(planPath, { out });
    say(`   deployed to <tmp>/deploy: ${deployed.files.join(', ')}`);
    const { server } = await serveModels([out], { port: 0, page: false });
    try {
      const { comparison } = await runDeployment(readDeployment(join(out, DEPLOY_FILES.plan)), { serverUrl: server.url });
      say(`   served the tail on ${server.url}; the edge client ran the head from edge.json:`);
      say(comparisonText(comparison).trimEnd().replace(/^/gm, '   '));
      say('   (latency: the plan times a Raspberry Pi 4 over 4G, the run this machine over loopback; bytes and accuracy are the same images and agree)');
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await demo();
