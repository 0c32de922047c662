import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('PRelu', () => {
  it('PRelu: per-channel slope [C, 1, 1] broadcasts to X; 2 FLOPs per element', async () => {
    const r = await checkOp('PRelu', [{ shape: [2, 3, 4, 5] }, { shape: [3, 1, 1], value: [0.1, 0.2, 0.3] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 2 * 3 * 4 * 5); // compare, multiply on 120 elements
    assert.equal(r.cost.bytesRead, (120 + 3) * 4);
  });

  it('PRelu: a slope that does not broadcast to X is reported', async () => {
    await assert.rejects(checkOp('PRelu', [{ shape: [2, 3] }, { shape: [1, 2, 3], value: [1, 2, 3, 4, 5, 6] }]), /does not broadcast to X/);
  });

  it('PRelu: folds constants', async () => {
    assertFoldedLikeOrt(await checkOp('PRelu', [{ shape: [2, 3], value: [-1, 2, -3, 4, -5, 0] }, { shape: [3], value: [0.5, 0.25, 2] }]));
  });
});
