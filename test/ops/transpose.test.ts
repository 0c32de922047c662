import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Transpose', () => {
  it('Transpose: perm and default reversal match ORT; data movement only', async () => {
    const r = await matchesOrt('Transpose', [{ shape: [2, 3, 4, 5] }], { perm: [0, 2, 3, 1] }, { opset: 9 });
    assert.equal(r.cost.flops, 0);
    assert.equal(r.cost.bytesRead, 120 * 4);
    await matchesOrt('Transpose', [{ shape: [2, 3, 4] }], {}, { opset: 13 });
  });

  it('Transpose: folds constants', async () => {
    await matchesOrt('Transpose', [{ shape: [2, 3, 4], value: iota(24) }], { perm: [2, 0, 1] });
    await matchesOrt('Transpose', [{ dtype: 'int64', shape: [2, 3], value: iota(6) }], {});
  });
});
