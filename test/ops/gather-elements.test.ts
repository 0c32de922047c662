import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('GatherElements', () => {
  it('GatherElements: output shaped like the indices; folds along any axis', async () => {
    const r = await matchesOrt('GatherElements', [{ shape: [3, 4] }, { dtype: 'int64', shape: [2, 4], value: [0, 2, 1, -1, 2, 0, 0, 1] }], {}, { opset: 11, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [2, 4]);
    await matchesOrt('GatherElements', [{ shape: [3, 4], value: iota(12) }, { dtype: 'int64', shape: [3, 2], value: [3, 0, -1, 1, 2, 2] }], { axis: 1 }, { opset: 13 });
    await matchesOrt('GatherElements', [{ shape: [3, 4], value: iota(12) }, { dtype: 'int64', shape: [2, 4], value: [0, 2, 1, -1, 2, 0, 0, 1] }], { axis: 0 }, { opset: 13 });
  });
});
