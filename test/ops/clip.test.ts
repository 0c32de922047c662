import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Clip', () => {
  it('Clip: opset 11+ bounds as inputs; one compare per element per bound', async () => {
    const r = await checkOp('Clip', [{ shape: [2, 3, 4] }, { shape: [], value: [-0.5] }, { shape: [], value: [0.5] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 24); // max with min, min with max on 24 elements
  });

  it('Clip: opset 11+ with only max given (min omitted) costs one compare', async () => {
    const r = await checkOp('Clip', [{ shape: [5, 2] }, { shape: [], omitted: true }, { shape: [], value: [6] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 10);
  });

  it('Clip: opset 6 takes the attributes min and max', async () => {
    const r = await checkOp('Clip', [{ shape: [4, 3] }], { min: float(0), max: float(6) }, { opset: 6 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 12);
  });

  it('Clip: folds constants, opset 6 and 13', async () => {
    const value = [-3, -0.2, 0, 0.4, 7, 2];
    assertFoldedLikeOrt(await checkOp('Clip', [{ shape: [6], value }], { min: float(-1), max: float(1) }, { opset: 6 }));
    assertFoldedLikeOrt(await checkOp('Clip', [{ shape: [6], value }, { shape: [], value: [0] }, { shape: [], value: [6] }], {}, { opset: 13 }));
  });
});
