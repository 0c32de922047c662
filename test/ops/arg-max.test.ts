import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('ArgMax', () => {
  it('ArgMax: int64 output, keepdims, negative axis, as ORT; one compare per input element', async () => {
    const r = await matchesOrt('ArgMax', [{ shape: [2, 5, 3] }], { axis: 1 }, { opset: 11 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 1, 3]);
    assert.equal(r.cost.flops, 30);
    await matchesOrt('ArgMax', [{ shape: [2, 5, 3] }], { axis: -1, keepdims: 0 }, { opset: 13 });
    await matchesOrt('ArgMax', [{ shape: [4, 3] }], {}, { opset: 9 });
  });

  it('ArgMax: folds, with first or last index on ties', async () => {
    const x = { shape: [2, 4], value: [1, 3, 3, 0, 5, 5, -1, 2] };
    await matchesOrt('ArgMax', [x], { axis: 1 }, { opset: 13 });
    await matchesOrt('ArgMax', [x], { axis: 1, select_last_index: 1, keepdims: 0 }, { opset: 13 });
    await matchesOrt('ArgMax', [x], { axis: 0 }, { opset: 11 });
  });
});
