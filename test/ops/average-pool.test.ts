import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('AveragePool', () => {
  it('AveragePool: 2x2 stride 2; prod(kernel) FLOPs per output element (k - 1 adds, 1 divide)', async () => {
    const r = await checkOp('AveragePool', [{ shape: [2, 3, 8, 6] }], { kernel_shape: [2, 2], strides: [2, 2] });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 3, 4, 3]);
    assert.equal(r.cost.flops, 4 * 2 * 3 * 4 * 3);
  });

  it('AveragePool: count_include_pad does not change the shape; pads and ceil_mode do', async () => {
    for (const countIncludePad of [0, 1]) {
      const r = await checkOp('AveragePool', [{ shape: [1, 2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: countIncludePad });
      assertMatchesOrt(r);
      assert.deepEqual(r.actual[0]?.dims, [1, 2, 4, 4]);
      assert.equal(r.cost.flops, 9 * 2 * 16);
    }
    const c = await checkOp('AveragePool', [{ shape: [1, 2, 8, 8] }], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
    assertMatchesOrt(c);
    assert.deepEqual(c.actual[0]?.dims, [1, 2, 4, 4]); // ceil((8 - 3) / 2) + 1
  });

  it('AveragePool: auto_pad forms, 1-D and 3-D', async () => {
    for (const autoPad of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
      assertMatchesOrt(await checkOp('AveragePool', [{ shape: [1, 2, 10, 7] }], { kernel_shape: [3, 2], strides: [3, 2], auto_pad: autoPad }));
    }
    assertMatchesOrt(await checkOp('AveragePool', [{ shape: [2, 3, 15] }], { kernel_shape: [5], strides: [5] }));
    const r3 = await checkOp('AveragePool', [{ shape: [1, 1, 4, 6, 6] }], { kernel_shape: [2, 3, 3], strides: [2, 3, 3] });
    assertMatchesOrt(r3);
    assert.equal(r3.cost.flops, 18 * 2 * 2 * 2);
  });

  it('AveragePool: a missing kernel_shape is reported', async () => {
    await assert.rejects(checkOp('AveragePool', [{ shape: [1, 1, 4, 4] }]), /kernel_shape is required/);
  });
});
