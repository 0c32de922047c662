import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Ceil', () => {
  it('Ceil: shape and folded values match ORT', async () => {
    await matchesOrt('Ceil', [{ shape: [2, 3] }], {}, { opset: 9 });
    await matchesOrt('Ceil', [{ shape: [4], value: [-1.5, -0.2, 0.7, 2] }], {}, { opset: 13 });
  });
});
