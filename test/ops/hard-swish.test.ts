import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('HardSwish', () => {
  it('HardSwish: output has the input shape; 5 FLOPs per element', async () => {
    const r = await checkOp('HardSwish', [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 5 * 2 * 3 * 5); // multiply, add, min, max, then multiply by x, on 30 elements
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it('HardSwish: folds a constant input to the values ORT computes', async () => {
    const r = await checkOp('HardSwish', [{ shape: [6], value: [-5, -1, 0, 0.5, 2, 5] }], {});
    assertFoldedLikeOrt(r);
  });
});
