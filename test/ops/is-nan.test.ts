import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('IsNaN', () => {
  it('IsNaN: bool mask, shape and folded values match ORT', async () => {
    await matchesOrt('IsNaN', [{ shape: [2, 3] }], {}, { opset: 9 });
    await matchesOrt('IsNaN', [{ shape: [4], value: [NaN, 1, Infinity, 0] }], {}, { opset: 13 });
  });
});
