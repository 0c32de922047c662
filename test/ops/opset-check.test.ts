import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float, ModelBuilder } from '../../src/graph/builder.js';
import { opsetProblems } from '../../src/ops/opset-check.js';
import { changesBetween, schemaAt } from '../../src/ops/opset-schema.js';

function messages(opset: number, build: (b: ModelBuilder, x: string) => void, dtypes?: Record<string, 'float32' | 'int64'>): string[] {
  const b = new ModelBuilder({ opset });
  const x = b.input('x', 'float32', [2, 3]);
  build(b, x);
  return opsetProblems(b.build(), dtypes ? { dtypeOf: (t) => dtypes[t] } : {}).map((p) => p.message);
}

describe('opsetProblems', () => {
  it('ReduceSum: axes as an attribute before 13, as an input from 13', () => {
    assert.deepEqual(messages(11, (b, x) => b.output(b.node('ReduceSum', [x], { axes: [1] }))), []);
    assert.match(messages(13, (b, x) => b.output(b.node('ReduceSum', [x], { axes: [1] }))).join(), /has no attribute "axes" at opset 13/);
    assert.match(messages(11, (b, x) => b.output(b.node('ReduceSum', [x, b.ints('a', [1])]))).join(), /takes 1 inputs at opset 11, has 2/);
    assert.deepEqual(messages(13, (b, x) => b.output(b.node('ReduceSum', [x, b.ints('a', [1])]))), []);
  });

  it('Unsqueeze, Split, Clip, Pad, Slice, Resize: the form of each opset', () => {
    assert.match(messages(13, (b, x) => b.output(b.node('Unsqueeze', [x], { axes: [0] }))).join(), /no attribute "axes"/);
    assert.match(messages(11, (b, x) => b.output(b.node('Unsqueeze', [x]))).join(), /needs attribute "axes"/);
    assert.match(messages(13, (b, x) => b.output(b.node('Split', [x], { split: [1, 2], axis: 1 }))).join(), /no attribute "split"/);
    assert.deepEqual(messages(11, (b, x) => b.output(b.node('Clip', [x, b.constant('lo', 'float32', [], [0])]))), []);
    assert.match(messages(10, (b, x) => b.output(b.node('Clip', [x, b.constant('lo', 'float32', [], [0])]))).join(), /takes 1 inputs/);
    assert.match(messages(11, (b, x) => b.output(b.node('Clip', [x], { min: float(0) }))).join(), /no attribute "min"/);
    assert.match(messages(10, (b, x) => b.output(b.node('Pad', [x, b.ints('p', [0, 0, 1, 1])]))).join(), /needs attribute "pads"/);
    assert.match(messages(9, (b, x) => b.output(b.node('Slice', [x, b.ints('s', [0]), b.ints('e', [1])]))).join(), /takes 1 inputs/);
    assert.match(messages(10, (b, x) => b.output(b.node('Resize', [x, b.constant('r', 'float32', [0], []), b.constant('s', 'float32', [2], [1, 2])]))).join(), /takes 2 inputs/);
    assert.match(messages(18, (b, x) => b.output(b.node('ReduceMean', [x], { axes: [1] }))).join(), /no attribute "axes" at opset 18/);
    assert.deepEqual(messages(18, (b, x) => b.output(b.node('ReduceMean', [x, b.ints('a', [1])]))), []);
  });

  it('ops that do not exist yet, deprecated ops and type constraints', () => {
    assert.match(messages(7, (b, x) => b.output(b.node('Expand', [x, b.ints('s', [2, 3])]))).join(), /does not exist at opset 7; ONNX defines it from opset 8/);
    assert.match(messages(8, (b, x) => b.output(b.node('Where', [b.constant('c', 'bool', [], [1]), x, x]))).join(), /from opset 9/);
    assert.match(messages(10, (b, x) => b.output(b.node('Upsample', [x, b.constant('s', 'float32', [2], [1, 2])]))).join(), /deprecated at opset 10/);
    // Equal compares floats only from opset 11 (the Grad-CAM arg-max of an opset-9 export).
    const equal = (b: ModelBuilder, x: string) => b.output(b.node('Equal', [x, x], {}, 'eq'), 'bool');
    assert.match(messages(9, equal, { x: 'float32' }).join(), /input 0 \("x"\) is float32; at opset 9 it takes bool, int32, int64/);
    assert.deepEqual(messages(11, equal, { x: 'float32' }), []);
    assert.match(messages(17, (b, x) => b.output(b.node('Add', [x, b.ints('y', [1])])), { x: 'float32', y: 'int64' }).join(), /mix float32 and int64/);
  });

  it('the table: since-versions and the later changes cleave emits', () => {
    assert.deepEqual(changesBetween('Slice', 7, 13), [10, 11, 13]);
    assert.equal(schemaAt('Range', 10), undefined);
    assert.equal(schemaAt('ReduceMean', 18)?.in.length, 2);
    assert.equal(schemaAt('Gelu', 20)?.since, 20);
  });
});
