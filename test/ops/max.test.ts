import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Max', () => {
  it('Max: three inputs broadcast to [2, 3, 4]; n - 1 compares per output element', async () => {
    const r = await checkOp('Max', [{ shape: [2, 3, 4] }, { shape: [3, 1] }, { shape: [4] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 24); // n - 1 = 2 for n = 3 inputs, on 24 output elements
    assert.equal(r.cost.bytesRead, (24 + 3 + 4) * 4);
  });

  it('Max: a single input is the identity in shape', async () => {
    const r = await checkOp('Max', [{ shape: [5, 2] }]);
    assertMatchesOrt(r);
  });

  it('Max: folds constants, int64 included (shape arithmetic)', async () => {
    assertFoldedLikeOrt(await checkOp('Max', [{ shape: [2, 2], value: [1, -2, 3.5, 4] }, { shape: [2], value: [0.5, 3] }, { shape: [1], value: [2] }]));
    assertFoldedLikeOrt(await checkOp('Max', [{ dtype: 'int64', shape: [3], value: [1, 7, 4] }, { dtype: 'int64', shape: [3], value: [2, 2, 9] }]));
  });
});
