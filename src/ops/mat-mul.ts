import { type GradContext, reshape, sumToShape, transposeLast2 } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { FLOPS_PER_MAC, totalBytes } from '../graph/tensor-meta.js';
import { fail, required } from './shared/tensor-info.js';

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
  // Bounds: both operands have rank 1 or more (checked just below), so a 1-D operand has a[0] and a2, b2 at least 2 axes.
  const a = required(ctx, inputs, 0).shape;
  const b = required(ctx, inputs, 1).shape;
  if (a.length === 0 || b.length === 0) fail(ctx, 'operands must have rank 1 or more');
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const m = a2[a2.length - 2]!;
  const k = a2[a2.length - 1]!;
  const kb = b2[b2.length - 2]!;
  const n = b2[b2.length - 1]!;
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
    return { macs, flops: FLOPS_PER_MAC * macs, bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
  gradient: matMulGradient,
};

/**
 * dA = dY B^T, dB = A^T dY (over the last two axes), each summed over the batch axes its
 * operand was broadcast along. 1-D operands are made [1, K] / [K, 1] first, as MatMul does.
 */
function matMulGradient(g: GradContext): void {
  // Bounds: MatMul's inputs are 1-D or more (inferShape checked), so a2 and b2 have at least 2 axes and a 1-D operand its one.
  const a = g.inputInfo(0).shape;
  const b = g.inputInfo(1).shape;
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const batch = g.outputInfo(0).shape.slice(0, g.outputInfo(0).shape.length - (a.length === 1 ? 0 : 1) - (b.length === 1 ? 0 : 1));
  const m = a2[a2.length - 2]!;
  const n = b2[b2.length - 1]!;
  const full = [...batch, m, n];
  const dY = g.outputInfo(0).shape.length === full.length ? g.outGrad(0) : reshape(g, g.outGrad(0), full, 'dy_2d');
  const aIn = a.length === 1 ? reshape(g, g.input(0), a2, 'a_2d') : g.input(0);
  const bIn = b.length === 1 ? reshape(g, g.input(1), b2, 'b_2d') : g.input(1);
  if (g.needs(0)) {
    const da = g.emit('MatMul', [dY, transposeLast2(g, bIn, b2.length, 'b_t')], 'da_full');
    const daShape = [...batch, m, a2[a2.length - 1]!];
    g.setInputGrad(0, sumToShape(g, da, daShape, a.length === 1 ? [1, a[0]!] : a, 'da', a.length === 1 ? a : undefined));
  }
  if (g.needs(1)) {
    const db = g.emit('MatMul', [transposeLast2(g, aIn, a2.length, 'a_t'), dY], 'db_full');
    const dbShape = [...batch, b2[b2.length - 2]!, n];
    g.setInputGrad(1, sumToShape(g, db, dbShape, b.length === 1 ? [b[0]!, 1] : b, 'db', b.length === 1 ? b : undefined));
  }
}
