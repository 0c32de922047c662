import { float } from '../graph/builder.js';
import { type GradContext, sumToShape } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { FLOPS_PER_MAC, totalBytes } from '../graph/tensor-meta.js';
import { fail, required } from './shared/tensor-info.js';

interface GemmDims {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

function dims(ctx: OpContext, inputs: Inputs): GemmDims {
  const a = required(ctx, inputs, 0);
  const b = required(ctx, inputs, 1);
  if (a.shape.length !== 2 || b.shape.length !== 2) fail(ctx, `A and B must be 2-D, are [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  const transA = ctx.attrs.int('transA', 0) === 1;
  const transB = ctx.attrs.int('transB', 0) === 1;
  const [m, k] = (transA ? [a.shape[1], a.shape[0]] : a.shape) as [number, number];
  const [kb, n] = (transB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
  if (k !== kb) fail(ctx, `inner dimensions differ: A gives K = ${k}, B gives K = ${kb} (transA ${Number(transA)}, transB ${Number(transB)})`);
  return { m, k, n };
}

/**
 * Gemm (opset 1+; C optional since 11): Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A,
 * C broadcast unidirectionally to (M, N). M*N*K MACs; FLOPs = 2 MACs, plus per output element
 * 1 for scaling by alpha when alpha != 1, 1 for adding C and 1 for scaling C when beta != 1.
 */
export const gemm: OpDef = {
  opType: 'Gemm',
  sinceVersion: 1,
  differentiable: [true, true, true],
  inferShape(ctx, inputs) {
    const { m, n } = dims(ctx, inputs);
    const c = inputs[2];
    if (c) {
      const bc = broadcastShapes(ctx, [[m, n], c.shape]);
      if (bc.length !== 2 || bc[0] !== m || bc[1] !== n) fail(ctx, `C of shape [${c.shape.join(', ')}] does not broadcast to [${m}, ${n}]`);
    }
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: [m, n] }];
  },
  cost(ctx, inputs, [y]) {
    const { m, k, n } = dims(ctx, inputs);
    const macs = m * n * k;
    const alpha = ctx.attrs.float('alpha', 1);
    const beta = ctx.attrs.float('beta', 1);
    const perOut = (alpha !== 1 ? 1 : 0) + (inputs[2] && beta !== 0 ? 1 + (beta !== 1 ? 1 : 0) : 0);
    return { macs, flops: FLOPS_PER_MAC * macs + perOut * m * n, bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
  gradient: gemmGradient,
};

/**
 * With A' = op(A), B' = op(B): dA' = alpha dY B'^T, dB' = alpha A'^T dY, dC = beta dY summed
 * to C's shape. Each is one Gemm whose trans flags absorb op() and the transposes.
 */
function gemmGradient(g: GradContext): void {
  const transA = g.attrs.int('transA', 0) === 1;
  const transB = g.attrs.int('transB', 0) === 1;
  const alpha = float(g.attrs.float('alpha', 1));
  const beta = g.attrs.float('beta', 1);
  const [a, b, dY] = [g.input(0), g.input(1), g.outGrad(0)];
  if (g.needs(0)) {
    // transA = 0: dA = alpha dY B'^T;  transA = 1: dA = alpha B' dY^T.
    const da = transA
      ? g.emit('Gemm', [b, dY], 'da', { alpha, transA: transB ? 1 : 0, transB: 1 })
      : g.emit('Gemm', [dY, b], 'da', { alpha, transB: transB ? 0 : 1 });
    g.setInputGrad(0, da);
  }
  if (g.needs(1)) {
    // transB = 0: dB = alpha A'^T dY;  transB = 1: dB = alpha dY^T A'.
    const db = transB
      ? g.emit('Gemm', [dY, a], 'db', { alpha, transA: 1, transB: transA ? 1 : 0 })
      : g.emit('Gemm', [a, dY], 'db', { alpha, transA: transA ? 0 : 1 });
    g.setInputGrad(1, db);
  }
  if (g.needs(2)) {
    const scaled = beta === 1 ? dY : g.emit('Mul', [dY, g.constant('beta', 'float32', [], [beta])], 'dc_scaled');
    g.setInputGrad(2, sumToShape(g, scaled, g.outputInfo(0).shape, g.inputInfo(2).shape, 'dc'));
  }
}
