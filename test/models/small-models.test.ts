import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lenet } from '../../src/models/lenet.js';
import { parameterCount } from '../../src/models/parameters.js';
import { smallCnn } from '../../src/models/small-cnn.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { allFinite, analyzeModel, declaredDims, runLogits } from '../../test-support/models/model-check.js';

describe('models/lenet, small-vgg, small-cnn', () => {
  it('lenet: 61,706 parameters; 28x28x1 -> 10 logits in ONNX Runtime at batch 1 and 4', async () => {
    const m = lenet();
    // conv1 6*25+6, conv2 16*6*25+16, fc1 400*120+120, fc2 120*84+84, fc3 84*10+10
    assert.equal(parameterCount(m), 156 + 2416 + 48120 + 10164 + 850);
    assert.deepEqual(declaredDims(m.graph.input[0]), ['N', 1, 28, 28]);
    assert.deepEqual((await runLogits(m, [1, 1, 28, 28])).dims, [1, 10]);
    const y = await runLogits(m, [4, 1, 28, 28]);
    assert.deepEqual(y.dims, [4, 10]);
    assert.ok(allFinite(y));
    const a = analyzeModel(m);
    assert.deepEqual(a.tensors.find((t) => t.name === 'pool2')?.shape, [1, 16, 5, 5]);
  });

  it('lenet: same seed gives the same weights, another seed different ones', () => {
    const bytes = (seed: number): number[] => Array.from(lenet({ seed }).graph.initializer.find((t) => t.name === 'conv2.weight')?.rawData ?? []);
    assert.deepEqual(bytes(7), bytes(7));
    assert.notDeepEqual(bytes(7), bytes(8));
  });

  it('smallVgg: three conv-BN-ReLU blocks (28 -> 14 -> 7 -> 3), fc 256, runs at 28x28x1', async () => {
    const m = smallVgg();
    assert.equal(m.graph.node.filter((n) => n.opType === 'Conv').length, 6);
    assert.equal(m.graph.node.filter((n) => n.opType === 'BatchNormalization').length, 6);
    const a = analyzeModel(m);
    assert.deepEqual(a.tensors.find((t) => t.name === 'block3.pool')?.shape, [1, 128, 3, 3]);
    assert.deepEqual(m.graph.initializer.find((t) => t.name === 'fc1.weight')?.dims.map(Number), [256, 1152]);
    const y = await runLogits(m, [2, 1, 28, 28]);
    assert.deepEqual(y.dims, [2, 10]);
    assert.ok(allFinite(y));
    assert.ok(!smallVgg({ dropout: 0 }).graph.node.some((n) => n.opType === 'Dropout'));
  });

  it('smallCnn: 28x28x1 by default, 32x32x3 on request; a few hundred thousand MACs', async () => {
    const m = smallCnn();
    assert.deepEqual((await runLogits(m, [1, 1, 28, 28])).dims, [1, 10]);
    // conv1 28^2*8*9, conv2 14^2*16*8*9, conv3 7^2*32*16*9, fc 1568*10
    assert.equal(analyzeModel(m).totals.macs, 784 * 72 + 196 * 1152 + 49 * 4608 + 15680);
    const rgb = smallCnn({ channels: 3, inputSize: 32 });
    assert.deepEqual((await runLogits(rgb, [1, 3, 32, 32])).dims, [1, 10]);
  });
});
