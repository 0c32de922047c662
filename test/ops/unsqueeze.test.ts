import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { inferShapes } from '../../src/analysis/infer.js';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Unsqueeze', () => {
  it('Unsqueeze: axes attribute before opset 13 (negative since 11)', async () => {
    await matchesOrt('Unsqueeze', [{ shape: [3, 4] }], { axes: [0, 3] }, { opset: 9 });
    await matchesOrt('Unsqueeze', [{ shape: [3, 4] }], { axes: [-1, 1] }, { opset: 11 });
  });

  it('Unsqueeze: axes input from opset 13; folds the scalar -> [1] step of shape chains', async () => {
    const r = await matchesOrt('Unsqueeze', [{ shape: [3, 4] }, { dtype: 'int64', shape: [2], value: [1, -1] }], {}, { opset: 13, fold: false });
    assert.deepEqual(r.inferred[0]?.shape, [3, 1, 4, 1]);
    await matchesOrt('Unsqueeze', [{ dtype: 'int64', shape: [], value: [5] }, { dtype: 'int64', shape: [1], value: [0] }], {}, { opset: 13 });
    await matchesOrt('Unsqueeze', [{ dtype: 'int64', shape: [], value: [5] }], { axes: [0] }, { opset: 11 });
  });

  it('Unsqueeze: non-constant axes are reported, naming the node', () => {
    const b = new ModelBuilder({ opset: 13 });
    const y = b.node('Unsqueeze', [b.input('x', 'float32', [3]), b.input('a', 'int64', [1])], {}, 'unsq');
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.match(inf.issues[0]?.message ?? '', /unsq.*axes \(input 1\) is not a constant/);
  });
});
