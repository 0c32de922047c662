import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Identity', () => {
  it('Identity: same shape; of a constant it folds; no FLOPs', async () => {
    const r = await matchesOrt('Identity', [{ shape: [2, 3, 4] }], {}, { opset: 9 });
    assert.equal(r.cost.flops, 0);
    assert.equal(r.cost.bytesRead, 96);
    assert.equal(r.cost.bytesWritten, 96);
    await matchesOrt('Identity', [{ dtype: 'int64', shape: [3], value: [1, -1, 7] }], {}, { opset: 16 });
    await matchesOrt('Identity', [{ shape: [2, 2], value: iota(4, 0.5) }]);
  });
});
