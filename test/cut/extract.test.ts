import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { BadRequestError, CutError } from '../../src/errors.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { residualNet } from '../../test-support/tiny-models.js';

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
