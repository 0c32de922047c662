import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('ArgMin', () => {
  it('ArgMin: shape and folded values with ties, as ORT', async () => {
    const r = await matchesOrt('ArgMin', [{ shape: [3, 4] }], { axis: -1, keepdims: 0 }, { opset: 13 });
    assert.deepEqual(r.inferred[0]?.shape, [3]);
    const x = { shape: [2, 4], value: [1, 0, 0, 3, -5, 2, -5, 2] };
    await matchesOrt('ArgMin', [x], { axis: 1 }, { opset: 13 });
    await matchesOrt('ArgMin', [x], { axis: 1, select_last_index: 1 }, { opset: 13 });
    await matchesOrt('ArgMin', [x], {}, { opset: 11 });
  });
});
