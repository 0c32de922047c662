import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

async function expectClose(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

const i64 = (values: readonly number[]) => ({ shape: [values.length], dtype: 'int64' as const, value: values });

describe('gradients of the tensor ops against finite differences', () => {
  it('Sub, Mul, Div with broadcasting', async () => {
    await expectClose('Sub', [{ shape: [2, 3, 4] }, { shape: [3, 1] }]);
    await expectClose('Mul', [{ shape: [2, 3] }, { shape: [3] }]);
    await expectClose('Div', [{ shape: [2, 3] }, { shape: [2, 1], positive: true, awayFromZero: 0.5 }]);
  });

  it('views: Flatten, Reshape, Squeeze, Unsqueeze, Identity', async () => {
    await expectClose('Flatten', [{ shape: [2, 3, 4] }], { axis: 1 });
    await expectClose('Reshape', [{ shape: [2, 6] }, i64([3, -1])]);
    await expectClose('Squeeze', [{ shape: [2, 1, 3] }, i64([1])]);
    await expectClose('Unsqueeze', [{ shape: [2, 3] }, i64([0, 3])]);
    await expectClose('Identity', [{ shape: [4] }]);
  });

  it('Transpose, Expand, Tile', async () => {
    await expectClose('Transpose', [{ shape: [2, 3, 4] }], { perm: [2, 0, 1] });
    await expectClose('Expand', [{ shape: [3, 1] }, i64([2, 3, 4])]);
    await expectClose('Tile', [{ shape: [2, 3] }, i64([2, 3])]);
  });

  it('Concat, Split, Slice, Pad', async () => {
    await expectClose('Concat', [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }], { axis: 1 });
    await expectClose('Concat', [{ shape: [2, 3] }, { shape: [1, 3] }], { axis: 0 }, { opset: 11 });
    await expectClose('Split', [{ shape: [2, 6] }, i64([2, 4])], { axis: 1 }, { outputs: 2, outputIndex: 1 });
    await expectClose('Slice', [{ shape: [4, 5] }, i64([1, 0]), i64([3, -1]), i64([0, 1])]);
    await expectClose('Pad', [{ shape: [2, 3] }, i64([1, 0, 2, 1])]);
    await expectClose('Pad', [{ shape: [3, 4] }, i64([1, -1, 0, -2])]);
  });

  it('ReduceSum, ReduceMean (axes attribute and input forms), ReduceMax', async () => {
    await expectClose('ReduceSum', [{ shape: [2, 3, 4] }, i64([1])], { keepdims: 0 });
    await expectClose('ReduceSum', [{ shape: [2, 3, 4] }], { keepdims: 1, axes: [0, 2] }, { opset: 11 });
    await expectClose('ReduceMean', [{ shape: [2, 3, 4] }], { axes: [2], keepdims: 0 });
    await expectClose('ReduceMean', [{ shape: [2, 3, 4] }, i64([0, 1])], { keepdims: 1 }, { opset: 18 });
    await expectClose('ReduceMax', [{ shape: [2, 3, 4] }], { axes: [1], keepdims: 0 });
  });

  it('ReduceMin, ReduceSumSquare; Cast float32 -> float64 -> back; DepthToSpace (both modes), SpaceToDepth', async () => {
    await expectClose('ReduceMin', [{ shape: [2, 3, 4] }], { axes: [2], keepdims: 1 });
    await expectClose('ReduceSumSquare', [{ shape: [2, 3, 4] }], { axes: [0, 2], keepdims: 0 });
    await expectClose('Cast', [{ shape: [2, 3] }], { to: 1 });
    await expectClose('DepthToSpace', [{ shape: [1, 8, 2, 3] }], { blocksize: 2, mode: 'DCR' });
    await expectClose('DepthToSpace', [{ shape: [1, 8, 2, 3] }], { blocksize: 2, mode: 'CRD' });
    await expectClose('SpaceToDepth', [{ shape: [1, 2, 4, 6] }], { blocksize: 2 });
  });

  it('Gather: repeated and negative indices scatter-add back, on axis 0 and a middle axis', async () => {
    await expectClose('Gather', [{ shape: [5, 3] }, i64([4, 0, 4, -1])], { axis: 0 });
    await expectClose('Gather', [{ shape: [2, 4, 3] }, { shape: [2, 2], dtype: 'int64', value: [1, 3, 1, 0] }], { axis: 1 });
  });

  it('CumSum (plain and reversed exclusive), Trilu, GatherElements, TopK values', async () => {
    await expectClose('CumSum', [{ shape: [2, 4] }, { shape: [], dtype: 'int64', value: [1] }]);
    await expectClose('CumSum', [{ shape: [3, 2] }, { shape: [], dtype: 'int64', value: [0] }], { reverse: 1, exclusive: 1 });
    await expectClose('Trilu', [{ shape: [3, 4] }, { shape: [], dtype: 'int64', value: [1] }], { upper: 0 });
    await expectClose('GatherElements', [{ shape: [3, 3] }, { shape: [2, 3], dtype: 'int64', value: [0, 2, 2, 1, 0, 2] }], { axis: 0 });
    await expectClose('TopK', [{ shape: [2, 5] }, { shape: [1], dtype: 'int64', value: [3] }], { axis: 1 }, { outputs: 2 });
  });

  it('ReduceL1, ReduceL2, ReduceLogSumExp', async () => {
    await expectClose('ReduceL1', [{ shape: [2, 3], awayFromZero: 0.05 }], { axes: [1], keepdims: 0 });
    await expectClose('ReduceL2', [{ shape: [2, 3] }], { axes: [1], keepdims: 1 });
    await expectClose('ReduceLogSumExp', [{ shape: [2, 3, 2] }], { axes: [0, 2], keepdims: 0 });
  });

  it('Where: each branch gets dY where it was chosen', async () => {
    await expectClose('Where', [{ shape: [2, 3], dtype: 'bool', value: [1, 0, 1, 0, 0, 1] }, { shape: [2, 3] }, { shape: [3] }]);
  });
});
