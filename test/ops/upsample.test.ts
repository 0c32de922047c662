import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Upsample', () => {
  it('Upsample: opset 7 scales attribute, nearest (0 FLOPs)', async () => {
    const r = await checkOp('Upsample', [{ shape: [1, 2, 3, 4] }], { scales: float([1, 1, 2, 2]) }, { opset: 7 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 2, 6, 8]);
    assert.equal(r.cost.flops, 0);
  });

  it('Upsample: opset 9 scales input, linear weights 4 neighbours over 2 axes', async () => {
    const r = await checkOp('Upsample', [{ shape: [1, 2, 3, 4] }, { shape: [4], value: [1, 1, 2, 1.5] }], { mode: 'linear' }, { opset: 9 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 2, 6, 6]);
    assert.equal(r.cost.flops, 7 * 2 * 36); // 4 multiplies, 3 adds per output element
  });

  it('Upsample: scales of the wrong length are reported', async () => {
    await assert.rejects(checkOp('Upsample', [{ shape: [1, 2, 3, 4] }, { shape: [2], value: [2, 2] }], {}, { opset: 9 }), /scales has 2 values/);
  });
});
