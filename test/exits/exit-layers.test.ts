import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { loadMnist } from '../../src/data/datasets.js';
import { BadRequestError } from '../../src/errors.js';
import { evaluateExits, samplesFile } from '../../src/exits/evaluate.js';
import { exitLayers, rooflineTime } from '../../src/exits/exit-layers.js';
import { BadFieldError } from '../../src/exits/fields.js';
import { planModelExits } from '../../src/exits/model-plan.js';
import { readExitSamplesFile } from '../../src/exits/samples-file.js';
import { exitStructure } from '../../src/exits/structure.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { estimateNodeLatencyMs } from '../../src/profile/device-profile.js';
import { opClassOf } from '../../src/profile/op-class.js';
import { exhaustiveExitPlan } from '../../test-support/exits/plan-reference.js';
import { lenetWithExits, trainedLenetExits } from '../../test-support/exits/lenet-exits.js';

describe('exitLayers: a model with exits as a POPEX layer chain', () => {
  const model = lenetWithExits();
  const structure = exitStructure(model);
  const pi = getDevice('raspberry-pi-4');
  const server = getDevice('xeon-server');
  const layers = exitLayers(model, structure, rooflineTime(pi), rooflineTime(server));

  it('LeNet (a chain): one layer per node run up to each single-tensor cut, timed by the roofline of its own nodes; bytes by hand', () => {
    const a = analyze(graphFromModel(model), { batch: 1 });
    const roofline = (name: string, device = pi) => {
      const n = a.nodes.find((r) => r.name === name);
      assert.ok(n);
      return n.folded || !n.known ? 0 : estimateNodeLatencyMs(n.flops, n.bytesRead + n.bytesWritten, opClassOf(n.opType), device);
    };
    // LeNet's nodes run in a line, each producing the tensor of its name: layer k holds the nodes after layer k-1's up to its own.
    const backbone = structure.backboneNodes;
    let from = 0;
    for (const l of layers.layers) {
      const to = l.name === 'logits' ? backbone.length : backbone.indexOf(l.name) + 1;
      assert.ok(to > from, l.name);
      const nodes = backbone.slice(from, to);
      const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, y);
      assert.ok(close(l.edgeMs, nodes.reduce((s, n) => s + roofline(n), 0)), `${l.name} edge`);
      assert.ok(close(l.cloudMs, nodes.reduce((s, n) => s + roofline(n, server), 0)), `${l.name} cloud`);
      from = to;
    }
    assert.equal(from, backbone.length);
    assert.deepEqual(layers.layers.map((l) => l.name), ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2', 'relu4', 'logits']);
    assert.equal(layers.inputBytes, 28 * 28 * 4);
    assert.equal(layers.layers.find((l) => l.name === 'pool1')?.outputBytes, 6 * 14 * 14 * 4);
    assert.equal(layers.layers.find((l) => l.name === 'flatten')?.outputBytes, 400 * 4);
    assert.deepEqual(layers.exits.map((e) => [e.output, e.after]), [['exit_0_logits', 'pool1'], ['exit_1_logits', 'flatten']]);
    layers.exits.forEach((e, k) => {
      const want = a.nodes.filter((n) => n.name.startsWith(`exit_${k}/`)).reduce((s, n) => s + roofline(n.name), 0);
      assert.ok(want > 0 && Math.abs(e.edgeMs - want) < 1e-15, e.output);
    });
  });

  it('planModelExits on real samples (LeNet on 300 MNIST images, clean and noisy) equals the exhaustive search written from the definition', async () => {
    const trained = await trainedLenetExits();
    const data = loadMnist('test', { limit: 300 });
    const evaluation = await evaluateExits(trained, data, { policy: 'max-softmax', taus: [0.5, 0.9], distortions: [{ kind: 'clean' }, { kind: 'noise', strength: 0.3 }] });
    const file = readExitSamplesFile(JSON.parse(JSON.stringify(samplesFile(evaluation, 'mnist'))));
    assert.deepEqual(file.sets.map((s) => s.condition), ['clean', 'noise 0.3']);
    // A slow edge (the Pi's roofline x 30) so that exits and cuts compete.
    const slow = (n: Parameters<ReturnType<typeof rooflineTime>>[0]) => 30 * rooflineTime(pi)(n);
    const chain = exitLayers(trained, exitStructure(trained), slow, rooflineTime(server));
    const options = { uplinkMbps: [1.1, 18.8], taus: [0.5, 0.9], objective: { minAccuracy: 0.95 } };
    const plans = planModelExits(chain, file, options);
    let withExits = 0;
    plans.forEach((p, k) => {
      const input = { inputBytes: chain.inputBytes, rttMs: 0, uplinkMbps: options.uplinkMbps, layers: chain.layers, exits: chain.exits, thresholds: options.taus, samples: file.sets[k]?.samples as never, objective: options.objective };
      p.plan.decisions.forEach((d) => {
        const ref = exhaustiveExitPlan(input, d.uplinkMbps);
        assert.equal(d.best === null, ref === null);
        if (d.best && ref) assert.ok(Math.abs(d.best.expectedMs - ref.expectedMs) <= 1e-9 * ref.expectedMs, `${p.condition} at ${d.uplinkMbps}`);
        if (d.best?.exits.length) withExits++;
      });
    });
    assert.ok(withExits > 0, 'no decision uses an exit: the test shows nothing');
  });

  it('samples of other exits, and a bad sample field named by its place in the file', async () => {
    const file = { policy: 'max-softmax' as const, exits: [{ output: 'exit_0_logits', at: 'pool1' }], sets: [{ condition: 'clean', samples: { confidence: [[0.5]], correct: [[true]], mainCorrect: [true] } }] };
    const options = { uplinkMbps: [1], taus: [0.5], objective: { minAccuracy: 0 } };
    assert.throws(() => planModelExits(layers, file, options), (e: unknown) => e instanceof BadRequestError && /samples are of exits exit_0_logits but the model has exit_0_logits, exit_1_logits/.test(e.message));
    const two = { ...file, exits: [{ output: 'exit_0_logits', at: 'pool1' }, { output: 'exit_1_logits', at: 'flatten' }] };
    assert.throws(() => planModelExits(layers, two, options), (e: unknown) => e instanceof BadFieldError && e.field === 'sets[0].samples.confidence[0]' && /has 1 values; there are 2 exits/.test(e.message));
    assert.throws(() => readExitSamplesFile({ ...file, policy: 'vote' }), (e: unknown) => e instanceof BadFieldError && e.field === 'policy');
    assert.throws(() => readExitSamplesFile({ ...file, sets: [{ condition: 'clean' }] }), (e: unknown) => e instanceof BadFieldError && e.field === 'sets[0].samples');
  });
});
