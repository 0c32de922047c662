import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

async function expectClose(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(checks.length > 0);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

const stats = (c: number) => [
  { shape: [c] }, { shape: [c] },
  { shape: [c], value: new Array(c).fill(0).map((_, i) => 0.1 * i) },
  { shape: [c], value: new Array(c).fill(0).map((_, i) => 0.5 + 0.2 * i) },
];

describe('BatchNormalization training-mode gradient (no xhat tensor) against finite differences', () => {
  it('rank 3 and rank 2 inputs, opset 15', async () => {
    await expectClose('BatchNormalization', [{ shape: [5, 2, 6] }, ...stats(2)], { epsilon: float(1e-3), training_mode: 1 }, { outputs: 3, eps: 3e-3, opset: 15 });
    await expectClose('BatchNormalization', [{ shape: [6, 4] }, ...stats(4)], { epsilon: float(1e-5), training_mode: 1 }, { outputs: 3, eps: 3e-3, opset: 15 });
  });

  it('opset 18 (reduction axes as inputs)', async () => {
    await expectClose('BatchNormalization', [{ shape: [4, 3, 3, 3] }, ...stats(3)], { epsilon: float(1e-5), training_mode: 1 }, { outputs: 3, eps: 3e-3, opset: 18 });
  });

  it('opset 9 (training told by the statistics outputs)', async () => {
    await expectClose('BatchNormalization', [{ shape: [4, 3, 3, 3] }, ...stats(3)], { epsilon: float(1e-5) }, { outputs: 5, eps: 3e-3, opset: 9 });
  });
});
