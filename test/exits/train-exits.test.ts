import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFashionMnist, loadMnist } from '../../src/data/datasets.js';
import { BadRequestError } from '../../src/errors.js';
import { exitLogits } from '../../src/exits/exit-logits.js';
import { insertExits } from '../../src/exits/insert.js';
import { exitAccuracies, sampleMatrix } from '../../src/exits/policy.js';
import { exitStructure } from '../../src/exits/structure.js';
import { exitLossWeights, linspace, trainExits } from '../../src/exits/train-exits.js';
import { buildModel } from '../../src/models/catalogue.js';
import { rawBytes } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { Session } from '../../src/runtime/session.js';
import { lenetWithExits, trainedLenetExits } from '../../test-support/exits/lenet-exits.js';

/** The bytes of every initializer, by name. */
function weightBytes(model: ModelProto): Map<string, Uint8Array> {
  return new Map(model.graph.initializer.map((t) => [t.name, Uint8Array.from(rawBytes(t) ?? new Uint8Array())]));
}

/** The main output of a model on a batch, with graph optimisations off. */
async function mainOutput(model: ModelProto, x: Float32Array, n: number): Promise<Float32Array> {
  const s = await Session.fromModel(model, { optimization: 'disabled' });
  try {
    const out = await s.run({ [s.inputNames[0]!]: { dtype: 'float32', dims: [n, 1, 28, 28], data: x } }, ['logits']);
    return Float32Array.from(out.logits?.data as Float32Array);
  } finally {
    await s.release();
  }
}

describe('trainExits', () => {
  it('frozen backbone (small VGG with BatchNormalization, 2 steps): every backbone weight and BN statistic stays bit-identical, every branch weight moves, the main output is unchanged', async () => {
    const model = insertExits(buildModel('small-vgg', { batchNorm: 'seeded', width: 0.25 }), { count: 2, placement: 'linear' }).model;
    const data = loadFashionMnist('train', { limit: 32 });
    const r = await trainExits(model, data, undefined, { batch: 16, epochs: 1, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, seed: 1, nchwc: false });
    const before = weightBytes(model);
    const after = weightBytes(r.model);
    const branch = new Set(r.structure.exits.flatMap((e) => [...e.params, ...e.buffers]));
    let frozen = 0;
    for (const [name, bytes] of before) {
      if (branch.has(name)) continue;
      assert.deepEqual(after.get(name), bytes, `backbone weight ${name} changed`);
      frozen++;
    }
    assert.ok(frozen >= 20, `${frozen} backbone tensors`);
    for (const e of r.structure.exits) for (const p of [...e.params, ...e.buffers]) assert.notDeepEqual(after.get(p), before.get(p), `branch tensor ${p} did not move`);
    const x = Float32Array.from(data.images.subarray(0, 4 * 784), (v) => v / 255);
    assert.deepEqual(await mainOutput(r.model, x, 4), await mainOutput(model, x, 4));
    assert.deepEqual(r.outputs, [{ logits: 'exit_0_logits', weight: 1 }, { logits: 'exit_1_logits', weight: 1 }]);
  });

  it('LeNet on MNIST, 200 steps on a frozen backbone: the deeper exit is far above chance, the main output keeps its accuracy', async () => {
    const test = loadMnist('test', { limit: 500 });
    const [untrained, trained] = [lenetWithExits(), await trainedLenetExits()];
    const acc = async (m: ModelProto) => {
      const l = await exitLogits(m, test);
      return exitAccuracies(sampleMatrix(l.exits, l.main, 'max-softmax'));
    };
    const [a, b] = [await acc(untrained), await acc(trained)];
    assert.equal(b.main, a.main);
    assert.ok(a.main > 0.97, `main ${a.main}`);
    assert.ok(b.exits[1]! > 0.9, `exit_1 ${b.exits[1]} (untrained ${a.exits[1]})`);
    assert.ok(b.exits[0]! > a.exits[0]! + 0.1, `exit_0 ${a.exits[0]} -> ${b.exits[0]}`);
  });

  it('joint: every weight trains on the weighted loss, with linspace(0.15, 1) by default', async () => {
    const model = lenetWithExits();
    const r = await trainExits(model, loadMnist('train', { limit: 64 }), undefined, { mode: 'joint', batch: 32, epochs: 1, optimizer: { kind: 'sgd', lr: 0.05 }, seed: 1, nchwc: false });
    assert.deepEqual(r.outputs.map((o) => o.logits), ['exit_0_logits', 'exit_1_logits', 'logits']);
    assert.deepEqual(r.outputs.map((o) => o.weight), [0.15, 0.575, 1]);
    const [before, after] = [weightBytes(model), weightBytes(r.model)];
    for (const name of ['conv1.weight', 'fc3.weight', 'exit_0/fc.weight']) assert.notDeepEqual(after.get(name), before.get(name), name);
    assert.equal(r.history[0]?.outputs?.length, 3);
  });

  it('loss weights: defaults, counts and values checked', () => {
    assert.deepEqual(linspace(0.15, 1, 5).map((v) => +v.toFixed(4)), [0.15, 0.3625, 0.575, 0.7875, 1]);
    assert.deepEqual(exitLossWeights('exits', 3), [1, 1, 1]);
    assert.deepEqual(exitLossWeights('joint', 3, [1, 2, 3, 4]), [1, 2, 3, 4]);
    assert.throws(() => exitLossWeights('joint', 3, [1, 2, 3]), /give 4 loss weights.*3 exits then the main output/);
    assert.throws(() => exitLossWeights('exits', 2, [1, 0]), (e: unknown) => e instanceof BadRequestError && /loss weight 2 must be/.test(e.message));
  });

  it('a model without exits, or calibrated already, is refused', async () => {
    const data = loadMnist('train', { limit: 32 });
    const o = { batch: 32, epochs: 1, optimizer: { kind: 'sgd' as const, lr: 0.1 } };
    await assert.rejects(trainExits(buildModel('lenet'), data, undefined, o), /no exits/);
    const { applyTemperatures } = await import('../../src/exits/apply-temperatures.js');
    await assert.rejects(trainExits(applyTemperatures(lenetWithExits(), { exit_0_logits: 2 }), data, undefined, o), /calibrated already/);
    assert.equal(exitStructure(lenetWithExits()).exits.length, 2);
  });
});
