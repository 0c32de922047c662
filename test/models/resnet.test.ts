import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resnet18, resnet50 } from '../../src/models/resnet.js';
import { parameterCount } from '../../src/models/parameters.js';
import { allFinite, analyzeModel, declaredDims, relError, runLogits } from '../../test-support/models/model-check.js';

const attr = (m: ReturnType<typeof resnet18>, node: string, name: string): number[] | undefined =>
  m.graph.node.find((n) => n.name === node)?.attribute.find((a) => a.name === name)?.ints?.map(Number);

describe('models/resnet', () => {
  it('resnet18: torchvision layout, 11,689,512 parameters, input [N, 3, 224, 224] and logits [N, 1000]', () => {
    const m = resnet18();
    assert.equal(parameterCount(m), 11_689_512);
    assert.deepEqual(declaredDims(m.graph.input[0]), ['N', 3, 224, 224]);
    assert.equal(m.graph.input[0]?.name, 'input');
    assert.deepEqual(declaredDims(m.graph.output[0]), ['N', 1000]);
    assert.equal(m.graph.output[0]?.name, 'logits');
    const outputs = new Set(m.graph.node.flatMap((n) => n.output));
    for (const s of [1, 2, 3, 4]) for (const k of [0, 1]) assert.ok(outputs.has(`layer${s}.${k}.relu2`), `block output layer${s}.${k}.relu2`);
    const downsamples = m.graph.node.filter((n) => n.name.endsWith('downsample.0')).map((n) => n.name);
    assert.deepEqual(downsamples, ['layer2.0.downsample.0', 'layer3.0.downsample.0', 'layer4.0.downsample.0']);
    assert.equal(m.graph.node.filter((n) => n.opType === 'Add').length, 8);
  });

  it('resnet18: 1,814,073,344 MACs at 224x224 by hand count, within 1% of the published 1.814 G', () => {
    // torchvision ResNet18_Weights: GFLOPS 1.81 (its "GFLOPS" are multiply-accumulates of convs and linears)
    const stage = (side: number, cin: number, c: number): number =>
      side * side * c * cin * 9 + 3 * side * side * c * c * 9 + side * side * c * cin;
    const hand = 112 * 112 * 64 * 3 * 49 + 4 * 56 * 56 * 64 * 64 * 9 + stage(28, 64, 128) + stage(14, 128, 256) + stage(7, 256, 512) + 512 * 1000;
    const a = analyzeModel(resnet18());
    assert.equal(a.issues.length, 0);
    assert.equal(a.totals.macs, hand);
    assert.ok(relError(a.totals.macs, 1.814e9) < 0.01, `${a.totals.macs}`);
  });

  it('resnet18: every block output is a single-tensor cut point; nothing inside a residual block is', () => {
    const cuts = analyzeModel(resnet18({ inputSize: 64 })).cutPoints.map((c) => c.tensors.join('+'));
    for (const s of [1, 2, 3, 4]) for (const k of [0, 1]) assert.ok(cuts.includes(`layer${s}.${k}.relu2`), `layer${s}.${k}.relu2`);
    assert.ok(!cuts.some((c) => /conv|bn/.test(c) && c.startsWith('layer')), cuts.join(' '));
  });

  it('resnet18: runs in ONNX Runtime at 64x64, batch 1 and batch 2 on the symbolic N', async () => {
    const m = resnet18({ inputSize: 64, seed: 2 });
    const y1 = await runLogits(m, [1, 3, 64, 64]);
    assert.deepEqual(y1.dims, [1, 1000]);
    assert.ok(allFinite(y1));
    const y2 = await runLogits(m, [2, 3, 64, 64]);
    assert.deepEqual(y2.dims, [2, 1000]);
  });

  it('resnet18: width and numClasses options shrink the model; a 1-channel input works', async () => {
    const m = resnet18({ inputSize: 32, channels: 1, width: 0.25, numClasses: 10 });
    const y = await runLogits(m, [1, 1, 32, 32]);
    assert.deepEqual(y.dims, [1, 10]);
    assert.ok(parameterCount(m) < 11_689_512 / 10);
  });

  it('resnet50: 25,557,032 parameters; stride on the 3x3 conv (v1.5); within 1% of the published 4.09 GMACs', () => {
    const m = resnet50();
    assert.equal(parameterCount(m), 25_557_032);
    assert.deepEqual(attr(m, 'layer2.0.conv1', 'strides'), [1, 1]);
    assert.deepEqual(attr(m, 'layer2.0.conv2', 'strides'), [2, 2]);
    assert.deepEqual(attr(m, 'layer2.0.downsample.0', 'strides'), [2, 2]);
    assert.equal(m.graph.node.filter((n) => n.opType === 'Add').length, 16);
    // torchvision ResNet50_Weights.IMAGENET1K_V1: num_params 25557032, GFLOPS 4.09
    const a = analyzeModel(m);
    assert.ok(relError(a.totals.macs, 4.09e9) < 0.01, `${a.totals.macs}`);
    assert.equal(a.totals.flops >= 2 * a.totals.macs, true);
  });

  it('resnet50: runs in ONNX Runtime at 64x64 with seeded BN statistics', async () => {
    const y = await runLogits(resnet50({ inputSize: 64, batchNorm: 'seeded' }), [1, 3, 64, 64]);
    assert.deepEqual(y.dims, [1, 1000]);
    assert.ok(allFinite(y));
  });
});
