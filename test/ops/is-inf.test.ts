import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('IsInf', () => {
  it('IsInf: bool mask per detected sign, as ORT', async () => {
    const x = { shape: [4], value: [Infinity, -Infinity, NaN, 2] };
    await matchesOrt('IsInf', [{ shape: [2, 3] }], {}, { opset: 10 });
    await matchesOrt('IsInf', [x], {}, { opset: 13 });
    await matchesOrt('IsInf', [x], { detect_negative: 0 }, { opset: 13 });
    await matchesOrt('IsInf', [x], { detect_positive: 0 }, { opset: 13 });
  });
});
