import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('ScatterND', () => {
  it('ScatterND: shaped like data; folds slice and element updates, as ORT', async () => {
    const r = await matchesOrt('ScatterND', [{ shape: [4, 3] }, { dtype: 'int64', shape: [1, 1], value: [2] }, { shape: [1, 3] }], {}, { opset: 11, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [4, 3]);
    await matchesOrt('ScatterND', [{ shape: [4, 3], value: iota(12) }, { dtype: 'int64', shape: [2, 1], value: [3, -4] }, { shape: [2, 3], value: iota(6, -1) }], {}, { opset: 13 });
    await matchesOrt('ScatterND', [{ dtype: 'int64', shape: [4], value: [1, 3, 224, 224] }, { dtype: 'int64', shape: [1, 1], value: [0] }, { dtype: 'int64', shape: [1], value: [8] }], {}, { opset: 13 });
  });

  it('ScatterND: reduction add and mul (opset 16+)', async () => {
    const args = [{ shape: [3], value: [1, 2, 3] }, { dtype: 'int64' as const, shape: [2, 1], value: [0, 2] }, { shape: [2], value: [5, 6] }];
    await matchesOrt('ScatterND', args, { reduction: 'add' }, { opset: 16 });
    await matchesOrt('ScatterND', args, { reduction: 'mul' }, { opset: 16 });
  });
});
