import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Squeeze', () => {
  it('Squeeze: axes attribute before opset 13, all size-1 dims without axes', async () => {
    await matchesOrt('Squeeze', [{ shape: [1, 3, 1, 4] }], { axes: [0, 2] }, { opset: 9 });
    await matchesOrt('Squeeze', [{ shape: [1, 3, 1, 4] }], { axes: [-2] }, { opset: 11 });
    await matchesOrt('Squeeze', [{ shape: [1, 3, 1, 4] }], {}, { opset: 11 });
  });

  it('Squeeze: axes input from opset 13; folds constants', async () => {
    await matchesOrt('Squeeze', [{ shape: [2, 1, 4] }, { dtype: 'int64', shape: [1], value: [1] }], {}, { opset: 13, fold: false });
    await matchesOrt('Squeeze', [{ dtype: 'int64', shape: [1], value: [7] }, { dtype: 'int64', shape: [1], value: [0] }], {}, { opset: 13 });
    await matchesOrt('Squeeze', [{ shape: [1, 2, 1, 3], value: iota(6) }], {}, { opset: 18 });
  });
});
