import type { OpDef } from './op.js';
import { elementwiseCost, fail, normAxis, required, sameAsFirst } from './shared/tensor-info.js';

/**
 * LpNormalization (opset 1+): x / ||x||_p along `axis` (default -1), p 1 or 2. 3 FLOPs per
 * element: square (or abs), add, divide; the one sqrt per vector is not counted.
 */
export const lpNormalization: OpDef = {
  opType: 'LpNormalization',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    normAxis(ctx, ctx.attrs.int('axis', -1), x.shape.length);
    const p = ctx.attrs.int('p', 2);
    if (p !== 1 && p !== 2) fail(ctx, `p must be 1 or 2, is ${p}`);
    return sameAsFirst(ctx, inputs);
  },
  cost: elementwiseCost(3),
};
