import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Not', () => {
  it('Not: shape and folded values match ORT', async () => {
    await matchesOrt('Not', [{ dtype: 'bool', shape: [2, 3] }], {}, { opset: 9 });
    await matchesOrt('Not', [{ dtype: 'bool', shape: [3], value: [0, 1, 0] }]);
  });
});
