import type { OpContext, OpDef } from '../op.js';
import { elementwiseCost, fail, normAxis, required, sameAsFirst } from './tensor-info.js';

/**
 * The axis Softmax/LogSoftmax normalise over. Before opset 13 the input is coerced to
 * 2-D at `axis` (default 1; axis == rank is allowed: rows of one element); since 13 a single
 * axis, default -1.
 */
export function softmaxAxis(ctx: OpContext, rank: number): number {
  if (ctx.opset < 13) {
    const axis = ctx.attrs.int('axis', 1);
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a > rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
    return a;
  }
  return normAxis(ctx, ctx.attrs.int('axis', -1), rank);
}

/**
 * Softmax and LogSoftmax (opset 1+; semantics of axis changed in 13). 5 FLOPs per element:
 * compare (running max), subtract the max, exp, add (running sum), and divide (Softmax) or
 * subtract the log-sum (LogSoftmax; the one log per row is not counted).
 */
export function softmaxLike(opType: string): OpDef {
  return {
    opType,
    sinceVersion: 1,
    differentiable: [true],
    inferShape(ctx, inputs) {
      softmaxAxis(ctx, required(ctx, inputs, 0).shape.length);
      return sameAsFirst(ctx, inputs);
    },
    cost: elementwiseCost(5),
  };
}
