import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('Gemm', () => {
  it('Gemm: A [4, 6] x B [6, 5] + C [5] broadcast; MACs M*N*K, FLOPs 2 MACs + bias adds', async () => {
    const r = await checkOp('Gemm', [{ shape: [4, 6] }, { shape: [6, 5] }, { shape: [5] }]);
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [4, 5]);
    assert.equal(r.cost.macs, 4 * 5 * 6);
    assert.equal(r.cost.flops, 2 * 4 * 5 * 6 + 4 * 5); // + one add of C per output element
    assert.equal(r.cost.bytesRead, (24 + 30 + 5) * 4);
    assert.equal(r.cost.bytesWritten, 20 * 4);
  });

  it('Gemm: transB swaps K and N (the PyTorch Linear layout), C of shape [1, N]', async () => {
    const r = await checkOp('Gemm', [{ shape: [3, 8] }, { shape: [10, 8] }, { shape: [1, 10] }], { transB: 1 });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [3, 10]);
    assert.equal(r.cost.macs, 3 * 10 * 8);
  });

  it('Gemm: transA and transB together, C of shape [M, 1], alpha and beta each cost a multiply', async () => {
    const r = await checkOp('Gemm', [{ shape: [7, 2] }, { shape: [3, 7] }, { shape: [2, 1] }], { transA: 1, transB: 1, alpha: 0.5, beta: float(2) });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 3]);
    assert.equal(r.cost.macs, 2 * 3 * 7);
    assert.equal(r.cost.flops, 2 * 42 + 3 * 6); // alpha scale, beta scale, add C on 6 outputs
  });

  it('Gemm: C omitted (opset 11+); scalar C; K mismatch is reported', async () => {
    const r = await checkOp('Gemm', [{ shape: [2, 3] }, { shape: [3, 4] }], {}, { opset: 13 });
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 2 * 24);
    assertMatchesOrt(await checkOp('Gemm', [{ shape: [2, 3] }, { shape: [3, 4] }, { shape: [] }]));
    await assert.rejects(checkOp('Gemm', [{ shape: [2, 3] }, { shape: [4, 4] }]), /inner dimensions differ/);
  });
});
