import { type GradContext, ints, reshape } from './grad-context.js';
import type { OpContext, OpDef } from './op.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import { fail, required, sameAsFirst } from './shared/tensor-info.js';

function size(ctx: OpContext): number {
  const s = ctx.attrs.int('size');
  if (s === undefined || s < 1) fail(ctx, 'attribute size (a positive window length) is required');
  return s;
}

/**
 * LRN (opset 1+): y = x / (bias + alpha / size * sum of x^2 over `size` neighbouring
 * channels)^beta. 2 * size + 3 FLOPs per element: size squares, size - 1 adds, then multiply,
 * add bias, pow and divide.
 */
export const lrn: OpDef = {
  opType: 'LRN',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    size(ctx);
    const x = required(ctx, inputs, 0);
    // ONNX defines X as [N, C, D1, ...]: the window runs over C.
    if (x.shape.length < 3) fail(ctx, `input has rank ${x.shape.length}; LRN needs [N, C, D1, ...]`);
    return sameAsFirst(ctx, inputs);
  },
  cost: (ctx, inputs, outputs) => ({
    flops: (2 * size(ctx) + 3) * numel(required(ctx, inputs, 0)),
    bytesRead: totalBytes(inputs),
    bytesWritten: totalBytes(outputs),
  }),
  gradient: lrnGradient,
};

/**
 * Sum over the channel window of each channel as a Conv: [N, C, ...] viewed as [N, 1, C, R]
 * with a [1, 1, size, 1] kernel of ones and pads `before`/`after` on the channel axis.
 */
function channelWindowSum(g: GradContext, t: string, [n, c, r, k]: readonly number[], ones: string, before: number, after: number, purpose: string): string {
  // Bounds: the caller passes [n, c, r, k], all four.
  const viewed = reshape(g, t, [n!, 1, c!, r!], `${purpose}_view`);
  return g.emit('Conv', [viewed, ones], purpose, { kernel_shape: [k!, 1], pads: [before, 0, after, 0] });
}

/**
 * With s = bias + alpha / size * W(x^2), W the window sum over channels c - floor((size-1)/2)
 * .. c + ceil((size-1)/2), and y = x s^-beta:
 * dx = dy s^-beta - (2 alpha beta / size) x W^T(dy y / s), W^T the window with its offsets
 * mirrored (pads swapped). s is recomputed from x (not from y / x, which fails at x = 0).
 */
function lrnGradient(g: GradContext): void {
  // Bounds: LRN's X is [N, C, D1, ...] (its shape rule requires rank >= 3).
  const x = g.inputInfo(0);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const r = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const k = size(g.ctx);
  const dims = [n, c, r, k];
  const alpha = g.attrs.float('alpha', 0.0001);
  const beta = g.attrs.float('beta', 0.75);
  const bias = g.attrs.float('bias', 1);
  const [before, after] = [Math.floor((k - 1) / 2), Math.ceil((k - 1) / 2)];
  const dtype = x.dtype;
  const ones = g.emit('Expand', [g.constant('one', dtype, [], [1]), ints(g, 'kernel_shape', [1, 1, k, 1])], 'ones');
  const squares = g.emit('Mul', [g.input(0), g.input(0)], 'x_squared');
  const windowSum = reshape(g, channelWindowSum(g, squares, dims, ones, before, after, 'window_sum'), x.shape, 'window_sum_x');
  const s = g.emit('Add', [g.constant('bias', dtype, [], [bias]), g.emit('Mul', [windowSum, g.constant('alpha_over_size', dtype, [], [alpha / k])], 'scaled_sum')], 's');
  const dy = g.outGrad(0);
  const direct = g.emit('Mul', [dy, g.emit('Pow', [s, g.constant('minus_beta', dtype, [], [-beta])], 's_pow')], 'direct');
  const t = g.emit('Div', [g.emit('Mul', [dy, g.output(0)], 'dy_y'), s], 'dy_y_over_s');
  const spread = reshape(g, channelWindowSum(g, t, dims, ones, after, before, 'adjoint_sum'), x.shape, 'adjoint_sum_x');
  const cross = g.emit('Mul', [g.emit('Mul', [g.input(0), spread], 'x_spread'), g.constant('coef', dtype, [], [(2 * alpha * beta) / k])], 'cross');
  g.setInputGrad(0, g.emit('Sub', [direct, cross], 'dx'));
}
