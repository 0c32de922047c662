import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDivisible, mobilenetV2 } from '../../src/models/mobilenet-v2.js';
import { parameterCount } from '../../src/models/parameters.js';
import { allFinite, analyzeModel, relError, runLogits } from '../../test-support/models/model-check.js';

describe('models/mobilenet-v2', () => {
  it('mobilenetV2: 3,504,872 parameters, 17 depthwise convs, 10 residual Adds, ReLU6 as 3-input Clip', () => {
    const m = mobilenetV2();
    // torchvision MobileNet_V2_Weights.IMAGENET1K_V1: num_params 3504872, GFLOPS 0.30
    assert.equal(parameterCount(m), 3_504_872);
    const groups = (name: string): number | undefined => m.graph.node.find((n) => n.name === name)?.attribute.find((a) => a.name === 'group')?.i;
    const depthwise = m.graph.node.filter((n) => n.opType === 'Conv' && (n.attribute.find((a) => a.name === 'group')?.i ?? 1) > 1);
    assert.equal(depthwise.length, 17);
    assert.equal(groups('features.1.conv.0.0'), 32);
    assert.equal(groups('features.2.conv.1.0'), 96);
    assert.equal(m.graph.node.filter((n) => n.opType === 'Add').length, 10);
    const clips = m.graph.node.filter((n) => n.opType === 'Clip');
    assert.equal(clips.length, 35);
    assert.ok(clips.every((n) => n.input.length === 3 && n.attribute.length === 0));
    assert.ok((m.opsetImport[0]?.version ?? 0) >= 11);
  });

  it('mobilenetV2: within 1% of the published 0.300 GMACs at 224x224', () => {
    const a = analyzeModel(mobilenetV2());
    assert.equal(a.issues.length, 0);
    assert.ok(relError(a.totals.macs, 0.3e9) < 0.01, `${a.totals.macs}`);
  });

  it('mobilenetV2: runs in ONNX Runtime at 64x64', async () => {
    const y = await runLogits(mobilenetV2({ inputSize: 64, batchNorm: 'seeded' }), [1, 3, 64, 64]);
    assert.deepEqual(y.dims, [1, 1000]);
    assert.ok(allFinite(y));
  });

  it('makeDivisible rounds to multiples of 8 as torchvision does; width 0.5 builds and runs', async () => {
    assert.equal(makeDivisible(32 * 0.75), 24);
    assert.equal(makeDivisible(16 * 0.35), 8);
    assert.equal(makeDivisible(320 * 0.5), 160);
    assert.equal(makeDivisible(1280 * 1.4), 1792);
    const y = await runLogits(mobilenetV2({ inputSize: 32, width: 0.5, numClasses: 10 }), [1, 3, 32, 32]);
    assert.deepEqual(y.dims, [1, 10]);
  });
});
