import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext } from '../op.js';
import { type ConvParams, convOutputShape, convParams } from './conv-geometry.js';
import { fail, required } from './tensor-info.js';

/** Geometry of a MaxPool/AveragePool node and its output shape (N, C, pooled spatial...). */
export function poolShape(ctx: OpContext, inputs: Inputs): { readonly p: ConvParams; readonly shape: number[] } {
  const x = required(ctx, inputs, 0);
  if (!ctx.attrs.has('kernel_shape')) fail(ctx, 'kernel_shape is required');
  const p = convParams(ctx, x.shape);
  return { p, shape: [x.shape[0]!, x.shape[1]!, ...convOutputShape(ctx, x.shape.slice(2), p)] }; // convParams checked X is [N, C, ...spatial]
}

/** Elements in one pooling window (padding included). */
export function windowSize(p: ConvParams): number {
  return p.kernel.reduce((a, k) => a * k, 1);
}

/** GlobalAveragePool / GlobalMaxPool output: every spatial dim becomes 1. */
export function globalPoolShape(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const x = required(ctx, inputs, 0);
  if (x.shape.length < 3) fail(ctx, `input has rank ${x.shape.length}, expected at least 3 (N, C, spatial...)`);
  return [{ dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] }]; // rank >= 3, checked just above
}
