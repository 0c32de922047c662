import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { decodeTensor, encodeTensor, parseCodec } from '../../src/compress/codec.js';
import { makeBatch } from '../../src/data/batches.js';
import { sliceImages } from '../../src/data/image-dataset.js';
import { loadMnist } from '../../src/data/datasets.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import { parseDeployEdgeConfig } from '../../src/package/edge-config.js';
import type { PlanComparison } from '../../src/package/measured.js';
import { parsePlan, type PlanDocument } from '../../src/qos/plan-file.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { trainedLenetExits } from '../../test-support/exits/lenet-exits.js';
import { filesUnder, frontIndex, lenetPlan, serveFolder } from '../../test-support/package/deploy-fixtures.js';
import { exitStatisticsFile } from '../../test-support/package/exit-statistics.js';
import { LENET_PATH } from '../../test-support/qos/specs.js';

const dir = mkdtempSync(join(tmpdir(), 'cleave-deploy-'));
/** Images the plans measure accuracy on, and the runs classify (the plan's by default). */
const IMAGES = 60;
/** The first of the test images some exit statistics are of: LeNet gets 58 of [300, 360) right and all of [0, 60). */
const FROM = 300;

type RunJson = PlanComparison & { plan: string; server: string };

/** deploy, serve the folder, run --plan against it; the run's JSON and the edge config. */
async function deployServeRun(plan: string, out: string, ...deployArgs: string[]) {
  const d = await runCli('deploy', plan, '-o', out, '--json', ...deployArgs);
  assert.equal(d.code, EXIT.OK, d.stderr);
  const server = await serveFolder(out);
  try {
    const r = await runCli('run', '--plan', join(out, 'plan.json'), '--server', server.url, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const text = await runCli('run', '--plan', join(out, 'plan.json'), '--server', server.url, '--count', '5');
    assert.equal(text.code, EXIT.OK, text.stderr);
    return { deploy: JSON.parse(d.stdout) as { files: string[]; verification: unknown }, run: JSON.parse(r.stdout) as RunJson, text: text.stdout, server };
  } finally {
    await server.stop();
  }
}

describe('cleave deploy -> serve -> run --plan (LeNet on MNIST, loopback)', () => {
  const planPath = join(dir, 'plan.json');
  let doc: PlanDocument;
  before(async () => {
    const r = await lenetPlan(planPath, '--codec', 'fp32,int8', '--data', 'mnist', '--images', String(IMAGES));
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = parsePlan(r.stdout);
  });

  it('a split entry: the folder holds the plan, edge config, head, tail, cut.json and a Triton repository; serve runs it with the page; run measures what the plan measured', async () => {
    const i = frontIndex(doc, (e) => e.placement === 'split' && e.codec === 'int8', 'int8 split');
    const entry = doc.front[i];
    assert.ok(entry);
    const out = join(dir, 'split');
    const { deploy, run, text } = await deployServeRun(planPath, out, '--entry', String(i));
    const expected = ['cut.json', 'edge.json', 'head.onnx', 'plan.json', 'tail.onnx', 'triton/inference-service.yaml', 'triton/tail/1/model.onnx', 'triton/tail/config.pbtxt'];
    assert.deepEqual(filesUnder(out), expected);
    assert.deepEqual([...deploy.files].sort(), expected);
    assert.deepEqual(readFileSync(join(out, 'plan.json')), readFileSync(planPath));
    assert.deepEqual(readFileSync(join(out, 'triton/tail/1/model.onnx')), readFileSync(join(out, 'tail.onnx')));
    const config = parseDeployEdgeConfig(readFileSync(join(out, 'edge.json'), 'utf8'));
    assert.equal(config.plan.entry, entry.id);
    assert.equal(config.codec, 'int8');
    assert.deepEqual(config.cuts[0], { after: entry.cut[0], head: 'head.onnx', model: 'tail', cutOutput: entry.cut[0], tailInput: entry.cut[0], tailOutput: 'logits' });
    assert.deepEqual(readModel(join(out, 'head.onnx')).graph.output.map((o) => o.name), entry.cut);

    // What the plan measured on these images is what the deployment does on them.
    assert.equal(run.entry, entry.id);
    assert.equal(run.measured.inferences, IMAGES);
    assert.deepEqual(run.measured.origins, { server: IMAGES });
    assert.equal(run.predicted.accuracySource, 'measured');
    assert.equal(run.measured.accuracy, run.predicted.accuracy);
    assert.equal(run.predicted.accuracy, entry.objectives.accuracy);
    assert.equal(run.measured.bytes, entry.objectives.bytes);
    assert.equal(run.measured.uploadFraction, 1);
    assert.ok(run.measured.requestBytes > run.measured.bytes);
    assert.ok(run.measured.latencyMs > 0 && run.measured.p99Ms >= run.measured.latencyMs);
    assert.deepEqual(Object.keys(run).sort(), ['device', 'entry', 'measured', 'network', 'plan', 'predicted', 'server']);
    assert.deepEqual(Object.keys(run.measured).sort(), ['accuracy', 'bytes', 'inferences', 'labelled', 'latencyMs', 'origins', 'p99Ms', 'requestBytes', 'uploadFraction']);
    assert.deepEqual(Object.keys(run.predicted).sort(), ['accuracy', 'accuracySource', 'bytes', 'latencyMs', 'latencySource', 'p99Ms', 'uploadFraction']);
    assert.match(text, /latency p50 ms\s+[\d.]+\s+[\d.]+\n/);
    assert.match(text, /latency p99 ms\s+[\d.]+\s+[\d.]+\n/);
    assert.match(text, /bytes per inference\s+[\d.]+\s+[\d.]+\n/);
    assert.match(text, /accuracy\s+[\d.]+% \(measured\)\s+[\d.]+% on 5\n/);
  });

  it('serve DIR offers the browser page for the deployed head and tail', async () => {
    const out = join(dir, 'split');
    const server = await serveFolder(out);
    try {
      assert.deepEqual(server.models, ['head', 'tail']);
      assert.ok(server.page);
      const config = parseDeployEdgeConfig(readFileSync(join(out, 'edge.json'), 'utf8'));
      const page = await (await fetch(`${server.url}/web/config.json`)).json() as { cutOutput: string; tailModel: string; tailInput: string };
      assert.deepEqual([page.cutOutput, page.tailModel, page.tailInput], [config.cuts[0].cutOutput, config.cuts[0].model, config.cuts[0].tailInput]);
      assert.deepEqual(new Uint8Array(await (await fetch(`${server.url}/web/head.onnx`)).arrayBuffer()), new Uint8Array(readFileSync(join(out, 'head.onnx'))));
    } finally {
      await server.stop();
    }
  });

  it('the deployed head and tail reproduce the model: exactly through fp32, to int8 quantisation through int8', async () => {
    const ds = loadMnist('test', { limit: 20 });
    const x = makeBatch(ds, Array.from({ length: ds.count }, (_, k) => k)).x;
    const pixels = 28 * 28;
    const exact = { optimization: 'disabled' } as const;
    const full = await Session.fromModel(readModel(LENET_PATH), exact);
    // The models do not depend on the codec; the edge client and the server apply it around them.
    const i = frontIndex(doc, (e) => e.placement === 'split' && e.cut[0] === 'pool2', 'split at pool2');
    const out = join(dir, 'reproduce');
    assert.equal((await runCli('deploy', planPath, '-o', out, '--entry', String(i))).code, EXIT.OK);
    const head = await Session.fromModel(readModel(join(out, 'head.onnx')), exact);
    const tail = await Session.fromModel(readModel(join(out, 'tail.onnx')), exact);
    for (const codec of ['fp32', 'int8']) {
      let worst = 0;
      let agree = 0;
      for (let k = 0; k < ds.count; k++) {
        const image: RunTensor = { dtype: 'float32', dims: [1, 1, 28, 28], data: x.slice(k * pixels, (k + 1) * pixels) };
        const want = (await full.run({ input: image }, ['logits'])).logits?.data as Float32Array;
        const cut = (await head.run({ input: image }, ['pool2'])).pool2!;
        const e = await encodeTensor({ dims: cut.dims, data: cut.data as Float32Array }, parseCodec(codec));
        const sent = await decodeTensor(e.datatype, e.shape, e.bytes, e.parameters);
        const got = (await tail.run({ pool2: { dtype: 'float32', dims: sent.dims, data: sent.data } }, ['logits'])).logits?.data as Float32Array;
        const range = Math.max(...want) - Math.min(...want);
        for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(got[c]! - want[c]!) / range);
        if (got.indexOf(Math.max(...got)) === want.indexOf(Math.max(...want))) agree++;
      }
      if (codec === 'fp32') assert.equal(worst, 0);
      else {
        // int8: one step of 1/255 of the cut tensor's range per element; the logits move by a few percent of theirs at most.
        assert.ok(worst > 0 && worst < 0.05, `int8 relative error ${worst}`);
        assert.ok(agree >= ds.count - 1, `${agree} of ${ds.count} labels agree`);
      }
    }
    await Promise.all([full.release(), head.release(), tail.release()]);
  });

  it('a remote entry: the head passes the image on, the tail is the whole model; the run sends every image', async () => {
    const i = frontIndex(doc, (e) => e.placement === 'remote', 'remote entry');
    const entry = doc.front[i];
    assert.ok(entry);
    const out = join(dir, 'remote');
    const { run } = await deployServeRun(planPath, out, '--entry', String(i));
    const head = readModel(join(out, 'head.onnx'));
    assert.deepEqual(head.graph.node.map((n) => n.opType), ['Identity']);
    const config = parseDeployEdgeConfig(readFileSync(join(out, 'edge.json'), 'utf8'));
    assert.equal(config.cuts[0].after, 'input');
    assert.equal(config.cuts[0].tailInput, 'input');
    assert.equal(config.inputBytes, entry.breakdown.payloadBytes);
    assert.deepEqual(run.measured.origins, { server: IMAGES });
    assert.equal(run.measured.accuracy, entry.objectives.accuracy);
    assert.equal(run.measured.bytes, entry.objectives.bytes);
  });

  it('run --plan takes its settings from the deployment: --head and friends are refused, a changed plan is caught', async () => {
    const out = join(dir, 'split');
    const r = await runCli('run', '--plan', join(out, 'plan.json'), '--head', out, '--codec', 'fp16');
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /--plan configures the client from .*; drop --head, --codec/);
    const changed = join(dir, 'changed');
    assert.equal((await runCli('deploy', planPath, '-o', changed, '--entry', String(frontIndex(doc, (e) => e.placement === 'split', 'split')))).code, EXIT.OK);
    writeFileSync(join(changed, 'plan.json'), `${readFileSync(join(changed, 'plan.json'), 'utf8')} `);
    const c = await runCli('run', '--plan', join(changed, 'plan.json'), '--server', 'http://127.0.0.1:9');
    assert.equal(c.code, EXIT.BAD_PROFILE);
    assert.match(c.stderr, /edge\.json: field "plan\.sha256" is [0-9a-f]{64}, but .*plan\.json hashes to [0-9a-f]{64}: the plan changed since it was deployed/);
    const none = await runCli('run', '--dataset', 'mnist');
    assert.equal(none.code, EXIT.USAGE);
    assert.match(none.stderr, /run needs --server URL and --head HEAD, or --plan DIR\/plan\.json/);
  });
});

