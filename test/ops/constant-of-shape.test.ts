import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { inferShapes } from '../../src/analysis/infer.js';
import { makeTensor } from '../../src/onnx/tensor.js';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('ConstantOfShape', () => {
  it('ConstantOfShape: default float32 zeros, and a typed fill value, as ORT', async () => {
    const r = await matchesOrt('ConstantOfShape', [ints([2, 3])], {}, { opset: 9 });
    assert.equal(r.inferred[0]?.dtype, 'float32');
    assert.equal(r.cost.flops, 0);
    await matchesOrt('ConstantOfShape', [ints([4])], { value: makeTensor('value', 'int64', [1], [1]) }, { opset: 13 });
    await matchesOrt('ConstantOfShape', [ints([2, 0, 3])], { value: makeTensor('value', 'float32', [1], [-1.5]) }, { opset: 17 });
  });

  it('ConstantOfShape: a non-constant shape is reported, naming the node', () => {
    const b = new ModelBuilder({ opset: 13 });
    const y = b.node('ConstantOfShape', [b.input('s', 'int64', [2])], {}, 'cos');
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.match(inf.issues[0]?.message ?? '', /cos.*shape \(input 0\) is not a constant/);
  });

  it('ConstantOfShape: a result above the fold limit keeps its shape but no values', () => {
    const b = new ModelBuilder({ opset: 13 });
    const y = b.node('ConstantOfShape', [b.ints('s', [512, 512])]);
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.issues, []);
    assert.deepEqual(inf.tensors.get(y)?.shape, [512, 512]);
    assert.equal(inf.tensors.get(y)?.value, undefined);
  });
});
