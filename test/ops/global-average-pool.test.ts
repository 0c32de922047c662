import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('GlobalAveragePool', () => {
  it('GlobalAveragePool: every spatial dim becomes 1; FLOPs by window', async () => {
    const r = await checkOp('GlobalAveragePool', [{ shape: [2, 3, 7, 5] }]);
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 3, 1, 1]);
    assert.equal(r.cost.flops, 2 * 3 * 7 * 5); // S - 1 adds and a divide per (n, c) window of S = 35: one FLOP per input element
    assert.equal(r.cost.bytesWritten, 6 * 4);
  });

  it('GlobalAveragePool: 1-D and 3-D inputs', async () => {
    const r = await checkOp('GlobalAveragePool', [{ shape: [1, 4, 10] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 4 * 10);
    assertMatchesOrt(await checkOp('GlobalAveragePool', [{ shape: [1, 2, 3, 4, 5] }]));
  });
});
