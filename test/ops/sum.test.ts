import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Sum', () => {
  it('Sum: three inputs broadcast to [2, 3, 4]; n - 1 adds per output element', async () => {
    const r = await checkOp('Sum', [{ shape: [2, 3, 4] }, { shape: [3, 1] }, { shape: [4] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 24); // n - 1 = 2 for n = 3 inputs, on 24 output elements
    assert.equal(r.cost.bytesRead, (24 + 3 + 4) * 4);
  });

  it('Sum: a single input is the identity in shape', async () => {
    const r = await checkOp('Sum', [{ shape: [5, 2] }]);
    assertMatchesOrt(r);
  });

  it('Sum: folds constants', async () => {
    assertFoldedLikeOrt(await checkOp('Sum', [{ shape: [2, 2], value: [1, -2, 3.5, 4] }, { shape: [2], value: [0.5, 3] }, { shape: [1], value: [2] }]));
  });
});
