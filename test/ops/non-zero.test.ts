import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('NonZero', () => {
  it('NonZero: folds constant inputs to [rank, count] coordinates, as ORT', async () => {
    await matchesOrt('NonZero', [{ shape: [2, 3], value: [0, 1, 0, 2, 0, 3] }], {}, { opset: 9 });
    await matchesOrt('NonZero', [{ dtype: 'int64', shape: [4], value: [0, 0, 0, 0] }], {}, { opset: 13 });
  });

  it('NonZero: a runtime input is reported (its output size is data-dependent), naming the node', () => {
    const b = new ModelBuilder({ opset: 13 });
    const y = b.node('NonZero', [b.input('x', 'float32', [4])], {}, 'nz');
    b.output(y, 'int64');
    const inf = inferShapes(graphFromModel(b.build()));
    assert.match(inf.issues[0]?.message ?? '', /nz.*depends on the input's values/);
  });
});
