import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Sigmoid', () => {
  it('Sigmoid: output has the input shape; 4 FLOPs per element', async () => {
    const r = await checkOp('Sigmoid', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 4 * 2 * 3 * 5); // negate, exp, add, divide, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('Sigmoid: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('Sigmoid', [{ shape: [6], value: [-3, -1, -0.5, 0, 0.5, 2] }], {});
    assertFoldedLikeOrt(r);
  });
});
