import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('ReduceMax', () => {
  it('ReduceMax: axes attribute before opset 18, input since', async () => {
    const r = await matchesOrt('ReduceMax', [{ shape: [2, 3, 4] }], { axes: [0, 2] }, { opset: 13 });
    assert.deepEqual(r.inferred[0]?.shape, [1, 3, 1]);
    assert.equal(r.cost.flops, 24);
    await matchesOrt('ReduceMax', [{ shape: [2, 3, 4] }], { axes: [1], keepdims: 0 }, { opset: 9 });
    await matchesOrt('ReduceMax', [{ shape: [2, 3, 4] }, ints([1])], {}, { opset: 18, fold: false });
  });

  it('ReduceMax: folds float and int64 constants', async () => {
    await matchesOrt('ReduceMax', [{ shape: [2, 3], value: [1, -5, 2, 7, 0, -1] }], { axes: [1] }, { opset: 13 });
    await matchesOrt('ReduceMax', [{ dtype: 'int64', shape: [3], value: [4, 9, 2] }], { keepdims: 0 }, { opset: 18 });
  });
});
