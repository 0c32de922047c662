import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Pow', () => {
  it('Pow: broadcasts base [2, 1, 4] with exponent [3, 1]; 1 FLOP per output element', async () => {
    const r = await checkOp('Pow', [{ shape: [2, 1, 4] }, { shape: [3, 1], value: [1, 2, 3] }]);
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 3, 4]);
    assert.equal(r.cost.flops, 24);
  });

  it('Pow: folds constants', async () => {
    assertFoldedLikeOrt(await checkOp('Pow', [{ shape: [4], value: [1, 2, 3, 0.5] }, { shape: [], value: [2] }]));
  });
});
