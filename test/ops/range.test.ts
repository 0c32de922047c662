import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const scalar = (v: number, dtype: 'int64' | 'float32' | 'int32' = 'int64') => ({ dtype, shape: [], value: [v] });

describe('Range', () => {
  it('Range: length ceil((limit - start) / delta), values folded, as ORT', async () => {
    const r = await matchesOrt('Range', [scalar(0), scalar(10), scalar(3)], {}, { opset: 11 });
    assert.deepEqual(r.inferred[0]?.shape, [4]);
    await matchesOrt('Range', [scalar(10), scalar(-2), scalar(-4)], {}, { opset: 13 });
    await matchesOrt('Range', [scalar(5, 'int32'), scalar(5, 'int32'), scalar(1, 'int32')], {}, { opset: 17 });
    await matchesOrt('Range', [scalar(0.5, 'float32'), scalar(2.1, 'float32'), scalar(0.3, 'float32')], {}, { opset: 17 });
  });
});
