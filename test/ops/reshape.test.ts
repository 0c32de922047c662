import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { inferShapes } from '../../src/analysis/infer.js';
import { makeTensor } from '../../src/onnx/tensor.js';
import { Session } from '../../src/runtime/session.js';
import { compareWithOrt, readStrippedModel } from '../../test-support/export-check.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('Reshape', () => {
  it('Reshape: -1 is inferred and 0 copies a dim, as ORT', async () => {
    const r = await matchesOrt('Reshape', [{ shape: [2, 3, 4, 5] }, ints([0, -1, 5])], {}, { opset: 13 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 12, 5]);
    assert.equal(r.cost.flops, 0);
    await matchesOrt('Reshape', [{ shape: [2, 3, 4] }, ints([-1])], {}, { opset: 9 });
    await matchesOrt('Reshape', [{ shape: [6, 4] }, ints([2, 0, -1])], {}, { opset: 11 });
  });

  it('Reshape: allowzero=1 keeps a literal 0 (opset 14+)', async () => {
    await matchesOrt('Reshape', [{ shape: [0, 3], value: [] }, ints([3, 0])], { allowzero: 1 }, { opset: 14 });
    await matchesOrt('Reshape', [{ shape: [3, 2], value: iota(6) }, ints([0, 2])], { allowzero: 0 }, { opset: 14 });
  });

  it('Reshape: opset < 5 takes the shape attribute', async () => {
    const b = new ModelBuilder({ opset: 4 });
    const x = b.input('x', 'float32', [2, 6]);
    const y = b.node('Reshape', [x], { shape: [3, -1] });
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.issues, []);
    assert.deepEqual(inf.tensors.get(y)?.shape, [3, 4]);
  });

  it('Reshape: folds constants', async () => {
    await matchesOrt('Reshape', [{ shape: [2, 3], value: iota(6) }, ints([3, -1])]);
  });

  it('Reshape: a non-constant shape is reported, naming the node', () => {
    const b = new ModelBuilder({ opset: 13 });
    const x = b.input('x', 'float32', [2, 6]);
    const s = b.input('s', 'int64', [2]);
    const y = b.node('Reshape', [x, s], {}, 'reshape_dyn');
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.equal(inf.issues.length, 1);
    assert.match(inf.issues[0]!.message, /reshape_dyn.*shape \(input 1\) is not a constant/);
  });
});

describe('Reshape in a PyTorch-style flatten chain', () => {
  // torch.flatten(x, 1) / x.view(x.size(0), -1) with a dynamic batch exports as
  // Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape, with Constant nodes for indices.
  for (const opset of [11, 13]) {
    it(`folds Shape -> Gather -> Unsqueeze -> Concat and sizes the Reshape (opset ${opset})`, async () => {
      const b = new ModelBuilder({ opset });
      const x = b.input('input', 'float32', ['batch', 16, 7, 7]);
      const relu = b.node('Relu', [x]);
      const shape = b.node('Shape', [relu]);
      const zero = b.node('Constant', [], { value: makeTensor('zero', 'int64', [], [0]) });
      const batch = b.node('Gather', [shape, zero], { axis: 0 });
      const unsq = opset >= 13 ? b.node('Unsqueeze', [batch, b.ints('axes', [0])]) : b.node('Unsqueeze', [batch], { axes: [0] });
      const minusOne = b.node('Constant', [], { value: makeTensor('m1', 'int64', [1], [-1]) });
      const target = b.node('Concat', [unsq, minusOne], { axis: 0 });
      const y = b.node('Reshape', [relu, target]);
      b.output(y);
      const model = b.build();
      const graph = graphFromModel(model);
      const inf = inferShapes(graph, { batch: 4 });
      assert.deepEqual(inf.issues, []);
      const folded = graph.nodes.filter((_, i) => inf.folded[i]).map((n) => n.opType).sort();
      assert.deepEqual(folded, ['Concat', 'Constant', 'Constant', 'Gather', 'Shape', 'Unsqueeze']);
      assert.deepEqual(Array.from(inf.tensors.get(target)?.value?.data ?? []), [4, -1]);
      assert.deepEqual(inf.tensors.get(y)?.shape, [4, 784]);
      const s = await Session.fromModel(model);
      try {
        const out = await s.run({ [x]: randomTensor('float32', [4, 16, 7, 7], 3) });
        assert.deepEqual(out[y]?.dims, [4, 784]);
      } finally {
        await s.release();
      }
    });
  }
});

