import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('CastLike', () => {
  it('CastLike: takes the type of the second input, as ORT', async () => {
    const r = await matchesOrt('CastLike', [{ shape: [2, 3] }, { dtype: 'int64', shape: [1] }], {}, { opset: 15 });
    assert.equal(r.inferred[0]?.dtype, 'int64');
    await matchesOrt('CastLike', [{ shape: [3], value: [1.9, -1.9, 0] }, { dtype: 'int64', shape: [1], value: [0] }], {}, { opset: 15 });
  });
});
