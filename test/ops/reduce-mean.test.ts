import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('ReduceMean', () => {
  it('ReduceMean: axes attribute before opset 18, keepdims; one FLOP per input element', async () => {
    const r = await matchesOrt('ReduceMean', [{ shape: [2, 3, 4, 5] }], { axes: [2, 3] }, { opset: 13 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 1, 1]);
    assert.equal(r.cost.flops, 120);
    await matchesOrt('ReduceMean', [{ shape: [2, 3, 4] }], { axes: [-1], keepdims: 0 }, { opset: 11 });
    await matchesOrt('ReduceMean', [{ shape: [2, 3, 4] }], { keepdims: 0 }, { opset: 9 });
  });

  it('ReduceMean: axes input from opset 18, noop_with_empty_axes', async () => {
    await matchesOrt('ReduceMean', [{ shape: [2, 3, 4] }, ints([0, 2])], {}, { opset: 18, fold: false });
    const r = await matchesOrt('ReduceMean', [{ shape: [2, 3, 4] }, { omitted: true, shape: [] }], { noop_with_empty_axes: 1 }, { opset: 18, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 4]);
    assert.equal(r.cost.flops, 0);
    await matchesOrt('ReduceMean', [{ shape: [2, 3, 4] }], { keepdims: 1 }, { opset: 18 });
  });

  it('ReduceMean: folds constants', async () => {
    await matchesOrt('ReduceMean', [{ shape: [2, 3, 2], value: iota(12, 0.5) }], { axes: [1] }, { opset: 13 });
    await matchesOrt('ReduceMean', [{ shape: [2, 3], value: iota(6) }, ints([-1])], { keepdims: 0 }, { opset: 18 });
  });
});
