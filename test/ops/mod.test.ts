import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Mod', () => {
  it('Mod: integer modulo takes the divisor sign (fmod=0), as ORT', async () => {
    await matchesOrt('Mod', [{ dtype: 'int64', shape: [4], value: [7, -7, 7, -7] }, { dtype: 'int64', shape: [4], value: [3, 3, -3, -3] }], {}, { opset: 10 });
  });

  it('Mod: fmod=1 takes the dividend sign, as ORT', async () => {
    await matchesOrt('Mod', [{ shape: [4], value: [7.5, -7.5, 7.5, -7.5] }, { shape: [4], value: [2, 2, -2, -2] }], { fmod: 1 }, { opset: 13 });
    await matchesOrt('Mod', [{ dtype: 'int32', shape: [2], value: [7, -7] }, { dtype: 'int32', shape: [1], value: [3] }], { fmod: 1 });
  });

  it('Mod: broadcast shape of runtime inputs matches ORT', async () => {
    await matchesOrt('Mod', [{ shape: [2, 3] }, { shape: [3], value: [1.5, 2, 3] }], { fmod: 1 }, { fold: false });
  });
});
