import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { densify } from '../../src/sparsity/densify.js';
import { sparseRecords } from '../../src/sparsity/metadata.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { feedsFor, junctionNet, maskedDense, relativeDifference, tokenMlp } from '../../test-support/sparsity/models.js';

const TOLERANCE = 1e-5;

function macsOf(model: ModelProto, node: string): number {
  return analyze(graphFromModel(model)).nodes.find((n) => n.name === node)?.macs ?? Number.NaN;
}

describe('sparsify (structured)', () => {
  it('grouped Convs and block-diagonal Gemm/MatMul equal their dense-masked equivalent in ORT', async () => {
    const model = junctionNet();
    const { model: structured, layers } = sparsify(model, { density: 0.25, structured: true, seed: 6 });
    assert.deepEqual(layers.map((l) => [l.node, l.groups ?? 1, l.density]), [['c1', 1, 1], ['c2', 4, 0.25], ['fc1', 4, 0.25], ['fc2', 4, 0.25], ['fc3', 4, 0.25]]);
    const reference = maskedDense(model, layers);
    const feeds = feedsFor(model, 3);
    assert.ok(await relativeDifference(reference, structured, feeds) < TOLERANCE);
    assert.ok(await relativeDifference(model, structured, feeds) > 1e-2, 'the mask changes the outputs');
  });

  it('densify of a structured model gives exactly the reference\'s masked weights', async () => {
    const model = junctionNet();
    const { model: structured, layers } = sparsify(model, { density: 0.5, structured: true, seed: 2 });
    const dense = densify(structured);
    const reference = maskedDense(model, layers);
    for (const name of ['c2.weight', 'fc1.weight', 'fc2.weight', 'fc3.weight']) {
      const got = tensorValue(dense.graph.initializer.find((t) => t.name === name)!);
      const want = tensorValue(reference.graph.initializer.find((t) => t.name === name)!);
      assert.deepEqual(got.dims, want.dims, name);
      // fc3's alpha (0.5) is folded into its weight: it compares times 2 (exact in floats).
      if (name === 'fc3.weight') assert.deepEqual(Array.from(got.data, (v) => v * 2), Array.from(want.data), name);
      else assert.deepEqual(Array.from(got.data), Array.from(want.data), name);
    }
    assert.ok(await relativeDifference(reference, dense, feedsFor(model, 2)) < TOLERANCE);
    assert.deepEqual(sparseRecords(dense), []);
  });

  it('runs 1/G of the MACs (counted by the op rules on the grouped weights)', () => {
    const model = junctionNet();
    const { model: structured } = sparsify(model, { density: 0.25, structured: true, seed: 1 });
    for (const node of ['c2', 'fc1', 'fc2', 'fc3']) assert.equal(macsOf(structured, node), macsOf(model, node) / 4, node);
    assert.equal(structured.graph.node.find((n) => n.name === 'c2')?.attribute.find((a) => a.name === 'group')?.i, 4);
  });

  it('a MatMul with a rank-3 input (tokens) keeps its leading dims', async () => {
    const model = tokenMlp();
    const { model: structured, layers } = sparsify(model, { density: 0.5, structured: true, seed: 4 });
    assert.deepEqual(layers.map((l) => l.groups), [2, 2]);
    assert.ok(await relativeDifference(maskedDense(model, layers), structured, feedsFor(model, 2)) < TOLERANCE);
  });

  it('the small VGG with a structured head equals its masked dense model, and a cut of it verifies', async () => {
    const model = smallVgg({ seed: 4, batchNorm: 'seeded' });
    const { model: structured, layers } = sparsify(model, { density: 0.25, structured: true, seed: 3, headOf: 'block3.pool' });
    assert.deepEqual(layers.map((l) => l.groups ?? 1), [1, 4, 4, 4, 4, 4]);
    assert.ok(await relativeDifference(maskedDense(model, layers), structured, feedsFor(model, 2)) < TOLERANCE);
    const analysis = analyze(graphFromModel(structured), { batch: 2 });
    const verification = await verifyCut(analysis, cutModel(analysis, ['block2.pool']));
    assert.ok(verification.ok, JSON.stringify(verification.outputs));
  });

  it('keeps the layer\'s node name on its product and its output tensor name', () => {
    const model = junctionNet();
    const { model: structured } = sparsify(model, { density: 0.5, structured: true, seed: 1 });
    const byName = new Map(structured.graph.node.map((n) => [n.name, n]));
    assert.equal(byName.get('fc1')?.opType, 'MatMul');
    assert.equal(byName.get('c2')?.opType, 'Conv');
    const producers = new Set(structured.graph.node.flatMap((n) => n.output));
    for (const n of model.graph.node) for (const o of n.output) assert.ok(producers.has(o), `tensor "${o}" is gone`);
    assert.ok(byName.has('fc1/permute') && byName.has('fc1/split') && byName.has('fc1/merge') && byName.has('fc3/bias'));
  });
});
