import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Less', () => {
  it('Less: shape and folded values match ORT', async () => {
    await matchesOrt('Less', [{ shape: [2, 1, 3] }, { shape: [4, 1] }], {}, { opset: 9 });
    await matchesOrt('Less', [{ shape: [3], value: [1, 2, 3] }, { shape: [3], value: [2, 2, 2] }], {}, { opset: 13 });
    await matchesOrt('Less', [{ dtype: 'int64', shape: [2], value: [5, -5] }, { dtype: 'int64', shape: [1], value: [0] }]);
  });
});
