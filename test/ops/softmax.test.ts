import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Softmax', () => {
  it('Softmax: opset 13 default axis -1 keeps the shape; 5 FLOPs per element', async () => {
    const r = await checkOp('Softmax', [{ shape: [2, 3, 10] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 5 * 60); // compare, subtract max, exp, add, normalise on 60 elements
  });

  it('Softmax: opset 11 coerces to 2-D at axis (default 1, and explicit 2, -1)', async () => {
    for (const attrs of [{}, { axis: 2 }, { axis: -1 }] as Record<string, number>[]) {
      const r = await checkOp('Softmax', [{ shape: [2, 3, 4] }], attrs, { opset: 11 });
      assertMatchesOrt(r);
      assert.equal(r.cost.flops, 5 * 24);
    }
  });

  it('Softmax: an axis out of range is reported naming the node', async () => {
    await assert.rejects(checkOp('Softmax', [{ shape: [2, 3] }], { axis: 2 }), /Softmax node "op": axis 2 is out of range/);
  });
});
