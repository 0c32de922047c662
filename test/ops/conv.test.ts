import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOp } from '../../test-support/op-check.js';

describe('Conv', () => {
  it('Conv: shape matches ORT with stride, pads and dilation; FLOPs = 2 * MACs + bias adds', async () => {
    const r = await checkOp('Conv', [{ shape: [2, 4, 11, 9] }, { shape: [6, 4, 3, 3], value: new Array(6 * 4 * 9).fill(0.1) }, { shape: [6], value: new Array(6).fill(0) }], {
      strides: [2, 1], pads: [1, 0, 1, 2], dilations: [1, 2],
    });
    assert.deepEqual(r.inferred[0]?.shape, r.actual[0]?.dims);
    const out = 2 * 6 * 6 * 7; // N * Cout * H' * W' with H' = (11+2-3)/2+1 = 6, W' = (9+2-5)/1+1 = 7
    assert.deepEqual(r.actual[0]?.dims, [2, 6, 6, 7]);
    assert.equal(r.cost.flops, out * (2 * 4 * 3 * 3) + out);
  });

  it('Conv: groups divide the MACs; SAME_UPPER keeps the size at stride 1', async () => {
    const r = await checkOp('Conv', [{ shape: [1, 8, 7, 7] }, { shape: [8, 2, 3, 3], value: new Array(8 * 2 * 9).fill(0.1) }], {
      group: 4, auto_pad: 'SAME_UPPER',
    });
    assert.deepEqual(r.inferred[0]?.shape, r.actual[0]?.dims);
    assert.deepEqual(r.actual[0]?.dims, [1, 8, 7, 7]);
    assert.equal(r.cost.flops, 8 * 7 * 7 * 2 * 2 * 9);
  });
});
