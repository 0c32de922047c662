import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('LpNormalization', () => {
  it('LpNormalization: p = 2 along the last axis keeps the shape; 3 FLOPs per element', async () => {
    const r = await checkOp('LpNormalization', [{ shape: [4, 7] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 3 * 28); // square, add, divide
  });

  it('LpNormalization: p = 1 along axis 1; an unsupported p is reported', async () => {
    assertMatchesOrt(await checkOp('LpNormalization', [{ shape: [2, 3, 4] }], { axis: 1, p: 1 }));
    await assert.rejects(checkOp('LpNormalization', [{ shape: [2, 3] }], { p: 3 }), /p must be 1 or 2/);
  });
});
