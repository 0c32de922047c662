import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Mul', () => {
  it('Mul: broadcast shape matches ORT; one FLOP per output element', async () => {
    const r = await matchesOrt('Mul', [{ shape: [1, 3, 1] }, { shape: [2, 1, 5] }], {}, { opset: 9 });
    assert.equal(r.cost.flops, 30);
  });

  it('Mul: folds float and int64 values like ORT', async () => {
    await matchesOrt('Mul', [{ shape: [2, 3], value: iota(6, 0.5, -1) }, { shape: [3], value: [2, -1, 0.25] }]);
    await matchesOrt('Mul', [{ dtype: 'int64', shape: [2], value: [7, 224] }, { dtype: 'int64', shape: [1], value: [3] }], {}, { opset: 13 });
  });
});
