import type { OpDef, TensorInfo } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { broadcastEvaluate, MAX_FOLD_ELEMENTS } from './shared/elementwise.js';
import { elementwiseCost, fail, numel, required } from './shared/tensor-info.js';

/**
 * PRelu (opset 7+: slope broadcasts unidirectionally to X): x < 0 ? slope * x : x. The output
 * has X's shape. 2 FLOPs per element: compare, multiply.
 */
export const prelu: OpDef = {
  opType: 'PRelu',
  sinceVersion: 7,
  differentiable: [true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const slope = required(ctx, inputs, 1);
    const b = broadcastShapes(ctx, [x.shape, slope.shape]);
    if (b.length !== x.shape.length || b.some((d, i) => d !== x.shape[i])) {
      fail(ctx, `slope of shape [${slope.shape.join(', ')}] does not broadcast to X's shape [${x.shape.join(', ')}]`);
    }
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  cost: elementwiseCost(2),
  evaluate(ctx, inputs) {
    const [x, slope] = [inputs[0]?.value, inputs[1]?.value];
    const [y] = this.inferShape(ctx, inputs) as [TensorInfo];
    if (!x || !slope || numel(y) > MAX_FOLD_ELEMENTS) return undefined;
    return [broadcastEvaluate([x, slope], y.shape, y.dtype, ([v, s]) => ((v as number) < 0 ? (s as number) * (v as number) : (v as number)))];
  },
};
