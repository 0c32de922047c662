import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('MatMul', () => {
  it('MatMul: 2-D [5, 3] x [3, 4]; MACs M*N*K, FLOPs 2 MACs', async () => {
    const r = await checkOp('MatMul', [{ shape: [5, 3] }, { shape: [3, 4] }]);
    assertMatchesOrt(r);
    assert.equal(r.cost.macs, 5 * 4 * 3);
    assert.equal(r.cost.flops, 2 * 60);
  });

  it('MatMul: batch dims broadcast, [2, 1, 5, 3] x [4, 3, 6] -> [2, 4, 5, 6]', async () => {
    const r = await checkOp('MatMul', [{ shape: [2, 1, 5, 3] }, { shape: [4, 3, 6] }]);
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 4, 5, 6]);
    assert.equal(r.cost.macs, 2 * 4 * 5 * 6 * 3); // 8 matrix products of 5x3 by 3x6
  });

  it('MatMul: 1-D operands drop their unit dims (vector-matrix, matrix-vector, dot)', async () => {
    const vm = await checkOp('MatMul', [{ shape: [3] }, { shape: [2, 3, 4] }]);
    assertMatchesOrt(vm);
    assert.deepEqual(vm.actual[0]?.dims, [2, 4]);
    assert.equal(vm.cost.macs, 2 * 4 * 3);
    const mv = await checkOp('MatMul', [{ shape: [2, 5, 3] }, { shape: [3] }]);
    assertMatchesOrt(mv);
    assert.deepEqual(mv.actual[0]?.dims, [2, 5]);
    assert.equal(mv.cost.macs, 2 * 5 * 3);
    const dot = await checkOp('MatMul', [{ shape: [6] }, { shape: [6] }]);
    assertMatchesOrt(dot);
    assert.deepEqual(dot.actual[0]?.dims, []);
    assert.equal(dot.cost.flops, 12);
  });

  it('MatMul: mismatched inner dims are reported', async () => {
    await assert.rejects(checkOp('MatMul', [{ shape: [2, 3] }, { shape: [4, 2] }]), /inner dimensions differ/);
  });
});
