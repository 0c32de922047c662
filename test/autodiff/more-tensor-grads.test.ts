import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

/** Checks one op's gradient and reports its worst absolute error as a test diagnostic. */
async function expectClose(t: TestContext, ...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  t.diagnostic(`${args[0]} max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

const i64 = (values: readonly number[], shape: readonly number[] = [values.length]) => ({ shape, dtype: 'int64' as const, value: values });

describe('gradients of Slice, Pad, ReduceProd, GatherND, ScatterND against finite differences', () => {
  it('Slice: steps 2 and 3, negative steps, a full reversal, mixed with step 1', async (t) => {
    await expectClose(t, 'Slice', [{ shape: [7, 5] }, i64([1, 0]), i64([7, 5]), i64([0, 1]), i64([2, 1])]);
    await expectClose(t, 'Slice', [{ shape: [4, 9] }, i64([0, 8]), i64([4, 0]), i64([0, 1]), i64([1, -3])]);
    await expectClose(t, 'Slice', [{ shape: [6] }, i64([-1]), i64([-100]), i64([0]), i64([-1])]);
    await expectClose(t, 'Slice', [{ shape: [2, 6, 5] }, i64([5, 1]), i64([0, 100]), i64([1, 2]), i64([-2, 3])]);
    await expectClose(t, 'Slice', [{ shape: [3, 8] }, i64([6]), i64([-9]), i64([1]), i64([-4])], {}, { opset: 10 });
  });
});

describe('gradients of Pad in its copying modes against finite differences', () => {
  it('Pad reflect: pads up to size - 1 on both sides, several axes, the attribute form', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [2, 4] }, i64([1, 3, 0, 3])], { mode: 'reflect' });
    await expectClose(t, 'Pad', [{ shape: [1, 2, 3, 4] }, i64([0, 0, 2, 1, 0, 0, 1, 2])], { mode: 'reflect' });
    await expectClose(t, 'Pad', [{ shape: [3, 5] }], { mode: 'reflect', pads: [2, 4, 1, 0] }, { opset: 10 });
  });

  it('Pad edge: border cells collect their pads, also pads larger than the axis', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([2, 1, 0, 3])], { mode: 'edge' });
    await expectClose(t, 'Pad', [{ shape: [2, 1, 3] }, i64([0, 2, 4, 1, 1, 5])], { mode: 'edge' });
  });

  it('Pad wrap (opset 19) and constant mode with crops', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([3, 1, 2, 4])], { mode: 'wrap' }, { opset: 19 });
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([1, -1, -2, 2])]);
    await expectClose(t, 'Pad', [{ shape: [3, 4] }], { pads: [0, 2, 1, 0] }, { opset: 10 });
  });
});
