import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { BadRequestError, CutError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';

/** input -> conv -> relu -> [conv -> relu -> conv] + skip -> relu -> conv: one residual block. */
function residualNet() {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('input', 'float32', ['N', 3, 8, 8]);
  const c1 = b.node('Conv', [x, b.param('w1', [4, 3, 3, 3]), b.param('b1', [4])], { pads: [1, 1, 1, 1] }, 'conv1');
  const r1 = b.node('Relu', [c1], {}, 'relu1');
  const c2 = b.node('Conv', [r1, b.param('w2', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] }, 'block.conv_a');
  const r2 = b.node('Relu', [c2], {}, 'block.relu_a');
  const c3 = b.node('Conv', [r2, b.param('w3', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] }, 'block.conv_b');
  const s = b.node('Add', [c3, r1], {}, 'block.add');
  const r3 = b.node('Relu', [s], {}, 'block.relu');
  const y = b.node('Conv', [r3, b.param('w4', [2, 4, 8, 8])], {}, 'head_conv');
  b.output(y);
  return b.build();
}

describe('cutModel', () => {
  const model = decodeModel(encodeModel(residualNet()));
  const analysis = analyze(graphFromModel(model), { batch: 2, maxTensors: 2 });

  it('single-tensor cuts are the chain layers and the block output, not inside the block', () => {
    const single = analysis.cutPoints.filter((c) => c.tensors.length === 1).map((c) => c.tensors[0]);
    assert.deepEqual(single, ['conv1', 'relu1', 'block.add', 'block.relu']);
  });

  it('two-tensor cuts open the residual block', () => {
    const pairs = analysis.cutPoints.filter((c) => c.tensors.length === 2).map((c) => [...c.tensors].sort().join(','));
    assert.ok(pairs.includes('block.conv_a,relu1'));
    assert.ok(pairs.includes('block.relu_a,relu1'));
    assert.ok(pairs.includes('block.conv_b,relu1'));
  });

  it('bytes crossing = elements x 4 at the analysed batch', () => {
    const cut = analysis.cutPoints.find((c) => c.tensors[0] === 'relu1');
    assert.equal(cut?.bytes, 2 * 4 * 8 * 8 * 4);
  });

  it('every listed cut reproduces the original through head -> tail', async () => {
    for (const c of analysis.cutPoints) {
      const parts = cutModel(analysis, c.tensors);
      const v = await verifyCut(analysis, parts);
      assert.ok(v.ok, `cut at ${c.tensors.join(',')}: relative error ${v.outputs[0]?.relativeError}`);
    }
  });

  it('a cut that does not separate the graph names the tensors that also cross', () => {
    assert.throws(() => cutModel(analysis, ['block.relu_a']), (e: unknown) => e instanceof CutError && /"relu1" also crosses/.test(e.message));
  });

  it('an unknown tensor name suggests the closest ones', () => {
    assert.throws(() => cutModel(analysis, ['relu_1']), (e: unknown) => e instanceof BadRequestError && /closest: "relu1"/.test(e.message));
  });
});
