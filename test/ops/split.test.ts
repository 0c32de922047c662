import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Split', () => {
  it('Split: equal parts by output count (opset 11, 13)', async () => {
    const r = await matchesOrt('Split', [{ shape: [2, 6, 4] }], { axis: 1 }, { opset: 11, outputs: 3 });
    assert.deepEqual(r.inferred.map((t) => t?.shape), [[2, 2, 4], [2, 2, 4], [2, 2, 4]]);
    await matchesOrt('Split', [{ shape: [4, 3] }], {}, { opset: 13, outputs: 2 });
  });

  it('Split: the split attribute before opset 13', async () => {
    await matchesOrt('Split', [{ shape: [5, 3] }], { split: [2, 3] }, { opset: 9, outputs: 2 });
  });

  it('Split: the split input from opset 13, negative axis', async () => {
    await matchesOrt('Split', [{ shape: [2, 7] }, { dtype: 'int64', shape: [3], value: [1, 4, 2] }], { axis: -1 }, { opset: 13, outputs: 3, fold: false });
  });

  it('Split: num_outputs with a smaller last part (opset 18)', async () => {
    const r = await matchesOrt('Split', [{ shape: [7, 2] }], { num_outputs: 3 }, { opset: 18, outputs: 3 });
    assert.deepEqual(r.inferred.map((t) => t?.shape[0]), [3, 3, 1]);
  });

  it('Split: folds constants', async () => {
    await matchesOrt('Split', [{ shape: [2, 5], value: iota(10) }, { dtype: 'int64', shape: [2], value: [2, 3] }], { axis: 1 }, { opset: 13, outputs: 2 });
    await matchesOrt('Split', [{ dtype: 'int64', shape: [4], value: [1, 3, 224, 224] }], {}, { opset: 17, outputs: 2 });
  });
});
