import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Xor', () => {
  it('Xor: shape and folded values match ORT', async () => {
    await matchesOrt('Xor', [{ dtype: 'bool', shape: [2, 1] }, { dtype: 'bool', shape: [3] }], {}, { opset: 9 });
    await matchesOrt('Xor', [{ dtype: 'bool', shape: [4], value: [0, 1, 0, 1] }, { dtype: 'bool', shape: [4], value: [0, 0, 1, 1] }]);
  });
});
