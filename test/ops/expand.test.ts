import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('Expand', () => {
  it('Expand: bidirectional broadcast to the shape input, as ORT', async () => {
    const r = await matchesOrt('Expand', [{ shape: [3, 1] }, ints([2, 1, 4])], {}, { opset: 8, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 4]);
    assert.equal(r.cost.flops, 0);
    // a 1 in the shape keeps the input's dim
    await matchesOrt('Expand', [{ shape: [2, 5] }, ints([1, 1])], {}, { opset: 13, fold: false });
  });

  it('Expand: folds constants', async () => {
    await matchesOrt('Expand', [{ shape: [1, 3], value: [1, 2, 3] }, ints([2, 3])], {}, { opset: 13 });
    await matchesOrt('Expand', [{ dtype: 'int64', shape: [], value: [7] }, ints([4])], {}, { opset: 17 });
    await matchesOrt('Expand', [{ shape: [2, 1], value: iota(2) }, ints([2, 2, 3])]);
  });
});
