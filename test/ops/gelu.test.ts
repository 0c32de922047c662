import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Gelu', () => {
  it('Gelu: exact form keeps the shape at opset 20; 5 FLOPs per element', async () => {
    const r = await checkOp('Gelu', [{ shape: [2, 7] }], {}, { opset: 20 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 5 * 14); // divide, erf, add, two multiplies on 14 elements
  });

  it('Gelu: tanh approximation costs 9 FLOPs per element', async () => {
    const r = await checkOp('Gelu', [{ shape: [3, 4] }], { approximate: 'tanh' }, { opset: 20 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 9 * 12); // x^3 (2), multiply, add, multiply, tanh, add, 2 multiplies
  });

  it('Gelu: folds constants in both forms to ORT values', async () => {
    const value = [-3, -1, -0.4, 0, 0.3, 1.5, 4];
    assertFoldedLikeOrt(await checkOp('Gelu', [{ shape: [7], value }], {}, { opset: 20 }));
    assertFoldedLikeOrt(await checkOp('Gelu', [{ shape: [7], value }], { approximate: 'tanh' }, { opset: 20 }));
  });
});
