import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

/** X plus the four per-channel inputs (scale, bias, mean, var), var kept positive. */
function bnInputs(shape: number[]) {
  const c = shape[1]!;
  const stat = (v: number) => ({ shape: [c], value: new Array<number>(c).fill(v) });
  return [{ shape }, stat(1.5), stat(0.1), stat(0.2), stat(0.9)];
}

describe('BatchNormalization', () => {
  it('BatchNormalization: inference keeps the shape; 4 FLOPs per element + 2 per channel', async () => {
    const r = await checkOp('BatchNormalization', bnInputs([2, 3, 5, 4]));
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 4 * 2 * 3 * 5 * 4 + 2 * 3); // sub, mul by rsqrt, scale, shift; add eps and sqrt per channel
  });

  it('BatchNormalization: rank 2 (after a Linear) and opset 9, 7 forms', async () => {
    assertMatchesOrt(await checkOp('BatchNormalization', bnInputs([4, 6])));
    assertMatchesOrt(await checkOp('BatchNormalization', bnInputs([1, 3, 4, 4]), {}, { opset: 9 }));
    assertMatchesOrt(await checkOp('BatchNormalization', bnInputs([1, 3, 4, 4]), {}, { opset: 7 }));
  });

  it('BatchNormalization: opset 14 training_mode gives running mean and var outputs of shape [C]', async () => {
    const r = await checkOp('BatchNormalization', bnInputs([2, 3, 4, 4]), { training_mode: 1 }, { opset: 15, outputs: 3 });
    assertMatchesOrt(r);
    assert.deepEqual(r.inferred.map((t) => t?.shape), [[2, 3, 4, 4], [3], [3]]);
    assert.equal(r.cost.flops, 8 * 96 + 2 * 3); // + batch statistics: sum; subtract, square, sum
  });

  it('BatchNormalization: statistics of the wrong length are reported', async () => {
    const bad = bnInputs([1, 3, 2, 2]);
    bad[4] = { shape: [4], value: [1, 1, 1, 1] };
    await assert.rejects(checkOp('BatchNormalization', bad), /input 4 has shape \[4\], expected \[3\]/);
  });
});
