import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Sub', () => {
  it('Sub: broadcast shape matches ORT; one FLOP per output element', async () => {
    const r = await matchesOrt('Sub', [{ shape: [2, 3, 4] }, { shape: [3, 1] }]);
    assert.equal(r.cost.flops, 24);
    assert.equal(r.cost.bytesRead, (24 + 3) * 4);
    assert.equal(r.cost.bytesWritten, 24 * 4);
  });

  it('Sub: folds int64 shape arithmetic like ORT', async () => {
    await matchesOrt('Sub', [{ dtype: 'int64', shape: [3], value: [8, 3, 5] }, { dtype: 'int64', shape: [], value: [4] }], {}, { opset: 13 });
  });
});
