import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Erf', () => {
  it('Erf: output has the input shape; 1 FLOP per element', async () => {
    const r = await checkOp('Erf', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 1 * 2 * 3 * 5); // one transcendental, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('Erf: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('Erf', [{ shape: [7], value: [-3, -1.2, -0.3, 0, 0.25, 0.7, 2] }], {});
    assertFoldedLikeOrt(r);
  });
});
