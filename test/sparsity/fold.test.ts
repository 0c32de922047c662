import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { BadModelError, BadRequestError } from '../../src/errors.js';
import { ModelBuilder, valueInfo } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { makeTensor, tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { densify } from '../../src/sparsity/densify.js';
import { permuteAxis } from '../../src/sparsity/fold.js';
import { presentRecords, SPARSITY_KEY, sparseRecords } from '../../src/sparsity/metadata.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { feedsFor, junctionNet, maskedDense, relativeDifference, runModel, tokenMlp } from '../../test-support/sparsity/models.js';

const TOLERANCE = 1e-5;

function gathers(model: ModelProto): string[] {
  return model.graph.node.filter((n) => n.opType === 'Gather').map((n) => n.name);
}

function values(model: ModelProto, name: string): number[] {
  const t = model.graph.initializer.find((x) => x.name === name);
  assert.ok(t, `no initializer "${name}"`);
  return Array.from(tensorValue(t).data, Number);
}

/** Every initializer of `want` is in `got` with the same dims and the same values, bit for bit. */
function sameInitializers(got: ModelProto, want: ModelProto): void {
  for (const t of want.graph.initializer) {
    const g = got.graph.initializer.find((x) => x.name === t.name);
    assert.ok(g, `"${t.name}" is missing`);
    assert.deepEqual(g.dims.map(Number), t.dims.map(Number), t.name);
    assert.deepEqual(values(got, t.name), values(want, t.name), t.name);
  }
}

describe('permuteAxis', () => {
  it('reorders one axis (new k holds old order[k]); the inverse undoes it', () => {
    const t = makeTensor('w', 'float32', [2, 3, 2], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    const p = permuteAxis(t, 1, [2, 0, 1]);
    assert.deepEqual(Array.from(tensorValue(p).data), [4, 5, 0, 1, 2, 3, 14, 15, 10, 11, 12, 13]);
    assert.deepEqual(Array.from(tensorValue(permuteAxis(p, 1, [2, 0, 1], true)).data), Array.from(tensorValue(t).data));
  });
});

describe('sparsify (structured): the input permutation folded into the layer before', () => {
  it('junction net: c2\'s Gather goes into c1\'s weight rows and bias; same outputs; densify restores c1 exactly', async () => {
    const model = junctionNet();
    const { model: structured, layers } = sparsify(model, { density: 0.25, structured: true, seed: 6 });
    assert.deepEqual(gathers(structured), ['fc1/permute', 'fc2/permute', 'fc3/permute']);
    const c2 = sparseRecords(structured).find((r) => r.node === 'c2');
    assert.deepEqual(c2?.folded, { node: 'c1', tensors: [{ name: 'c1.weight', axis: 0 }, { name: 'c1.bias', axis: 0 }] });
    assert.equal(c2?.permutation, undefined);
    const order = c2?.order as number[];
    // c1's output channel k is the original channel order[k]: rows of 27 weights, one bias each
    const [w0, w1] = [values(model, 'c1.weight'), values(structured, 'c1.weight')];
    order.forEach((from, k) => assert.deepEqual(w1.slice(k * 27, (k + 1) * 27), w0.slice(from * 27, (from + 1) * 27)));
    assert.deepEqual(values(structured, 'c1.bias'), order.map((from) => values(model, 'c1.bias')[from]));
    const feeds = feedsFor(model, 3);
    assert.ok(await relativeDifference(maskedDense(model, layers), structured, feeds) < TOLERANCE);
    const dense = densify(structured);
    assert.deepEqual(values(dense, 'c1.weight'), w0);
    assert.deepEqual(values(dense, 'c1.bias'), values(model, 'c1.bias'));
    assert.ok(await relativeDifference(maskedDense(model, layers), dense, feeds) < TOLERANCE);
  });

  it('small VGG head: block1.conv2\'s permutation goes through BN and ReLU into block1.conv1; the others stay Gathers (grouped producers)', async () => {
    const model = smallVgg({ seed: 4, batchNorm: 'seeded' });
    const { model: structured, layers } = sparsify(model, { density: 0.25, structured: true, seed: 3, headOf: 'block3.pool' });
    assert.deepEqual(gathers(structured), ['block2.conv1/permute', 'block2.conv2/permute', 'block3.conv1/permute', 'block3.conv2/permute']);
    const r = sparseRecords(structured).find((x) => x.node === 'block1.conv2');
    assert.deepEqual(r?.folded?.tensors.map((t) => t.name), ['block1.bn1.weight', 'block1.bn1.bias', 'block1.bn1.running_mean', 'block1.bn1.running_var', 'block1.conv1.weight']);
    const reference = maskedDense(model, layers);
    const feeds = feedsFor(model, 2);
    assert.ok(await relativeDifference(reference, structured, feeds) < TOLERANCE);
    // densify gives the masked dense model back, every initializer bit for bit
    sameInitializers(densify(structured), reference);
    // and the file round-trips with the folded record
    assert.deepEqual(sparseRecords(decodeModel(encodeModel(structured))), sparseRecords(structured));
  });

  it('features: a MatMul\'s into the MatMul before (weight columns), a Gemm\'s into the Gemm before (weight rows and bias)', async () => {
    const tokens = tokenMlp();
    const a = sparsify(tokens, { density: 0.5, structured: true, seed: 4, layers: ['m2'] });
    assert.deepEqual(gathers(a.model), []);
    assert.deepEqual(sparseRecords(a.model)[0]?.folded, { node: 'm1', tensors: [{ name: 'm1.weight', axis: 1 }] });
    assert.ok(await relativeDifference(maskedDense(tokens, a.layers), a.model, feedsFor(tokens, 2)) < TOLERANCE);
    sameInitializers(densify(a.model), maskedDense(tokens, a.layers));
    const b = new ModelBuilder({ seed: 2, name: 'gemms' });
    const x = b.input('input', 'float32', ['N', 12]);
    const h = b.node('Relu', [b.node('Gemm', [x, b.param('g1.weight', [8, 12]), b.param('g1.bias', [8], { kind: 'normal', std: 0.5 })], { transB: 1 }, 'g1')], {}, 'relu');
    b.output(b.node('Gemm', [h, b.param('g2.weight', [8, 4]), b.param('g2.bias', [4], { kind: 'normal', std: 0.5 })], {}, 'g2'), 'float32', ['N', 4]);
    const gemms = b.build();
    const c = sparsify(gemms, { density: 0.5, structured: true, seed: 5, layers: ['g2'] });
    assert.deepEqual(sparseRecords(c.model)[0]?.folded, { node: 'g1', tensors: [{ name: 'g1.weight', axis: 0 }, { name: 'g1.bias', axis: 0 }] });
    assert.ok(await relativeDifference(maskedDense(gemms, c.layers), c.model, feedsFor(gemms, 3)) < TOLERANCE);
    sameInitializers(densify(c.model), maskedDense(gemms, c.layers));
  });

  it('not folded when the tensor on the way has another reader (here a graph output), or with foldPermutations: false', async () => {
    const model = junctionNet();
    const exposed: ModelProto = { ...model, graph: { ...model.graph, output: [...model.graph.output, valueInfo('r1', 'float32', ['N', 8, 6, 6])] } };
    const a = sparsify(exposed, { density: 0.25, structured: true, seed: 6 });
    assert.ok(gathers(a.model).includes('c2/permute'));
    assert.deepEqual(values(a.model, 'c1.weight'), values(model, 'c1.weight'));
    assert.ok(await relativeDifference(maskedDense(exposed, a.layers), a.model, feedsFor(model, 2)) < TOLERANCE);
    const b = sparsify(model, { density: 0.25, structured: true, seed: 6, foldPermutations: false });
    assert.deepEqual(gathers(b.model), ['c2/permute', 'fc1/permute', 'fc2/permute', 'fc3/permute']);
  });

  it('a cut between the two layers: head and tail compose to the whole; the tail densifies reading its input as it comes', async () => {
    const model = smallVgg({ seed: 4, width: 0.5, batchNorm: 'seeded' });
    const { model: structured } = sparsify(model, { density: 0.25, structured: true, seed: 3, headOf: 'block2.pool' });
    const parts = cutModel(analyze(graphFromModel(structured), { batch: 2 }), ['block1.relu1']);
    assert.deepEqual(presentRecords(parts.head), []);
    const tailRecord = presentRecords(parts.tail).find((r) => r.node === 'block1.conv2');
    assert.equal(tailRecord?.folded?.node, 'block1.conv1');
    const feeds = feedsFor(model, 2);
    const cut = (await runModel(parts.head, feeds))['block1.relu1']!;
    const tailFeeds = { 'block1.relu1': cut };
    assert.ok(await relativeDifference(parts.tail, densify(parts.tail), tailFeeds) < TOLERANCE);
    const whole = (await runModel(structured, feeds)).logits!.data as Float32Array;
    const split = (await runModel(parts.tail, tailFeeds)).logits!.data as Float32Array;
    assert.deepEqual(Array.from(split), Array.from(whole));
  });

  it('the layer that carries a fold is refused by a second sparsify, naming the structured layer', () => {
    const { model: structured } = sparsify(junctionNet(), { density: 0.25, structured: true, seed: 6 });
    assert.throws(() => sparsify(structured, { density: 0.5, layers: ['c1'] }),
      (e: unknown) => e instanceof BadRequestError && /layer "c1" \(Conv\) cannot be made sparse: its output channels come out in the input order of structured layer "c2"/.test(e.message));
  });

  it('a record whose order is not a permutation is a bad model', () => {
    const { model: structured } = sparsify(junctionNet(), { density: 0.25, structured: true, seed: 6 });
    const entry = structured.metadataProps?.find((e) => e.key === SPARSITY_KEY);
    const parsed = JSON.parse(entry?.value ?? '') as { layers: { order?: number[] }[] };
    const folded = parsed.layers.find((l) => l.order);
    folded!.order![0] = folded!.order![1]!;
    const broken: ModelProto = { ...structured, metadataProps: [{ key: SPARSITY_KEY, value: JSON.stringify(parsed) }] };
    assert.throws(() => sparseRecords(broken), (e: unknown) => e instanceof BadModelError && /"order" must list each of the layer's 8 inputs once/.test(e.message));
  });
});
