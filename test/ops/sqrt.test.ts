import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Sqrt', () => {
  it('Sqrt: output has the input shape; 1 FLOP per element', async () => {
    const r = await checkOp('Sqrt', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 1 * 2 * 3 * 5); // one square root, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('Sqrt: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('Sqrt', [{ shape: [6], value: [0, 0.25, 1, 2, 9, 100] }], {});
    assertFoldedLikeOrt(r);
  });
});
