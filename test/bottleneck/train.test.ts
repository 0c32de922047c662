import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyOf } from '../../src/bottleneck/evaluate.js';
import { tailWeights, trainBottleneck } from '../../src/bottleneck/train.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import type { ImageDataset } from '../../src/data/image-dataset.js';

/** 8x8 images: class 0 bright on the left half, class 1 on the right, with seeded noise. */
function halves(count: number, seed: number): ImageDataset {
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) images[i * 64 + y * 8 + x] = ((x < 4) === (i % 2 === 0) ? 200 : 30) + Math.floor(rnd() * 40);
  }
  return { name: 'halves', images, labels, count, channels: 1, height: 8, width: 8, classes: 2, classNames: ['left', 'right'] };
}

/** x [N, 1, 8, 8] -> Conv 3x3 (4) -> ReLU "r" -> MaxPool 2 -> Flatten -> Gemm "fc" (2). */
function tinyNet(): ModelProto {
  const b = new ModelBuilder({ name: 'tiny', opset: 17, seed: 3 });
  const x = b.input('input', 'float32', ['N', 1, 8, 8]);
  const c = b.node('Conv', [x, b.param('c.weight', [4, 1, 3, 3]), b.param('c.bias', [4], { kind: 'const', value: 0 })], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'c');
  const r = b.node('Relu', [c], {}, 'r');
  const f = b.node('Flatten', [b.node('MaxPool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool')], { axis: 1 }, 'f');
  const y = b.node('Gemm', [f, b.param('fc.weight', [2, 64]), b.param('fc.bias', [2], { kind: 'const', value: 0 })], { transB: 1 }, 'logits');
  b.output(y, 'float32', ['N', 2]);
  return b.build();
}

const values = (m: ModelProto, name: string) => Array.from(tensorValue(m.graph.initializer.find((t) => t.name === name) as never).data);

describe('trainBottleneck', () => {
  const train = halves(128, 1);
  const test = halves(64, 2);

  it('trains only the autoencoder by default: head and tail weights stay as they were', async () => {
    const model = tinyNet();
    const r = await trainBottleneck(model, 'r', train, test, { epochs: 2, batch: 16, lr: 0.01 });
    assert.equal(r.history.length, 2);
    assert.deepEqual(r.trained, []);
    for (const w of ['c.weight', 'c.bias', 'fc.weight', 'fc.bias']) assert.deepEqual(values(r.model, w), values(model, w), `${w} changed`);
    const enc = r.bottleneck.params.find((p) => p.endsWith('enc1.weight'))!;
    assert.notDeepEqual(values(r.model, enc), values(r.bottleneck.model, enc));
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
    assert.equal(r.perClass.length, 2);
    // The reported accuracy is the trained model's accuracy on the test set.
    assert.equal((await accuracyOf(r.model, test)).accuracy, r.accuracy);
  });

  it('fine-tunes the tail when asked, never the head', async () => {
    const model = tinyNet();
    const r = await trainBottleneck(model, 'r', train, test, { epochs: 1, batch: 16, lr: 0.01, fineTuneTail: true });
    assert.deepEqual([...r.trained].sort(), ['fc.bias', 'fc.weight']);
    assert.notDeepEqual(values(r.model, 'fc.weight'), values(model, 'fc.weight'));
    assert.deepEqual(values(r.model, 'c.weight'), values(model, 'c.weight'));
  });

  it('lists the learned weights after a tensor', () => {
    assert.deepEqual(tailWeights(tinyNet(), 'r', new Set()).sort(), ['fc.bias', 'fc.weight']);
    assert.deepEqual(tailWeights(tinyNet(), 'input', new Set(['fc.bias'])).sort(), ['c.bias', 'c.weight', 'fc.weight']);
  });

  it('refuses a training set smaller than a batch', async () => {
    await assert.rejects(trainBottleneck(tinyNet(), 'r', halves(8, 1), test, { epochs: 1, batch: 16 }), /fewer than one batch/);
  });
});
