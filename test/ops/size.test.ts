import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Size', () => {
  it('Size: an int64 scalar folded from the static shape, as ORT', async () => {
    // the input is fed at run time, yet the output is a constant: it depends on the shape only
    const r = await matchesOrt('Size', [{ shape: [2, 3, 5] }], {}, { opset: 13, fold: true });
    assert.deepEqual(Array.from(r.inferred[0]?.value?.data ?? []), [30]);
    assert.equal(r.cost.bytesRead, 0);
    await matchesOrt('Size', [{ dtype: 'int64', shape: [7] }], {}, { opset: 9, fold: true });
  });
});
