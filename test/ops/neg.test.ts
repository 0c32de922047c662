import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Neg', () => {
  it('Neg: output has the input shape; 1 FLOP per element', async () => {
    const r = await checkOp('Neg', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 1 * 2 * 3 * 5); // one negate, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('Neg: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('Neg', [{ shape: [6], value: [-3, -1, 0, 0.5, 2, 5] }], {});
    assertFoldedLikeOrt(r);
  });

  it('Neg: folds int64 shape arithmetic exactly', async () => {
    assertFoldedLikeOrt(await checkOp('Neg', [{ dtype: 'int64', shape: [4], value: [-7, 0, 3, -1] }]), 0, 0);
  });
});
