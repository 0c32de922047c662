import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Session } from '../../src/runtime/session.js';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';
import { randomTensor } from '../../test-support/random-tensor.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });
const INT64_MAX = 2n ** 63n - 1n;

describe('Slice', () => {
  it('Slice: attributes before opset 10', async () => {
    const r = await matchesOrt('Slice', [{ shape: [4, 6, 5] }], { starts: [1, -4], ends: [3, 1000], axes: [0, 1] }, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 4, 5]);
    await matchesOrt('Slice', [{ shape: [4, 6] }], { starts: [0, 2], ends: [-1, 4] }, { opset: 9 });
  });

  it('Slice: inputs with axes and steps, clamping, negative steps (opset 10, 13)', async () => {
    const x = { shape: [5, 8, 6] };
    await matchesOrt('Slice', [x, ints([1]), ints([100]), ints([1]), ints([3])], {}, { opset: 10, fold: false });
    await matchesOrt('Slice', [x, ints([-1, 6]), ints([-100, 1]), ints([0, 2]), ints([-1, -2])], {}, { opset: 13, fold: false });
    await matchesOrt('Slice', [x, ints([7]), ints([-9]), ints([-2]), ints([-3])], {}, { opset: 13, fold: false });
    // start past the end: empty
    const r = await matchesOrt('Slice', [x, ints([9]), ints([12]), ints([1])], {}, { opset: 13, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [5, 0, 6]);
    assert.equal(r.cost.flops, 0);
  });

  it('Slice: folds the shape vector slices exporters emit', async () => {
    await matchesOrt('Slice', [ints([1, 3, 224, 224]), ints([2]), ints([4]), ints([0])], {}, { opset: 13 });
    await matchesOrt('Slice', [{ shape: [3, 4], value: iota(12) }, ints([2, 3]), ints([-10, 0]), ints([0, 1]), ints([-1, -2])], {}, { opset: 18 });
  });

  it('Slice: INT64_MAX ends (PyTorch x[1:]) clamp to the dim and fold like ORT', async () => {
    const b = new ModelBuilder({ opset: 13 });
    const x = b.input('x', 'float32', [3, 10]);
    const starts = b.ints('starts', [1]);
    const ends = b.constant('ends', 'int64', [1], new Uint8Array(BigInt64Array.of(INT64_MAX).buffer), true);
    const axes = b.ints('axes', [1]);
    const y = b.node('Slice', [x, starts, ends, axes]);
    const c = b.constant('c', 'int64', [4], [5, 6, 7, 8]);
    const yc = b.node('Slice', [c, starts, ends]);
    b.output(y);
    b.output(yc, 'int64');
    const model = b.build();
    const inf = inferShapes(graphFromModel(model));
    assert.deepEqual(inf.issues, []);
    const s = await Session.fromModel(model);
    try {
      const out = await s.run({ x: randomTensor('float32', [3, 10], 1) });
      assert.deepEqual(inf.tensors.get(y)?.shape, out[y]?.dims);
      assert.deepEqual(inf.tensors.get(y)?.shape, [3, 9]);
      assert.deepEqual(Array.from(inf.tensors.get(yc)?.value?.data ?? []), Array.from(out[yc]!.data as BigInt64Array, Number));
    } finally {
      await s.release();
    }
  });

  it('Slice: non-constant starts are reported, naming the node', () => {
    const b = new ModelBuilder({ opset: 13 });
    const x = b.input('x', 'float32', [3, 10]);
    const st = b.input('st', 'int64', [1]);
    const y = b.node('Slice', [x, st, b.ints('e', [5])], {}, 'slice_dyn');
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.match(inf.issues[0]?.message ?? '', /slice_dyn.*starts \(input 1\) is not a constant/);
  });
});
