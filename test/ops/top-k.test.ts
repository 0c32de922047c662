import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const k = (v: number) => ({ dtype: 'int64' as const, shape: [1], value: [v] });

describe('TopK', () => {
  it('TopK: values and int64 indices, k along the axis, as ORT', async () => {
    const r = await matchesOrt('TopK', [{ shape: [3, 5] }, k(2)], {}, { opset: 11, outputs: 2, fold: false });
    assert.deepEqual(r.inferred.map((t) => t?.shape), [[3, 2], [3, 2]]);
    assert.equal(r.inferred[1]?.dtype, 'int64');
    await matchesOrt('TopK', [{ shape: [4, 3] }], { k: 3, axis: 0 }, { opset: 9, outputs: 2 });
  });

  it('TopK: folds largest and smallest with ties kept in index order', async () => {
    const x = { shape: [2, 4], value: [3, 1, 3, 2, -1, 5, 5, 0] };
    await matchesOrt('TopK', [x, k(3)], {}, { opset: 11, outputs: 2 });
    await matchesOrt('TopK', [x, k(2)], { largest: 0, axis: 1 }, { opset: 13, outputs: 2 });
  });
});
