import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Sign', () => {
  it('Sign: shape and folded values match ORT', async () => {
    await matchesOrt('Sign', [{ shape: [2, 3] }], {}, { opset: 9 });
    await matchesOrt('Sign', [{ shape: [3], value: [-2, 0, 3] }]);
    await matchesOrt('Sign', [{ dtype: 'int64', shape: [3], value: [-2, 0, 3] }], {}, { opset: 13 });
  });
});
