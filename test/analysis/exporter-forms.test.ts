import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { ModelBuilder, valueInfo } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import type { ModelProto } from '../../src/onnx/types.js';

/**
 * A graph as tf2onnx writes a Keras CNN: NHWC input with a batch dim named "unk__12",
 * Transpose to NCHW, Conv, MatMul + Add instead of Gemm, a constant Reshape, Softmax.
 */
function tfStyle(): ModelProto {
  const b = new ModelBuilder({ opset: 13, seed: 5, name: 'keras' });
  const x = b.input('input_1:0', 'float32', ['unk__12', 12, 12, 3]);
  const t = b.node('Transpose', [x], { perm: [0, 3, 1, 2] }, 'model/conv2d/Conv2D__6');
  const c = b.node('Conv', [t, b.param('conv_w', [8, 3, 3, 3]), b.param('conv_b', [8])], { strides: [2, 2], pads: [0, 0, 1, 1] }, 'model/conv2d/Conv2D');
  const r = b.node('Relu', [c], {}, 'model/conv2d/Relu');
  const back = b.node('Transpose', [r], { perm: [0, 2, 3, 1] }, 'model/conv2d/Relu__9');
  const flat = b.node('Reshape', [back, b.ints('const_fold_opt__20', [-1, 6 * 6 * 8])], {}, 'model/flatten/Reshape');
  const m = b.node('MatMul', [flat, b.param('dense_w', [6 * 6 * 8, 10])], {}, 'model/dense/MatMul');
  const a = b.node('Add', [m, b.param('dense_b', [10])], {}, 'model/dense/BiasAdd');
  const y = b.node('Softmax', [a], { axis: -1 }, 'model/dense/Softmax');
  b.output(y, 'float32', ['unk__13', 10]);
  return b.build();
}

/** An IR 3 / opset 8 model that lists its weights as graph inputs too, as old exporters did. */
function oldStyle(): ModelProto {
  const b = new ModelBuilder({ opset: 8, seed: 9, name: 'old' });
  const x = b.input('data', 'float32', ['N', 2, 6, 6]);
  const w = b.param('w', [4, 2, 3, 3]);
  const c = b.node('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'conv');
  const r = b.node('Relu', [c], {}, 'relu');
  const p = b.node('MaxPool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
  const f = b.node('Flatten', [p], { axis: 1 }, 'flatten');
  const g = b.node('Gemm', [f, b.param('fc_w', [3, 36]), b.param('fc_b', [3])], { transB: 1 }, 'fc');
  b.output(g);
  const model = b.build();
  model.irVersion = 3;
  for (const init of model.graph.initializer) model.graph.input.push(valueInfo(init.name, 'float32', init.dims));
  return model;
}

describe('exporter forms', () => {
  it('tf2onnx style: NHWC input with an unk__ batch dim, MatMul+Add, cuts verified', async () => {
    const analysis = analyze(graphFromModel(decodeModel(encodeModel(tfStyle()))), { batch: 3 });
    assert.deepEqual(analysis.issues, []);
    assert.equal(analysis.totals.macs, 3 * (6 * 6 * 8 * 27 + 288 * 10));
    const names = analysis.cutPoints.map((c) => c.tensors[0]);
    assert.ok(names.includes('model/conv2d/Relu') && names.includes('model/dense/MatMul'), names.join(' '));
    for (const c of analysis.cutPoints) assert.ok((await verifyCut(analysis, cutModel(analysis, c.tensors))).ok, c.tensors.join());
  });

  it('IR 3 with weights listed as inputs: weights are not inputs, params counted once, cuts verified', async () => {
    const analysis = analyze(graphFromModel(decodeModel(encodeModel(oldStyle()))), { batch: 2 });
    assert.deepEqual(analysis.issues, []);
    assert.deepEqual(analysis.tensors.filter((t) => t.kind === 'input').map((t) => t.name), ['data']);
    assert.equal(analysis.totals.params, 4 * 2 * 9 + 3 * 36 + 3);
    assert.deepEqual(analysis.cutPoints.map((c) => c.tensors[0]), ['conv', 'relu', 'pool', 'flatten']);
    for (const c of analysis.cutPoints) assert.ok((await verifyCut(analysis, cutModel(analysis, c.tensors))).ok, c.tensors.join());
  });
});
