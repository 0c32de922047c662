import type { OpDef } from './op.js';
import { fail, normAxis, numel, required, totalBytes } from './shared/tensor-info.js';

/**
 * LayerNormalization (opset 17): normalise over the axes from `axis` to the last, then scale
 * and shift. Y has X's shape; the optional Mean and InvStdDev outputs keep the leading dims and
 * have 1s from `axis` on. Per element: 8 FLOPs (sum for the mean, subtract, square, sum for the
 * variance, subtract again, multiply by 1/std, scale, shift).
 */
export const layerNormalization: OpDef = {
  opType: 'LayerNormalization',
  sinceVersion: 17,
  differentiable: [true, true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const scale = required(ctx, inputs, 1);
    const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.shape.length);
    const normalized = x.shape.slice(axis);
    if (numel(scale) !== normalized.reduce((a, b) => a * b, 1)) {
      fail(ctx, `scale has shape [${scale.shape.join(', ')}], which does not broadcast to the normalised dims [${normalized.join(', ')}]`);
    }
    const statShape = x.shape.map((d, i) => (i < axis ? d : 1));
    const stashType = ctx.attrs.int('stash_type', 1) === 1 ? 'float32' : x.dtype;
    return ctx.node.output.map((_, i) => (i === 0 ? { dtype: x.dtype, shape: x.shape } : { dtype: stashType, shape: statShape }));
  },
  cost(ctx, inputs, outputs) {
    return { flops: 8 * numel(required(ctx, inputs, 0)), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) };
  },
};
