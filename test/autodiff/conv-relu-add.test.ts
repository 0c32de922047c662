import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

async function expectClose(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(checks.length > 0);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

describe('gradients of Conv, Relu, Add against finite differences', () => {
  it('Conv: input, weight and bias gradients, stride 1 with pads', async () => {
    await expectClose('Conv', [{ shape: [2, 3, 6, 5] }, { shape: [4, 3, 3, 3] }, { shape: [4] }], { pads: [1, 1, 1, 1] });
  });

  it('Conv: strides 2 with uneven input (output_padding), asymmetric pads, dilation', async () => {
    await expectClose('Conv', [{ shape: [2, 2, 9, 8] }, { shape: [3, 2, 3, 2] }, { shape: [3] }], {
      strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1],
    });
  });

  it('Conv: groups and depthwise', async () => {
    await expectClose('Conv', [{ shape: [1, 4, 6, 6] }, { shape: [6, 2, 3, 3] }], { group: 2, pads: [1, 1, 1, 1] });
    await expectClose('Conv', [{ shape: [2, 4, 7, 7] }, { shape: [4, 1, 3, 3] }], { group: 4, strides: [2, 2], pads: [1, 1, 1, 1] });
  });

  it('Conv: stride 1 with dilation, groups and uneven pads (dX as a Conv with flipped weights)', async () => {
    await expectClose('Conv', [{ shape: [2, 4, 7, 6] }, { shape: [6, 2, 3, 2] }, { shape: [6] }], { group: 2, dilations: [2, 1], pads: [2, 0, 1, 1] });
    await expectClose('Conv', [{ shape: [1, 3, 5, 5] }, { shape: [3, 1, 3, 3] }], { group: 3, pads: [1, 1, 1, 1] });
  });

  it('Conv: 1x1 (identity patches), SAME_UPPER auto_pad and 1-d', async () => {
    await expectClose('Conv', [{ shape: [2, 5, 4, 4] }, { shape: [3, 5, 1, 1] }, { shape: [3] }]);
    await expectClose('Conv', [{ shape: [1, 2, 5, 6] }, { shape: [2, 2, 3, 3] }], { auto_pad: 'SAME_UPPER', strides: [2, 2] });
    await expectClose('Conv', [{ shape: [2, 3, 10] }, { shape: [2, 3, 3] }], { strides: [2], pads: [1, 0] });
  });

  it('Relu: gradient passes where the output is positive', async () => {
    await expectClose('Relu', [{ shape: [3, 4, 5], awayFromZero: 0.05 }]);
  });

  it('Add: broadcasting sums over the broadcast axes', async () => {
    await expectClose('Add', [{ shape: [2, 3, 4] }, { shape: [3, 1] }]);
    await expectClose('Add', [{ shape: [1, 4] }, { shape: [3, 1] }]);
    await expectClose('Add', [{ shape: [2, 3] }, { shape: [] }]);
  });

  it('Add: at opset 11 (ReduceSum axes as an attribute)', async () => {
    await expectClose('Add', [{ shape: [2, 3, 4] }, { shape: [4] }], {}, { opset: 11 });
  });
});
