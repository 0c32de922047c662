import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const depth = (v: number) => ({ dtype: 'int64' as const, shape: [], value: [v] });

describe('OneHot', () => {
  it('OneHot: a new axis of size depth, typed like values, as ORT', async () => {
    const r = await matchesOrt('OneHot', [{ dtype: 'int64', shape: [2, 3] }, depth(5), { shape: [2], value: [0, 1] }], {}, { opset: 11, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 5]);
    const idx = { dtype: 'int64' as const, shape: [3], value: [0, -1, 2] };
    await matchesOrt('OneHot', [idx, depth(4), { shape: [2], value: [-1, 3] }], {}, { opset: 11 });
    await matchesOrt('OneHot', [idx, depth(4), { dtype: 'int64', shape: [2], value: [0, 1] }], { axis: 0 }, { opset: 13 });
  });
});
