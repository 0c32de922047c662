import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('GreaterOrEqual', () => {
  it('GreaterOrEqual: shape and folded values match ORT, equal elements included', async () => {
    await matchesOrt('GreaterOrEqual', [{ shape: [2, 1, 3] }, { shape: [4, 1] }], {}, { opset: 12 });
    await matchesOrt('GreaterOrEqual', [{ shape: [3], value: [1, 2, 3] }, { shape: [3], value: [2, 2, 2] }], {}, { opset: 16 });
    await matchesOrt('GreaterOrEqual', [{ dtype: 'int64', shape: [3], value: [5, 0, -5] }, { dtype: 'int64', shape: [], value: [0] }]);
  });
});
