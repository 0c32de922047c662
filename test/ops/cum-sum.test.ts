import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const axis = (v: number) => ({ dtype: 'int64' as const, shape: [], value: [v] });

describe('CumSum', () => {
  it('CumSum: shape, and folded running sums (exclusive, reverse), as ORT', async () => {
    await matchesOrt('CumSum', [{ shape: [2, 3] }, axis(1)], {}, { opset: 11, fold: false });
    const x = { shape: [2, 3], value: iota(6, 1, 1) };
    await matchesOrt('CumSum', [x, axis(1)], {}, { opset: 11 });
    await matchesOrt('CumSum', [x, axis(0)], { exclusive: 1 }, { opset: 14 });
    await matchesOrt('CumSum', [x, axis(-1)], { reverse: 1, exclusive: 1 }, { opset: 14 });
    await matchesOrt('CumSum', [{ dtype: 'int64', shape: [4], value: [1, 1, 1, 1] }, axis(0)], { reverse: 1 }, { opset: 14 });
  });
});
