import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import { forwardConvsAsGemm } from '../../src/passes/conv-gemm.js';
import { shareIntConstants } from '../../src/passes/shared-constants.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { convModel } from '../../test-support/passes/conv-model.js';
import { assertCloseToScale, firstOutput, opTypes, shaped } from '../../test-support/passes/rewrite-checks.js';

describe('forwardConvsAsGemm: forward Convs of a training step as im2col GEMMs', () => {
  for (const [title, x, w, attrs, bias] of [
    ['7x7, pads 1, with bias', [16, 8, 7, 7], [12, 8, 3, 3], { pads: [1, 1, 1, 1] }, true],
    ['strides, dilation, asymmetric pads', [16, 3, 9, 8], [5, 3, 3, 2], { strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1] }, false],
    ['1-d with a long reduction', [16, 120, 20], [4, 120, 9], { pads: [4, 4] }, false],
  ] as const) {
    it(`computes what the Conv computes: ${title}`, async () => {
      const model = convModel(x, w, attrs, bias);
      const rewritten = forwardConvsAsGemm(shaped(model), new Set(['conv'])).model;
      assert.ok(!rewritten.graph.node.some((n) => n.opType === 'Conv'), 'the Conv is gone');
      assert.ok(rewritten.graph.node.some((n) => n.opType === 'Gather'));
      const feeds: Record<string, RunTensor> = { x: randomTensor('float32', x, 1), w: randomTensor('float32', w, 2) };
      if (bias) feeds.b = randomTensor('float32', [w[0]], 3);
      assertCloseToScale(await firstOutput(rewritten, feeds), await firstOutput(model, feeds), 1e-5);
    });
  }

  it('leaves Convs alone that are not named, small batches, groups, and large outputs with short reductions', () => {
    const cases: [readonly number[], readonly number[], Readonly<Record<string, AttrValue>>, ReadonlySet<string>][] = [
      [[16, 8, 7, 7], [12, 8, 3, 3], {}, new Set()],
      [[2, 8, 7, 7], [12, 8, 3, 3], {}, new Set(['conv'])],
      [[16, 8, 7, 7], [8, 2, 3, 3], { group: 4 }, new Set(['conv'])],
      [[16, 8, 14, 14], [12, 8, 3, 3], { pads: [1, 1, 1, 1] }, new Set(['conv'])],
    ];
    for (const [x, w, attrs, names] of cases) {
      const m = shaped(convModel(x, w, attrs, false));
      assert.equal(forwardConvsAsGemm(m, names), m);
    }
    // Shapes not known statically (a dim of -1) are left alone too.
    const m = shaped(convModel([16, 8, 7, 7], [12, 8, 3, 3], { pads: [1, 1, 1, 1] }, false));
    const shapes = new Map(m.shapes);
    shapes.set('x', { dtype: 'float32', shape: [16, 8, -1, 7] });
    assert.deepEqual(opTypes(forwardConvsAsGemm({ model: m.model, shapes }, new Set(['conv'])).model), ['Conv', 'Relu']);
  });
});

describe('shareIntConstants', () => {
  it('merges equal int64 initializers, keeps different ones and float ones, and the model computes the same', async () => {
    const b = new ModelBuilder({ opset: 17 });
    const x = b.input('x', 'float32', [2, 6]);
    const a = b.node('Reshape', [x, b.ints('shape_a', [3, 4])], {}, 'a');
    const c = b.node('Reshape', [x, b.ints('shape_b', [3, 4])], {}, 'c');
    const d = b.node('Reshape', [x, b.ints('shape_c', [4, 3])], {}, 'd');
    const one = b.constant('one', 'float32', [], [1]);
    const two = b.constant('one_again', 'float32', [], [1]);
    const s = b.node('Add', [b.node('Add', [a, c], {}, 's1'), b.node('Mul', [b.node('Reshape', [d, b.ints('shape_d', [3, 4])], {}, 'e'), b.node('Add', [one, two], {}, 'f')], {}, 'g')], {}, 's');
    b.output(s);
    const model = b.build();
    const shared = shareIntConstants({ model, shapes: new Map() }).model;
    const names = shared.graph.initializer.map((t) => t.name).sort();
    assert.deepEqual(names, ['one', 'one_again', 'shape_a', 'shape_c']);
    assert.equal(shared.graph.node.find((n) => n.name === 'c')?.input[1], 'shape_a');
    assert.equal(shared.graph.node.find((n) => n.name === 'e')?.input[1], 'shape_a');
    const feeds = { x: randomTensor('float32', [2, 6], 4) };
    assert.deepEqual(await firstOutput(shared, feeds), await firstOutput(model, feeds));
  });
});
