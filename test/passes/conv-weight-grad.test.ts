import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectGradient } from '../../test-support/autodiff/grad-check.js';
import { asTrainingRuns, convGradientPair, gradientOpTypes, optimisedLikePlain } from '../../test-support/passes/conv-model.js';

describe('weightGradsAsGemm: Conv weight gradients of training batches as one GEMM', () => {
  it('from batch 16 with 32+ patch rows and <= 256 positions: Gather + one MatMul, same values as per sample (pads, strides, dilation, 1x1, 1-d, 3-d)', async () => {
    for (const [x, w, attrs] of [
      [[16, 16, 9, 9], [4, 16, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 6, 9, 8], [3, 6, 3, 2], { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1] }],
      [[16, 12, 10], [2, 12, 3], { strides: [2], pads: [1, 0] }],
      [[16, 3, 4, 3, 4], [2, 3, 2, 2, 3], { pads: [1, 0, 1, 0, 1, 1] }],
      [[16, 4, 16, 16], [3, 4, 3, 3], { pads: [1, 1, 1, 1] }],
    ] as const) {
      const ops = await optimisedLikePlain(x, w, attrs, 'w');
      assert.ok(ops.includes('Gather') && !ops.includes('Conv') && !ops.includes('ReduceSum'), ops.join(' '));
    }
    // A 1x1 kernel: the input is the patch matrix, no Gather.
    const pointwise = await optimisedLikePlain([16, 32, 4, 3], [3, 32, 1, 1], {}, 'w');
    assert.ok(!pointwise.includes('Gather') && pointwise.includes('MatMul') && !pointwise.includes('ReduceSum'), pointwise.join(' '));
  });

  it('keeps the per-sample form for small batches, 9-row patches, more than 256 positions and groups', async () => {
    for (const [x, w, attrs] of [
      [[2, 16, 5, 5], [128, 16, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 1, 28, 28], [32, 1, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 32, 28, 28], [32, 32, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 32, 6, 6], [32, 16, 3, 3], { group: 2, pads: [1, 1, 1, 1] }],
    ] as const) {
      const { plain, optimised } = convGradientPair(x, w, attrs, 'w');
      assert.deepEqual(gradientOpTypes(optimised), gradientOpTypes(plain));
      assert.ok(gradientOpTypes(optimised).includes('ReduceSum'));
    }
  });

  it('the GEMM form agrees with central finite differences (bias too; opset 10)', async () => {
    const options = { transform: asTrainingRuns };
    await expectGradient('Conv', [{ shape: [16, 4, 6, 6] }, { shape: [4, 4, 3, 3] }, { shape: [4] }], { pads: [1, 1, 1, 1] }, options);
    await expectGradient('Conv', [{ shape: [16, 6, 9, 8] }, { shape: [3, 6, 3, 2] }], { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1] }, options);
    await expectGradient('Conv', [{ shape: [16, 4, 6, 6] }, { shape: [4, 4, 3, 3] }], { pads: [1, 1, 1, 1] }, { ...options, opset: 10 });
  });
});
