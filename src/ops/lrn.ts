import type { OpContext, OpDef } from './op.js';
import { fail, numel, required, sameAsFirst, totalBytes } from './shared/tensor-info.js';

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
    return sameAsFirst(ctx, inputs);
  },
  cost: (ctx, inputs, outputs) => ({
    flops: (2 * size(ctx) + 3) * numel(required(ctx, inputs, 0)),
    bytesRead: totalBytes(inputs),
    bytesWritten: totalBytes(outputs),
  }),
};
