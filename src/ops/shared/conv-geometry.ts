import type { OpContext } from '../op.js';
import { fail } from './tensor-info.js';

/** Geometry attributes shared by Conv, ConvTranspose and the pools, filled with their defaults. */
export interface ConvParams {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** begin pads then end pads, as ONNX lists them */
  readonly pads: readonly number[];
  readonly autoPad: string;
  readonly group: number;
  readonly ceilMode: boolean;
}

/** Reads the geometry of a conv or pool node whose spatial input dims are `spatial`. */
export function convParams(ctx: OpContext, inputShape: readonly number[], kernelFromWeight?: readonly number[]): ConvParams {
  const spatial = inputShape.length - 2;
  if (spatial < 1) fail(ctx, `input has rank ${inputShape.length}, expected at least 3 (N, C, spatial...)`);
  const kernel = ctx.attrs.ints('kernel_shape') ?? kernelFromWeight;
  if (!kernel || kernel.length !== spatial) fail(ctx, `kernel_shape must have ${spatial} values`);
  const ones = new Array<number>(spatial).fill(1);
  const strides = ctx.attrs.ints('strides', ones);
  const dilations = ctx.attrs.ints('dilations', ones);
  const pads = ctx.attrs.ints('pads', new Array<number>(2 * spatial).fill(0));
  if (strides.length !== spatial || dilations.length !== spatial || pads.length !== 2 * spatial) {
    fail(ctx, 'strides, dilations and pads must match the number of spatial dimensions');
  }
  return {
    kernel,
    strides,
    dilations,
    pads,
    autoPad: ctx.attrs.string('auto_pad', 'NOTSET'),
    group: ctx.attrs.int('group', 1),
    ceilMode: ctx.attrs.int('ceil_mode', 0) === 1,
  };
}

/** Spatial output dims of a convolution or pool (also resolving auto_pad SAME_* and VALID). */
export function convOutputShape(ctx: OpContext, spatialIn: readonly number[], p: ConvParams): number[] {
  // Bounds: i < spatialIn.length, the length of the geometry's kernel, strides and dilations; pads has twice as many.
  return spatialIn.map((inDim, i) => {
    const k = p.dilations[i]! * (p.kernel[i]! - 1) + 1;
    const s = p.strides[i]!;
    let out: number;
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') out = Math.ceil(inDim / s);
    else if (p.autoPad === 'VALID') out = Math.floor((inDim - k) / s) + 1;
    else {
      const total = inDim + p.pads[i]! + p.pads[i + spatialIn.length]! - k;
      out = (p.ceilMode ? Math.ceil(total / s) : Math.floor(total / s)) + 1;
      // With ceil_mode, a window that would start in the end padding is dropped.
      if (p.ceilMode && (out - 1) * s >= inDim + p.pads[i]!) out--;
    }
    if (out < 1) fail(ctx, `spatial dim ${i} of size ${inDim} is too small for kernel ${p.kernel[i]} (output ${out})`);
    return out;
  });
}

/** Explicit begin/end pads after resolving auto_pad (needed by cost and gradient rules). */
export function resolvedPads(spatialIn: readonly number[], spatialOut: readonly number[], p: ConvParams): number[] {
  // Bounds: i < n spatial axes, the length of the geometry's kernel, strides, dilations and of spatialOut; pads has 2 n.
  const n = spatialIn.length;
  if (p.autoPad !== 'SAME_UPPER' && p.autoPad !== 'SAME_LOWER') return p.autoPad === 'VALID' ? new Array<number>(2 * n).fill(0) : [...p.pads];
  const pads = new Array<number>(2 * n).fill(0);
  for (let i = 0; i < n; i++) {
    const k = p.dilations[i]! * (p.kernel[i]! - 1) + 1;
    const total = Math.max(0, (spatialOut[i]! - 1) * p.strides[i]! + k - spatialIn[i]!);
    const small = Math.floor(total / 2);
    pads[i] = p.autoPad === 'SAME_UPPER' ? small : total - small;
    pads[i + n] = total - pads[i]!;
  }
  return pads;
}

/**
 * The one-hot kernel [C*K, 1, ...kernel] that makes a Conv of group C copy each input channel's
 * K = prod(kernel) taps into K channels (im2col): output channel c*K + j reads tap j of channel c.
 */
export function im2colKernel(channels: number, kernel: readonly number[]): { dims: number[]; data: Float32Array } {
  const k = kernel.reduce((a, b) => a * b, 1);
  const data = new Float32Array(channels * k * k);
  for (let c = 0; c < channels; c++) for (let j = 0; j < k; j++) data[(c * k + j) * k + j] = 1;
  return { dims: [channels * k, 1, ...kernel], data };
}
