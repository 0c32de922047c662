import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { insertBottleneck } from '../../src/bottleneck/insert.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { Session } from '../../src/runtime/session.js';

/** x [N, 3, H, W] -> Conv 3x3 (8) -> ReLU "r" -> global average pool -> Flatten -> Gemm (4). */
function convNet(h: number, w: number): ModelProto {
  const b = new ModelBuilder({ name: 'odd', opset: 17 });
  const x = b.input('x', 'float32', ['N', 3, h, w]);
  const c = b.node('Conv', [x, b.param('c.weight', [8, 3, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'c');
  const r = b.node('Relu', [c], {}, 'r');
  const f = b.node('Flatten', [b.node('GlobalAveragePool', [r], {}, 'gap')], { axis: 1 }, 'f');
  const y = b.node('Gemm', [f, b.param('fc.weight', [4, 8]), b.param('fc.bias', [4], { kind: 'const', value: 0 })], { transB: 1 }, 'logits');
  b.output(y, 'float32', ['N', 4]);
  return b.build();
}

function shapeOf(model: ModelProto, tensor: string): readonly number[] | undefined {
  return inferShapes(graphFromModel(model), { batch: 1 }).tensors.get(tensor)?.shape;
}

async function runs(model: ModelProto, dims: number[]): Promise<readonly number[]> {
  const s = await Session.fromModel(model);
  try {
    const out = await s.run({ x: { dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5) } });
    return out.logits!.dims;
  } finally {
    await s.release();
  }
}

describe('insertBottleneck', () => {
  for (const [h, w, code] of [[7, 5, [2, 2]], [28, 28, [7, 7]], [6, 9, [2, 3]], [1, 1, [1, 1]]] as const) {
    it(`gives back the exact ${h}x${w} shape (code ${code.join('x')}) and runs in ONNX Runtime`, async () => {
      const model = convNet(h, w);
      const bn = insertBottleneck(model, 'r');
      assert.deepEqual(bn.cutShape, [8, h, w]);
      assert.deepEqual(bn.widths, [1, 2]); // round(8 / 8), round(8 / 4)
      assert.deepEqual(bn.codeShape, [2, ...code]);
      assert.equal(bn.cutBytes, 8 * h * w * 4);
      assert.equal(bn.codeBytes, 2 * code[0] * code[1] * 4);
      assert.deepEqual(shapeOf(bn.model, bn.code), [1, 2, ...code]);
      // The pooling now reads the decoder's output, which has the cut's shape.
      const gap = bn.model.graph.node.find((n) => n.name === 'gap');
      assert.notEqual(gap?.input[0], 'r');
      assert.deepEqual(shapeOf(bn.model, gap?.input[0]!), [1, 8, h, w]);
      assert.deepEqual(await runs(bn.model, [2, 3, h, w]), [2, 4]);
    });
  }

  it('uses round(C/8) and round(C/4) channels, ends with ReLU only after a ReLU', () => {
    const lenet = buildModel('lenet');
    const pool1 = insertBottleneck(lenet, 'pool1'); // 6 channels: round(0.75) = 1, round(1.5) = 2
    assert.deepEqual(pool1.widths, [1, 2]);
    assert.deepEqual(pool1.codeShape, [2, 4, 4]); // 14 -> 7 -> 4
    assert.ok(pool1.model.graph.node.some((n) => n.name === 'bottleneck/pool1/dec2_relu'));
    const conv1 = insertBottleneck(lenet, 'conv1'); // before its ReLU: values of both signs
    assert.ok(!conv1.model.graph.node.some((n) => n.name === 'bottleneck/conv1/dec2_relu'));
    const vgg = insertBottleneck(buildModel('small-vgg'), 'block2.pool'); // 64 channels, 7x7
    assert.deepEqual(vgg.widths, [8, 16]);
    assert.deepEqual(vgg.codeShape, [16, 2, 2]);
    assert.equal(vgg.params.length, 4 + 4 * 2); // 2 conv + 2 deconv weights, 4 BN scale + bias
    assert.equal(vgg.buffers.length, 4 * 2);
  });

  it('sees a dense cut [N, F] as [N, F, 1, 1] and flattens back', async () => {
    const lenet = buildModel('lenet');
    const bn = insertBottleneck(lenet, 'relu3'); // 120 features
    assert.deepEqual(bn.cutShape, [120, 1, 1]);
    assert.deepEqual(bn.codeShape, [30, 1, 1]);
    assert.equal(bn.codeBytes, 120);
    const fc2 = bn.model.graph.node.find((n) => n.name === 'fc2');
    assert.deepEqual(shapeOf(bn.model, fc2?.input[0]!), [1, 120]);
    const s = await Session.fromModel(bn.model);
    try {
      const out = await s.run({ input: { dtype: 'float32', dims: [2, 1, 28, 28], data: new Float32Array(2 * 784).fill(0.1) } });
      assert.deepEqual(out.logits!.dims, [2, 10]);
    } finally {
      await s.release();
    }
  });

  it('refuses what it cannot wrap', () => {
    const model = convNet(4, 4);
    assert.throws(() => insertBottleneck(model, 'nope'), /no tensor computed by the model/);
    assert.throws(() => insertBottleneck(model, 'logits'), /is a model output/);
    assert.throws(() => insertBottleneck(model, 'x'), /no tensor computed by the model/);
  });
});
