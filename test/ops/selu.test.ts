import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Selu', () => {
  it('Selu: output has the input shape; 5 FLOPs per element', async () => {
    const r = await checkOp('Selu', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 5 * 2 * 3 * 5); // compare, exp, subtract, multiply by alpha, multiply by gamma, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('Selu: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('Selu', [{ shape: [6], value: [-3, -1, 0, 0.5, 2, -5] }], {});
    assertFoldedLikeOrt(r);
  });
});
