import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('GatherND', () => {
  it('GatherND: index tuples address elements or slices, as ORT', async () => {
    const r = await matchesOrt('GatherND', [{ shape: [3, 4, 2] }, { dtype: 'int64', shape: [2, 1], value: [2, 0] }], {}, { opset: 11, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [2, 4, 2]);
    await matchesOrt('GatherND', [{ shape: [3, 4, 2], value: iota(24) }, { dtype: 'int64', shape: [3, 2], value: [0, 1, 2, 3, -1, 0] }], {}, { opset: 13 });
  });

  it('GatherND: batch_dims (opset 12+)', async () => {
    await matchesOrt('GatherND', [{ shape: [2, 3, 4], value: iota(24) }, { dtype: 'int64', shape: [2, 2, 1], value: [1, 2, 0, 0] }], { batch_dims: 1 }, { opset: 13 });
    await matchesOrt('GatherND', [{ shape: [2, 3, 4], value: iota(24) }, { dtype: 'int64', shape: [2, 2], value: [1, 3, 2, 0] }], { batch_dims: 1 }, { opset: 12 });
  });
});
