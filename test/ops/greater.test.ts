import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Greater', () => {
  it('Greater: shape and folded values match ORT', async () => {
    await matchesOrt('Greater', [{ shape: [3, 1] }, { shape: [1, 5] }], {}, { opset: 9 });
    await matchesOrt('Greater', [{ shape: [3], value: [1, 2, 3] }, { shape: [3], value: [2, 2, 2] }], {}, { opset: 13 });
    await matchesOrt('Greater', [{ dtype: 'int64', shape: [2], value: [5, -5] }, { dtype: 'int64', shape: [1], value: [0] }]);
  });
});
