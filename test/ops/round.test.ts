import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Round', () => {
  it('Round: ties go to even, like ORT', async () => {
    await matchesOrt('Round', [{ shape: [2, 3] }], {}, { opset: 11 });
    await matchesOrt('Round', [{ shape: [8], value: [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6] }]);
  });
});
