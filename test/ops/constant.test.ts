import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { float, ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { makeTensor } from '../../src/onnx/tensor.js';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Constant', () => {
  it('Constant: a value tensor, folded; nothing read', async () => {
    const r = await matchesOrt('Constant', [], { value: makeTensor('v', 'int64', [4], [1, -1, 3, 224]) }, { opset: 9 });
    assert.equal(r.cost.flops, 0);
    assert.equal(r.cost.bytesRead, 0);
    assert.equal(r.cost.bytesWritten, 32);
    await matchesOrt('Constant', [], { value: makeTensor('v', 'float32', [2, 2], [0.5, 1, -2, 3]) }, { opset: 13 });
    await matchesOrt('Constant', [], { value: makeTensor('v', 'int64', [], [7]) }, { opset: 11 });
  });

  it('Constant: value_float(s) and value_int(s) (opset 12+)', async () => {
    await matchesOrt('Constant', [], { value_float: float(2.5) }, { opset: 13 });
    await matchesOrt('Constant', [], { value_floats: float([0.1, 2]) }, { opset: 13 });
    await matchesOrt('Constant', [], { value_int: 5 }, { opset: 17 });
    await matchesOrt('Constant', [], { value_ints: [1, 3, -1] }, { opset: 18 });
  });

  it('Constant: value_strings gives a string tensor of known shape, no values', () => {
    const b = new ModelBuilder({ opset: 13 });
    const y = b.node('Constant', [], { value_strings: ['a', 'b', 'c'] });
    b.output(y, 'string');
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.issues, []);
    assert.deepEqual(inf.tensors.get(y), { dtype: 'string', shape: [3] });
  });
});
