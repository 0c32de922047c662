import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectGradient } from '../../test-support/autodiff/grad-check.js';
import { asTrainingRuns, convGradientPair, gradientOpTypes, optimisedLikePlain } from '../../test-support/passes/conv-model.js';

describe('convInputGradsAsConv: stride-1 Conv input gradients as flipped Convs or GEMMs', () => {
  it('small batches: a Conv with flipped weights (groups, dilations, uneven pads, 1-d and 3-d), same values as the ConvTranspose', async () => {
    for (const [x, w, attrs] of [
      [[2, 16, 7, 6], [8, 16, 3, 3], { pads: [1, 1, 1, 1] }],
      [[2, 32, 7, 6], [12, 16, 3, 2], { group: 2, dilations: [2, 1], pads: [2, 0, 1, 1] }],
      [[1, 16, 5, 5], [16, 1, 3, 3], { group: 16, pads: [1, 1, 1, 1] }],
      [[2, 16, 11], [4, 16, 3], { pads: [2, 0] }],
      [[1, 16, 4, 3, 4], [2, 16, 2, 2, 3], { pads: [1, 0, 1, 0, 1, 1] }],
    ] as const) {
      const ops = await optimisedLikePlain(x, w, attrs, 'x');
      assert.ok(ops.includes('Conv') && !ops.includes('ConvTranspose') && !ops.includes('Gather'), ops.join(' '));
    }
  });

  it('from batch 16: one GEMM over dY\'s patches for long reductions (Cout*K >= 1024) or small outputs (<= 64 positions)', async () => {
    for (const [x, w, attrs] of [
      [[16, 16, 9, 9], [128, 16, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 16, 6, 6], [4, 16, 3, 3], { pads: [1, 1, 1, 1] }],
      [[16, 16, 7, 6], [8, 16, 3, 3], { dilations: [2, 1], pads: [2, 0, 1, 1] }],
    ] as const) {
      const ops = await optimisedLikePlain(x, w, attrs, 'x');
      assert.ok(ops.includes('Gather') && ops.includes('MatMul') && !ops.includes('Conv') && !ops.includes('ConvTranspose'), ops.join(' '));
    }
    // 9x9 outputs with a reduction of 36: the flipped Conv.
    const ops = await optimisedLikePlain([16, 16, 9, 9], [4, 16, 3, 3], { pads: [1, 1, 1, 1] }, 'x');
    assert.ok(ops.includes('Conv') && !ops.includes('Gather'), ops.join(' '));
  });

  it('leaves the ConvTranspose for fewer than 16 output channels, strides, and pads beyond the kernel', () => {
    for (const [x, w, attrs] of [
      [[16, 6, 14, 14], [16, 6, 5, 5], {}],
      [[2, 16, 8, 8], [8, 16, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }],
      [[2, 16, 4, 4], [8, 16, 1, 1], { pads: [1, 1, 1, 1] }],
    ] as const) {
      const { optimised } = convGradientPair(x, w, attrs, 'x');
      assert.ok(gradientOpTypes(optimised).includes('ConvTranspose'), gradientOpTypes(optimised).join(' '));
    }
  });

  it('the rewritten forms agree with central finite differences (opset 10: Pad with attribute pads)', async () => {
    const options = { transform: asTrainingRuns };
    await expectGradient('Conv', [{ shape: [16, 16, 6, 6] }, { shape: [4, 16, 3, 3] }], { pads: [1, 1, 1, 1] }, options);
    await expectGradient('Conv', [{ shape: [16, 16, 9, 9] }, { shape: [128, 16, 3, 3] }, { shape: [128] }], { pads: [1, 1, 1, 1] }, options);
    await expectGradient('Conv', [{ shape: [16, 16, 5, 5] }, { shape: [128, 16, 3, 3] }], { pads: [1, 1, 1, 1] }, { ...options, opset: 10 });
    await expectGradient('Conv', [{ shape: [2, 16, 7, 6] }, { shape: [12, 8, 3, 2] }], { group: 2, dilations: [2, 1], pads: [2, 0, 1, 1] }, options);
  });
});
