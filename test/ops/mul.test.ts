import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('Mul', () => {
  it('Mul: broadcast shape matches ORT; one FLOP per output element', async () => {
    const r = await matchesOrt('Mul', [{ shape: [1, 3, 1] }, { shape: [2, 1, 5] }], {}, { opset: 9 });
    assert.equal(r.cost.flops, 30);
  });

  it('Mul: folds float and int64 values like ORT', async () => {
    await matchesOrt('Mul', [{ shape: [2, 3], value: iota(6, 0.5, -1) }, { shape: [3], value: [2, -1, 0.25] }]);
    await matchesOrt('Mul', [{ dtype: 'int64', shape: [2], value: [7, 224] }, { dtype: 'int64', shape: [1], value: [3] }], {}, { opset: 13 });
  });

  // ORT has no kernels before opset 7, so the legacy form is checked against hand-computed values.
  it('Mul: opset < 7 broadcasts B onto A from `axis` when broadcast=1', () => {
    const b = new ModelBuilder({ opset: 6 });
    const x = b.input('x', 'float32', [2, 3, 4, 5]);
    const scale = b.constant('scale', 'float32', [3], [1, 2, 3]);
    const y = b.node('Mul', [x, scale], { broadcast: 1, axis: 1 });
    const c = b.node('Mul', [b.constant('a', 'float32', [2, 3], iota(6)), b.constant('b', 'float32', [2], [10, 100])], { broadcast: 1, axis: 0 });
    const d = b.node('Mul', [b.constant('a2', 'float32', [2, 3], iota(6)), b.constant('b2', 'float32', [3], [1, 0, -1])], { broadcast: 1 });
    const bad = b.node('Mul', [x, scale], {}, 'no_broadcast');
    for (const o of [y, c, d, bad]) b.output(o);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.tensors.get(y)?.shape, [2, 3, 4, 5]);
    assert.deepEqual(Array.from(inf.tensors.get(c)?.value?.data ?? []), [0, 10, 20, 300, 400, 500]);
    assert.deepEqual(Array.from(inf.tensors.get(d)?.value?.data ?? []), [0, 0, -2, 3, 0, -5]);
    assert.equal(inf.issues.length, 1);
    assert.match(inf.issues[0]!.message, /no_broadcast.*broadcast is not set/);
  });
});
