import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { assertFoldedLikeOrt, assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Dropout', () => {
  it('Dropout: inference is the identity, 0 FLOPs; mask is bool of X shape (opset 13)', async () => {
    const r = await checkOp('Dropout', [{ shape: [3, 4, 5] }], {}, { outputs: 2 });
    assertMatchesOrt(r);
    assert.deepEqual(r.inferred[1], { dtype: 'bool', shape: [3, 4, 5] });
    assert.equal(r.cost.flops, 0);
  });

  it('Dropout: opset 12+ ratio input with training_mode true costs 2 FLOPs per element', async () => {
    const r = await checkOp('Dropout', [{ shape: [4, 6] }, { shape: [], value: [0.3] }, { dtype: 'bool', shape: [], value: [1] }], {}, { outputs: 2 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 24); // compare a draw with the ratio, scale the kept value
    const off = await checkOp('Dropout', [{ shape: [4, 6] }, { shape: [], value: [0.3] }, { dtype: 'bool', shape: [], value: [0] }]);
    assertMatchesOrt(off);
    assert.equal(off.cost.flops, 0);
  });

  it('Dropout: opset 10 and 7 ratio attribute; the mask is X-typed before 10', async () => {
    const r10 = await checkOp('Dropout', [{ shape: [2, 5] }], { ratio: float(0.4) }, { opset: 10, outputs: 2 });
    assertMatchesOrt(r10);
    assert.equal(r10.inferred[1]?.dtype, 'bool');
    const r7 = await checkOp('Dropout', [{ shape: [2, 5] }], { ratio: float(0.4) }, { opset: 7, outputs: 2 });
    assertMatchesOrt(r7);
    assert.equal(r7.inferred[1]?.dtype, 'float32');
  });

  it('Dropout: inference on a constant folds to the input and an all-true mask', async () => {
    assertFoldedLikeOrt(await checkOp('Dropout', [{ shape: [4], value: [1, -2, 3, 0.5] }], {}, { outputs: 2 }));
  });
});
