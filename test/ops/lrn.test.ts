import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { float, ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('LRN', () => {
  it('LRN: AlexNet settings keep the shape; 2 * size + 3 FLOPs per element', async () => {
    const r = await checkOp('LRN', [{ shape: [2, 8, 5, 5] }], { size: 5, alpha: 0.0001, beta: 0.75, bias: float(2) });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, (2 * 5 + 3) * 2 * 8 * 25); // 5 squares, 4 adds, scale, bias, pow, divide
  });

  it('LRN: size 3 with defaults', async () => {
    const r = await checkOp('LRN', [{ shape: [1, 4, 3, 3] }], { size: 3 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 9 * 36);
  });

  it('LRN: an input without spatial axes is reported, naming the node (the window runs over C of [N, C, D1, ...])', () => {
    const b = new ModelBuilder({ opset: 13 });
    b.output(b.node('LRN', [b.input('x', 'float32', [2, 8])], { size: 3 }, 'lrn'));
    const inf = inferShapes(graphFromModel(b.build()));
    assert.match(inf.issues[0]?.message ?? '', /lrn.*rank 2; LRN needs \[N, C, D1, \.\.\.\]/);
  });
});
