import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { referenceOutputs, verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { chainModel, dagModel } from '../../test-support/deep-graphs.js';

describe('cutModel on deep graphs', () => {
  it('a 4,000-node chain cuts after its first and before its last layer, and head -> tail reproduces it', async () => {
    const n = 4000;
    const analysis = analyze(graphFromModel(chainModel(n)), { batch: 2 });
    const expected = await referenceOutputs(analysis);
    // After l0 the tail is 3,999 nodes deep; before the last layer the head is.
    for (const [at, headNodes] of [['l0', 1], [`l${n - 2}`, n - 1]] as const) {
      const parts = cutModel(analysis, [at]);
      assert.equal(parts.head.graph.node.length, headNodes);
      assert.equal(parts.tail.graph.node.length, n - headNodes);
      const v = await verifyCut(analysis, parts, { expected });
      assert.ok(v.ok, `cut at ${at}: relative error ${v.outputs[0]?.relativeError}`);
    }
  });

  it('a DAG of residual blocks, branches and shape arithmetic, 3,000 nodes deep, cuts at one and at three tensors', async () => {
    const analysis = analyze(graphFromModel(dagModel(3000)), { batch: 2, maxTensors: 3 });
    const expected = await referenceOutputs(analysis);
    // b1 is a three-branch module: its input, one finished branch and one half-done branch cross.
    for (const at of [['b0.out'], ['b0.out', 'b1.a.relu', 'b1.b.relu1']]) {
      assert.ok(analysis.cutPoints.some((c) => c.tensors.join() === at.join()), `${at} is a listed cut`);
      const v = await verifyCut(analysis, cutModel(analysis, at), { expected });
      assert.ok(v.ok, `cut at ${at}: relative error ${v.outputs[0]?.relativeError}`);
    }
  });
});
