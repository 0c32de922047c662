import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Add', () => {
  it('Add: broadcast shape matches ORT; one FLOP per output element, each operand read once', async () => {
    const r = await matchesOrt('Add', [{ shape: [2, 1, 4] }, { shape: [3, 1] }]);
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 4]);
    assert.equal(r.cost.flops, 24);
    assert.equal(r.cost.bytesRead, (8 + 3) * 4);
    assert.equal(r.cost.bytesWritten, 24 * 4);
  });

  it('Add: folds float and int64 values like ORT', async () => {
    await matchesOrt('Add', [{ shape: [2, 3], value: iota(6, 0.5, -1) }, { shape: [3], value: [2, -1, 0.25] }]);
    await matchesOrt('Add', [{ dtype: 'int64', shape: [2], value: [7, 224] }, { dtype: 'int64', shape: [1], value: [-3] }], {}, { opset: 13 });
  });
});
