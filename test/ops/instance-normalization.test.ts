import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('InstanceNormalization', () => {
  it('InstanceNormalization: keeps the shape; 8 FLOPs per element', async () => {
    const r = await checkOp('InstanceNormalization', [{ shape: [2, 3, 6, 5] }, { shape: [3], value: [1, 2, 3] }, { shape: [3], value: [0, 0.5, 1] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 8 * 2 * 3 * 30); // mean (1), variance (3), normalise (2), scale, shift
  });

  it('InstanceNormalization: 1-D spatial input; scale of the wrong length is reported', async () => {
    assertMatchesOrt(await checkOp('InstanceNormalization', [{ shape: [1, 2, 9] }, { shape: [2], value: [1, 1] }, { shape: [2], value: [0, 0] }]));
    await assert.rejects(checkOp('InstanceNormalization', [{ shape: [1, 2, 9] }, { shape: [3], value: [1, 1, 1] }, { shape: [2], value: [0, 0] }]), /expected \[2\]/);
  });
});