describe('cleave deploy with early exits (LeNet with trained exits on MNIST, loopback)', () => {
  const planPath = join(dir, 'plan-exits.json');
  const exitsModel = join(dir, 'lenet-exits.onnx');
  let doc: PlanDocument;
  before(async () => {
    const model = await trainedLenetExits();
    writeModel(exitsModel, model);
    const stats = join(dir, 'exits.json');
    writeFileSync(stats, JSON.stringify(await exitStatisticsFile(model, loadMnist('test', { limit: IMAGES }), [0.9, 0.99], { data: 'mnist', split: 'test', from: 0, count: IMAGES })));
    const r = await lenetPlan(planPath, '--codec', 'int8', '--data', 'mnist', '--images', String(IMAGES), '--exits', stats);
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = parsePlan(r.stdout);
  });

  it('the head answers from its exit when sure and sends nothing: share sent, bytes and accuracy as the plan measured them', async () => {
    const i = frontIndex(doc, (e) => e.placement === 'split' && e.exits.length > 0 && e.breakdown.uploadFraction !== null && e.breakdown.uploadFraction < 1, 'split entry with exits');
    const entry = doc.front[i];
    assert.ok(entry);
    const out = join(dir, 'exits');
    const { run } = await deployServeRun(planPath, out, '--entry', String(i), '--exits-model', exitsModel);
    const head = readModel(join(out, 'head.onnx'));
    assert.deepEqual(head.graph.output.map((o) => o.name), [...entry.cut, ...entry.exits.map((e) => e.name)]);
    const config = parseDeployEdgeConfig(readFileSync(join(out, 'edge.json'), 'utf8'));
    assert.equal(config.policy, 'max-softmax');
    assert.deepEqual(config.exits.map((e) => [e.output, e.after, e.threshold]), entry.exits.map((e) => [e.name, e.after, e.threshold]));
    const exited = IMAGES - (run.measured.origins.server ?? 0);
    assert.ok(exited > 0, 'some images answered at an exit');
    assert.equal(exited, Object.entries(run.measured.origins).filter(([k]) => k.startsWith('exit-')).reduce((s, [, n]) => s + n, 0));
    // The plan computes 1 - (share exited); the run counts what was sent: equal up to rounding.
    assert.ok(Math.abs(run.measured.uploadFraction - (entry.breakdown.uploadFraction ?? NaN)) < 1e-12, `${run.measured.uploadFraction} vs ${entry.breakdown.uploadFraction}`);
    assert.equal(run.measured.accuracy, entry.objectives.accuracy);
    assert.equal(entry.objectives.accuracySource, 'measured');
    assert.ok(Math.abs(run.measured.bytes - (entry.objectives.bytes ?? NaN)) < 1e-9);
  });

  it('statistics of images further on in the test split (as exits evaluate takes them): the plan measures those images, and run --plan classifies them again', async () => {
    const stats = join(dir, 'exits-further.json');
    const images = sliceImages(loadMnist('test', { limit: FROM + IMAGES }), FROM, IMAGES);
    writeFileSync(stats, JSON.stringify(await exitStatisticsFile(readModel(exitsModel), images, [0.9, 0.99], { data: 'mnist', split: 'test', from: FROM, count: IMAGES })));
    const further = join(dir, 'plan-further.json');
    const r = await lenetPlan(further, '--codec', 'int8', '--data', 'mnist', '--images', String(IMAGES), '--exits', stats);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const p = parsePlan(r.stdout);
    assert.deepEqual([p.accuracy.from, p.accuracy.images, p.accuracy.exits?.source], [FROM, IMAGES, 'measured']);
    // Other images than the first IMAGES: the uncut model's accuracy tells them apart.
    assert.deepEqual([doc.accuracy.base, p.accuracy.base], [1, 58 / IMAGES]);
    const i = frontIndex(p, (e) => e.placement === 'split' && e.exits.length > 0, 'split entry with exits');
    const entry = p.front[i];
    assert.ok(entry);
    assert.equal(entry.objectives.accuracySource, 'measured');
    const { run } = await deployServeRun(further, join(dir, 'further'), '--entry', String(i), '--exits-model', exitsModel);
    assert.equal(run.measured.accuracy, entry.objectives.accuracy);
  });

  it('a plan made from the model with exits needs no statistics file: the same exits, thresholds and measured figures as with --exits, and deploy takes the exits from the model', async () => {
    const direct = join(dir, 'plan-direct.json');
    const r = await runCli('plan', exitsModel, '--device', 'raspberry-pi-4', '--network', '4g', '--max-latency', '200ms', '--simulate-max', '20', '--frames', '50', '-o', direct, '--json',
      '--codec', 'int8', '--data', 'mnist', '--images', String(IMAGES), '--taus', '0.9,0.99');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const got = parsePlan(r.stdout);
    // The statistics file was measured independently (test-support); both plans sweep the same configurations to the same figures.
    const strip = (e: PlanDocument['recommended']) => ({ id: e.id, exits: e.exits, objectives: e.objectives, breakdown: e.breakdown });
    assert.equal(got.sweep.configurations, doc.sweep.configurations);
    assert.equal(got.sweep.exitConfigurations, doc.sweep.exitConfigurations);
    assert.deepEqual(got.front.map(strip), doc.front.map(strip));
    assert.deepEqual(strip(got.recommended), strip(doc.recommended));
    assert.deepEqual(got.model.outputs, ['logits']);
    const i = frontIndex(got, (e) => e.placement === 'split' && e.exits.length > 0 && e.breakdown.uploadFraction !== null && e.breakdown.uploadFraction < 1, 'split entry with exits');
    const entry = got.front[i];
    assert.ok(entry);
    assert.equal(entry.objectives.accuracySource, 'measured');
    const refused = await runCli('deploy', direct, '-o', join(dir, 'direct-refused'), '--entry', String(i), '--exits-model', exitsModel);
    assert.equal(refused.code, EXIT.USAGE);
    assert.match(refused.stderr, /holds its exits already.*drop --exits-model/);
    const { run } = await deployServeRun(direct, join(dir, 'direct'), '--entry', String(i));
    assert.equal(run.measured.accuracy, entry.objectives.accuracy);
    assert.ok(Math.abs(run.measured.uploadFraction - (entry.breakdown.uploadFraction ?? NaN)) < 1e-12);
    assert.ok(Math.abs(run.measured.bytes - (entry.objectives.bytes ?? NaN)) < 1e-9);
  });

  it('an entry with exits needs the exits model; it must be the plan model with exits added', async () => {
    const i = frontIndex(doc, (e) => e.placement === 'split' && e.exits.length > 0, 'split entry with exits');
    const out = join(dir, 'no-exits-model');
    const r = await runCli('deploy', planPath, '-o', out, '--entry', String(i));
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /enables exits exit_\d_logits.*give --exits-model FILE/);
    const other = join(dir, 'other-exits.onnx');
    const model = readModel(exitsModel);
    // The same branches on a backbone whose first weight changed: not the planned model.
    const init = model.graph.initializer.map((t) => (t.name === 'conv1.weight' ? { ...t, rawData: new Uint8Array(t.rawData ?? []).map((b, k) => (k === 0 ? b ^ 1 : b)) } : t));
    writeModel(other, { ...model, graph: { ...model.graph, initializer: init } });
    const w = await runCli('deploy', planPath, '-o', out, '--entry', String(i), '--exits-model', other);
    assert.equal(w.code, EXIT.USAGE);
    assert.match(w.stderr, /weight "conv1\.weight" differs from the plan's model/);
  });
});

