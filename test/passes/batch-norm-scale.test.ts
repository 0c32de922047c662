import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { batchNormScalesIntoWeights } from '../../src/passes/batch-norm-scale.js';
import { withoutDeadNodes } from '../../src/passes/dead-nodes.js';
import { assertCloseToScale, firstOutput, shaped } from '../../test-support/passes/rewrite-checks.js';
import { randomTensor } from '../../test-support/random-tensor.js';

const RTOL = 1e-4;
const run = firstOutput;
const close = (a: Float32Array, b: Float32Array): void => assertCloseToScale(a, b, RTOL);

/** x [2, 4, 6, 6] scaled per channel by a constant s, then a Conv or ConvTranspose with a constant weight. */
function scaledConv(op: 'Conv' | 'ConvTranspose', sShape: readonly number[], sFromInput = false): ModelProto {
  const b = new ModelBuilder({ seed: 5, opset: 17 });
  const x = b.input('x', 'float32', [2, 4, 6, 6]);
  // s = 1 / sqrt(v + eps), as inference BatchNormalization's gradient computes it (folded by ORT).
  const v = sFromInput ? b.input('v', 'float32', sShape) : b.param('v', sShape, { kind: 'uniform', low: 0.5, high: 2 });
  const s = b.node('Reciprocal', [b.node('Sqrt', [v], {}, 'std')], {}, 's');
  const scaled = b.node('Mul', [x, s], {}, 'scaled');
  const attrs: Readonly<Record<string, AttrValue>> = op === 'Conv' ? { pads: [1, 1, 1, 1] } : { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] };
  b.output(b.node(op, [scaled, b.param('w', op === 'Conv' ? [5, 4, 3, 3] : [4, 3, 3, 3]), b.param('bias', [op === 'Conv' ? 5 : 3], { kind: 'normal', std: 0.5 })], attrs, 'y'));
  return b.build();
}

describe('batchNormScalesIntoWeights', () => {
  for (const [op, sShape] of [['Conv', [4, 1, 1]], ['ConvTranspose', [1, 4, 1, 1]]] as const) {
    it(`${op}(x * s, W) becomes ${op}(x, W * s) for a constant per-channel s, with the same output`, async () => {
      const m = scaledConv(op, sShape);
      const fused = withoutDeadNodes(batchNormScalesIntoWeights(shaped(m))).model;
      const conv = fused.graph.node.find((n) => n.opType === op);
      assert.equal(conv?.input[0], 'x');
      assert.ok(!fused.graph.node.some((n) => n.opType === 'Mul' && n.input.includes('x')));
      const x = randomTensor('float32', [2, 4, 6, 6], 9);
      close(await run(fused, { x }), await run(m, { x }));
    });
  }

  it('leaves a scale computed from a graph input, and a product read twice', async () => {
    const fromInput = shaped(scaledConv('Conv', [4, 1, 1], true));
    assert.equal(batchNormScalesIntoWeights(fromInput), fromInput);
    const m = scaledConv('Conv', [4, 1, 1]);
    const twice = shaped({ ...m, graph: { ...m.graph, output: [...m.graph.output, { name: 'scaled' }] } } as ModelProto);
    assert.equal(batchNormScalesIntoWeights(twice), twice);
  });
});
