import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Gather', () => {
  it('Gather: any axis, index tensors of any rank, as ORT', async () => {
    const r = await matchesOrt('Gather', [{ shape: [5, 4, 3] }, { dtype: 'int64', shape: [2, 2], value: [0, 3, -1, 2] }], { axis: 1 }, { opset: 11, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [5, 2, 2, 3]);
    assert.equal(r.cost.flops, 0);
    // reads the indices and the gathered elements only
    assert.equal(r.cost.bytesRead, 4 * 8 + 60 * 4);
    await matchesOrt('Gather', [{ shape: [6, 3] }, { dtype: 'int64', shape: [4] }], {}, { opset: 9 });
  });

  it('Gather: a scalar index removes the axis (Shape -> Gather(0) of exporters)', async () => {
    const r = await matchesOrt('Gather', [{ dtype: 'int64', shape: [4], value: [2, 3, 224, 224] }, { dtype: 'int64', shape: [], value: [0] }], { axis: 0 }, { opset: 13 });
    assert.deepEqual(r.inferred[0]?.shape, []);
  });

  it('Gather: folds negative indices and inner axes', async () => {
    await matchesOrt('Gather', [{ shape: [3, 4], value: iota(12) }, { dtype: 'int64', shape: [3], value: [-1, 0, 2] }], { axis: -1 }, { opset: 13 });
    await matchesOrt('Gather', [{ shape: [3, 2], value: iota(6) }, { dtype: 'int32', shape: [2], value: [2, -3] }], {}, { opset: 17 });
  });
});
