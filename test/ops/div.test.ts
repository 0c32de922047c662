import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Div', () => {
  it('Div: broadcast shape matches ORT; one FLOP per output element', async () => {
    const r = await matchesOrt('Div', [{ shape: [4, 1] }, { shape: [5] }]);
    assert.equal(r.cost.flops, 20);
  });

  it('Div: integer division truncates toward zero, as ORT does', async () => {
    await matchesOrt('Div', [{ dtype: 'int64', shape: [4], value: [7, -7, 224, 5] }, { dtype: 'int64', shape: [4], value: [2, 2, 3, -2] }], {}, { opset: 13 });
    await matchesOrt('Div', [{ dtype: 'int32', shape: [2], value: [9, -9] }, { dtype: 'int32', shape: [1], value: [4] }], {}, { opset: 11 });
  });

  it('Div: folds float quotients like ORT', async () => {
    await matchesOrt('Div', [{ shape: [3], value: [1, -3, 2.5] }, { shape: [3], value: [3, 2, 0.5] }]);
  });
});
