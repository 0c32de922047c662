import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('ScatterElements', () => {
  it('shaped like data; folds element updates along any axis, negative indices included, as ORT', async () => {
    const r = await matchesOrt('ScatterElements', [{ shape: [3, 4] }, { dtype: 'int64', shape: [2, 4], value: [0, 1, 2, 0, 2, 0, 1, 1] }, { shape: [2, 4] }], { axis: 0 }, { opset: 13, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [3, 4]);
    await matchesOrt('ScatterElements', [{ shape: [3, 4], value: iota(12) }, { dtype: 'int64', shape: [2, 4], value: [0, 1, 2, 0, 2, 0, 1, -3] }, { shape: [2, 4], value: iota(8, -1) }], { axis: 0 }, { opset: 13 });
    await matchesOrt('ScatterElements', [{ shape: [2, 3, 4], value: iota(24) }, { dtype: 'int64', shape: [2, 3, 2], value: [3, 0, 1, 2, -1, 0, 0, 1, 2, 3, 3, 2] }, { shape: [2, 3, 2], value: iota(12, 100) }], { axis: -1 }, { opset: 13 });
  });

  it('reduction add (repeated indices sum) and max (opset 16+, 18+), and the old name Scatter', async () => {
    const args = [{ shape: [1, 5], value: [1, 2, 3, 4, 5] }, { dtype: 'int64' as const, shape: [1, 3], value: [1, 3, 1] }, { shape: [1, 3], value: [10, 20, 30] }];
    await matchesOrt('ScatterElements', args, { axis: 1, reduction: 'add' }, { opset: 16 });
    await matchesOrt('ScatterElements', args, { axis: 1, reduction: 'max' }, { opset: 18 });
    await matchesOrt('Scatter', [{ shape: [3, 3], value: iota(9) }, { dtype: 'int64', shape: [1, 3], value: [2, 0, 1] }, { shape: [1, 3], value: [7, 8, 9] }], { axis: 0 }, { opset: 9 });
  });

  it('refuses indices of another rank, updates not shaped like indices, and an index out of range', async () => {
    await assert.rejects(matchesOrt('ScatterElements', [{ shape: [3, 4] }, { dtype: 'int64', shape: [4], value: [0, 1, 2, 0] }, { shape: [4] }], {}, { opset: 13, fold: false }), /indices have rank 1, data rank 2/);
    await assert.rejects(matchesOrt('ScatterElements', [{ shape: [3, 4] }, { dtype: 'int64', shape: [1, 2], value: [0, 1] }, { shape: [2, 1] }], {}, { opset: 13, fold: false }), /updates \[2, 1\] must be shaped like indices \[1, 2\]/);
    await assert.rejects(matchesOrt('ScatterElements', [{ shape: [2, 2], value: [1, 2, 3, 4] }, { dtype: 'int64', shape: [1, 1], value: [5] }, { shape: [1, 1], value: [9] }], {}, { opset: 13 }), /index 5 is out of range for axis 0 of size 2/);
  });
});
