import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Where', () => {
  it('Where: three-way broadcast, output typed like x, as ORT', async () => {
    const r = await matchesOrt('Where', [{ dtype: 'bool', shape: [2, 1, 4] }, { shape: [3, 1] }, { shape: [4] }], {}, { opset: 9 });
    assert.equal(r.cost.flops, 24);
  });

  it('Where: folds the int64 select exporters use to replace -1 dims', async () => {
    await matchesOrt('Where', [
      { dtype: 'bool', shape: [3], value: [1, 0, 1] },
      { dtype: 'int64', shape: [3], value: [1, 1, 1] },
      { dtype: 'int64', shape: [3], value: [2, 3, 4] },
    ], {}, { opset: 16 });
  });
});
