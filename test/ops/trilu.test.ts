import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Trilu', () => {
  it('Trilu: upper and lower triangles with diagonal offsets, as ORT', async () => {
    const x = { shape: [2, 3, 4], value: iota(24, 1, 1) };
    await matchesOrt('Trilu', [{ shape: [3, 4] }], {}, { opset: 14 });
    await matchesOrt('Trilu', [x], {}, { opset: 14 });
    await matchesOrt('Trilu', [x, { dtype: 'int64', shape: [], value: [1] }], { upper: 0 }, { opset: 14 });
    await matchesOrt('Trilu', [x, { dtype: 'int64', shape: [], value: [-1] }], { upper: 1 }, { opset: 17 });
  });
});