describe('Reshape in a tf2onnx-style chain', () => {
  // tf.reshape(x, [tf.shape(x)[0], -1]) exports as Shape -> Cast(int32) -> Slice -> Concat -> Cast(int64) -> Reshape.
  it('folds Shape -> Cast -> Slice -> Concat -> Cast and sizes the Reshape, NHWC input (opset 13)', async () => {
    const b = new ModelBuilder({ opset: 13 });
    const x = b.input('input_1', 'float32', ['unk__12', 6, 6, 4]);
    const t = b.node('Transpose', [x], { perm: [0, 3, 1, 2] });
    const shape32 = b.node('Cast', [b.node('Shape', [t])], { to: 6 });
    const batch = b.node('Slice', [shape32, b.ints('begin', [0]), b.ints('end', [1]), b.ints('axes', [0])]);
    const target = b.node('Cast', [b.node('Concat', [batch, b.constant('m1', 'int32', [1], [-1])], { axis: 0 })], { to: 7 });
    const y = b.node('Reshape', [t, target]);
    b.output(y);
    const model = b.build();
    const graph = graphFromModel(model);
    const inf = inferShapes(graph, { batch: 5 });
    assert.deepEqual(inf.issues, []);
    assert.deepEqual(graph.nodes.filter((_, i) => !inf.folded[i]).map((n) => n.opType), ['Transpose', 'Reshape']);
    assert.deepEqual(Array.from(inf.tensors.get(target)?.value?.data ?? []), [5, -1]);
    assert.deepEqual(inf.tensors.get(y)?.shape, [5, 144]);
    const s = await Session.fromModel(model);
    try {
      const out = await s.run({ [x]: randomTensor('float32', [5, 6, 6, 4], 4) });
      assert.deepEqual(out[y]?.dims, [5, 144]);
    } finally {
      await s.release();
    }
  });
});

describe('Reshape and shape arithmetic in real PyTorch exports', () => {
  // view-flatten: x.view(x.size(0), -1); shufflenet: channel shuffle as Shape/Div/Reshape/Transpose.
  for (const file of ['torch/view-flatten-opset11.onnx', 'torch/shufflenet_v2_x1_0-opset11.onnx']) {
    it(`every tensor of ${file} has ORT's shape, every folded value ORT's value (batch 3)`, async () => {
      const r = await compareWithOrt(readStrippedModel(file), 3);
      assert.deepEqual(r.inference.issues, []);
      assert.deepEqual(r.mismatches, []);
      assert.ok(r.checked > 10);
      const graph = graphFromModel(readStrippedModel(file));
      const reshapes = graph.nodes.filter((n) => n.opType === 'Reshape');
      assert.ok(reshapes.length > 0);
      for (const n of reshapes) assert.equal(r.inference.tensors.get(n.output[0]!)?.shape[0], 3, `${n.name} keeps the batch`);
    });
  }

  it('vit_b_16 (opset 14): the ConstantOfShape/Equal/Where/Expand chains fold, no issues', () => {
    const graph = graphFromModel(readStrippedModel('torch/vit_b_16-opset14.onnx'));
    const inf = inferShapes(graph, { batch: 2 });
    assert.deepEqual(inf.issues, []);
    const folded = new Set(graph.nodes.filter((_, i) => inf.folded[i]).map((n) => n.opType));
    for (const op of ['Shape', 'Gather', 'ConstantOfShape', 'Where', 'Expand', 'Concat']) assert.ok(folded.has(op), `${op} folded`);
    assert.deepEqual(inf.tensors.get(graph.outputs[0]!.name)?.shape, [2, 1000]);
  });
});
