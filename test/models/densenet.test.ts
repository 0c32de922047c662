import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { densenet, densenet121 } from '../../src/models/densenet.js';
import { parameterCount } from '../../src/models/parameters.js';
import { allFinite, analyzeModel, relError, runLogits } from '../../test-support/models/model-check.js';

describe('models/densenet', () => {
  it('densenet121: 7,978,856 parameters; 2.834 GMACs at 224x224, within 1% of torchvision\'s 2.83', () => {
    const m = densenet121();
    // torchvision DenseNet121_Weights.IMAGENET1K_V1: num_params 7978856, GFLOPS 2.83
    assert.equal(parameterCount(m), 7_978_856);
    const a = analyzeModel(m);
    assert.equal(a.issues.length, 0);
    assert.ok(relError(a.totals.macs, 2.83e9) < 0.01, `${a.totals.macs}`);
    const shape = (t: string): readonly number[] | null | undefined => a.tensors.find((r) => r.name === t)?.shape;
    assert.deepEqual(shape('features.denseblock1.concat'), [1, 256, 56, 56]);
    assert.deepEqual(shape('features.transition1.pool'), [1, 128, 28, 28]);
    assert.deepEqual(shape('features.denseblock4.concat'), [1, 1024, 7, 7]);
    // each layer concatenates the block input and every earlier layer's output
    assert.equal(m.graph.node.find((n) => n.name === 'features.denseblock2.denselayer5.concat')?.input.length, 5);
  });

  it('densenet: blocks [6, 12, 32, 32] and [6, 12, 48, 32] reproduce DenseNet-169 and -201 (params and GMACs)', () => {
    // torchvision: densenet169 14149480 params, 3.36 GFLOPS; densenet201 20013928 params, 4.29 GFLOPS
    const d169 = densenet({ blocks: [6, 12, 32, 32] });
    assert.equal(parameterCount(d169), 14_149_480);
    assert.ok(relError(analyzeModel(d169).totals.macs, 3.36e9) < 0.01);
    const d201 = densenet({ blocks: [6, 12, 48, 32] });
    assert.equal(parameterCount(d201), 20_013_928);
    assert.ok(relError(analyzeModel(d201).totals.macs, 4.29e9) < 0.01);
  });

  it('densenet121: runs in ONNX Runtime at 64x64', async () => {
    const y = await runLogits(densenet121({ inputSize: 64 }), [1, 3, 64, 64]);
    assert.deepEqual(y.dims, [1, 1000]);
    assert.ok(allFinite(y));
  });

  it('densenet: a smaller stack (blocks [3, 3], growth 12) runs at 32x32', async () => {
    const m = densenet({ blocks: [3, 3], growthRate: 12, initFeatures: 24, inputSize: 32, numClasses: 10, batchNorm: 'seeded' });
    const y = await runLogits(m, [1, 3, 32, 32]);
    assert.deepEqual(y.dims, [1, 10]);
    // 24 + 3*12 = 60 -> transition 30 -> + 3*12 = 66 features into the classifier
    assert.deepEqual(m.graph.initializer.find((t) => t.name === 'classifier.weight')?.dims.map(Number), [10, 66]);
  });

  it('densenet: bad options and inputs too small for the transitions are refused', () => {
    assert.throws(() => densenet({ blocks: [] }), BadRequestError);
    assert.throws(() => densenet({ growthRate: 0 }), BadRequestError);
    assert.throws(() => densenet({ inputSize: 16 }), (e: unknown) => e instanceof BadRequestError && /transition/.test(e.message));
  });
});