describe('cleave plan --sparsity with a sparse model (LeNet on MNIST): measured, deployed and run over loopback', () => {
  const planPath = join(dir, 'plan-sparse.json');
  const sparsePath = join(dir, 'lenet-half.onnx');
  let doc: PlanDocument;
  before(async () => {
    // conv2 keeps half its kernels in 2 groups; conv1 (one input channel) cannot be grouped and stays dense.
    writeModel(sparsePath, sparsify(readModel(LENET_PATH), { density: 0.5, headOf: 'pool2', structured: true }).model);
    const r = await lenetPlan(planPath, '--codec', 'int8', '--data', 'mnist', '--images', String(IMAGES), '--sparsity', sparsePath);
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = parsePlan(r.stdout);
  });

  it('the variant is read from the model (layers, form) and its accuracy measured on it; deploy -> serve -> run measures what the plan did', async () => {
    assert.equal(doc.sweep.sparsity.length, 1);
    const variant = doc.sweep.sparsity[0];
    assert.ok(variant);
    assert.deepEqual({ ...variant, accuracyDelta: 0 }, {
      label: 'lenet-half', density: 1, nodeDensity: { conv2: 0.5 }, structured: true, accuracyDelta: 0,
      model: { path: sparsePath, sha256: createHash('sha256').update(readFileSync(sparsePath)).digest('hex') },
    });
    // The whole sparse model against the dense one, each run directly in ORT on the same images.
    const ds = loadMnist('test', { limit: IMAGES });
    const x = makeBatch(ds, Array.from({ length: ds.count }, (_, k) => k)).x;
    const right = async (path: string): Promise<number> => {
      const s = await Session.fromModel(readModel(path));
      const out = (await s.run({ input: { dtype: 'float32', dims: [IMAGES, 1, 28, 28], data: x } }, ['logits'])).logits?.data as Float32Array;
      await s.release();
      let n = 0;
      for (let i = 0; i < IMAGES; i++) {
        const row = Array.from(out.subarray(i * 10, (i + 1) * 10));
        if (row.indexOf(Math.max(...row)) === ds.labels[i]) n++;
      }
      return n;
    };
    assert.ok(Math.abs(variant.accuracyDelta - ((await right(sparsePath)) - (await right(LENET_PATH))) / IMAGES) < 1e-12);

    const i = frontIndex(doc, (e) => e.sparsity === 'lenet-half' && e.placement === 'split' && ['pool2', 'flatten', 'fc1', 'relu3', 'fc2'].includes(e.cut[0]!), 'sparse split entry after conv2');
    const entry = doc.front[i];
    assert.ok(entry);
    assert.equal(entry.objectives.accuracySource, 'measured');
    // No --sparse-model: deploy takes the file the plan recorded for the variant.
    const { run } = await deployServeRun(planPath, join(dir, 'sparse'), '--entry', String(i));
    assert.equal(run.measured.accuracy, entry.objectives.accuracy);
    assert.equal(run.measured.bytes, entry.objectives.bytes);
  });

  it('without --data the variant is read all the same, its accuracy change unknown: taken as none and labelled predicted', async () => {
    const r = await lenetPlan(join(dir, 'plan-sparse-predicted.json'), '--codec', 'int8', '--sparsity', sparsePath);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const p = parsePlan(r.stdout);
    assert.equal(p.sweep.sparsity[0]?.accuracyDelta, 0);
    const sparseEntries = [...p.front, ...p.misses].filter((e) => e.sparsity === 'lenet-half');
    assert.ok(sparseEntries.length > 0);
    for (const e of sparseEntries) assert.equal(e.objectives.accuracySource, 'predicted');
    const bad = await lenetPlan(join(dir, 'plan-bad.json'), '--sparsity', LENET_PATH);
    assert.equal(bad.code, EXIT.USAGE);
    assert.match(bad.stderr, /lenet-mnist\.onnx has no sparse layer/);
  });

  it('a sparse model changed since the plan was made is refused by its SHA-256, nothing written; --sparse-model still names another', async () => {
    const copy = join(dir, 'lenet-half-copy.onnx');
    writeFileSync(copy, readFileSync(sparsePath));
    const planFile = join(dir, 'plan-sparse-copy.json');
    const r = await lenetPlan(planFile, '--codec', 'int8', '--sparsity', copy);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const i = frontIndex(parsePlan(r.stdout), (e) => e.sparsity === 'lenet-half-copy' && e.placement === 'split' && ['pool2', 'flatten', 'fc1', 'relu3', 'fc2'].includes(e.cut[0]!), 'sparse split entry after conv2');
    // Retrained (here: another seed's masks): same layers and form, other bytes.
    writeModel(copy, sparsify(readModel(LENET_PATH), { density: 0.5, headOf: 'pool2', structured: true, seed: 7 }).model);
    const out = join(dir, 'stale-sparse');
    const stale = await runCli('deploy', planFile, '-o', out, '--entry', String(i));
    assert.equal(stale.code, EXIT.BAD_PROFILE);
    assert.match(stale.stderr, /field "sweep\.sparsity\[0\]\.model\.sha256" is [0-9a-f]{64}, but .*lenet-half-copy\.onnx hashes to [0-9a-f]{64}: the sparse model of variant "lenet-half-copy" changed since the plan was made; re-run `cleave plan`, or give --sparse-model PATH/);
    assert.equal(existsSync(out), false);
    const given = await runCli('deploy', planFile, '-o', out, '--entry', String(i), '--sparse-model', sparsePath);
    assert.equal(given.code, EXIT.OK, given.stderr);
  });
});
