import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { parameterCount } from '../../src/models/parameters.js';
import { vgg16 } from '../../src/models/vgg.js';
import { allFinite, analyzeModel, declaredDims, relError, runLogits } from '../../test-support/models/model-check.js';

describe('models/vgg', () => {
  it('vgg16: 13 convs + 3 FC, 138,357,544 parameters, 15,470,264,320 MACs at 224x224 (published 15.47 G)', () => {
    const m = vgg16();
    assert.equal(m.graph.node.filter((n) => n.opType === 'Conv').length, 13);
    assert.equal(m.graph.node.filter((n) => n.opType === 'Gemm').length, 3);
    // torchvision VGG16_Weights.IMAGENET1K_V1: num_params 138357544, GFLOPS 15.47
    assert.equal(parameterCount(m), 138_357_544);
    assert.deepEqual(m.graph.initializer.find((t) => t.name === 'classifier.0.weight')?.dims.map(Number), [4096, 25088]);
    const a = analyzeModel(m);
    // hand count: 3x3 convs at 224, 112, 56, 28, 14 (channels 64, 128, 256, 512, 512) + the three FC layers
    const conv = (side: number, cin: number, cout: number): number => side * side * cin * cout * 9;
    const hand = conv(224, 3, 64) + conv(224, 64, 64) + conv(112, 64, 128) + conv(112, 128, 128)
      + conv(56, 128, 256) + 2 * conv(56, 256, 256) + conv(28, 256, 512) + 2 * conv(28, 512, 512)
      + 3 * conv(14, 512, 512) + 25088 * 4096 + 4096 * 4096 + 4096 * 1000;
    assert.equal(a.totals.macs, hand);
    assert.ok(relError(a.totals.macs, 15.47e9) < 0.01, `${a.totals.macs}`);
    assert.deepEqual(declaredDims(m.graph.output[0]), ['N', 1000]);
  });

  it('vgg16: runs in ONNX Runtime at 32x32 (a 1x1 map feeds classifier.0)', async () => {
    const m = vgg16({ inputSize: 32, seed: 4 });
    const y = await runLogits(m, [1, 3, 32, 32]);
    assert.deepEqual(y.dims, [1, 1000]);
    assert.ok(allFinite(y));
  });

  it('vgg16: at 448x448 a 2x2 AveragePool stands in for AdaptiveAvgPool2d(7) (narrow width to stay fast)', async () => {
    const m = vgg16({ inputSize: 448, width: 0.125, numClasses: 10 });
    assert.ok(m.graph.node.some((n) => n.name === 'avgpool' && n.opType === 'AveragePool'));
    assert.deepEqual(m.graph.initializer.find((t) => t.name === 'classifier.0.weight')?.dims.map(Number), [512, 64 * 7 * 7]);
    const y = await runLogits(m, [1, 3, 448, 448]);
    assert.deepEqual(y.dims, [1, 10]);
  });

  it('vgg16: an input too small for five pools is refused, naming the layer', () => {
    assert.throws(() => vgg16({ inputSize: 16 }), (e: unknown) => e instanceof BadRequestError && /features\.30/.test(e.message));
  });
});
