import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { buildModel } from '../../src/models/catalogue.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadFashionMnist, loadMnist } from '../../src/data/datasets.js';
import { fit } from '../../src/train/fit.js';
import { NCHWC_DOMAIN, probeNchwcBlock } from '../../src/passes/nchwc.js';
import { buildTrainStep } from '../../src/train/train-step.js';
import { Trainer } from '../../src/train/trainer.js';

function weights(model: ModelProto, name: string): Float32Array {
  const t = model.graph.initializer.find((i) => i.name === name);
  assert.ok(t, name);
  return Float32Array.from(tensorValue(t).data);
}

describe('training on real images', () => {
  it('LeNet on 640 MNIST digits with Adam: the loss falls and test accuracy is far above chance', async () => {
    const train = loadMnist('train', { limit: 640 });
    const test = loadMnist('test', { limit: 500 });
    const r = await fit(buildModel('lenet', { seed: 1 }), train, test, { batch: 32, epochs: 3, optimizer: { kind: 'adam', lr: 2e-3 }, seed: 1 });
    const [first, last] = [r.history[0], r.history[r.history.length - 1]];
    assert.ok(first && last);
    assert.ok(last.loss < 0.6 * first.loss, `loss ${first.loss} -> ${last.loss}`);
    assert.ok((last.testAccuracy ?? 0) > 0.7, `test accuracy ${last.testAccuracy}`);
  });

  it('small VGG (BN in training mode, Dropout) on 320 Fashion-MNIST images with SGD momentum learns', async () => {
    const train = loadFashionMnist('train', { limit: 320 });
    const test = loadFashionMnist('test', { limit: 200 });
    const model = buildModel('small-vgg', { seed: 2, width: 0.5 });
    const r = await fit(model, train, test, { batch: 32, epochs: 3, optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9 }, seed: 2 });
    const last = r.history[r.history.length - 1];
    assert.ok(last && (last.testAccuracy ?? 0) > 0.5, `test accuracy ${last?.testAccuracy} (chance 0.1)`);
    // Running statistics were updated by the training-mode BN and written back.
    const before = weights(model, 'block1.bn1.running_var');
    const after = weights(r.model, 'block1.bn1.running_var');
    assert.ok(after.some((v, i) => Math.abs(v - before[i]!) > 1e-4));
  });

  it('frozen weights stay as they were; only the chosen tail trains', async () => {
    const model = buildModel('lenet', { seed: 1 });
    const trainer = await Trainer.create(model, { batch: 16, optimizer: { kind: 'sgd', lr: 0.1 }, trainable: ['fc3.weight', 'fc3.bias'] });
    const ds = loadMnist('train', { limit: 16 });
    await trainer.train(makeBatch(ds, Array.from({ length: 16 }, (_, i) => i)));
    const ck = trainer.checkpoint();
    await trainer.release();
    assert.deepEqual(weights(ck, 'conv1.weight'), weights(model, 'conv1.weight'));
    assert.notDeepEqual(weights(ck, 'fc3.weight'), weights(model, 'fc3.weight'));
    assert.deepEqual(trainer.step.params.map((p) => p.name), ['fc3.weight', 'fc3.bias']);
  });

  it('one SGD step equals w - lr * grad: the update nodes apply the optimiser exactly', async () => {
    const model = buildModel('lenet', { seed: 1 });
    const ds = loadMnist('train', { limit: 8 });
    const batch = makeBatch(ds, Array.from({ length: 8 }, (_, i) => i));
    const a = await Trainer.create(model, { batch: 8, optimizer: { kind: 'sgd', lr: 0.5 }, trainable: ['fc3.bias'] });
    const b = await Trainer.create(model, { batch: 8, optimizer: { kind: 'sgd', lr: 1.0 }, trainable: ['fc3.bias'] });
    await a.train(batch);
    await b.train(batch);
    const w0 = weights(model, 'fc3.bias');
    const wa = weights(a.checkpoint(), 'fc3.bias');
    const wb = weights(b.checkpoint(), 'fc3.bias');
    await a.release();
    await b.release();
    // Same gradient, twice the step: (wb - w0) = 2 (wa - w0); the bias gradient of softmax
    // cross-entropy sums to zero over the classes.
    let sum = 0;
    wa.forEach((v, i) => {
      assert.ok(Math.abs((wb[i]! - w0[i]!) - 2 * (v - w0[i]!)) < 1e-5);
      sum += v - w0[i]!;
    });
    assert.ok(Math.abs(sum) < 1e-5);
  });

  it('bad input: unknown trainable names, wrong batch size, labels out of range', async () => {
    const model = buildModel('lenet', { seed: 1 });
    assert.throws(() => buildTrainStep(model, { batch: 4, optimizer: { kind: 'adam', lr: 1e-3 }, trainable: ['nope'] }), BadRequestError);
    assert.throws(() => buildTrainStep(model, { batch: 4, optimizer: { kind: 'adam', lr: -1 } }), /learning rate/);
    const trainer = await Trainer.create(model, { batch: 2, optimizer: { kind: 'sgd', lr: 0.1 }, trainable: ['fc3.bias'] });
    const ds = loadMnist('train', { limit: 3 });
    await assert.rejects(trainer.train(makeBatch(ds, [0, 1, 2])), /batches of 2/);
    const bad = { ...makeBatch(ds, [0, 1]), labels: Uint8Array.of(3, 12) };
    await assert.rejects(trainer.train(bad), (e: unknown) => e instanceof BadRequestError && /label 12/.test(e.message));
    await trainer.release();
  });

  it('the Trainer takes ORT\'s NCHWc kernels where this CPU has them and matches the portable step on the first step', async () => {
    const block = await probeNchwcBlock();
    const ds = loadFashionMnist('train', { limit: 16 });
    const batch = makeBatch(ds, Array.from({ length: 16 }, (_, i) => i), 10);
    const model = smallVgg({ seed: 1, dropout: 0 });
    const options = { batch: 16, optimizer: { kind: 'sgd' as const, lr: 0.01 }, threads: 1 };
    const fast = await Trainer.create(model, options);
    const portable = await Trainer.create(model, { ...options, nchwc: false });
    assert.equal(fast.step.model.graph.node.some((n) => n.domain === NCHWC_DOMAIN), block !== undefined);
    assert.ok(!portable.step.model.graph.node.some((n) => n.domain === NCHWC_DOMAIN));
    const [a, b] = [await fast.train(batch), await portable.train(batch)];
    assert.ok(Math.abs(a.loss - b.loss) < 1e-4 * Math.max(1, Math.abs(b.loss)), `loss ${a.loss} vs ${b.loss}`);
    await fast.release();
    await portable.release();
  });
});
