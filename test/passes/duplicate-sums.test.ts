import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { withoutDuplicateSums } from '../../src/passes/duplicate-sums.js';
import { assertCloseToScale, firstOutput, opTypes } from '../../test-support/passes/rewrite-checks.js';
import { randomTensor } from '../../test-support/random-tensor.js';

describe('withoutDuplicateSums', () => {
  it('keeps the first of two Sums of the same inputs and points readers at it', async () => {
    const b = new ModelBuilder({ seed: 2, opset: 17 });
    const x = b.input('x', 'float32', [2, 3]);
    const n = b.node('Neg', [x], {}, 'n');
    const s1 = b.node('Sum', [x, n, x], {}, 's1');
    const s2 = b.node('Sum', [x, n, x], {}, 's2');
    b.output(b.node('Mul', [s1, b.node('Relu', [s2], {}, 'r')], {}, 'y'));
    b.output(s2);
    const m = b.build();
    const d = withoutDuplicateSums({ model: m, shapes: new Map() }).model;
    assert.equal(opTypes(d).filter((o) => o === 'Sum').length, 1);
    const feeds = { x: randomTensor('float32', [2, 3], 3) };
    assertCloseToScale(await firstOutput(d, feeds), await firstOutput(m, feeds), 1e-6);
    assert.ok(d.graph.node.some((nd) => nd.output[0] === 's2' && nd.opType === 'Identity'));
  });
});
