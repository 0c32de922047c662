import type { OpDef } from './op.js';
import { fail, numel, required, sameAsFirst, totalBytes } from './shared/tensor-info.js';

/**
 * InstanceNormalization (opset 1+): per (n, c) mean and variance over the spatial dims, then
 * scale and shift. 8 FLOPs per element: mean (add), variance (subtract, square, add),
 * normalise (subtract, multiply by 1/std), scale, shift; the per-(n, c) divides and sqrt are
 * not counted.
 */
export const instanceNormalization: OpDef = {
  opType: 'InstanceNormalization',
  sinceVersion: 1,
  differentiable: [true, true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    if (x.shape.length < 3) fail(ctx, `input has rank ${x.shape.length}, expected at least 3 (N, C, spatial...)`);
    for (const i of [1, 2]) {
      const t = required(ctx, inputs, i);
      if (t.shape.length !== 1 || t.shape[0] !== x.shape[1]) fail(ctx, `input ${i} has shape [${t.shape.join(', ')}], expected [${x.shape[1]}]`);
    }
    return sameAsFirst(ctx, inputs);
  },
  cost: (ctx, inputs, outputs) => ({ flops: 8 * numel(required(ctx, inputs, 0)), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) }),
};
