import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError, CleaveError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { DensityError } from '../../src/sparsity/degrees.js';
import { densify } from '../../src/sparsity/densify.js';
import { maskSums } from '../../src/sparsity/mask.js';
import { SPARSITY_KEY, sparseRecords } from '../../src/sparsity/metadata.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { feedsFor, junctionNet, maskedDense, relativeDifference } from '../../test-support/sparsity/models.js';

const TOLERANCE = 1e-5;

function weightsOf(model: ModelProto): Map<string, number[]> {
  return new Map(model.graph.initializer.filter((t) => t.dataType === 1).map((t) => [t.name, Array.from(tensorValue(t).data)]));
}

describe('sparsify (compact)', () => {
  it('per channel pair: equals the masked dense model in ORT, and densify gives exactly its weights', async () => {
    const model = junctionNet();
    const { model: sparse, layers } = sparsify(model, { density: 0.5, seed: 3 });
    assert.deepEqual(layers.map((l) => [l.node, l.form, l.density]), [
      ['c1', undefined, 1], ['c2', 'compact', 0.5], ['fc1', 'compact', 0.5], ['fc2', 'compact', 0.5], ['fc3', 'compact', 0.5],
    ]);
    const reference = maskedDense(model, layers);
    const feeds = feedsFor(model, 3);
    assert.ok(await relativeDifference(reference, sparse, feeds) < TOLERANCE);
    assert.deepEqual(weightsOf(densify(sparse)), weightsOf(reference));
    // Not trivially equal: the masked model differs from the dense one.
    assert.ok(await relativeDifference(model, sparse, feeds) > 1e-2);
  });

  it('a Conv mask keeps or drops whole kernels; perElement drops single weights', () => {
    const model = junctionNet();
    const whole = sparsify(model, { density: 0.5, layers: ['c2'], seed: 1 });
    const w = tensorValue(densify(whole.model).graph.initializer.find((t) => t.name === 'c2.weight')!).data;
    for (let k = 0; k < 16 * 8; k++) {
      const zeros = Array.from({ length: 9 }, (_, e) => w[k * 9 + e] === 0).filter(Boolean).length;
      assert.ok(zeros === 0 || zeros === 9, `kernel ${k} is partly zero`);
    }
    const single = sparsify(model, { density: 0.5, layers: ['c2'], seed: 1, perElement: true });
    const [l] = single.layers;
    assert.equal(l?.granularity, 'element');
    assert.equal(l?.inputs, 72); // 8 channels x 3x3 positions per output
    const { rows, columns } = maskSums(l!.mask!);
    assert.ok(rows.every((r) => r === 36) && columns.every((c) => c === 8));
  });

  it('per element: equals the masked dense model in ORT', async () => {
    const model = junctionNet();
    const { model: sparse, layers } = sparsify(model, { density: 0.25, perElement: true, seed: 9 });
    assert.ok(await relativeDifference(maskedDense(model, layers), sparse, feedsFor(model, 2)) < TOLERANCE);
  });

  it('keeps node names and tensor names, and records the masks in the model', () => {
    const model = junctionNet();
    const { model: sparse } = sparsify(model, { density: 0.5, seed: 3 });
    const names = new Set(sparse.graph.node.map((n) => n.name));
    for (const n of model.graph.node) assert.ok(names.has(n.name), `node "${n.name}" was renamed`);
    const c2 = sparse.graph.node.find((n) => n.name === 'c2')!;
    assert.deepEqual(c2.input, model.graph.node.find((n) => n.name === 'c2')!.input);
    const records = sparseRecords(decodeModel(encodeModel(sparse)));
    assert.deepEqual(records.map((r) => [r.node, r.form, r.values, r.mask]), [
      ['c2', 'compact', 'c2.weight/values', 'c2.weight/mask'],
      ['fc1', 'compact', 'fc1.weight/values', 'fc1.weight/mask'], ['fc2', 'compact', 'fc2.weight/values', 'fc2.weight/mask'],
      ['fc3', 'compact', 'fc3.weight/values', 'fc3.weight/mask'],
    ]);
    assert.ok(!sparse.graph.initializer.some((t) => t.name === 'c2.weight'), 'the dense weight is gone');
  });

  it('same seed, same bytes; another seed, other masks', () => {
    const model = junctionNet();
    const a = encodeModel(sparsify(model, { density: 0.5, seed: 4 }).model);
    const b = encodeModel(sparsify(model, { density: 0.5, seed: 4 }).model);
    const c = encodeModel(sparsify(model, { density: 0.5, seed: 5 }).model);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('a layer\'s mask does not depend on which other layers are selected', () => {
    const model = junctionNet();
    const alone = sparsify(model, { density: 0.5, layers: ['fc1'], seed: 2 }).layers[0]!.mask!.keep;
    const together = sparsify(model, { density: 0.5, seed: 2 }).layers.find((l) => l.node === 'fc1')!.mask!.keep;
    assert.deepEqual(alone, together);
  });

  it('takes the nearest workable density per layer and says so', () => {
    // c2: 8 inputs, 16 outputs: densities k/8, so 0.3 -> 1/4; fc2: 24 -> 12, k/12, so 0.3 -> 1/3 (4/12).
    const { layers } = sparsify(junctionNet(), { density: 0.3, seed: 1 });
    const c2 = layers.find((l) => l.node === 'c2')!;
    assert.deepEqual([c2.density, c2.exact], [0.25, false]);
    assert.match(c2.note ?? '', /density 3\/10 is not workable with 8 inputs and 16 outputs; took the nearest, 1\/4/);
    assert.equal(layers.find((l) => l.node === 'fc2')!.density, 1 / 3);
  });

  it('leaves a first conv with 3 input channels dense, and says so', () => {
    const { layers, model } = sparsify(junctionNet(), { density: 0.1, layers: ['c1', 'fc2'], seed: 1 });
    const [c1, fc2] = layers;
    assert.deepEqual([c1!.node, c1!.density, c1!.form, c1!.mask], ['c1', 1, undefined, undefined]);
    assert.match(c1!.note ?? '', /not workable with 3 inputs and 8 outputs; took dense \(1\)/);
    assert.equal(fc2!.density, 1 / 12);
    assert.deepEqual(sparseRecords(model).map((r) => r.node), ['fc2']);
  });

  it('exact: refuses a layer that cannot take the density, listing what works', () => {
    assert.throws(
      () => sparsify(junctionNet(), { density: 0.25, exact: true }),
      (e: unknown) => e instanceof DensityError && e.node === 'c1' && /3 input channels -> 8 outputs.*workable densities are 1;/.test(e.message),
    );
    assert.throws(
      () => sparsify(junctionNet(), { density: 0.3, exact: true, layers: ['c2'] }),
      (e: unknown) => e instanceof DensityError && e.node === 'c2' && /1\/8, 1\/4, 3\/8, 1\/2, 5\/8, 3\/4, 7\/8, 1/.test(e.message),
    );
  });

  it('a per-layer density selects the layers (Dey\'s MLP gives fo per layer)', () => {
    const { layers } = sparsify(junctionNet(), { density: { fc1: 4 / 24, fc2: 1 / 3 }, exact: true });
    assert.deepEqual(layers.map((l) => [l.node, l.fo, l.fi]), [['fc1', 4, 24], ['fc2', 4, 8]]);
  });

  it('headOf: every Conv/Gemm/MatMul before the cut', () => {
    const { layers } = sparsify(junctionNet(), { density: 0.5, headOf: 'r2' });
    assert.deepEqual(layers.map((l) => [l.node, l.density]), [['c1', 1], ['c2', 0.5]]);
    assert.throws(() => sparsify(junctionNet(), { density: 0.5, headOf: 'nope' }), BadRequestError);
  });

  it('refuses a model sparse already, naming the layer', () => {
    const { model } = sparsify(junctionNet(), { density: 0.5, layers: ['c2'], seed: 1 });
    for (const options of [{ layers: ['c2'] }, {}, { headOf: 'r2' }]) {
      assert.throws(() => sparsify(model, { density: 0.25, ...options }), (e: unknown) => e instanceof BadRequestError && /layer "c2" \(Conv\).*sparse already/.test(e.message));
    }
    // Even with the metadata stripped, its weight is no longer a constant initializer.
    const stripped = { ...model, metadataProps: [] };
    assert.throws(() => sparsify(stripped, { density: 0.25, layers: ['c2'] }), /computed by node .* not a constant initializer/);
    // Other layers of it can still be made sparse; both records remain.
    const both = sparsify(model, { density: 0.5, layers: ['fc1'], seed: 1 }).model;
    assert.deepEqual(sparseRecords(both).map((r) => r.node), ['c2', 'fc1']);
  });

  it('refuses layers that are not Conv/Gemm/MatMul with constant weights, and unknown names', () => {
    const model = junctionNet();
    assert.throws(() => sparsify(model, { density: 0.5, layers: ['r1'] }), /layer "r1" \(Relu\) cannot be made sparse: only Conv, Gemm and MatMul/);
    assert.throws(() => sparsify(model, { density: 0.5, layers: ['fc9'] }), /no node named "fc9"; Conv\/Gemm\/MatMul layers with close names: "fc[1-3]"/);
    assert.throws(() => sparsify(model, { density: 0.5, layers: ['c1'], headOf: 'r2' }), /not both/);
    assert.throws(() => sparsify(model, { density: 0.5, structured: true, perElement: true }), /exclude each other/);
    assert.throws(() => sparsify(model, { density: 0.5, seed: -1 }), /seed/);
    // Weights computed by a node (not an initializer): a clear error, not a crash.
    const computed: ModelProto = {
      ...model,
      graph: {
        ...model.graph,
        node: [{ name: 'w_id', opType: 'Identity', domain: '', input: ['fc1.weight'], output: ['fc1.w'], attribute: [] },
          ...model.graph.node.map((n) => (n.name === 'fc1' ? { ...n, input: [n.input[0]!, 'fc1.w', n.input[2]!] } : n))],
      },
    };
    assert.throws(() => sparsify(computed, { density: 0.5, layers: ['fc1'] }), (e: unknown) => e instanceof CleaveError && /computed by node "w_id"/.test(e.message));
  });

  it('a whole-model selection passes over layers without constant weights, and says why', () => {
    const b = new ModelBuilder({ seed: 1 });
    const x = b.input('x', 'float32', ['N', 8]);
    const h = b.node('Gemm', [x, b.param('fc.weight', [8, 8])], { transB: 1 }, 'fc');
    b.output(b.node('MatMul', [h, b.node('Transpose', [h], {}, 't')], {}, 'gram'));
    const { layers, skipped } = sparsify(b.build(), { density: 0.5 });
    assert.deepEqual(layers.map((l) => l.node), ['fc']);
    assert.deepEqual(skipped.map((s) => s.node), ['gram']);
    assert.match(skipped[0]!.reason, /weight "t" is computed by node "t"/);
  });

  it('a density no selected layer can take is an error', () => {
    assert.throws(() => sparsify(junctionNet(), { density: 0.01, layers: ['c1'], structured: true }), /no selected layer can take a density below 1/);
  });

  it('round-trips through the ONNX codec and still loads as a graph', () => {
    const { model } = sparsify(junctionNet(), { density: 0.25, seed: 2 });
    const back = decodeModel(encodeModel(model));
    assert.deepEqual(encodeModel(back), encodeModel(model));
    assert.ok(back.metadataProps?.some((e) => e.key === SPARSITY_KEY));
    graphFromModel(back);
  });
});
