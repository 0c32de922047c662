import type { Inputs, OpContext, OpDef } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { fail, required, totalBytes } from './shared/tensor-info.js';

interface MatMulDims {
  readonly batch: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly out: readonly number[];
}

/**
 * NumPy matmul: a 1-D A is a row vector (its 1 dropped from the output), a 1-D B a column
 * vector (likewise); leading dims broadcast.
 */
function dims(ctx: OpContext, inputs: Inputs): MatMulDims {
  const a = required(ctx, inputs, 0).shape;
  const b = required(ctx, inputs, 1).shape;
  if (a.length === 0 || b.length === 0) fail(ctx, 'operands must have rank 1 or more');
  const a2 = a.length === 1 ? [1, a[0] as number] : a;
  const b2 = b.length === 1 ? [b[0] as number, 1] : b;
  const m = a2[a2.length - 2] as number;
  const k = a2[a2.length - 1] as number;
  const kb = b2[b2.length - 2] as number;
  const n = b2[b2.length - 1] as number;
  if (k !== kb) fail(ctx, `inner dimensions differ: A [${a.join(', ')}] has K = ${k}, B [${b.join(', ')}] has K = ${kb}`);
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { batch, m, k, n, out };
}

/** MatMul (opset 1+, NumPy semantics): batch * M * N * K MACs, FLOPs = 2 MACs. */
export const matMul: OpDef = {
  opType: 'MatMul',
  sinceVersion: 1,
  differentiable: [true, true],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: [...dims(ctx, inputs).out] }];
  },
  cost(ctx, inputs, [y]) {
    const { batch, m, k, n } = dims(ctx, inputs);
    const macs = batch.reduce((p, d) => p * d, 1) * m * n * k;
    return { macs, flops: 2 * macs, bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
};
