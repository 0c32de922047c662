import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('ReduceSum', () => {
  it('ReduceSum: axes attribute before opset 13, input since; one FLOP per input element', async () => {
    const r = await matchesOrt('ReduceSum', [{ shape: [2, 3, 4] }], { axes: [1] }, { opset: 11 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 1, 4]);
    assert.equal(r.cost.flops, 24);
    await matchesOrt('ReduceSum', [{ shape: [2, 3, 4] }, ints([0, -1])], { keepdims: 0 }, { opset: 13, fold: false });
    await matchesOrt('ReduceSum', [{ shape: [2, 3, 4] }], {}, { opset: 13 });
    await matchesOrt('ReduceSum', [{ shape: [2, 3, 4] }, ints([])], { noop_with_empty_axes: 1 }, { opset: 13, fold: false });
  });

  it('ReduceSum: folds float and int64 constants', async () => {
    await matchesOrt('ReduceSum', [{ shape: [2, 3], value: iota(6, 0.25) }], { axes: [0] }, { opset: 11 });
    await matchesOrt('ReduceSum', [{ dtype: 'int64', shape: [2, 2], value: [1, 2, 3, 4] }, ints([1])], { keepdims: 0 }, { opset: 18 });
  });
});
