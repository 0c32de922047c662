import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Concat', () => {
  it('Concat: shape along an axis (negative too) matches ORT', async () => {
    const r = await matchesOrt('Concat', [{ shape: [2, 3, 4] }, { shape: [2, 5, 4] }, { shape: [2, 1, 4] }], { axis: 1 }, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 9, 4]);
    assert.equal(r.cost.flops, 0);
    assert.equal(r.cost.bytesWritten, 72 * 4);
    await matchesOrt('Concat', [{ shape: [2, 3] }, { shape: [2, 2] }], { axis: -1 }, { opset: 13 });
  });

  it('Concat: folds the int64 shape vectors exporters build', async () => {
    await matchesOrt('Concat', [{ dtype: 'int64', shape: [1], value: [2] }, { dtype: 'int64', shape: [1], value: [-1] }, { dtype: 'int64', shape: [2], value: [7, 7] }], { axis: 0 }, { opset: 11 });
    await matchesOrt('Concat', [{ shape: [2, 2], value: iota(4) }, { shape: [2, 3], value: iota(6, 1, 10) }], { axis: 1 });
  });
});
