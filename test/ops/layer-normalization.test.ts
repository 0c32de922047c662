import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOp } from '../../test-support/op-check.js';

describe('LayerNormalization', () => {
  it('LayerNormalization: Y keeps the shape, Mean/InvStdDev keep dims before axis; 8 FLOPs per element', async () => {
    const r = await checkOp('LayerNormalization', [{ shape: [2, 5, 6] }, { shape: [6], value: new Array(6).fill(1) }, { shape: [6], value: new Array(6).fill(0) }], { axis: -1 }, { outputs: 3 });
    for (let i = 0; i < 3; i++) assert.deepEqual(r.inferred[i]?.shape, r.actual[i]?.dims);
    assert.deepEqual(r.actual[1]?.dims, [2, 5, 1]);
    assert.equal(r.cost.flops, 8 * 2 * 5 * 6);
  });

  it('LayerNormalization: axis 1 normalises over every later dim', async () => {
    const r = await checkOp('LayerNormalization', [{ shape: [3, 4, 2] }, { shape: [4, 2], value: new Array(8).fill(1) }], { axis: 1 }, { outputs: 2 });
    assert.deepEqual(r.inferred[1]?.shape, r.actual[1]?.dims);
    assert.deepEqual(r.actual[1]?.dims, [3, 1, 1]);
  });
});
