import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

/** Checks one op's gradient and reports its worst absolute error as a test diagnostic. */
async function expectClose(t: TestContext, ...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  t.diagnostic(`${args[0]} max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

describe('gradients of LRN and LpNormalization against finite differences', () => {
  // ONNX Runtime accepts odd sizes only.
  it('LRN: windows of 1, 3, 5 and wider than the channels, strong alpha so the cross term matters', async (t) => {
    await expectClose(t, 'LRN', [{ shape: [2, 5, 3, 2] }], { size: 3, alpha: float(0.5), beta: float(0.75), bias: float(1) });
    await expectClose(t, 'LRN', [{ shape: [1, 6, 2, 3] }], { size: 5, alpha: float(1.2), beta: float(0.6), bias: float(2) });
    await expectClose(t, 'LRN', [{ shape: [1, 3, 2, 2] }], { size: 7, alpha: float(0.9), beta: float(1.3), bias: float(0.5) });
    await expectClose(t, 'LRN', [{ shape: [2, 4, 3, 3] }], { size: 1, alpha: float(0.3) }, { opset: 11 });
    await expectClose(t, 'LRN', [{ shape: [2, 4, 3, 3] }], { size: 3 }, { opset: 11 });
  });

  it('LpNormalization: p = 2 and p = 1 on the last and a middle axis', async (t) => {
    await expectClose(t, 'LpNormalization', [{ shape: [3, 4] }]);
    await expectClose(t, 'LpNormalization', [{ shape: [2, 3, 4] }], { axis: 1, p: 2 });
    await expectClose(t, 'LpNormalization', [{ shape: [3, 4], awayFromZero: 0.05 }], { p: 1 });
    await expectClose(t, 'LpNormalization', [{ shape: [2, 3, 2], awayFromZero: 0.05 }], { axis: 0, p: 1 }, { opset: 18 });
    await expectClose(t, 'LpNormalization', [{ shape: [2, 5] }], { axis: -1, p: 2 }, { opset: 18 });
  });
});
