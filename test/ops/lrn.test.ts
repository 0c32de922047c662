import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('LRN', () => {
  it('LRN: AlexNet settings keep the shape; 2 * size + 3 FLOPs per element', async () => {
    const r = await checkOp('LRN', [{ shape: [2, 8, 5, 5] }], { size: 5, alpha: 0.0001, beta: 0.75, bias: float(2) });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, (2 * 5 + 3) * 2 * 8 * 25); // 5 squares, 4 adds, scale, bias, pow, divide
  });

  it('LRN: size 3 with defaults', async () => {
    const r = await checkOp('LRN', [{ shape: [1, 4, 3, 3] }], { size: 3 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 9 * 36);
  });
});
