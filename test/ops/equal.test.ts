import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Equal', () => {
  it('Equal: bool output with broadcast shape, as ORT', async () => {
    const r = await matchesOrt('Equal', [{ dtype: 'int64', shape: [2, 3] }, { dtype: 'int64', shape: [3] }], {}, { opset: 11 });
    assert.equal(r.inferred[0]?.dtype, 'bool');
    assert.equal(r.cost.flops, 6);
  });

  it('Equal: folds values like ORT (the -1 test of dynamic-shape exports)', async () => {
    await matchesOrt('Equal', [{ dtype: 'int64', shape: [4], value: [1, -1, 3, -1] }, { dtype: 'int64', shape: [], value: [-1] }], {}, { opset: 13 });
  });
});
