import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('Tile', () => {
  it('Tile: repeats per axis, as ORT', async () => {
    const r = await matchesOrt('Tile', [{ shape: [2, 3] }, ints([2, 3])], {}, { opset: 9, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [4, 9]);
    assert.equal(r.cost.flops, 0);
    await matchesOrt('Tile', [{ shape: [2, 1, 3] }, ints([1, 4, 0])], {}, { opset: 13, fold: false });
  });

  it('Tile: folds constants', async () => {
    await matchesOrt('Tile', [{ shape: [2, 3], value: iota(6) }, ints([3, 2])], {}, { opset: 13 });
  });
});
