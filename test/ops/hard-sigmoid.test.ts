import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('HardSigmoid', () => {
  it('HardSigmoid: output has the input shape; 4 FLOPs per element', async () => {
    const r = await checkOp('HardSigmoid', [{ shape: [2, 3, 5] }], { alpha: 0.25, beta: 0.4 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 4 * 2 * 3 * 5); // multiply, add, min, max, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('HardSigmoid: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('HardSigmoid', [{ shape: [6], value: [-5, -1, 0, 0.5, 2, 5] }], { alpha: 0.25, beta: 0.4 });
    assertFoldedLikeOrt(r);
  });
});
