import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Flatten', () => {
  it('Flatten: default axis 1, axis 0, axis = rank and negative axes match ORT', async () => {
    const r = await matchesOrt('Flatten', [{ shape: [2, 3, 4, 5] }], {}, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 60]);
    assert.equal(r.cost.flops, 0);
    await matchesOrt('Flatten', [{ shape: [2, 3, 4] }], { axis: 0 }, { opset: 9 });
    await matchesOrt('Flatten', [{ shape: [2, 3, 4] }], { axis: 3 }, { opset: 11 });
    await matchesOrt('Flatten', [{ shape: [2, 3, 4] }], { axis: -2 }, { opset: 13 });
  });

  it('Flatten: folds constants', async () => {
    await matchesOrt('Flatten', [{ shape: [2, 2, 3], value: iota(12) }], { axis: 2 });
  });
});
