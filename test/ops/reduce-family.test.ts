import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });
const x = { shape: [2, 3, 2], value: [0.5, -1, 2, 0.25, 1.5, -0.75, 3, 1, -2, 0.5, 0.1, 1.25] };

// The reductions whose rules differ only in what they accumulate (src/ops/shared/reduce.ts): the
// same checks against ONNX Runtime for each. ReduceSum, ReduceMean and ReduceMax have files of
// their own, with cases of their own.
for (const op of ['ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare']) {
  describe(op, () => {
    it(`${op}: axes attribute before opset 18, keepdims, reduce-all`, async () => {
      const r = await matchesOrt(op, [{ shape: [2, 3, 4] }], { axes: [1] }, { opset: 13 });
      assert.deepEqual(r.inferred[0]?.shape, [2, 1, 4]);
      assert.ok(r.cost.flops >= 24);
      await matchesOrt(op, [{ shape: [2, 3, 4] }], { keepdims: 0 }, { opset: 11 });
    });

    it(`${op}: axes input from opset 18; folds constants`, async () => {
      await matchesOrt(op, [{ shape: [2, 3, 4] }, ints([0, -1])], { keepdims: 0 }, { opset: 18, fold: false });
      await matchesOrt(op, [x], { axes: [1] }, { opset: 13 });
      await matchesOrt(op, [x, ints([0, 2])], {}, { opset: 18 });
    });
  });
}
