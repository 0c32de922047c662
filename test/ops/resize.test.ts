import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

const none = { shape: [0], value: [] };
const scales = (value: number[]) => ({ shape: [value.length], value });
const sizes = (value: number[]) => ({ dtype: 'int64' as const, shape: [value.length], value });

describe('Resize', () => {
  it('Resize: opset 10 takes scales as input 1; nearest copies (0 FLOPs)', async () => {
    const r = await checkOp('Resize', [{ shape: [1, 3, 4, 5] }, scales([1, 1, 2, 1.5])], {}, { opset: 10 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 3, 8, 7]); // floor(5 * 1.5) = 7
    assert.equal(r.cost.flops, 0);
  });

  it('Resize: opset 11 sizes with empty roi and scales; linear weights 4 neighbours over 2 axes', async () => {
    const r = await checkOp('Resize', [{ shape: [1, 2, 4, 5] }, none, none, sizes([1, 2, 9, 7])], { mode: 'linear' }, { opset: 11 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 2, 9, 7]);
    assert.equal(r.cost.flops, (4 + 3) * 2 * 9 * 7); // 4 multiplies, 3 adds per output element
  });

  it('Resize: opset 13 omits roi; cubic weights 16 neighbours; downscaling rounds down', async () => {
    const r = await checkOp('Resize', [{ shape: [1, 1, 5, 7] }, { shape: [0], omitted: true }, scales([1, 1, 0.6, 1.7])], { mode: 'cubic' }, { opset: 13 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 1, 3, 11]); // floor(5 * 0.6), floor(7 * 1.7)
    assert.equal(r.cost.flops, (16 + 15) * 3 * 11);
  });

  it('Resize: coordinate_transformation_mode changes values, not shape', async () => {
    for (const mode of ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel']) {
      const r = await checkOp('Resize', [{ shape: [2, 3, 3, 3] }, none, scales([1, 1, 1.5, 2.5])], { mode: 'linear', coordinate_transformation_mode: mode }, { opset: 13 });
      assertMatchesOrt(r);
      assert.deepEqual(r.actual[0]?.dims, [2, 3, 4, 7]);
    }
  });

  it('Resize: opset 18 axes with sizes and keep_aspect_ratio_policy', async () => {
    const stretch = await checkOp('Resize', [{ shape: [1, 3, 4, 6] }, none, none, sizes([8, 8])], { axes: [2, 3] }, { opset: 18 });
    assertMatchesOrt(stretch);
    assert.deepEqual(stretch.actual[0]?.dims, [1, 3, 8, 8]);
    const notLarger = await checkOp('Resize', [{ shape: [1, 3, 4, 6] }, none, none, sizes([8, 8])], { axes: [2, 3], keep_aspect_ratio_policy: 'not_larger' }, { opset: 18 });
    assertMatchesOrt(notLarger);
    assert.deepEqual(notLarger.actual[0]?.dims, [1, 3, 5, 8]); // scale min(2, 4/3): round(4 * 4/3) = 5
    const notSmaller = await checkOp('Resize', [{ shape: [1, 3, 4, 6] }, none, none, sizes([8, 8])], { axes: [2, 3], keep_aspect_ratio_policy: 'not_smaller' }, { opset: 18 });
    assertMatchesOrt(notSmaller);
    assert.deepEqual(notSmaller.actual[0]?.dims, [1, 3, 8, 12]);
  });

  it('Resize: scales that are not constant are reported naming the node', async () => {
    await assert.rejects(checkOp('Resize', [{ shape: [1, 1, 4, 4] }, none, { shape: [4] }], {}, { opset: 13 }), /Resize node "op": scales is not a constant/);
  });
});
